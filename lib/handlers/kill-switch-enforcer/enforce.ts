import { EnforcementTarget, KILL_SWITCH_PARAMETER_TAG, KILL_SWITCH_TAG, KillSwitchState } from '../../policy/kill-switch-protocol';
import { Deadline } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { notify, restorePause, writeResumeRecord } from './announce';
import { AddTagsCommand, DeleteTagsCommand } from './aws';
import { call, EnforceContext } from './context';
import { decide, Decision, History, TagState } from './decide';
import { emitMetrics } from './log';
import { readHistory, readTags } from './reads';
import { boundedSnapshot, SnapshotLocation, SnapshotResult } from './snapshot';

export type { EnforceContext } from './context';

/** What one enforcement did. */
export interface Outcome {
  readonly endpoint: string;
  readonly state: KillSwitchState;
  readonly action: 'paused' | 'resumed' | 'unchanged' | 'endpoint-missing' | 'pause-failed' | 'resume-failed';
  readonly failClosed: boolean;
  /** Whether PAUSED was written back to the parameter (undefined when no write back was needed). */
  readonly restored?: boolean;
  readonly reason: string;
  /** What the enforcer knew about the endpoint's tags. */
  readonly tags: TagState['kind'];
  readonly snapshot?: SnapshotResult;
  readonly notified?: 'sent' | 'skipped' | 'failed';
  /** Why the invocation must fail (empty when it succeeded): unknowns, failed writes, an alert not delivered. */
  readonly problems: string[];
}

/** An enforcement that needs attention: the invocation fails (Lambda retries, the error alarm fires). */
export class EnforcementFailed extends Error {
  constructor(public readonly outcome: Outcome) {
    super(outcome.problems.join('; '));
    this.name = 'EnforcementFailed';
  }
}

/**
 * Bring one endpoint in line with its kill-switch parameter within `deadline`: read the parameter's history
 * and the endpoint's tags, decide, and set or remove the endpoint's `governance:kill-switch` tag.
 *
 * A pause tag is removed only when the decision allows it (`Decision.mayLift`: an operator's ACTIVE read with
 * certainty, and every page of the tags read); every unknown keeps or applies the pause. On a pause, the
 * evidence snapshot is written first, within its own bound; a late or failed snapshot never stops the pause.
 * Every pause, resume, write back and unknown is announced on the alert topic; the enforcement throws
 * {@link EnforcementFailed} (after acting and announcing) when anything was unknown or failed.
 */
