import { DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import { CliClients, PollingOptions } from './aws';
import { describeEndpoint } from './endpoint';
import { CliError, ExitCode } from './errors';
import { rolloutOf } from './status';

/** What `watch` reports. */
export interface WatchResult {
  readonly endpoint: string;
  readonly outcome: 'no-rollout' | 'finished';
  readonly status?: string;
  readonly endpointConfig?: string;
  readonly seconds: number;
}

/** How `watch` polls. */
export interface WatchOptions extends PollingOptions {
  readonly intervalSeconds: number;
}

/**
 * Follow a blue/green (or rolling) update until it finishes, rolls back or fails. A rollout rolled back when
 * the endpoint passed through `RollingBack` or ends on another configuration than the one being deployed.
 */
export async function watch(clients: CliClients, endpointName: string, options: WatchOptions): Promise<WatchResult> {
  const started = options.now();
  let target: string | undefined;
  let sawRollback = false;
  let last = '';
  for (let poll = 0; ; poll++) {
    const endpoint = await describeEndpoint(clients, endpointName, options.region);
    const rollout = rolloutOf(endpoint);
    target ??= rollout.targetConfig;
    sawRollback ||= endpoint.EndpointStatus === 'RollingBack';
    const line = describe(endpoint);
    if (line !== last) {
      options.progress(line);
      last = line;
    }
    const seconds = Math.round((options.now() - started) / 1000);
    if (endpoint.EndpointStatus === 'Failed' || endpoint.EndpointStatus === 'UpdateRollbackFailed') {
      throw new CliError(ExitCode.ROLLOUT_FAILED, `${endpointName} is ${endpoint.EndpointStatus}: ${endpoint.FailureReason ?? 'no reason given'}`,
        { endpoint: endpointName, status: endpoint.EndpointStatus, seconds });
    }
    if (!rollout.inProgress) {
      if (poll === 0) {
        return { endpoint: endpointName, outcome: 'no-rollout', status: endpoint.EndpointStatus, endpointConfig: endpoint.EndpointConfigName, seconds };
      }
      if (sawRollback || (target !== undefined && endpoint.EndpointConfigName !== target)) {
        throw new CliError(ExitCode.ROLLOUT_FAILED,
          `The rollout of ${target ?? 'the new configuration'} to ${endpointName} was rolled back; the endpoint serves ${endpoint.EndpointConfigName}.` +
          (endpoint.FailureReason ? ` Reason: ${endpoint.FailureReason}` : ' Check the rollback alarms.'),
          { endpoint: endpointName, status: endpoint.EndpointStatus, endpointConfig: endpoint.EndpointConfigName, target, seconds });
      }
      return { endpoint: endpointName, outcome: 'finished', status: endpoint.EndpointStatus, endpointConfig: endpoint.EndpointConfigName, seconds };
    }
    if (options.now() - started >= options.timeoutSeconds * 1000) {
      throw new CliError(ExitCode.TIMED_OUT, `${endpointName} is still ${endpoint.EndpointStatus} after ${options.timeoutSeconds}s.`,
        { endpoint: endpointName, status: endpoint.EndpointStatus, seconds });
    }
    await options.sleep(options.intervalSeconds * 1000);
  }
}

function describe(endpoint: DescribeEndpointCommandOutput): string {
  const rollout = rolloutOf(endpoint);
  const stages = rollout.stages.map((s) => `${s.variant}: weight ${s.currentWeight ?? '?'} -> ${s.desiredWeight ?? '?'}${s.status?.length ? ` [${s.status.join(', ')}]` : ''}`);
  return [`${endpoint.EndpointStatus}`, rollout.targetConfig ? `deploying ${rollout.targetConfig}` : `serving ${endpoint.EndpointConfigName}`, ...stages].join(' | ');
}
