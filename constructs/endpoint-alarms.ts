import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARM_WINDOW, maxEvaluationPeriods } from '../lib/policy/aws-limits';
import { VariantMetrics, VariantMetricSource, vcpuCount } from './private/endpoint-metrics';
import { SettingsHandoff } from './private/handoff';
import { amountIn, durationReceived, propPath, PropsValidator } from './private/validation';
import { AlarmTimingOptions, EndpointAlarmsOptions } from './endpoint-alarms-options';
import { AlarmTopic } from './alarm-topic';
import { EndpointDashboard } from './endpoint-dashboard';
import { GovernanceDashboard } from './governance-dashboard';

export * from './endpoint-alarms-options';

/** Props of {@link EndpointAlarms}. */
export interface EndpointAlarmsProps extends EndpointAlarmsOptions, VariantMetricSource {
  /** Instance type of the variant (the CPU threshold is scaled by its vCPUs). */
  readonly instanceType: string;
  /**
   * Topic for the alarm actions when `alertTopic` is not set (normally the foundation's).
   * @default - a new topic encrypted with `encryptionKey`, accepting TLS publishes only
   */
  readonly defaultAlertTopic?: sns.ITopic;
  /** Key of the topic created when neither `alertTopic` nor `defaultAlertTopic` is given. */
  readonly encryptionKey: kms.IKey;
}

/** When an alarm looks and how many bad periods it needs, once resolved. @internal */
export interface AlarmTiming {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The alarms' options, checked and with their defaults applied; a timing is undefined when its alarm is off. @internal */
export interface ResolvedAlarms {
  readonly timings: {
    readonly serverErrorRate?: AlarmTiming;
    readonly clientErrorRate?: AlarmTiming;
    readonly modelLatency?: AlarmTiming;
    readonly modelErrors?: AlarmTiming;
    readonly cpuUtilization?: AlarmTiming;
    readonly memoryUtilization?: AlarmTiming;
    readonly diskUtilization?: AlarmTiming;
    readonly zeroTraffic?: AlarmTiming;
  };
  readonly serverRate: number;
  readonly clientRate: number;
  readonly serverMin: number;
  readonly clientMin: number;
  readonly latency: Duration;
  /** The latency threshold in microseconds, as SageMaker reports latency. */
  readonly latencyMicros: number;
  readonly modelErrors: number;
  readonly cpu: number;
  readonly memory: number;
  readonly disk: number;
  /**
   * How many of the alarms that roll a deployment back (those of `EndpointAlarms.rollbackAlarms`) are on,
   * known before the alarms exist.
   */
  readonly rollbackAlarmCount: number;
}

/** The end of every rollback alarm's description; the alarm's name says which endpoint. */
const ROLLS_BACK = 'Rolls back a deployment in progress.';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Settings an endpoint resolved for its alarms, handed to them with their props. */
const RESOLVED = new SettingsHandoff<ResolvedAlarms>();

/**
 * The alarms of one governed endpoint, all with an action on the (KMS-encrypted, TLS-only) alert topic,
 * and its row on the stack's dashboard (and, when asked, a dashboard of its own).
 *
 * Error-rate alarms are metric math, `IF(invocations >= minimum, errors / invocations, 0)`, on the Sum of
 * `Invocation5XXErrors`/`Invocation4XXErrors` and `Invocations`. Every alarm except zero-traffic treats
 * missing data as not breaching, so an alarm returns to OK when traffic stops instead of staying stuck.
 */
export class EndpointAlarms extends Construct {
  /** The topic every alarm notifies. */
  public readonly alertTopic: sns.ITopic;
  /** 5xx error-rate alarm, when enabled. */
  public readonly serverErrorRate?: cloudwatch.Alarm;
  /** 4xx error-rate alarm, when enabled. */
  public readonly clientErrorRate?: cloudwatch.Alarm;
  /** p99 model-latency alarm, when enabled. */
  public readonly modelLatency?: cloudwatch.Alarm;
  /** Invocation model-errors alarm, when enabled. */
  public readonly modelErrors?: cloudwatch.Alarm;
  /** CPU alarm, when enabled. */
  public readonly cpuUtilization?: cloudwatch.Alarm;
  /** Memory alarm, when enabled. */
  public readonly memoryUtilization?: cloudwatch.Alarm;
  /** Disk alarm, when enabled. */
  public readonly diskUtilization?: cloudwatch.Alarm;
  /** Zero-traffic alarm, when enabled. */
  public readonly zeroTraffic?: cloudwatch.Alarm;
  /** The endpoint's own dashboard, when `dashboard` is true. */
  public readonly dashboard?: EndpointDashboard;
  /** The stack's dashboard holding this endpoint's row, unless `stackDashboard` is false. */
  public readonly stackDashboard?: GovernanceDashboard;