export async function enforce(target: EnforcementTarget, trigger: Record<string, unknown>, ctx: EnforceContext, deadline: Deadline): Promise<Outcome> {
  const { bounds } = ctx;
  const reads = deadline.child(bounds.readMs);
  const [tags, history] = await Promise.all([
    readTags(target, ctx, reads),
    target.parameter === ''
      ? Promise.resolve<History>({ error: `the endpoint carries no ${KILL_SWITCH_PARAMETER_TAG} tag, so its kill switch cannot be read` })
      : readHistory(target.parameter, ctx, reads).catch((err): History => ({ error: errorText(err) })),
  ]);
  const decision = decide(history, tags);
  const problems: string[] = [];
  if (tags.kind !== 'missing') {
    if (decision.failClosed) {
      problems.push(`failed closed: ${decision.reason}`);
    } else if (tags.kind === 'unknown') {
      problems.push(`the endpoint's tags could not be read (${tags.error})`);
    }
  }
  log(decision.failClosed || tags.kind === 'unknown' ? 'ERROR' : 'INFO', `kill switch of ${target.endpoint}: ${decision.state}`, {
    endpoint: target.endpoint, parameter: target.parameter, state: decision.state, failClosed: decision.failClosed, restore: decision.restore,
    mayLift: decision.mayLift, reason: decision.reason, tags: tags.kind, currentTag: tags.kind === 'known' ? tags.value ?? null : null,
    tagReadError: tags.kind === 'unknown' ? tags.error : undefined, trigger,
  });

  let restoreError: string | undefined;
  if (decision.restore) {
    restoreError = (await restorePause(target, decision, ctx, deadline.child(bounds.restoreMs))).error;
    if (restoreError) {
      problems.push(`writing PAUSED back to ${target.parameter} failed (${restoreError})`);
    }
  }

  let action: Outcome['action'] = 'unchanged';
  let snapshot: SnapshotResult | undefined;
  let record: SnapshotLocation | { error: string } | undefined;
  let tagError: string | undefined;
  if (tags.kind === 'missing') {
    action = 'endpoint-missing';
    log('WARN', `endpoint ${target.endpoint} does not exist (yet); nothing to tag`, { endpoint: target.endpoint, state: decision.state });
  } else if (decision.state === KillSwitchState.PAUSED) {
    if (!(tags.kind === 'known' && tags.value === KillSwitchState.PAUSED)) {
      snapshot = await takeSnapshot(target, decision, history, trigger, ctx, deadline);
      try {
        await call(ctx, 'AddTags', deadline.child(bounds.tagWriteMs), (abortSignal) => ctx.clients.sagemaker.send(new AddTagsCommand({
          ResourceArn: target.endpointArn, Tags: [{ Key: KILL_SWITCH_TAG, Value: KillSwitchState.PAUSED }],
        }), { abortSignal }));
        action = 'paused';
      } catch (err) {
        tagError = errorText(err);
        action = 'pause-failed';
        problems.push(`could not tag ${target.endpoint} PAUSED (${tagError})`);
      }
    }
  } else if (tags.kind === 'known' && tags.value !== undefined) {
    if (!decision.mayLift) {
      // Unreachable by construction of `decide`; kept so that no future change can make this path remove a pause.
      log('WARN', `${target.endpoint} carries ${KILL_SWITCH_TAG}=${tags.value}, which is left in place: ${decision.reason}`, { endpoint: target.endpoint });
    } else {
      try {
        await call(ctx, 'DeleteTags', deadline.child(bounds.tagWriteMs), (abortSignal) => ctx.clients.sagemaker.send(new DeleteTagsCommand({
          ResourceArn: target.endpointArn, TagKeys: [KILL_SWITCH_TAG],
        }), { abortSignal }));
        action = 'resumed';
        if (target.bucket) {
          record = await writeResumeRecord(target, decision, trigger, ctx, deadline.child(bounds.notifyMs));
        }
      } catch (err) {
        tagError = errorText(err);
        action = 'resume-failed';
        problems.push(`could not remove the pause tag of ${target.endpoint} (${tagError}); it stays paused`);
      }
    }
  }
  const tagged = action === 'paused' || (tags.kind === 'known' && tags.value === KillSwitchState.PAUSED && action !== 'resumed');
  emitMetrics(target.endpoint, { paused: decision.state === KillSwitchState.PAUSED && tagged, failClosed: decision.failClosed, enforced: action === 'paused' || action === 'resumed' });

  const restored = decision.restore ? restoreError === undefined : undefined;
  let notified: Outcome['notified'];
  if ((action !== 'unchanged' && action !== 'endpoint-missing') || decision.restore || problems.length > 0) {
    const message = announcement(target, { decision, tags, action, restoreError, snapshot, record, tagError, problems, trigger });
    notified = await notify(target, message.subject, message.lines, {
      endpoint: target.endpoint, state: message.state, failClosed: decision.failClosed, parameter: target.parameter, snapshot, record,
    }, ctx, deadline.child(bounds.notifyMs));
    if (notified === 'failed') {
      problems.push(`the alert "${message.subject}" could not be published`);
    }
  }
  const outcome: Outcome = {
    endpoint: target.endpoint, state: decision.state, action, failClosed: decision.failClosed, restored, reason: decision.reason,
    tags: tags.kind, snapshot, notified, problems,
  };
  if (problems.length > 0) {
    throw new EnforcementFailed(outcome);
  }
  return outcome;
}

function takeSnapshot(target: EnforcementTarget, decision: Decision, history: History, trigger: Record<string, unknown>, ctx: EnforceContext, deadline: Deadline): Promise<SnapshotResult> {
  if (!target.bucket) {
    return Promise.resolve({ error: 'no evidence bucket is configured for this endpoint', late: false });
  }
  return boundedSnapshot(ctx, {
    bucket: target.bucket, endpointName: target.endpoint, parameterName: target.parameter, decision,
    history: Array.isArray(history) ? history : undefined, trigger, at: ctx.now(),
  }, deadline.child(ctx.bounds.snapshotMs)).then((result) => {
    if ('error' in result) {
      log('ERROR', `evidence snapshot of ${target.endpoint} ${result.late ? 'is late' : 'failed'}; pausing without it`, { endpoint: target.endpoint, error: result.error });
    }
    return result;
  });
}

