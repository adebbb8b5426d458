import { Deadline } from '../shared/deadline';
import { RetryPolicy, withRetry } from '../shared/retry';
import { Clients } from './aws';
import { Bounds } from './bounds';

/** What the enforcer serves: the foundation's name, and where it writes evidence and alerts. */
export interface Fleet {
  readonly foundation: string;
  readonly bucket?: string;
  readonly topic?: string;
}

/** What the enforcer needs besides the target. */
export interface EnforceContext {
  readonly clients: Clients;
  readonly retry: RetryPolicy;
  readonly bounds: Bounds;
  readonly now: () => Date;
  /** The fleet served (tests); by default, from the function's environment. */
  readonly fleet?: Fleet;
}

/**
 * One AWS call, retried within `deadline`, each attempt abandoned after the attempt timeout. `send` receives
 * the attempt's abort signal and passes it to `client.send(command, { abortSignal })`.
 */
export function call<T>(ctx: EnforceContext, operation: string, deadline: Deadline, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  return withRetry(operation, send, ctx.retry, { deadline, attemptTimeoutMs: ctx.bounds.attemptTimeoutMs });
}
