import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { VariantMetrics, VariantMetricSource, vcpuCount } from './private/endpoint-metrics';
import { AlarmTiming, checkAlarmsOptions } from './private/endpoint-validation';
import { PropsValidator } from './private/validation';
import { AlarmTopic } from './alarm-topic';
import { EndpointDashboard } from './endpoint-dashboard';

/** When an alarm looks and how many bad minutes it needs. */
export interface AlarmTimingOptions {
  /**
   * Create this alarm.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Length of one evaluation period: a whole number of minutes up to 7 days (SageMaker publishes endpoint metrics every minute).
   * @default Duration.minutes(1), or Duration.minutes(5) for the zero-traffic alarm
   */
  readonly period?: Duration;
  /**
   * Periods the alarm looks back over; `period x evaluationPeriods` is at most one day for periods under an hour,
   * seven days otherwise (CloudWatch PutMetricAlarm).
   * @default 5, or 3 for the zero-traffic alarm
   */
  readonly evaluationPeriods?: number;
  /**
   * Breaching periods (out of `evaluationPeriods`) that set the alarm off.
   * @default 3
   */
  readonly datapointsToAlarm?: number;
}

/** An alarm on an error rate: errors / invocations per period. */
export interface ErrorRateAlarmOptions extends AlarmTimingOptions {
  /**
   * Alarm when the rate is above this fraction, from 0 to 1 (0.01 is 1%).
   * @default 0.01 for 5xx, 0.05 for 4xx
   */
  readonly threshold?: number;
  /**
   * A period with fewer invocations than this counts as rate 0: one failed request out of two is not a 50% outage.
   * @default 10
   */
  readonly minimumInvocations?: number;
}

/** An alarm on model latency. */
export interface LatencyAlarmOptions extends AlarmTimingOptions {
  /**
   * Alarm when the p99 model latency is above this (SageMaker reports microseconds; the library converts).
   * @default Duration.seconds(1)
   */
  readonly threshold?: Duration;
}

/** An alarm on a count per period. */
export interface CountAlarmOptions extends AlarmTimingOptions {
  /**
   * Alarm when the count per period is at or above this.
   * @default 5
   */
  readonly threshold?: number;
}

/** An alarm on a utilisation percentage. */
export interface UtilizationAlarmOptions extends AlarmTimingOptions {
  /**
   * Alarm when the average utilisation is above this percentage, from 1 to 100. For CPU it is the share of
   * all the instance's vCPUs: SageMaker reports CPU summed over cores (up to 100 x vCPUs), and the library
   * multiplies the threshold by the instance type's vCPU count.
   * @default 90 for CPU and memory, 80 for disk
   */
  readonly threshold?: number;
}

/** Options of the alarms every governed endpoint gets. */
export interface EndpointAlarmsOptions {
  /**
   * Topic that receives every alarm (and recovery) notification. Must be KMS-encrypted and accept TLS publishes only.
   * @default - the foundation's alert topic
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * E-mail addresses subscribed to the alert topic. The foundation's topic is shared by every endpoint of the
   * stack, so these addresses receive all of their alarms; pass a dedicated `alertTopic` to route per endpoint.
   * @default - no subscription
   */
  readonly emailSubscriptions?: string[];
  /**
   * Also notify the topic when an alarm returns to OK.
   * @default true
   */
  readonly notifyOnRecovery?: boolean;
  /**
   * 5xx error rate (server errors). Rolls a deployment back.
   * @default - on, above 1% for 3 of 5 minutes, minutes with fewer than 10 requests ignored
   */
  readonly serverErrorRate?: ErrorRateAlarmOptions;
  /**
   * 4xx error rate (requests the model rejects, e.g. after an input schema change). Rolls a deployment back.
   * @default - on, above 5% for 3 of 5 minutes, minutes with fewer than 10 requests ignored
   */
  readonly clientErrorRate?: ErrorRateAlarmOptions;
  /**
   * p99 model latency. Rolls a deployment back.
   * @default - on, above 1 second for 3 of 5 minutes
   */
  readonly modelLatency?: LatencyAlarmOptions;
  /**
   * Invocation model errors (no 2xx from the container, including timeouts). Rolls a deployment back.
   * Unlike the rates, it also fires on endpoints with little traffic.
   * @default - on, 5 or more a minute for 3 of 5 minutes
   */
  readonly modelErrors?: CountAlarmOptions;
  /**
   * Average CPU utilisation.
   * @default - on, above 90% of all vCPUs for 3 of 5 minutes
   */
  readonly cpuUtilization?: UtilizationAlarmOptions;
  /**
   * Average memory utilisation.
   * @default - on, above 90% for 3 of 5 minutes
   */
  readonly memoryUtilization?: UtilizationAlarmOptions;
  /**
   * Average disk utilisation.
   * @default - on, above 80% for 3 of 5 minutes
   */
  readonly diskUtilization?: UtilizationAlarmOptions;
  /**
   * No invocation at all. Missing data counts as breaching: a silent endpoint is what it detects.
   * Turn it off (`{ enabled: false }`) for endpoints that are idle by design.
   * @default - on, fewer than 1 request in each of 3 consecutive 5-minute periods (15 minutes)
   */
  readonly zeroTraffic?: AlarmTimingOptions;
  /**
   * Create the endpoint's CloudWatch dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
}

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
  /**
   * Prefix of the validation messages' prop names.
   * @default 'alarms'
   */
  readonly propPrefix?: string;
}

