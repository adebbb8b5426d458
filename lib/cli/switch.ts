import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { DEPLOYMENT_MARKER, KillSwitchState } from '../policy/kill-switch-protocol';
import { CliClients, PollingOptions } from './aws';
import { currentVersion, describeEndpoint, endpointTags, parameterOf, pauseTag } from './endpoint';
import { CliError, ExitCode } from './errors';

/** What `pause` and `resume` report. */
export interface SwitchResult {
  readonly endpoint: string;
  readonly parameter: string;
  readonly state: KillSwitchState;
  /** False when the parameter already held the state (nothing was written). */
  readonly changed: boolean;
  readonly version?: number;
  /** Seconds until the endpoint's tag reflected the state; undefined with --no-wait. */
  readonly enforcedAfterSeconds?: number;
}

/** How `flip` reports progress and waits. */
export interface SwitchOptions extends PollingOptions {
  readonly reason: string;
  readonly parameter?: string;
  readonly wait: boolean;
  readonly pollSeconds: number;
}

/**
 * Write `state` to the endpoint's kill-switch parameter with the reason as its description, then wait until
 * the enforcer has set (PAUSED) or removed (ACTIVE) the endpoint's `governance:kill-switch` tag.
 */
export async function flip(clients: CliClients, endpointName: string, state: KillSwitchState, options: SwitchOptions): Promise<SwitchResult> {
  const reason = options.reason.trim();
  if (reason.length === 0) {
    throw new CliError(ExitCode.USAGE, '--reason must say why (it is recorded in the parameter history and the notification).');
  }
  if (reason.includes(DEPLOYMENT_MARKER)) {
    throw new CliError(ExitCode.USAGE, `--reason must not contain ${DEPLOYMENT_MARKER}: it marks values written by deployments, which never lift a pause.`);
  }
  const endpoint = await describeEndpoint(clients, endpointName, options.region);
  const parameter = parameterOf(endpointName, await endpointTags(clients, endpoint.EndpointArn!), options.parameter);
  const current = await currentVersion(clients, parameter);
  let changed = false;
  let version = current.Version;
  if (current.Value === state) {
    options.progress(`${parameter} is already ${state} (version ${current.Version}); nothing written`);
  } else {
    const verb = state === KillSwitchState.PAUSED ? 'Paused' : 'Resumed';
    const description = `${verb} with the governed-endpoint CLI: ${reason}`.slice(0, 1024);
    const put = await clients.ssm.send(new PutParameterCommand({ Name: parameter, Value: state, Type: 'String', Overwrite: true, Description: description }));
    changed = true;
    version = put.Version;
    options.progress(`${parameter} = ${state} (version ${put.Version})`);
  }
  if (!options.wait) {
    return { endpoint: endpointName, parameter, state, changed, version };
  }
  const started = options.now();
  const deadline = started + options.timeoutSeconds * 1000;
  for (;;) {
    const tag = pauseTag(await endpointTags(clients, endpoint.EndpointArn!));
    const reflected = state === KillSwitchState.PAUSED ? tag === KillSwitchState.PAUSED : tag === undefined;
    if (reflected) {
      return { endpoint: endpointName, parameter, state, changed, version, enforcedAfterSeconds: Math.round((options.now() - started) / 100) / 10 };
    }
    if (options.now() >= deadline) {
      throw new CliError(ExitCode.TIMED_OUT,
        `${parameter} is ${state}, but after ${options.timeoutSeconds}s the endpoint's tag does not reflect it yet ` +
        `(${state === KillSwitchState.PAUSED ? 'invocations are NOT blocked' : 'invocations are still denied'}). ` +
        'The enforcer reconciles on its schedule (every 5 minutes by default); check its log group and dead-letter queue, ' +
        `and run \`governed-endpoint status ${endpointName}\`.`,
        { endpoint: endpointName, parameter, state, changed, version });
    }
    options.progress(`waiting for the enforcer to ${state === KillSwitchState.PAUSED ? 'tag' : 'untag'} ${endpointName} (${Math.round((options.now() - started) / 1000)}s)`);
    await options.sleep(options.pollSeconds * 1000);
  }
}
