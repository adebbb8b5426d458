/**
 * The approval gate's time bounds. The gate must answer CloudFormation within its function's timeout
 * (60 s, set by the `ApprovalGate` construct): otherwise the stack waits for the custom resource's own
 * timeout. The check gets what is left after the time the answer may need.
 */

import { ATTEMPT_TIMEOUT_MS, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../shared/http-timeouts';

/** `DescribeModelPackage` is bounded per attempt like every handler call (lib/handlers/shared/http-timeouts.ts). */
export const GATE_CONNECTION_TIMEOUT_MS = CONNECTION_TIMEOUT_MS;
export const GATE_REQUEST_TIMEOUT_MS = REQUEST_TIMEOUT_MS;
export const GATE_ATTEMPT_TIMEOUT_MS = ATTEMPT_TIMEOUT_MS;
/** The whole check, retries included: past it, the gate answers FAILED. */
export const GATE_CHECK_BUDGET_MS = 20_000;
/** One PUT of the answer to CloudFormation's pre-signed URL. */
export const RESPONSE_ATTEMPT_TIMEOUT_MS = 5_000;
/** PUT attempts in total. */
export const RESPONSE_ATTEMPTS = 4;
/** Wait before the second attempt; it doubles before each further one (0.5 s, 1 s, 2 s). */
export const RESPONSE_BACKOFF_MS = 500;
/** Kept back at the end of the invocation. */
export const GATE_RESERVE_MS = 2_000;

/** All bounds together; tests shrink them. */
export interface GateBounds {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly checkMs: number;
  readonly responseAttemptTimeoutMs: number;
  readonly responseAttempts: number;
  readonly responseBackoffMs: number;
  readonly reserveMs: number;
}

export const DEFAULT_GATE_BOUNDS: GateBounds = {
  connectionTimeoutMs: GATE_CONNECTION_TIMEOUT_MS,
  requestTimeoutMs: GATE_REQUEST_TIMEOUT_MS,
  attemptTimeoutMs: GATE_ATTEMPT_TIMEOUT_MS,
  checkMs: GATE_CHECK_BUDGET_MS,
  responseAttemptTimeoutMs: RESPONSE_ATTEMPT_TIMEOUT_MS,
  responseAttempts: RESPONSE_ATTEMPTS,
  responseBackoffMs: RESPONSE_BACKOFF_MS,
  reserveMs: GATE_RESERVE_MS,
};

/** The longest the answer can take: every attempt timing out, plus the waits between them (23.5 s by default). */
export function worstCaseResponseMs(b: GateBounds = DEFAULT_GATE_BOUNDS): number {
  let waits = 0;
  for (let i = 0; i < b.responseAttempts - 1; i++) {
    waits += b.responseBackoffMs * 2 ** i;
  }
  return b.responseAttempts * b.responseAttemptTimeoutMs + waits;
}

/** The longest a whole invocation can take: the check, then the answer, plus the reserve (45.5 s by default). */
export function worstCaseInvocationMs(b: GateBounds = DEFAULT_GATE_BOUNDS): number {
  return b.checkMs + worstCaseResponseMs(b) + b.reserveMs;
}