  /**
   * Check the alarms' options, recording every problem in `v` under the names the user wrote (`path` is the prop
   * that holds them, e.g. `alarms`; empty for the alarms' own props), and resolve their defaults.
   * @internal
   */
  public static _resolve(v: PropsValidator, path: string, options: EndpointAlarmsOptions = {}): ResolvedAlarms {
    const at = (key: string) => propPath(path, key);
    const timings = {
      serverErrorRate: timing(v, at('serverErrorRate'), options.serverErrorRate, 1, 5, 3),
      clientErrorRate: timing(v, at('clientErrorRate'), options.clientErrorRate, 1, 5, 3),
      modelLatency: timing(v, at('modelLatency'), options.modelLatency, 1, 5, 3),
      modelErrors: timing(v, at('modelErrors'), options.modelErrors, 1, 5, 3),
      cpuUtilization: timing(v, at('cpuUtilization'), options.cpuUtilization, 1, 5, 3),
      memoryUtilization: timing(v, at('memoryUtilization'), options.memoryUtilization, 1, 5, 3),
      diskUtilization: timing(v, at('diskUtilization'), options.diskUtilization, 1, 5, 3),
      zeroTraffic: timing(v, at('zeroTraffic'), options.zeroTraffic, 5, 3, 3),
    };
    const serverRate = options.serverErrorRate?.threshold ?? 0.01;
    const clientRate = options.clientErrorRate?.threshold ?? 0.05;
    v.checkRange(at('serverErrorRate.threshold'), serverRate, 0, 1, '(a fraction: 0.01 is 1%)');
    v.checkRange(at('clientErrorRate.threshold'), clientRate, 0, 1, '(a fraction: 0.05 is 5%)');
    const serverMin = options.serverErrorRate?.minimumInvocations ?? 10;
    const clientMin = options.clientErrorRate?.minimumInvocations ?? 10;
    v.checkInteger(at('serverErrorRate.minimumInvocations'), serverMin, 1, Number.MAX_SAFE_INTEGER);
    v.checkInteger(at('clientErrorRate.minimumInvocations'), clientMin, 1, Number.MAX_SAFE_INTEGER);
    const latency = options.modelLatency?.threshold ?? Duration.seconds(1);
    const latencyMicros = Token.isUnresolved(latency.toMilliseconds({ integral: false }))
      ? latency.toMilliseconds({ integral: false })
      : latency.toMilliseconds({ integral: false }) * 1000;
    v.check(Token.isUnresolved(latencyMicros) || latencyMicros > 0, at('modelLatency.threshold'), latency.toHumanString(),
      'a Duration greater than 0, e.g. Duration.millis(500)');
    const modelErrors = options.modelErrors?.threshold ?? 5;
    v.checkRange(at('modelErrors.threshold'), modelErrors, 0, Number.MAX_SAFE_INTEGER, 'errors per period (not negative)');
    const cpu = options.cpuUtilization?.threshold ?? 90;
    const memory = options.memoryUtilization?.threshold ?? 90;
    const disk = options.diskUtilization?.threshold ?? 80;
    v.checkRange(at('cpuUtilization.threshold'), cpu, 1, 100, 'percent');
    v.checkRange(at('memoryUtilization.threshold'), memory, 1, 100, 'percent');
    v.checkRange(at('diskUtilization.threshold'), disk, 1, 100, 'percent');
    for (const [i, email] of (options.emailSubscriptions ?? []).entries()) {
      v.checkPattern(at(`emailSubscriptions[${i}]`), email, EMAIL, 'an e-mail address, e.g. "fraud-ml-oncall@example.com"');
    }
    const rollbackAlarmCount = [options.serverErrorRate, options.clientErrorRate, options.modelLatency, options.modelErrors]
      .filter((o) => o?.enabled !== false).length;
    return { timings, serverRate, clientRate, serverMin, clientMin, latency, latencyMicros, modelErrors, cpu, memory, disk, rollbackAlarmCount };
  }

