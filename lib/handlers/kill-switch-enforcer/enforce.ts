import { EnforcementTarget, KILL_SWITCH_TAG, KillSwitchState } from '../../kill-switch-protocol';
import {
  AddTagsCommand, Clients, DeleteTagsCommand, GetParameterHistoryCommand, ListTagsCommand, PublishCommand, PutObjectCommand, PutParameterCommand,
} from './aws';
import { decide, Decision, describeVersion, ParameterVersion } from './decide';
import { emitMetrics, log } from './log';
import { RetryPolicy, withRetry } from './retry';
import { errorText, evidenceKey, SnapshotLocation, writeSnapshot } from './snapshot';

/** What one enforcement did. */
export interface Outcome {
  readonly endpoint: string;
  readonly state: KillSwitchState;
  readonly action: 'paused' | 'resumed' | 'unchanged' | 'endpoint-missing';
  readonly failClosed: boolean;
  readonly restored: boolean;
  readonly reason: string;
  readonly snapshot?: SnapshotLocation | { readonly error: string };
  readonly notified?: boolean;
}

/** What the enforcer needs besides the target. */
export interface EnforceContext {
  readonly clients: Clients;
  readonly retry: RetryPolicy;
  readonly now: () => Date;
}

/**
 * Bring one endpoint in line with its kill-switch parameter: read the parameter, decide, and set or remove the
 * endpoint's `governance:kill-switch` tag. On a pause, the evidence snapshot is written before the tag; a
 * failed snapshot never stops the pause. Idempotent: an endpoint already in the decided state is left alone.
 */
