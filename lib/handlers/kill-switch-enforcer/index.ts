/**
 * `lib/handlers`: Lambda code, each handler bundled from its `index.ts` by `bin/bundle-handlers.mjs` into
 * `build/handlers/<name>/index.js` and never exported from the package. The handlers share only the runtime
 * protocol from `lib/policy` (tag keys, parameter values, event shapes) and `lib/handlers/shared`; they never
 * import aws-cdk-lib, the constructs, the nag pack or the report.
 *
 * The kill-switch enforcer: one function per governance foundation that keeps the `governance:kill-switch` tag of
 * every endpoint tagged `governance:foundation=<its foundation>` in line with the endpoint's SSM parameter (named by
 * the endpoint's `governance:kill-switch-parameter` tag). It finds the endpoints by their tags, so it lists none.
 *
 * Safety invariant: an existing pause tag is removed ONLY when the enforcer has read, with certainty, the
 * parameter's current value as ACTIVE written by an operator (not a deployment: see DEPLOYMENT_MARKER in
 * lib/policy/kill-switch-protocol.ts) AND knows the endpoint's current tags (every page of ListTags read
 * successfully). Every unknown — unreadable or deleted parameter (ParameterNotFound), unknown value, failed or
 * throttled tag read (AccessDenied, throttling past retries, 5xx, timeouts), an incomplete paginated tag
 * list — keeps or applies the pause (never DeleteTags) and alerts (SNS notification + ERROR log + the
 * invocation fails so Lambda retries and the existing error alarm fires). A deployment-written ACTIVE after a
 * pause never lifts it, whatever else fails. (`decide` encodes it as `Decision.mayLift`; `enforce` removes a
 * tag only when that is true.)
 *
 * Bounded time: every AWS call has a connection and request timeout and a per-attempt deadline; every stage
 * (reads, write back, snapshot, tag, notification) has a budget; every endpoint has its own deadline and is
 * enforced independently of the others (bounded concurrency), so one endpoint's hang or failure never delays
 * another's pause. See `bounds.ts`.
 *
 * Invoked by
 * - the parameter-change / endpoint-state-change rule: `{ kind: 'event', event }` (the endpoints concerned are
 *   found by their tags: see `discover.ts`);
 * - the reconcile schedule: `{ kind: 'reconcile' }` (every endpoint of the foundation, from the tagging API);
 * - an operator, by hand: either of the above with `targets` naming the endpoints;
 * - the auto-pause topic (SNS records carrying CloudWatch alarm notifications).
 */
import { EnforcementTarget, EnforcerEnvironment, EnforcerInput } from '../../policy/kill-switch-protocol';
import { Deadline, eachBounded, withTimeout } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { retryPolicyFromEnv } from '../shared/retry';
import * as sdk from './aws';
import { autoPause, AutoPauseOutcome } from './auto-pause';
import { Bounds, DEFAULT_BOUNDS } from './bounds';
import { EnforceContext } from './context';
import { discoverTargets, Fleet, fleetFromEnv, targetsOfEvent } from './discover';
import { enforce, EnforcementFailed, Outcome } from './enforce';

/** The bundled SDK classes (and the client factory), so tests mock exactly what the function runs. */
export { sdk };
export { DEFAULT_BOUNDS };
export type { Bounds, EnforceContext, Outcome };

/** The enforcer's answer: what it did per endpoint or alarm. */
export interface HandlerResult {
  readonly outcomes: (Outcome | AutoPauseOutcome)[];
}

/** The part of the Lambda context the enforcer reads. */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
}

/** An invocation that failed for some endpoints or alarms; `outcomes` holds what was done for every one of them. */
export class InvocationFailed extends Error {
  constructor(message: string, public readonly outcomes: (Outcome | AutoPauseOutcome)[]) {
    super(message);
    this.name = 'InvocationFailed';
  }
}

interface SnsEvent {
  readonly Records: { readonly EventSource?: string; readonly Sns?: { readonly Message?: string } }[];
}

let defaultClients: sdk.Clients | undefined;

/** A handler over given clients and bounds (tests) or, by default, clients created once per function instance. */
export function createHandler(options: Partial<EnforceContext> = {}): (event: unknown, context?: InvocationContext) => Promise<HandlerResult> {
  return async (event: unknown, context?: InvocationContext) => {
    const clients = options.clients ?? (defaultClients ??= sdk.createClients());
    const ctx: EnforceContext = { clients, retry: options.retry ?? retryPolicyFromEnv(), bounds: options.bounds ?? DEFAULT_BOUNDS, now: options.now ?? (() => new Date()), fleet: options.fleet };
    return route(event, ctx, invocationDeadline(ctx.bounds, context));
  };
}

/** The Lambda entry point. */
export const handler = createHandler();

/** The invocation's deadline: its budget, or less when Lambda says less time is left (minus the reserve for reporting). */
function invocationDeadline(bounds: Bounds, context?: InvocationContext): Deadline {
  const left = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() - bounds.invocationReserveMs : Infinity;
  return Deadline.after(Math.min(bounds.invocationMs, left));
}

