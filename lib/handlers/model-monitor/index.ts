/**
 * The model monitor: one function per foundation, serving every monitored endpoint it finds by tag
 * (`governance:foundation=<foundation>` and `governance:monitoring-config`). Invoked by its schedules with a
 * `MonitorInput`:
 * - `window` (every `windowMinutes`): analyse the last complete window of each endpoint's data capture against its
 *   baseline, publish the figures as CloudWatch metrics (embedded metric format, namespace
 *   `GovernedEndpoint/Monitoring`, dimension `EndpointName`) and write the window's report to the evidence bucket;
 *   with ground truth, also the quality of the window that ended `labelDelayHours` ago.
 * - `hypercare` (every 15 minutes): the same for endpoints deployed less than `hypercareHours` ago, on 15-minute
 *   windows (metrics with the extra dimension `Schedule=hypercare`), and the "hypercare started/ended" notices.
 * - `review` (daily): the review reminder of each endpoint whose review period ended since the previous tick.
 *
 * Failures are never silent: an endpoint whose configuration, baseline, capture or report cannot be read or written
 * gets `MonitorFailed=1` or `BaselineUnavailable=1` and an alert on its topic, and the invocation fails (after every
 * endpoint was handled) so the function's error alarm fires. Every AWS call has connection and request timeouts, a
 * per-attempt deadline and retries; every endpoint has its own deadline and runs independently of the others
 * (bounded concurrency). See `bounds.ts`.
 */
import { MonitorInput } from '../../policy/monitoring-protocol';
import { Deadline, eachBounded, withTimeout } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { retryPolicyFromEnv } from '../shared/retry';
import { EndpointFailed, Outcome, serveEndpoint } from './analyse';
import * as sdk from './aws';
import { Bounds, DEFAULT_BOUNDS } from './bounds';
import { MonitorContext } from './context';
import { discoverEndpoints, discoverReviewOnly, MonitoredEndpoint } from './discover';
import { emitFailureMetrics } from './report';

/** The bundled SDK classes (and the client factory), so tests mock exactly what the function runs. */
export { sdk };
export { DEFAULT_BOUNDS };
export { reviewSummary } from '../../policy/review-summary';
export type { Bounds, MonitorContext, Outcome };
export type { ReviewFacts, ReviewSummary } from '../../policy/review-summary';

/** The monitor's answer: what it did per endpoint. */
export interface HandlerResult {
  readonly outcomes: Outcome[];
}

/** The part of the Lambda context the monitor reads. */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
}

/** An invocation that failed for some endpoints; `outcomes` holds what was done for every one of them. */
export class InvocationFailed extends Error {
  constructor(message: string, public readonly outcomes: Outcome[]) {
    super(message);
    this.name = 'InvocationFailed';
  }
}

let defaultClients: sdk.Clients | undefined;

/** A handler over given clients and bounds (tests) or, by default, clients created once per function instance. */
export function createHandler(options: Partial<MonitorContext> = {}): (event: unknown, context?: InvocationContext) => Promise<HandlerResult> {
  return async (event: unknown, context?: InvocationContext) => {
    const bounds = options.bounds ?? DEFAULT_BOUNDS;
    const clients = options.clients ?? (defaultClients ??= sdk.createClients());
    const ctx: MonitorContext = { clients, bounds, retry: options.retry ?? retryPolicyFromEnv(), now: options.now ?? (() => new Date()), random: options.random ?? Math.random };
    const left = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() - bounds.invocationReserveMs : Infinity;
    return run(event, ctx, Deadline.after(Math.min(bounds.invocationMs, left)));
  };
}

/** The Lambda entry point. */
export const handler = createHandler();

async function run(event: unknown, ctx: MonitorContext, deadline: Deadline): Promise<HandlerResult> {
  const input = event as Partial<MonitorInput> | undefined;
  if (!input || typeof input !== 'object' || !['window', 'hypercare', 'review'].includes(input.kind as string) || typeof input.foundation !== 'string' || input.foundation === '') {
    const text = safeJson(event);
    log('ERROR', 'unrecognised monitor input; nothing analysed', { input: text });
    throw new Error(`unrecognised monitor input (expected {kind: window|hypercare|review, foundation}): ${text}`);
  }
  const kind = input.kind!;
  const { bounds } = ctx;
  // A failed discovery is loud: the invocation fails (the function's error alarm), and the monitor-silent alarms fire.
  const found = [
    ...await discoverEndpoints(input.foundation, ctx, deadline.child(bounds.discoverMs)),
    // Reviews remind the owners of endpoints that are not monitored too (their tags stand in for the configuration).
    ...(kind === 'review' ? await discoverReviewOnly(input.foundation, ctx, deadline.child(bounds.discoverMs)) : []),
  ];
  const endpoints = found.slice(0, bounds.maxEndpoints);
  const failures: string[] = found.slice(bounds.maxEndpoints).map((e) => {
    emitFailureMetrics(e.endpointName, kind === 'hypercare' ? 'hypercare' : 'window', ctx.now());
    return `${e.endpointName}: not served, the foundation has more than ${bounds.maxEndpoints} monitored endpoints`;
  });
  log('INFO', `serving ${endpoints.length} endpoint(s)`, { kind, foundation: input.foundation, endpoints: endpoints.map((e) => e.endpointName) });
  const results = await eachBounded(endpoints, bounds.concurrency, (endpoint: MonitoredEndpoint) => {
    const left = deadline.remaining();
    if (left < bounds.minStartMs) {
      emitFailureMetrics(endpoint.endpointName, kind === 'hypercare' ? 'hypercare' : 'window', ctx.now());
      throw new Error(`not served: only ${left} ms were left in this invocation`);
    }
    const own = deadline.child(bounds.endpointMs);
    return withTimeout(`monitoring of ${endpoint.endpointName}`, own.remaining() + bounds.graceMs, () => serveEndpoint(endpoint, kind, ctx, own));
  });
  const outcomes: Outcome[] = [];
  results.forEach((r, i) => {
    const name = endpoints[i].endpointName;
    if (r.status === 'fulfilled') {
      outcomes.push(r.value);
      return;
    }
    if (r.reason instanceof EndpointFailed) {
      outcomes.push(r.reason.outcome);
    } else {
      // Abandoned by force (its own deadline passed): its reserve for reporting is gone, so report here.
      emitFailureMetrics(name, kind === 'hypercare' ? 'hypercare' : 'window', ctx.now());
    }
    failures.push(`${name}: ${errorText(r.reason)}`);
    log('ERROR', `monitoring of ${name} failed`, { endpoint: name, kind, error: errorText(r.reason) });
  });
  if (failures.length > 0) {
    throw new InvocationFailed(`model monitor (${kind}) failed for ${failures.join('; ')}`, outcomes);
  }
  return { outcomes };
}

function safeJson(x: unknown): string {
  try {
    return (JSON.stringify(x) ?? String(x)).slice(0, 500);
  } catch {
    return String(x).slice(0, 500);
  }
}
