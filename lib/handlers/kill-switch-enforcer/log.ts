import { KILL_SWITCH_METRIC_NAMESPACE } from '../../policy/kill-switch-protocol';

/**
 * Emit the kill-switch metrics of one endpoint in CloudWatch embedded metric format: CloudWatch Logs turns
 * the line into metrics, so the function needs no `cloudwatch:PutMetricData` permission.
 */
export function emitMetrics(endpointName: string, values: { paused: boolean; failClosed: boolean; enforced: boolean }): void {
  console.log(JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{
        Namespace: KILL_SWITCH_METRIC_NAMESPACE,
        Dimensions: [['EndpointName']],
        // Paused always (the dashboards graph it); FailClosed and Enforcements only when 1: every custom metric is billed
        // while it is published, and at 0 they stay fields of the log line.
        Metrics: [
          { Name: 'Paused', Unit: 'Count' },
          ...(values.failClosed ? [{ Name: 'FailClosed', Unit: 'Count' }] : []),
          ...(values.enforced ? [{ Name: 'Enforcements', Unit: 'Count' }] : []),
        ],
      }],
    },
    EndpointName: endpointName,
    Paused: values.paused ? 1 : 0,
    FailClosed: values.failClosed ? 1 : 0,
    Enforcements: values.enforced ? 1 : 0,
  }));
}