interface AnnouncementInput {
  readonly decision: Decision;
  readonly tags: TagState;
  readonly action: Outcome['action'];
  readonly restoreError?: string;
  readonly snapshot?: SnapshotResult;
  readonly record?: SnapshotLocation | { error: string };
  readonly tagError?: string;
  readonly problems: string[];
  readonly trigger: Record<string, unknown>;
}

/** The subject and lines of the notification for what happened. */
function announcement(target: EnforcementTarget, a: AnnouncementInput): { subject: string; state: string; lines: string[] } {
  const ep = target.endpoint;
  const fc = a.decision.failClosed ? ' (fail closed)' : '';
  const head = (() => {
    switch (a.action) {
      case 'paused':
        return { subject: `${ep} PAUSED${fc}`, state: 'PAUSED', line: `Endpoint ${ep} is now PAUSED: the tag ${KILL_SWITCH_TAG}=PAUSED is set and every invoke grant of the library denies it.` };
      case 'pause-failed':
        return { subject: `FAILED to pause ${ep}`, state: 'PAUSE_FAILED', line: `The kill switch of endpoint ${ep} says PAUSED, but the enforcer could not tag the endpoint: ${a.tagError}. Invocations are NOT blocked yet. The function retries; pause the endpoint by hand if this persists (see the runbook).` };
      case 'resumed':
        return { subject: `${ep} RESUMED`, state: 'ACTIVE', line: `Endpoint ${ep} is ACTIVE again: the ${KILL_SWITCH_TAG} tag is removed and invocations are allowed.` };
      case 'resume-failed':
        return { subject: `FAILED to resume ${ep}`, state: 'RESUME_FAILED', line: `The kill switch of endpoint ${ep} says ACTIVE, but the enforcer could not remove the pause tag: ${a.tagError}. The endpoint stays PAUSED; the function retries.` };
      case 'endpoint-missing':
        return { subject: `${ep}: kill switch ${a.decision.state}, endpoint not found`, state: a.decision.state, line: `Endpoint ${ep} does not exist (yet); its kill switch is ${a.decision.state}.` };
      default:
        return a.decision.state === KillSwitchState.PAUSED
          ? { subject: `${ep} stays PAUSED${fc}`, state: 'PAUSED', line: `Endpoint ${ep} stays PAUSED${a.tags.kind === 'known' ? ` (it carries the tag ${KILL_SWITCH_TAG}=PAUSED)` : ''}.` }
          : { subject: `${ep}: kill-switch enforcement problem`, state: 'ACTIVE', line: `Endpoint ${ep} is ACTIVE; see the problems below.` };
    }
  })();
  const snapshotLine = !a.snapshot ? ''
    : 'error' in a.snapshot
      ? (a.snapshot.late ? `Evidence snapshot LATE: ${a.snapshot.error}; the endpoint was paused without waiting for it.` : `Evidence snapshot MISSING: ${a.snapshot.error}.`)
      : `Evidence: s3://${a.snapshot.bucket}/${a.snapshot.key}${a.snapshot.incomplete ? ' (incomplete: some Describe calls did not answer within the bound)' : ''}`;
  return {
    subject: head.subject,
    state: head.state,
    lines: [
      head.line,
      `Why: ${a.decision.reason}.`,
      a.decision.failClosed ? 'The enforcer FAILED CLOSED: it keeps the endpoint paused because it could not establish that the endpoint may serve.' : '',
      a.tags.kind === 'unknown' ? `The endpoint's tags could not be read (${a.tags.error}): the pause is kept or applied, never removed, until they can be.` : '',
      a.decision.restore ? (a.restoreError ? `Writing PAUSED back to ${target.parameter} FAILED: ${a.restoreError}. The tag still pauses the endpoint.` : `The enforcer wrote PAUSED back to ${target.parameter}.`) : '',
      snapshotLine,
      a.record ? ('error' in a.record ? `Resume record FAILED: ${a.record.error}.` : `Record: s3://${a.record.bucket}/${a.record.key}`) : '',
      a.decision.state === KillSwitchState.PAUSED && (a.decision.restore || a.decision.failClosed) ? `To resume, write ACTIVE to ${target.parameter} with your reason as the description.` : '',
      a.problems.length > 0 ? `This invocation fails (the function retries and its error alarm fires): ${a.problems.join('; ')}.` : '',
      `Trigger: ${JSON.stringify(a.trigger)}`,
    ],
  };
}