/**
 * The alarms of one governed endpoint, all with an action on the (KMS-encrypted, TLS-only) alert topic,
 * and its dashboard.
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
  /** The endpoint's dashboard, unless turned off. */
  public readonly dashboard?: EndpointDashboard;

  private readonly source: VariantMetricSource;
  private readonly notifyOnRecovery: boolean;

  constructor(scope: Construct, id: string, props: EndpointAlarmsProps) {
    super(scope, id);
    const prefix = props.propPrefix ?? 'alarms';
    const v = new PropsValidator(this, 'EndpointAlarms');
    const vcpus = vcpuCount(props.instanceType);
    const { timings: t, serverRate, clientRate, serverMin, clientMin, latency, latencyMicros, modelErrors, cpu, memory, disk } =
      checkAlarmsOptions(v, prefix, props);
    v.throwIfInvalid();

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
        alarmDescription: `5xx error rate of ${props.endpointName}/${props.variantName} above ${serverRate * 100}% (minutes with < ${serverMin} requests count as 0). Rolls back a deployment in progress.`,
        metric: this.errorRate('5XX', VariantMetrics.invocation5XXErrors(this.source, { period: t.serverErrorRate.period }), serverMin, t.serverErrorRate.period),
        threshold: serverRate,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    }
    if (t.clientErrorRate) {
      this.clientErrorRate = this.alarm('ClientErrorRate', t.clientErrorRate, {
        alarmName: name('4xx-error-rate'),
        alarmDescription: `4xx error rate of ${props.endpointName}/${props.variantName} above ${clientRate * 100}% (minutes with < ${clientMin} requests count as 0). Rolls back a deployment in progress.`,
        metric: this.errorRate('4XX', VariantMetrics.invocation4XXErrors(this.source, { period: t.clientErrorRate.period }), clientMin, t.clientErrorRate.period),
        threshold: clientRate,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    }
    if (t.modelLatency) {
      this.modelLatency = this.alarm('ModelLatency', t.modelLatency, {
        alarmName: name('model-latency-p99'),
        alarmDescription: `p99 model latency of ${props.endpointName}/${props.variantName} above ${latency.toHumanString()} (threshold in microseconds). Rolls back a deployment in progress.`,
        metric: VariantMetrics.modelLatency(this.source, { period: t.modelLatency.period }),
        threshold: latencyMicros,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    }
    if (t.modelErrors) {
      this.modelErrors = this.alarm('ModelErrors', t.modelErrors, {
        alarmName: name('model-errors'),
        alarmDescription: `${modelErrors} or more invocation model errors a period on ${props.endpointName}/${props.variantName}. Rolls back a deployment in progress.`,
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
        alarmDescription: `Average ${suffix} utilisation of ${props.endpointName}/${props.variantName} above ${percent}%${note}.`,
        metric: VariantMetrics[key](this.source, { period: timingOf.period }),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: missingOk,
      });
    };
    this.cpuUtilization = utilisation('cpuUtilization', 'cpu', cpu, cpu * (vcpus ?? 1), vcpus
      ? ` (threshold ${cpu * vcpus} = ${cpu}% x ${vcpus} vCPUs: SageMaker sums CPU over cores)`
      : ' (vCPU count unknown: threshold applied to the summed CPU metric as is)');
    this.memoryUtilization = utilisation('memoryUtilization', 'memory', memory, memory);
    this.diskUtilization = utilisation('diskUtilization', 'disk', disk, disk);
    if (t.zeroTraffic) {
      this.zeroTraffic = this.alarm('ZeroTraffic', t.zeroTraffic, {
        alarmName: name('zero-traffic'),
        alarmDescription: `No invocation of ${props.endpointName}/${props.variantName} for ${t.zeroTraffic.datapointsToAlarm} of ${t.zeroTraffic.evaluationPeriods} periods of ${t.zeroTraffic.period.toHumanString()}. Turn off with alarms.zeroTraffic.enabled = false for endpoints idle by design.`,
        metric: VariantMetrics.invocations(this.source, { period: t.zeroTraffic.period }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    if (props.dashboard ?? true) {
      this.dashboard = new EndpointDashboard(this, 'Dashboard', { ...this.source, alarms: this.all });
    }
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
