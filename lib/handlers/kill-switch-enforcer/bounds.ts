/**
 * The enforcer's time bounds. Every AWS call is bounded twice: by the HTTP handler (connection and request
 * timeouts) and by the enforcer's own per-attempt deadline, which abandons the call even if the handler
 * never gives up. Retries stop at the deadline of the stage they belong to, and every stage has one, so the
 * longest path through one endpoint ends well inside the function's timeout
 * (`KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS`, 120 s).
 */
import { KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS } from '../../policy/kill-switch-protocol';

import { ATTEMPT_TIMEOUT_MS, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../shared/http-timeouts';

export { ATTEMPT_TIMEOUT_MS, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS };

/** Reading the parameter's history and the endpoint's tags (in parallel, every page, retries included). */
export const READ_BUDGET_MS = 20_000;
/** Writing PAUSED back to a parameter a deployment overwrote. */
export const RESTORE_BUDGET_MS = 10_000;
/** The evidence snapshot before a pause: past it, the endpoint is paused without waiting any longer. */
export const SNAPSHOT_BUDGET_MS = 15_000;
/** Part of the snapshot budget kept for writing it, so Describe calls that hang still leave a (partial) record. */
export const SNAPSHOT_WRITE_RESERVE_MS = 5_000;
/** Setting or removing the pause tag. */
export const TAG_WRITE_BUDGET_MS = 20_000;
/** Publishing the notification, and writing the resume record. */
export const NOTIFY_BUDGET_MS = 10_000;

/**
 * One endpoint, from its first read to its notification: at least the sum of the stages on the longest path
 * (a pause with a restore: 20 + 10 + 15 + 20 + 10 = 75 s).
 */
export const ENDPOINT_BUDGET_MS = 80_000;
/** Endpoints enforced at the same time in a reconcile or an event that matches several. */
export const ENDPOINT_CONCURRENCY = 8;
/** Time kept back at the end of the invocation to report failures before Lambda's timeout. */
export const INVOCATION_RESERVE_MS = 10_000;
/** An endpoint is not started with less time than this left in the invocation (it is reported as failed instead). */
export const MIN_START_MS = 5_000;
/** Extra time after a deadline before the work is abandoned by force (its calls normally end on their own first). */
export const GRACE_MS = 1_000;

/** All bounds together; tests shrink them. */
export interface Bounds {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly readMs: number;
  readonly restoreMs: number;
  readonly snapshotMs: number;
  readonly snapshotWriteReserveMs: number;
  readonly tagWriteMs: number;
  readonly notifyMs: number;
  readonly endpointMs: number;
  readonly concurrency: number;
  /** The invocation's budget when Lambda does not say how much time is left. */
  readonly invocationMs: number;
  readonly invocationReserveMs: number;
  readonly minStartMs: number;
  readonly graceMs: number;
}

export const DEFAULT_BOUNDS: Bounds = {
  connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
  readMs: READ_BUDGET_MS,
  restoreMs: RESTORE_BUDGET_MS,
  snapshotMs: SNAPSHOT_BUDGET_MS,
  snapshotWriteReserveMs: SNAPSHOT_WRITE_RESERVE_MS,
  tagWriteMs: TAG_WRITE_BUDGET_MS,
  notifyMs: NOTIFY_BUDGET_MS,
  endpointMs: ENDPOINT_BUDGET_MS,
  concurrency: ENDPOINT_CONCURRENCY,
  invocationMs: KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS * 1000 - INVOCATION_RESERVE_MS,
  invocationReserveMs: INVOCATION_RESERVE_MS,
  minStartMs: MIN_START_MS,
  graceMs: GRACE_MS,
};

/** The longest time one endpoint's enforcement can take (its stages, then the grace before it is abandoned). */
export function worstCaseEndpointMs(b: Bounds = DEFAULT_BOUNDS): number {
  return b.endpointMs + b.graceMs;
}
