import { AUTO_PAUSE_TAG_PREFIX, KillSwitchState } from '../../policy/kill-switch-protocol';
import { Deadline, eachBounded, withTimeout } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { GetParameterCommand, ListTagsForResourceCommand, PutParameterCommand } from './aws';
import { call, EnforceContext } from './context';

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
 *
 * Each parameter is handled on its own, with its own deadline: one that hangs or fails never holds back
 * another's pause. A message that is not an alarm notification, or any failed write, fails the invocation.
 */
export async function autoPause(message: string, ctx: EnforceContext, deadline: Deadline): Promise<AutoPauseOutcome> {
  let alarm: AlarmNotification;
  try {
    alarm = JSON.parse(message) as AlarmNotification;
  } catch {
    throw new Error(`auto-pause topic message is not a CloudWatch alarm notification (not JSON): ${message.slice(0, 200)}`);
  }
  if (!alarm || typeof alarm !== 'object' || typeof alarm.NewStateValue !== 'string') {
    throw new Error(`auto-pause topic message is not a CloudWatch alarm notification (no NewStateValue): ${message.slice(0, 200)}`);
  }
  const name = alarm.AlarmName ?? alarm.AlarmArn ?? 'unknown';
  if (alarm.NewStateValue !== 'ALARM') {
    log('INFO', `alarm ${name} is ${alarm.NewStateValue}; nothing to pause`, { alarm: name });
    return { alarm: name, paused: [], alreadyPaused: [], ignored: `state ${alarm.NewStateValue}` };
  }
  if (typeof alarm.AlarmArn !== 'string' || alarm.AlarmArn === '') {
    throw new Error(`alarm ${name} entered ALARM, but its notification carries no AlarmArn: the parameters it pauses cannot be found`);
  }
  const alarmArn = alarm.AlarmArn;
  const tags = await call(ctx, 'ListTagsForResource', deadline.child(ctx.bounds.readMs), (abortSignal) =>
    ctx.clients.cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }), { abortSignal }));
  const parameters = [...new Set((tags.Tags ?? [])
    .filter((t) => t.Key?.startsWith(AUTO_PAUSE_TAG_PREFIX) && t.Value)
    .map((t) => t.Value!))];
  if (parameters.length === 0) {
    log('WARN', `alarm ${name} names no kill-switch parameter (no ${AUTO_PAUSE_TAG_PREFIX}<endpoint> tag); nothing to pause`, { alarm: name });
    return { alarm: name, paused: [], alreadyPaused: [], ignored: 'no auto-pause tag' };
  }
  const description = `Auto-pause: alarm ${name} entered ALARM at ${alarm.StateChangeTime ?? 'an unknown time'}: ${alarm.NewStateReason ?? ''}`.slice(0, 1024);
  const results = await eachBounded(parameters, ctx.bounds.concurrency, (parameter) => {
    const own = deadline.child(ctx.bounds.readMs + ctx.bounds.restoreMs);
    return withTimeout(`auto-pause of ${parameter}`, own.remaining() + ctx.bounds.graceMs, () => pauseParameter(parameter, description, ctx, own));
  });
  const paused: string[] = [];
  const alreadyPaused: string[] = [];
  const failures: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      failures.push(`${parameters[i]}: ${errorText(r.reason)}`);
      log('ERROR', `alarm ${name} could not pause ${parameters[i]}`, { alarm: name, parameter: parameters[i], error: r.reason });
    } else if (r.value === 'already') {
      alreadyPaused.push(parameters[i]);
    } else {
      paused.push(parameters[i]);
      log('WARN', `alarm ${name} paused ${parameters[i]}`, { alarm: name, parameter: parameters[i] });
    }
  });
  if (failures.length > 0) {
    throw new Error(`auto-pause by alarm ${name} failed for ${failures.join('; ')}`);
  }
  return { alarm: name, paused, alreadyPaused };
}

/** Write PAUSED unless the parameter already says so; a parameter that cannot be read is written anyway. */
async function pauseParameter(parameter: string, description: string, ctx: EnforceContext, deadline: Deadline): Promise<'already' | 'written'> {
  const current = await call(ctx, 'GetParameter', deadline.child(ctx.bounds.readMs), (abortSignal) =>
    ctx.clients.ssm.send(new GetParameterCommand({ Name: parameter }), { abortSignal }))
    .then((r) => r.Parameter?.Value, () => undefined);
  if (current === KillSwitchState.PAUSED) {
    return 'already';
  }
  await call(ctx, 'PutParameter', deadline, (abortSignal) => ctx.clients.ssm.send(new PutParameterCommand({
    Name: parameter, Value: KillSwitchState.PAUSED, Type: 'String', Overwrite: true, Description: description,
  }), { abortSignal }));
  return 'written';
}
