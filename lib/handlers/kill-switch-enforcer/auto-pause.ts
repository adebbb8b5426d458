import { AUTO_PAUSE_TAG_PREFIX, KillSwitchState } from '../../kill-switch-protocol';
import { GetParameterCommand, ListTagsForResourceCommand, PutParameterCommand } from './aws';
import { EnforceContext } from './enforce';
import { log } from './log';
import { withRetry } from './retry';
import { errorText } from './snapshot';

/** The fields of a CloudWatch alarm notification the enforcer reads. */
interface AlarmNotification {
  readonly AlarmName?: string;
  readonly AlarmArn?: string;
  readonly NewStateValue?: string;
  readonly NewStateReason?: string;
  readonly StateChangeTime?: string;
}

/** What one alarm notification did. */
export interface AutoPauseOutcome {
  readonly alarm: string;
  readonly paused: string[];
  readonly alreadyPaused: string[];
  readonly ignored?: string;
}

/**
 * Handle one alarm notification from the auto-pause topic: when the alarm entered ALARM, write PAUSED to every
 * kill-switch parameter its `governance:auto-pause:<endpoint>` tags name. The parameter write then drives the
 * enforcement (the parameter-change rule invokes the enforcer again), exactly as an operator's pause does.
 */
export async function autoPause(message: string, ctx: EnforceContext): Promise<AutoPauseOutcome> {
  let alarm: AlarmNotification;
  try {
    alarm = JSON.parse(message) as AlarmNotification;
  } catch {
    log('WARN', 'auto-pause topic message is not an alarm notification; ignored', { message: message.slice(0, 500) });
    return { alarm: 'unknown', paused: [], alreadyPaused: [], ignored: 'not JSON' };
  }
  const name = alarm.AlarmName ?? alarm.AlarmArn ?? 'unknown';
  if (alarm.NewStateValue !== 'ALARM' || !alarm.AlarmArn) {
    log('INFO', `alarm ${name} is ${alarm.NewStateValue ?? 'in an unknown state'}; nothing to pause`, { alarm: name });
    return { alarm: name, paused: [], alreadyPaused: [], ignored: `state ${alarm.NewStateValue ?? 'unknown'}` };
  }
  const tags = await withRetry('ListTagsForResource', () => ctx.clients.cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn })), ctx.retry);
  const parameters = [...new Set((tags.Tags ?? [])
    .filter((t) => t.Key?.startsWith(AUTO_PAUSE_TAG_PREFIX) && t.Value)
    .map((t) => t.Value!))];
  if (parameters.length === 0) {
    log('WARN', `alarm ${name} names no kill-switch parameter (no ${AUTO_PAUSE_TAG_PREFIX}<endpoint> tag); nothing to pause`, { alarm: name });
    return { alarm: name, paused: [], alreadyPaused: [], ignored: 'no auto-pause tag' };
  }
  const paused: string[] = [];
  const alreadyPaused: string[] = [];
  const failures: string[] = [];
  for (const parameter of parameters) {
    const current = await withRetry('GetParameter', () => ctx.clients.ssm.send(new GetParameterCommand({ Name: parameter })), ctx.retry)
      .then((r) => r.Parameter?.Value, () => undefined);
    if (current === KillSwitchState.PAUSED) {
      alreadyPaused.push(parameter);
      continue;
    }
    const description = `Auto-pause: alarm ${name} entered ALARM at ${alarm.StateChangeTime ?? 'an unknown time'}: ${alarm.NewStateReason ?? ''}`.slice(0, 1024);
    try {
      await withRetry('PutParameter', () => ctx.clients.ssm.send(new PutParameterCommand({
        Name: parameter, Value: KillSwitchState.PAUSED, Type: 'String', Overwrite: true, Description: description,
      })), ctx.retry);
      paused.push(parameter);
      log('WARN', `alarm ${name} paused ${parameter}`, { alarm: name, parameter });
    } catch (err) {
      failures.push(`${parameter}: ${errorText(err)}`);
      log('ERROR', `alarm ${name} could not pause ${parameter}`, { alarm: name, parameter, error: err });
    }
  }
  if (failures.length > 0) {
    throw new Error(`auto-pause by alarm ${name} failed for ${failures.join('; ')}`);
  }
  return { alarm: name, paused, alreadyPaused };
}
