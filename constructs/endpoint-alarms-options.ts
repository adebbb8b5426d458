import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';

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
   * Also create a CloudWatch dashboard for this endpoint alone (alarm states, invocations, error rates, latency
   * percentiles, utilisation and kill switch). Each dashboard costs $3 a month after an account's first three.
   * @default false - the endpoint has a row on the stack's dashboard only (see `stackDashboard`)
   */
  readonly dashboard?: boolean;
  /**
   * Add a row for this endpoint to the stack's shared `GovernanceDashboard` (created with the first row): alarm
   * states, error rates, p99 latency, utilisation and kill switch. A stack whose endpoints all set this to false
   * has no shared dashboard.
   * @default true
   */
  readonly stackDashboard?: boolean;
}