  /**
   * The alarms of an endpoint whose props were resolved by `_resolve` already (with the endpoint's, in one error):
   * built from `settings`, without checking them again.
   * @internal
   */
  public static _fromResolved(scope: Construct, id: string, props: EndpointAlarmsProps, settings: ResolvedAlarms): EndpointAlarms {
    return new EndpointAlarms(scope, id, RESOLVED.attach(props, settings));
  }

  private readonly source: VariantMetricSource;
  private readonly notifyOnRecovery: boolean;

  constructor(scope: Construct, id: string, props: EndpointAlarmsProps) {
    super(scope, id);
    const vcpus = vcpuCount(props.instanceType);
    const { timings: t, serverRate, clientRate, serverMin, clientMin, latency, latencyMicros, modelErrors, cpu, memory, disk } =
      RESOLVED.take(props) ?? EndpointAlarms.resolveOwnProps(this, props);

    this.source = { endpointName: props.endpointName, variantName: props.variantName };
    this.alertTopic = props.alertTopic ?? props.defaultAlertTopic ?? this.ownTopic(props.endpointName, props.encryptionKey);
    this.notifyOnRecovery = props.notifyOnRecovery ?? true;
    for (const email of props.emailSubscriptions ?? []) {
      subscribeOnce(this.alertTopic, email);
    }

    const name = (suffix: string) => `${props.endpointName}-${suffix}`;
    const missingOk = cloudwatch.TreatMissingData.NOT_BREACHING;
    if (t.serverErrorRate) {
      this.serverErrorRate = this.alarm('ServerErrorRate', t.serverErrorRate, {
        alarmName: name('5xx-error-rate'),
        alarmDescription: `5xx rate > ${serverRate * 100}% (periods under ${serverMin} requests count as 0). ${ROLLS_BACK}`,
        metric: this.errorRate('5XX', VariantMetrics.invocation5XXErrors(this.source, { period: t.serverErrorRate.period }), serverMin, t.serverErrorRate.period),
        threshold: serverRate,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    }
    if (t.clientErrorRate) {
      this.clientErrorRate = this.alarm('ClientErrorRate', t.clientErrorRate, {
        alarmName: name('4xx-error-rate'),
        alarmDescription: `4xx rate > ${clientRate * 100}% (periods under ${clientMin} requests count as 0). ${ROLLS_BACK}`,
        metric: this.errorRate('4XX', VariantMetrics.invocation4XXErrors(this.source, { period: t.clientErrorRate.period }), clientMin, t.clientErrorRate.period),
        threshold: clientRate,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    }
    if (t.modelLatency) {
      this.modelLatency = this.alarm('ModelLatency', t.modelLatency, {
        alarmName: name('model-latency-p99'),
        alarmDescription: `p99 model latency > ${latency.toHumanString()} (threshold in microseconds). ${ROLLS_BACK}`,
        metric: VariantMetrics.modelLatency(this.source, { period: t.modelLatency.period }),
        threshold: latencyMicros,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    }
    if (t.modelErrors) {
      this.modelErrors = this.alarm('ModelErrors', t.modelErrors, {
        alarmName: name('model-errors'),
        alarmDescription: `${modelErrors} or more model errors a period. ${ROLLS_BACK}`,
        metric: VariantMetrics.invocationModelErrors(this.source, { period: t.modelErrors.period }),
        threshold: modelErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: missingOk,
      });
    }
    const utilisation = (key: 'cpuUtilization' | 'memoryUtilization' | 'diskUtilization', suffix: string, percent: number, threshold: number, note = '') => {
      const timingOf = t[key];
      return timingOf && this.alarm(key.charAt(0).toUpperCase() + key.slice(1), timingOf, {
        alarmName: name(`${suffix}-utilization`),
        alarmDescription: `Average ${suffix === 'cpu' ? 'CPU' : suffix} > ${percent}%${note}.`,
        metric: VariantMetrics[key](this.source, { period: timingOf.period }),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    };
    this.cpuUtilization = utilisation('cpuUtilization', 'cpu', cpu, cpu * (vcpus ?? 1), vcpus
      ? ` of ${vcpus} vCPUs (threshold ${cpu * vcpus}: CPU is summed over cores)`
      : ' (vCPUs unknown: threshold on the summed CPU as is)');
    this.memoryUtilization = utilisation('memoryUtilization', 'memory', memory, memory);
    this.diskUtilization = utilisation('diskUtilization', 'disk', disk, disk);
    if (t.zeroTraffic) {
      this.zeroTraffic = this.alarm('ZeroTraffic', t.zeroTraffic, {
        alarmName: name('zero-traffic'),
        alarmDescription: `No request in ${t.zeroTraffic.datapointsToAlarm} of ${t.zeroTraffic.evaluationPeriods} periods of ${t.zeroTraffic.period.toHumanString()}. Idle by design? Set alarms.zeroTraffic.enabled: false.`,
        metric: VariantMetrics.invocations(this.source, { period: t.zeroTraffic.period }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    if (props.dashboard ?? false) {
      this.dashboard = new EndpointDashboard(this, 'Dashboard', { ...this.source, alarms: this.all });
    }
    if (props.stackDashboard ?? true) {
      this.stackDashboard = GovernanceDashboard.of(this);
      this.stackDashboard.addEndpoint({ ...this.source, alarms: this.all });
    }
  }

  /** Resolve the props of alarms built on their own, throwing one error that lists every problem. */
  private static resolveOwnProps(scope: Construct, props: EndpointAlarmsProps): ResolvedAlarms {
    const v = new PropsValidator(scope, 'EndpointAlarms');
    const settings = EndpointAlarms._resolve(v, '', props);
    v.throwIfInvalid();
    return settings;
  }

  /** Every alarm created, in a stable order. */
  public get all(): cloudwatch.Alarm[] {
    return [this.serverErrorRate, this.clientErrorRate, this.modelLatency, this.modelErrors,
      this.cpuUtilization, this.memoryUtilization, this.diskUtilization, this.zeroTraffic]
      .filter((a): a is cloudwatch.Alarm => a !== undefined);
  }

  /**
   * The error and latency alarms that roll a deployment back (5xx rate, 4xx rate, p99 model latency,
   * model errors), those enabled. Utilisation and zero-traffic alarms never roll back.
   */
  public get rollbackAlarms(): cloudwatch.Alarm[] {
    return [this.serverErrorRate, this.clientErrorRate, this.modelLatency, this.modelErrors]
      .filter((a): a is cloudwatch.Alarm => a !== undefined);
  }

  /** A topic of this endpoint's own, when it has no foundation: KMS-encrypted, TLS-only, open to this account's alarms. */
  private ownTopic(endpointName: string, key: kms.IKey): sns.ITopic {
    const topic = new AlarmTopic(this, 'AlertTopic', { displayName: `Alerts of model endpoint ${endpointName}`, encryptionKey: key });
    return topic;
  }

  private errorRate(code: string, errors: cloudwatch.Metric, minimum: number, period: Duration): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `IF(invocations >= ${minimum}, errors / invocations, 0)`,
      usingMetrics: { errors, invocations: VariantMetrics.invocations(this.source, { period }) },
      period,
      label: `${code} error rate`,
    });
  }

  private alarm(id: string, timing: AlarmTiming, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      evaluationPeriods: timing.evaluationPeriods,
      datapointsToAlarm: timing.datapointsToAlarm,
      actionsEnabled: true,
    });
    const action = new cw_actions.SnsAction(this.alertTopic);
    alarm.addAlarmAction(action);
    if (this.notifyOnRecovery) {
      alarm.addOkAction(action);
    }
    return alarm;
  }
}

/** Subscribe an address to a topic once, however many endpoints ask for it. */
function subscribeOnce(topic: sns.ITopic, email: string): void {
  const id = `Email-${email.replace(/[^A-Za-z0-9]/g, '-')}`;
  if (!topic.node.tryFindChild(id)) {
    new sns.Subscription(topic, id, { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: email });
  }
}

/**
 * Validate an alarm's timing against CloudWatch's limits (PutMetricAlarm): the period is a whole number of minutes
 * (CloudWatch also takes 10, 20 and 30 seconds, but SageMaker publishes endpoint metrics once a minute, so a shorter
 * period only finds missing data), and `period x evaluationPeriods` is at most one day for periods under an hour,
 * seven days otherwise. Undefined when the alarm is turned off.
 */
function timing(v: PropsValidator, prop: string, o: AlarmTimingOptions | undefined, minutes: number, evaluations: number, datapoints: number): AlarmTiming | undefined {
  if (o?.enabled === false) {
    return undefined;
  }
  const period = o?.period ?? Duration.minutes(minutes);
  const seconds = amountIn(period, 'seconds');
  const evaluationPeriods = o?.evaluationPeriods ?? evaluations;
  const datapointsToAlarm = o?.datapointsToAlarm ?? Math.min(datapoints, evaluationPeriods);
  let periodOk = true;
  if (seconds !== undefined) {
    periodOk = v.check(Number.isInteger(seconds) && seconds >= ALARM_WINDOW.periodMultipleSeconds && seconds % ALARM_WINDOW.periodMultipleSeconds === 0
      && seconds <= ALARM_WINDOW.maxWindowSeconds, `${prop}.period`, durationReceived(period, 'seconds'),
    'a whole number of minutes from Duration.minutes(1) to Duration.days(7) (SageMaker publishes endpoint metrics every minute; ' +
      'CloudWatch takes periods of whole minutes up to a 7-day window)');
  }
  const maxEvaluations = seconds !== undefined && periodOk ? maxEvaluationPeriods(seconds) : undefined;
  if (maxEvaluations !== undefined) {
    const window = seconds! < ALARM_WINDOW.shortPeriodBelowSeconds ? 'one day for periods under an hour' : 'seven days';
    v.checkInteger(`${prop}.evaluationPeriods`, evaluationPeriods, 1, maxEvaluations,
      ` for a period of ${durationReceived(period, 'seconds')} (CloudWatch: period x evaluationPeriods is at most ${window})`);
  } else {
    v.checkInteger(`${prop}.evaluationPeriods`, evaluationPeriods, 1, Math.floor(ALARM_WINDOW.maxWindowSeconds / ALARM_WINDOW.periodMultipleSeconds));
  }
  const evaluationsOk = Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1;
  v.checkInteger(`${prop}.datapointsToAlarm`, datapointsToAlarm, 1, evaluationsOk ? evaluationPeriods : 1, evaluationsOk ? ' (at most evaluationPeriods)' : '');
  return { period, evaluationPeriods, datapointsToAlarm };
}