export async function enforce(target: EnforcementTarget, trigger: Record<string, unknown>, ctx: EnforceContext): Promise<Outcome> {
  const { clients, retry } = ctx;
  const tag = await readTag(target, ctx);
  const history = await readHistory(target.parameter, ctx).catch((err) => ({ error: errorText(err) }));
  const decision = decide(history, tag.missing ? undefined : tag.value);
  log(decision.failClosed ? 'ERROR' : 'INFO', `kill switch of ${target.endpoint}: ${decision.state}`, {
    endpoint: target.endpoint, parameter: target.parameter, state: decision.state, failClosed: decision.failClosed,
    restore: decision.restore, reason: decision.reason, currentTag: tag.value ?? null, tagReadError: tag.error, trigger,
  });

  let restored = false;
  if (decision.restore) {
    restored = await restorePause(target, decision, ctx);
  }
  if (tag.missing) {
    log('WARN', `endpoint ${target.endpoint} does not exist (yet); nothing to tag`, { endpoint: target.endpoint, state: decision.state });
    emitMetrics(target.endpoint, { paused: false, failClosed: decision.failClosed, enforced: false });
    return { endpoint: target.endpoint, state: decision.state, action: 'endpoint-missing', failClosed: decision.failClosed, restored, reason: decision.reason };
  }

  if (decision.state === KillSwitchState.PAUSED) {
    if (tag.value === KillSwitchState.PAUSED) {
      emitMetrics(target.endpoint, { paused: true, failClosed: decision.failClosed, enforced: false });
      return { endpoint: target.endpoint, state: decision.state, action: 'unchanged', failClosed: decision.failClosed, restored, reason: decision.reason };
    }
    const at = ctx.now();
    let snapshot: SnapshotLocation | { error: string };
    if (target.bucket) {
      snapshot = await writeSnapshot(clients, retry, {
        bucket: target.bucket, endpointName: target.endpoint, parameterName: target.parameter, decision,
        history: Array.isArray(history) ? history : undefined, trigger, at,
      }).catch((err) => ({ error: errorText(err) }));
    } else {
      snapshot = { error: 'no evidence bucket is configured for this endpoint' };
    }
    if ('error' in snapshot) {
      log('ERROR', `evidence snapshot of ${target.endpoint} failed; pausing anyway`, { endpoint: target.endpoint, error: snapshot.error });
    }
    try {
      await withRetry('AddTags', () => clients.sagemaker.send(new AddTagsCommand({
        ResourceArn: target.endpointArn, Tags: [{ Key: KILL_SWITCH_TAG, Value: KillSwitchState.PAUSED }],
      })), retry);
    } catch (err) {
      await notify(target, `FAILED to pause ${target.endpoint}`, [
        `The kill switch of endpoint ${target.endpoint} says PAUSED, but the enforcer could not tag the endpoint: ${errorText(err)}.`,
        'Invocations are NOT blocked yet. The function retries; pause the endpoint by hand if this persists (see the runbook).',
        `Why PAUSED: ${decision.reason}.`,
      ], { endpoint: target.endpoint, state: 'PAUSE_FAILED', error: errorText(err) }, ctx);
      throw err;
    }
    emitMetrics(target.endpoint, { paused: true, failClosed: decision.failClosed, enforced: true });
    const notified = await notify(target, `${target.endpoint} PAUSED${decision.failClosed ? ' (fail closed)' : ''}`, [
      `Endpoint ${target.endpoint} is now PAUSED: the tag ${KILL_SWITCH_TAG}=PAUSED is set and every invoke grant of the library denies it.`,
      `Why: ${decision.reason}.`,
      decision.failClosed ? 'The enforcer FAILED CLOSED: it paused because it could not establish that the endpoint may serve.' : '',
      restored ? `The enforcer wrote PAUSED back to ${target.parameter}.` : '',
      'error' in snapshot ? `Evidence snapshot FAILED: ${snapshot.error}.` : `Evidence: s3://${snapshot.bucket}/${snapshot.key}`,
      `Trigger: ${JSON.stringify(trigger)}`,
    ], { endpoint: target.endpoint, state: 'PAUSED', failClosed: decision.failClosed, parameter: target.parameter, snapshot }, ctx);
    return { endpoint: target.endpoint, state: decision.state, action: 'paused', failClosed: decision.failClosed, restored, reason: decision.reason, snapshot, notified };
  }

  if (tag.value === undefined) {
    if (tag.error) {
      // Tag state unknown: removing an absent tag is harmless, so remove it without announcing a resume.
      await withRetry('DeleteTags', () => clients.sagemaker.send(new DeleteTagsCommand({ ResourceArn: target.endpointArn, TagKeys: [KILL_SWITCH_TAG] })), retry);
    }
    emitMetrics(target.endpoint, { paused: false, failClosed: false, enforced: false });
    return { endpoint: target.endpoint, state: decision.state, action: 'unchanged', failClosed: false, restored, reason: decision.reason };
  }
  await withRetry('DeleteTags', () => clients.sagemaker.send(new DeleteTagsCommand({ ResourceArn: target.endpointArn, TagKeys: [KILL_SWITCH_TAG] })), retry);
  emitMetrics(target.endpoint, { paused: false, failClosed: false, enforced: true });
  const at = ctx.now();
  let record: SnapshotLocation | { error: string } | undefined;
  if (target.bucket) {
    const key = evidenceKey(target.endpoint, at, 'resume.json');
    record = await withRetry('PutObject', () => clients.s3.send(new PutObjectCommand({
      Bucket: target.bucket, Key: key, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256',
      Body: JSON.stringify({ schema: 'governed-endpoint/kill-switch-resume/1', takenAt: at.toISOString(), endpointName: target.endpoint, trigger, reason: decision.reason, parameter: { name: target.parameter, version: decision.current ?? null } }, null, 2),
    })), retry).then(() => ({ bucket: target.bucket!, key }), (err) => ({ error: errorText(err) }));
  }
  const notified = await notify(target, `${target.endpoint} RESUMED`, [
    `Endpoint ${target.endpoint} is ACTIVE again: the ${KILL_SWITCH_TAG} tag is removed and invocations are allowed.`,
    `Why: ${decision.reason}.`,
    record && !('error' in record) ? `Record: s3://${record.bucket}/${record.key}` : '',
    `Trigger: ${JSON.stringify(trigger)}`,
  ], { endpoint: target.endpoint, state: 'ACTIVE', parameter: target.parameter, record }, ctx);
  return { endpoint: target.endpoint, state: decision.state, action: 'resumed', failClosed: false, restored, reason: decision.reason, notified };
}

