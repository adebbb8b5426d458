import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { INSTANCE_METRIC_NAMESPACE, INVOCATION_METRIC_NAMESPACE } from '../../lib/policy/kill-switch-protocol';

/** CloudWatch namespace of SageMaker's invocation metrics (Invocations, errors, latency). */
export const INVOCATION_NAMESPACE = INVOCATION_METRIC_NAMESPACE;
/** CloudWatch namespace of SageMaker's instance metrics (CPU, memory, disk, GPU utilisation). */
export const INSTANCE_NAMESPACE = INSTANCE_METRIC_NAMESPACE;

/** Where one production variant's metrics live. */
export interface VariantMetricSource {
  /** The endpoint name. */
  readonly endpointName: string;
  /** The production variant name. */
  readonly variantName: string;
}

/**
 * One metric of a production variant, with dimensions `EndpointName` and `VariantName`.
 *
 * Defaults: 1-minute period (SageMaker publishes endpoint metrics every minute); statistic from `statistic`.
 */
export function variantMetric(
  source: VariantMetricSource,
  namespace: string,
  metricName: string,
  statistic: string,
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    statistic,
    period: Duration.minutes(1),
    ...props,
    dimensionsMap: { EndpointName: source.endpointName, VariantName: source.variantName, ...props.dimensionsMap },
  });
}

/** The metrics of a production variant that the library alarms on, with their default statistics. */
export const VariantMetrics = {
  /** Requests sent to the variant (Sum). */
  invocations: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) => variantMetric(s, INVOCATION_NAMESPACE, 'Invocations', 'Sum', p),
  /** Requests per instance, the target-tracking metric (Sum). */
  invocationsPerInstance: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) =>
    variantMetric(s, INVOCATION_NAMESPACE, 'InvocationsPerInstance', 'Sum', p),
  /** Requests answered with a 4xx (Sum; each request reports 1 or 0, so Average is the rate). */
  invocation4XXErrors: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) =>
    variantMetric(s, INVOCATION_NAMESPACE, 'Invocation4XXErrors', 'Sum', p),
  /** Requests answered with a 5xx (Sum; each request reports 1 or 0, so Average is the rate). */
  invocation5XXErrors: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) =>
    variantMetric(s, INVOCATION_NAMESPACE, 'Invocation5XXErrors', 'Sum', p),
  /** Requests whose model call did not return 2xx, including timeouts and broken responses (Sum). */
  invocationModelErrors: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) =>
    variantMetric(s, INVOCATION_NAMESPACE, 'InvocationModelErrors', 'Sum', p),
  /** Time the model container took to answer, in MICROSECONDS (p99). */
  modelLatency: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) => variantMetric(s, INVOCATION_NAMESPACE, 'ModelLatency', 'p99', p),
  /** Time SageMaker added on top of the model, in MICROSECONDS (p99). */
  overheadLatency: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) =>
    variantMetric(s, INVOCATION_NAMESPACE, 'OverheadLatency', 'p99', p),
  /** CPU utilisation summed over cores: 0 to 100 x vCPUs percent (Average). */
  cpuUtilization: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) => variantMetric(s, INSTANCE_NAMESPACE, 'CPUUtilization', 'Average', p),
  /** Memory utilisation, 0 to 100 percent (Average). */
  memoryUtilization: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) =>
    variantMetric(s, INSTANCE_NAMESPACE, 'MemoryUtilization', 'Average', p),
  /** Disk utilisation, 0 to 100 percent (Average). */
  diskUtilization: (s: VariantMetricSource, p?: cloudwatch.MetricOptions) => variantMetric(s, INSTANCE_NAMESPACE, 'DiskUtilization', 'Average', p),
} as const;

/**
 * vCPUs of an `ml.<family>.<size>` instance type, from its size: `medium` and `large` have 2,
 * `xlarge` 4 and `<n>xlarge` 4n (true for every SageMaker hosting family). Undefined for tokens and other sizes.
 */
export function vcpuCount(instanceType: string): number | undefined {
  if (Token.isUnresolved(instanceType)) {
    return undefined;
  }
  const size = /^ml\.[a-z0-9]+\.([a-z0-9]+)$/.exec(instanceType)?.[1];
  if (size === 'medium' || size === 'large') {
    return 2;
  }
  const m = size ? /^(\d*)xlarge$/.exec(size) : null;
  return m ? 4 * (m[1] ? Number(m[1]) : 1) : undefined;
}