async function route(event: unknown, ctx: EnforceContext, deadline: Deadline): Promise<HandlerResult> {
  if (isSnsEvent(event)) {
    const records = event.Records;
    const results = await eachBounded(records, ctx.bounds.concurrency, (record) => autoPause(record.Sns?.Message ?? '', ctx, deadline));
    return settle(results, (i) => `alarm notification ${i + 1} of ${records.length}`, 'auto-pause');
  }
  const input = event as Partial<EnforcerInput> | undefined;
  if (input && typeof input === 'object' && (input.targets === undefined || Array.isArray(input.targets))) {
    if (input.kind === 'reconcile') {
      return enforceAll(input.targets ?? await discover(ctx, deadline, (fleet, d) => discoverTargets(fleet, ctx, d)), { type: 'reconcile' }, ctx, deadline);
    }
    if (input.kind === 'event' && input.event && typeof input.event === 'object') {
      const ev = input.event;
      const detail = ev.detail && typeof ev.detail === 'object' ? ev.detail : {};
      const trigger = { type: ev['detail-type'] ?? 'event', id: ev.id, time: ev.time, detail };
      const matches = input.targets
        ? input.targets.filter((t) => isObject(t) && ((typeof detail.name === 'string' && t.parameter === detail.name) ||
          (typeof detail.EndpointName === 'string' && t.endpoint === detail.EndpointName)))
        : await discover(ctx, deadline, (fleet, d) => targetsOfEvent(fleet, ev, ctx, d));
      if (matches.length === 0) {
        log('INFO', 'the event concerns no endpoint this enforcer serves; ignored', { trigger });
      }
      return enforceAll(matches, trigger, ctx, deadline);
    }
  }
  const text = safeJson(event);
  log('ERROR', 'unrecognised enforcer input; nothing enforced', { input: text });
  throw new Error(`unrecognised enforcer input: ${text}`);
}

/**
 * Find the endpoints of the enforcer's fleet, within the read budget. A failure fails the invocation (it is
 * retried, and the error alarm fires): no endpoint is enforced on a guess.
 */
async function discover(ctx: EnforceContext, deadline: Deadline, find: (fleet: Fleet, deadline: Deadline) => Promise<EnforcementTarget[]>): Promise<EnforcementTarget[]> {
  const fleet = ctx.fleet ?? fleetFromEnv();
  if (!fleet) {
    throw new Error(`the enforcer has no ${EnforcerEnvironment.FOUNDATION} in its environment: it cannot tell which endpoints it serves`);
  }
  try {
    return await find(fleet, deadline.child(ctx.bounds.readMs));
  } catch (err) {
    log('ERROR', `could not find the endpoints of foundation ${fleet.foundation}; nothing enforced, the invocation fails and is retried`, { foundation: fleet.foundation, error: err });
    throw new Error(`discovery of the endpoints of foundation ${fleet.foundation} failed: ${errorText(err)}`);
  }
}

/**
 * Enforce each target independently: at most `concurrency` at a time, each within its own deadline. A failure
 * or hang on one does not hold back the others, and fails the invocation at the end (so it is retried).
 */
async function enforceAll(targets: unknown[], trigger: Record<string, unknown>, ctx: EnforceContext, deadline: Deadline): Promise<HandlerResult> {
  const { bounds } = ctx;
  const results = await eachBounded(targets, bounds.concurrency, (target) => {
    if (!isTarget(target)) {
      throw new Error(`malformed target ${safeJson(target)}: endpoint, endpointArn and parameter must be strings`);
    }
    const left = deadline.remaining();
    if (left < bounds.minStartMs) {
      throw new Error(`not enforced: only ${left} ms were left in this invocation`);
    }
    const own = deadline.child(bounds.endpointMs);
    return withTimeout(`enforcement of ${target.endpoint}`, own.remaining() + bounds.graceMs, () => enforce(target, trigger, ctx, own));
  });
  return settle(results, (i) => (isTarget(targets[i]) ? (targets[i] as EnforcementTarget).endpoint : `target ${i + 1}`), 'kill-switch enforcement');
}

/** The outcomes, or an `InvocationFailed` naming every item that failed (after all of them were handled). */
function settle<R extends Outcome | AutoPauseOutcome>(results: PromiseSettledResult<R>[], label: (i: number) => string, what: string): HandlerResult {
  const outcomes: (Outcome | AutoPauseOutcome)[] = [];
  const failures: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      outcomes.push(r.value);
      return;
    }
    if (r.reason instanceof EnforcementFailed) {
      outcomes.push(r.reason.outcome);
    }
    failures.push(`${label(i)}: ${r.reason instanceof EnforcementFailed ? r.reason.message : errorText(r.reason)}`);
    log('ERROR', `${what} of ${label(i)} failed`, { target: label(i), error: r.reason });
  });
  if (failures.length > 0) {
    throw new InvocationFailed(`${what} failed for ${failures.join('; ')}`, outcomes);
  }
  return { outcomes };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function isTarget(x: unknown): x is EnforcementTarget {
  return isObject(x) && typeof x.endpoint === 'string' && typeof x.endpointArn === 'string' && typeof x.parameter === 'string' &&
    (x.bucket === undefined || typeof x.bucket === 'string') && (x.topic === undefined || typeof x.topic === 'string');
}

function isSnsEvent(event: unknown): event is SnsEvent {
  return isObject(event) && Array.isArray(event.Records) && event.Records.length > 0 &&
    (event.Records as unknown[]).every((r) => isObject(r) && (r.EventSource === 'aws:sns' || isObject(r.Sns)));
}

function safeJson(x: unknown): string {
  try {
    return (JSON.stringify(x) ?? String(x)).slice(0, 500);
  } catch {
    return String(x).slice(0, 500);
  }
}
