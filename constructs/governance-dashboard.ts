import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, IConstruct } from 'constructs';
import { VariantMetrics, VariantMetricSource } from './private/endpoint-metrics';
import type { KillSwitch } from './kill-switch';

/** One endpoint's row on the stack's {@link GovernanceDashboard}. */
export interface GovernanceDashboardEndpointOptions extends VariantMetricSource {
  /**
   * Alarms shown in the row's alarm-state widget.
   * @default - no alarm widget: the row starts with the endpoint's name
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * The endpoint's kill switch, whose Paused and FailClosed metrics the row graphs.
   * @default - no kill-switch graph (attach one later with `GovernanceDashboard.addKillSwitch`)
   */
  readonly killSwitch?: KillSwitch;
}

/** Props of {@link GovernanceDashboard}. */
export interface GovernanceDashboardProps {
  /**
   * Dashboard name.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/**
 * One CloudWatch dashboard for every governed endpoint of a stack: a row per endpoint with its alarm states, error
 * rates, p99 latency, utilisation and kill-switch state (1 = paused). `GovernedEndpoint` adds its row unless
 * `alarms.stackDashboard` is false; {@link of} creates the dashboard on first use.
 */
export class GovernanceDashboard extends Construct {
  /** The construct ID of the stack's dashboard, a direct child of the stack. */
  public static readonly STACK_SINGLETON_ID = 'GovernanceDashboard';

  /** The stack's governance dashboard, created on first use. */
  public static of(scope: IConstruct): GovernanceDashboard {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(GovernanceDashboard.STACK_SINGLETON_ID);
    if (existing instanceof GovernanceDashboard) {
      return existing;
    }
    return new GovernanceDashboard(stack, GovernanceDashboard.STACK_SINGLETON_ID);
  }

  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  private readonly rows: EndpointRow[] = [];

  constructor(scope: Construct, id: string, props: GovernanceDashboardProps = {}) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({
      markdown: '# Governed endpoints\nA row per endpoint: alarm states, error rates, p99 latency, utilisation, kill switch (1 = paused). ' +
        'Pause: `governed-endpoint pause <endpoint> --reason "..."`; resume: `governed-endpoint resume <endpoint> --reason "..."`.',
      width: 24,
      height: 2,
    }));
  }

  /** The names of the endpoints with a row, in the order they were added. */
  public get endpointNames(): string[] {
    return this.rows.map((r) => r.options.endpointName);
  }

  /** Add a row for an endpoint at the bottom of the dashboard. */
  public addEndpoint(options: GovernanceDashboardEndpointOptions): void {
    const row = new EndpointRow(options);
    this.rows.push(row);
    this.dashboard.addWidgets(row);
  }

  /**
   * Graph a kill switch in the row of its endpoint, matched by endpoint name. Throws when the endpoint has no row:
   * pass the kill switch to `addEndpoint` instead.
   */
  public addKillSwitch(killSwitch: KillSwitch): void {
    const row = this.rows.find((r) => r.options.endpointName === killSwitch.endpointName);
    if (!row) {
      throw new Error(`GovernanceDashboard at '${this.node.path}': no row for endpoint ${killSwitch.endpointName}; ` +
        'add the endpoint with addEndpoint({ endpointName, variantName, killSwitch }) instead.');
    }
    row.killSwitch = killSwitch;
  }
}

const ROW_HEIGHT = 6;

/** An endpoint's widgets side by side, rendered at synth so that a kill switch attached later joins the row. */
class EndpointRow implements cloudwatch.IWidget {
  public readonly width = 24;
  public readonly height = ROW_HEIGHT;
  public killSwitch?: KillSwitch;
  private x = 0;
  private y = 0;

  constructor(public readonly options: GovernanceDashboardEndpointOptions) {
    this.killSwitch = options.killSwitch;
  }

  public position(x: number, y: number): void {
    this.x = x;
    this.y = y;
  }

  public toJson(): unknown[] {
    const s: VariantMetricSource = { endpointName: this.options.endpointName, variantName: this.options.variantName };
    const name = `${s.endpointName}/${s.variantName}`;
    const graphWidth = this.killSwitch ? 4 : 6;
    const rate = (code: string, errors: cloudwatch.Metric) => new cloudwatch.MathExpression({
      expression: `100 * e${code} / i`,
      usingMetrics: { [`e${code}`]: errors, i: VariantMetrics.invocations(s) },
      label: `${code} %`,
      period: Duration.minutes(1),
    });
    const alarms = this.options.alarms ?? [];
    const widgets: cloudwatch.ConcreteWidget[] = [
      alarms.length > 0
        ? new cloudwatch.AlarmStatusWidget({ title: name, alarms, width: 6, height: ROW_HEIGHT })
        : new cloudwatch.TextWidget({ markdown: `### ${name}`, width: 6, height: ROW_HEIGHT }),
      new cloudwatch.GraphWidget({
        title: 'Error rates (%)',
        left: [rate('4xx', VariantMetrics.invocation4XXErrors(s)), rate('5xx', VariantMetrics.invocation5XXErrors(s))],
        leftYAxis: { min: 0, showUnits: false },
        width: graphWidth + 1,
        height: ROW_HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: 'p99 latency (µs)',
        left: [VariantMetrics.modelLatency(s, { statistic: 'p99', label: 'model' }), VariantMetrics.overheadLatency(s, { statistic: 'p99', label: 'overhead' })],
        width: graphWidth + 1,
        height: ROW_HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: 'Utilisation (%; CPU summed)',
        left: [VariantMetrics.cpuUtilization(s, { label: 'CPU' }), VariantMetrics.memoryUtilization(s, { label: 'memory' }), VariantMetrics.diskUtilization(s, { label: 'disk' })],
        leftYAxis: { min: 0, showUnits: false },
        width: this.killSwitch ? graphWidth : graphWidth - 2,
        height: ROW_HEIGHT,
      }),
    ];
    if (this.killSwitch) {
      widgets.push(new cloudwatch.GraphWidget({
        title: 'Kill switch (1 = paused)',
        left: [this.killSwitch.metricPaused({ label: 'paused' }), this.killSwitch.metricFailClosed({ label: 'fail closed' })],
        leftYAxis: { min: 0, max: 1, showUnits: false },
        width: graphWidth,
        height: ROW_HEIGHT,
      }));
    }
    let x = this.x;
    return widgets.flatMap((w) => {
      w.position(x, this.y);
      x += w.width;
      return w.toJson();
    });
  }
}
