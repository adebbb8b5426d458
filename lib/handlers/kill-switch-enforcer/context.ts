import { Deadline } from '../shared/deadline';
import { RetryPolicy, withRetry } from '../shared/retry';
import { Clients } from './aws';
import { Bounds } from './bounds';

/** What the enforcer needs besides the target. */
export interface EnforceContext {
  readonly clients: Clients;
  readonly retry: RetryPolicy;
  readonly bounds: Bounds;
  readonly now: () => Date;
}

/**
 * One AWS call, retried within `deadline`, each attempt abandoned after the attempt timeout. `send` receives
 * the attempt's abort signal and passes it to `client.send(command, { abortSignal })`.
 */
export function call<T>(ctx: EnforceContext, operation: string, deadline: Deadline, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  return withRetry(operation, send, ctx.retry, { deadline, attemptTimeoutMs: ctx.bounds.attemptTimeoutMs });
}
