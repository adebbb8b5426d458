import { DEPLOYMENT_MARKER, EnforcementTarget, KillSwitchState } from '../../policy/kill-switch-protocol';
import { Deadline } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { PublishCommand, PutObjectCommand, PutParameterCommand } from './aws';
import { call, EnforceContext } from './context';
import { Decision, describeVersion } from './decide';
import { evidenceKey, SnapshotLocation } from './snapshot';

/** Write PAUSED back to a parameter a deployment overwrote; the error text when the write failed (the tag still pauses). */
export async function restorePause(target: EnforcementTarget, decision: Decision, ctx: EnforceContext, deadline: Deadline): Promise<{ readonly error?: string }> {
  // The description quotes the versions involved; the marker is removed so the write never reads as a deployment's.
  const description = truncate(`Restored by the kill-switch enforcer: ${decision.reason}.`.split(DEPLOYMENT_MARKER).join('(deployment marker)'), 1024);
  try {
    await call(ctx, 'PutParameter', deadline, (abortSignal) => ctx.clients.ssm.send(new PutParameterCommand({
      Name: target.parameter, Value: KillSwitchState.PAUSED, Type: 'String', Overwrite: true, Description: description,
    }), { abortSignal }));
    log('WARN', `restored PAUSED on ${target.parameter}`, { endpoint: target.endpoint, overwritten: decision.current ? describeVersion(decision.current) : null });
    return {};
  } catch (err) {
    log('ERROR', `could not restore PAUSED on ${target.parameter}; the endpoint stays paused by its tag`, { endpoint: target.endpoint, error: err });
    return { error: errorText(err) };
  }
}

/** Write `resume.json` (who resumed, why, and the trigger); the error text when the write failed. */
export async function writeResumeRecord(target: EnforcementTarget, decision: Decision, trigger: Record<string, unknown>, ctx: EnforceContext, deadline: Deadline): Promise<SnapshotLocation | { readonly error: string }> {
  const at = ctx.now();
  const key = evidenceKey(target.endpoint, at, 'resume.json');
  try {
    await call(ctx, 'PutObject', deadline, (abortSignal) => ctx.clients.s3.send(new PutObjectCommand({
      Bucket: target.bucket, Key: key, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256',
      Body: JSON.stringify({
        schema: 'governed-endpoint/kill-switch-resume/1', takenAt: at.toISOString(), endpointName: target.endpoint, trigger,
        reason: decision.reason, parameter: { name: target.parameter, version: decision.current ?? null },
      }, null, 2),
    }), { abortSignal }));
    return { bucket: target.bucket!, key };
  } catch (err) {
    log('ERROR', `could not write the resume record of ${target.endpoint}`, { endpoint: target.endpoint, error: err });
    return { error: errorText(err) };
  }
}

/**
 * Publish a notification to the endpoint's alert topic. `skipped` when the endpoint has no topic; `failed`
 * when the publish failed (logged as an ERROR: the caller fails the invocation, so the error alarm fires).
 */
export async function notify(target: EnforcementTarget, subject: string, lines: string[], details: Record<string, unknown>, ctx: EnforceContext, deadline: Deadline): Promise<'sent' | 'skipped' | 'failed'> {
  if (!target.topic) {
    log('WARN', 'no alert topic configured; notification skipped', { endpoint: target.endpoint, subject });
    return 'skipped';
  }
  try {
    await call(ctx, 'Publish', deadline, (abortSignal) => ctx.clients.sns.send(new PublishCommand({
      TopicArn: target.topic,
      Subject: truncate(`[kill switch] ${subject}`.replace(/[^\x20-\x7e]/g, ' '), 100),
      Message: truncate([...lines.filter((l) => l), '', `Details: ${JSON.stringify(details)}`].join('\n'), 200_000),
      MessageAttributes: {
        endpoint: { DataType: 'String', StringValue: target.endpoint },
        state: { DataType: 'String', StringValue: String(details.state) },
      },
    }), { abortSignal }));
    return 'sent';
  } catch (err) {
    log('ERROR', `could not notify ${target.topic}`, { endpoint: target.endpoint, subject, error: err });
    return 'failed';
  }
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 3)}...`;
}
