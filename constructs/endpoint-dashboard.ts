import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { VariantMetrics, VariantMetricSource } from './private/endpoint-metrics';
import type { KillSwitch } from './kill-switch';

/** Props of {@link EndpointDashboard}. */
export interface EndpointDashboardProps extends VariantMetricSource {
  /**
   * Alarms shown in the alarm-state widget at the top.
   * @default - no alarm widget
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * Dashboard name.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/**
 * A dashboard of one endpoint variant alone: alarm states, invocations, error rates, latency percentiles and
 * utilisation. `GovernedEndpoint` creates one only with `alarms: { dashboard: true }`; by default an endpoint has
 * only its compact row on the stack's `GovernanceDashboard`.
 *
 * `GovernedEndpoint` adds its kill switch's row ({@link addKillSwitch}); add your own rows with {@link addWidgets}.
 */
export class EndpointDashboard extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: EndpointDashboardProps) {
    super(scope, id);
    const s: VariantMetricSource = { endpointName: props.endpointName, variantName: props.variantName };
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
    });

    const title = new cloudwatch.TextWidget({
      markdown: `# ${props.endpointName} / ${props.variantName}\nAlarms notify the alert topic; error and latency alarms roll back a deployment in progress.`,
      width: 24,
      height: 2,
    });
    const widgets: cloudwatch.IWidget[][] = [[title]];
    if (props.alarms && props.alarms.length > 0) {
      widgets.push([new cloudwatch.AlarmStatusWidget({ title: 'Alarm states', alarms: props.alarms, width: 24, height: 3 })]);
    }

    const rate = (code: string, errors: cloudwatch.Metric) => new cloudwatch.MathExpression({
      expression: `100 * errors${code} / invocations`,
      usingMetrics: { [`errors${code}`]: errors, invocations: VariantMetrics.invocations(s) },
      label: `${code} rate (%)`,
      // Same period as the metrics it divides, so CloudWatch does not silently re-period them.
      period: Duration.minutes(1),
    });
    widgets.push([
      new cloudwatch.GraphWidget({
        title: 'Invocations and errors (count per minute)',
        left: [VariantMetrics.invocations(s, { label: 'Invocations' })],
        right: [
          VariantMetrics.invocation4XXErrors(s, { label: '4XX' }),
          VariantMetrics.invocation5XXErrors(s, { label: '5XX' }),
          VariantMetrics.invocationModelErrors(s, { label: 'Model errors' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Error rates (%)',
        left: [rate('4XX', VariantMetrics.invocation4XXErrors(s)), rate('5XX', VariantMetrics.invocation5XXErrors(s))],
        leftYAxis: { min: 0, label: '%', showUnits: false },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Model latency (microseconds)',
        left: ['p50', 'p90', 'p99'].map((p) => VariantMetrics.modelLatency(s, { statistic: p, label: `model ${p}` })),
        right: [VariantMetrics.overheadLatency(s, { statistic: 'p99', label: 'overhead p99' })],
        width: 8,
      }),
    ]);
    widgets.push([
      new cloudwatch.GraphWidget({
        title: 'Utilisation (%; CPU is summed over vCPUs)',
        left: [
          VariantMetrics.cpuUtilization(s, { label: 'CPU' }),
          VariantMetrics.memoryUtilization(s, { label: 'Memory' }),
          VariantMetrics.diskUtilization(s, { label: 'Disk' }),
        ],
        leftYAxis: { min: 0, showUnits: false },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Invocations per instance',
        left: [VariantMetrics.invocationsPerInstance(s, { label: 'per instance' })],
        width: 12,
      }),
    ]);
    for (const row of widgets) {
      this.dashboard.addWidgets(...row);
    }
  }

  /**
   * Add widgets in a new row at the bottom of the dashboard.
   */
  public addWidgets(...widgets: cloudwatch.IWidget[]): void {
    this.dashboard.addWidgets(...widgets);
  }

  /**
   * Add a row for the endpoint's kill switch: whether it is paused (and whether the enforcer failed closed), and how
   * operators pause and resume it.
   */
  public addKillSwitch(killSwitch: KillSwitch): void {
    const endpoint = killSwitch.endpointName;
    this.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Kill switch (1 = paused)',
        left: [killSwitch.metricPaused({ label: 'paused' }), killSwitch.metricFailClosed({ label: 'fail closed' })],
        leftYAxis: { min: 0, max: 1, showUnits: false },
        width: 12,
      }),
      new cloudwatch.TextWidget({
        markdown: `### Kill switch\nParameter \`${killSwitch.parameterName}\`: ACTIVE serves, PAUSED denies invocation.\n\n` +
          `Pause: \`governed-endpoint pause ${endpoint} --reason "..."\`; resume: \`governed-endpoint resume ${endpoint} --reason "..."\`.`,
        width: 12,
        height: 6,
      }),
    );
  }
}
