import { Deadline } from '../shared/deadline';
import { RetryPolicy, withRetry } from '../shared/retry';
import { Clients } from './aws';
import { Bounds } from './bounds';

/** What the monitor needs besides its input. */
export interface MonitorContext {
  readonly clients: Clients;
  readonly retry: RetryPolicy;
  readonly bounds: Bounds;
  readonly now: () => Date;
  /** Uniform in [0, 1): object and record sampling (tests seed it). */
  readonly random: () => number;
}

/**
 * One AWS call, retried within `deadline`, each attempt abandoned after the attempt timeout (or `attemptTimeoutMs`
 * when given). `send` receives the attempt's abort signal and passes it to `client.send(command, { abortSignal })`.
 */
export function call<T>(ctx: MonitorContext, operation: string, deadline: Deadline, send: (abortSignal: AbortSignal) => Promise<T>, attemptTimeoutMs?: number): Promise<T> {
  return withRetry(operation, send, ctx.retry, { deadline, attemptTimeoutMs: attemptTimeoutMs ?? ctx.bounds.attemptTimeoutMs });
}

/** Each of `items` in turn, fetched page by page until `next` is undefined; throws when the pages do not end in `maxPages` or repeat a token. */
export async function allPages<P>(operation: string, maxPages: number, fetch: (token: string | undefined) => Promise<P>, next: (page: P) => string | undefined, each: (page: P) => void): Promise<void> {
  let token: string | undefined;
  const seen = new Set<string>();
  for (let page = 1; page <= maxPages; page++) {
    const out = await fetch(token);
    each(out);
    token = next(out);
    if (!token) {
      return;
    }
    if (seen.has(token)) {
      throw new Error(`${operation} returned the page token of an earlier page again (page ${page + 1})`);
    }
    seen.add(token);
  }
  throw new Error(`${operation} returned more than ${maxPages} pages`);
}
