import { Deadline, DeadlineExceeded, sleep, withTimeout } from './deadline';
import { log } from './log';

/** How `withRetry` retries. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly attempts: number;
  /** Base delay in ms; attempt n waits a random time up to `min(maxDelayMs, baseDelayMs * 2^n)` ("full jitter"). */
  readonly baseDelayMs: number;
  /** Longest wait between two attempts, in ms. */
  readonly maxDelayMs: number;
}

/** The time limits of one retried call. */
export interface CallLimits {
  /** No attempt starts after it, and no attempt runs past it. */
  readonly deadline: Deadline;
  /** Longest time one attempt may take before it is abandoned (and retried, time permitting). */
  readonly attemptTimeoutMs: number;
}

/** The policy from the environment: `RETRY_ATTEMPTS` (default 6), `RETRY_BASE_DELAY_MS` (default 200), `RETRY_MAX_DELAY_MS` (default 5000). */
export function retryPolicyFromEnv(env: Record<string, string | undefined> = process.env): RetryPolicy {
  const num = (name: string, fallback: number) => {
    const n = Number(env[name]);
    return Number.isFinite(n) && n >= 0 && env[name] !== undefined && env[name] !== '' ? n : fallback;
  };
  return { attempts: Math.max(1, Math.floor(num('RETRY_ATTEMPTS', 6))), baseDelayMs: num('RETRY_BASE_DELAY_MS', 200), maxDelayMs: num('RETRY_MAX_DELAY_MS', 5000) };
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded',
  'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'TooManyUpdates', 'ProvisionedThroughputExceededException',
  'InternalServerError', 'InternalFailure', 'InternalServerException', 'ServiceUnavailable', 'ServiceUnavailableException',
  'RequestTimeout', 'RequestTimeoutException', 'TimeoutError', 'NetworkingError',
]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND']);

/** True for throttling, 5xx, timeouts and network errors, which are worth another attempt. */
export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e || typeof e !== 'object') {
    return false;
  }
  const status = e.$metadata?.httpStatusCode;
  return RETRYABLE_NAMES.has(e.name ?? '') || RETRYABLE_CODES.has(e.code ?? '') || e.$retryable !== undefined ||
    status === 429 || (status !== undefined && status >= 500);
}

/**
 * Run `call`, retrying throttling and transient errors with exponential backoff and full jitter, within
 * `limits`: each attempt is abandoned after `attemptTimeoutMs` (its signal is aborted, which closes an SDK
 * call's connection), and no attempt or wait runs past the deadline. Throws the last error, or
 * `DeadlineExceeded` when the deadline passed before a first attempt could start.
 */
export async function withRetry<T>(operation: string, call: (signal: AbortSignal) => Promise<T>, policy: RetryPolicy, limits: CallLimits): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const left = limits.deadline.remaining();
    if (left <= 0) {
      throw new DeadlineExceeded(operation);
    }
    try {
      return await withTimeout(operation, Math.min(limits.attemptTimeoutMs, left), call);
    } catch (err) {
      if (attempt >= policy.attempts || !isRetryable(err)) {
        throw err;
      }
      const delay = Math.round(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
      if (delay >= limits.deadline.remaining()) {
        throw err;
      }
      log('WARN', `${operation} failed; retrying`, { operation, attempt, delayMs: delay, error: err });
      await sleep(delay);
    }
  }
}