/** The endpoint's kill-switch tag; `missing` when the endpoint does not exist, `error` when the tags could not be read. */
async function readTag(target: EnforcementTarget, ctx: EnforceContext): Promise<{ value?: string; missing: boolean; error?: string }> {
  try {
    let token: string | undefined;
    do {
      const page = await withRetry('ListTags', () => ctx.clients.sagemaker.send(new ListTagsCommand({ ResourceArn: target.endpointArn, NextToken: token, MaxResults: 100 })), ctx.retry);
      const found = page.Tags?.find((t) => t.Key === KILL_SWITCH_TAG);
      if (found) {
        return { value: found.Value, missing: false };
      }
      token = page.NextToken;
    } while (token);
    return { missing: false };
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name === 'ResourceNotFound' || (e.name === 'ValidationException' && /not found|could not find|does not exist/i.test(e.message ?? ''))) {
      return { missing: true };
    }
    // Unknown tag state: enforcement proceeds (setting or removing a tag is idempotent).
    log('ERROR', `could not read the tags of ${target.endpoint}`, { endpoint: target.endpoint, error: err });
    return { missing: false, error: errorText(err) };
  }
}

/** Every version of a parameter (SSM keeps the last 100), oldest first. */
export async function readHistory(name: string, ctx: EnforceContext): Promise<ParameterVersion[]> {
  const versions: ParameterVersion[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry('GetParameterHistory', () => ctx.clients.ssm.send(new GetParameterHistoryCommand({ Name: name, NextToken: token, MaxResults: 50 })), ctx.retry);
    for (const p of page.Parameters ?? []) {
      versions.push({
        version: p.Version ?? 0,
        value: p.Value,
        description: p.Description,
        lastModifiedUser: p.LastModifiedUser,
        lastModifiedDate: p.LastModifiedDate?.toISOString(),
        labels: p.Labels,
      });
    }
    token = page.NextToken;
  } while (token);
  return versions.sort((a, b) => a.version - b.version);
}

/** Write PAUSED back to a parameter a deployment overwrote; false when the write failed (the tag still pauses). */
async function restorePause(target: EnforcementTarget, decision: Decision, ctx: EnforceContext): Promise<boolean> {
  const description = truncate(`Restored by the kill-switch enforcer: ${decision.reason}.`, 1024);
  try {
    await withRetry('PutParameter', () => ctx.clients.ssm.send(new PutParameterCommand({
      Name: target.parameter, Value: KillSwitchState.PAUSED, Type: 'String', Overwrite: true, Description: description,
    })), ctx.retry);
    log('WARN', `restored PAUSED on ${target.parameter}`, { endpoint: target.endpoint, overwritten: decision.current ? describeVersion(decision.current) : null });
    return true;
  } catch (err) {
    log('ERROR', `could not restore PAUSED on ${target.parameter}; the endpoint stays paused by its tag`, { endpoint: target.endpoint, error: err });
    return false;
  }
}

/** Publish a notification to the endpoint's alert topic; false when there is no topic or the publish failed. */
async function notify(target: EnforcementTarget, subject: string, lines: string[], details: Record<string, unknown>, ctx: EnforceContext): Promise<boolean> {
  if (!target.topic) {
    log('WARN', 'no alert topic configured; notification skipped', { endpoint: target.endpoint, subject });
    return false;
  }
  try {
    await withRetry('Publish', () => ctx.clients.sns.send(new PublishCommand({
      TopicArn: target.topic,
      Subject: truncate(`[kill switch] ${subject}`.replace(/[^\x20-\x7e]/g, ' '), 100),
      Message: [...lines.filter((l) => l), '', `Details: ${JSON.stringify(details)}`].join('\n'),
      MessageAttributes: {
        endpoint: { DataType: 'String', StringValue: target.endpoint },
        state: { DataType: 'String', StringValue: String(details.state) },
      },
    })), ctx.retry);
    return true;
  } catch (err) {
    log('ERROR', `could not notify ${target.topic}`, { endpoint: target.endpoint, subject, error: err });
    return false;
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 3)}...`;
}
