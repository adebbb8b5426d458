/**
 * The kill-switch enforcer: one function per stack (per key and VPC) that keeps every registered endpoint's
 * `governance:kill-switch` tag in line with its SSM parameter.
 *
 * Invoked by
 * - the parameter-change / endpoint-state-change rule of each shard: `{ kind: 'event', event, targets }`;
 * - the reconcile schedule of each shard: `{ kind: 'reconcile', targets }`;
 * - the auto-pause topic (SNS records carrying CloudWatch alarm notifications).
 */
import { EnforcementTarget, EnforcerInput } from '../../kill-switch-protocol';
import * as sdk from './aws';
import { autoPause, AutoPauseOutcome } from './auto-pause';
import { enforce, EnforceContext, Outcome } from './enforce';
import { log } from './log';
import { retryPolicyFromEnv } from './retry';
import { errorText } from './snapshot';

/** The bundled SDK classes, so tests mock exactly what the function runs. */
export { sdk };

/** The enforcer's answer: what it did per endpoint or alarm. */
export interface HandlerResult {
  readonly outcomes: (Outcome | AutoPauseOutcome)[];
}

interface SnsEvent {
  readonly Records: { readonly EventSource?: string; readonly Sns?: { readonly Message?: string } }[];
}

let defaultContext: EnforceContext | undefined;

/** A handler over given clients (tests) or, by default, clients created once per function instance. */
export function createHandler(context?: Partial<EnforceContext>): (event: unknown) => Promise<HandlerResult> {
  return async (event: unknown) => {
    defaultContext ??= { clients: sdk.createClients(), retry: retryPolicyFromEnv(), now: () => new Date() };
    const ctx: EnforceContext = { ...defaultContext, retry: retryPolicyFromEnv(), ...context };
    return route(event, ctx);
  };
}

/** The Lambda entry point. */
export const handler = createHandler();

async function route(event: unknown, ctx: EnforceContext): Promise<HandlerResult> {
  if (isSnsEvent(event)) {
    const outcomes: AutoPauseOutcome[] = [];
    for (const record of event.Records) {
      outcomes.push(await autoPause(record.Sns?.Message ?? '', ctx));
    }
    return { outcomes };
  }
  const input = event as Partial<EnforcerInput> | undefined;
  const targets = Array.isArray(input?.targets) ? input!.targets : [];
  if (input?.kind === 'reconcile') {
    return { outcomes: await enforceAll(targets, { type: 'reconcile' }, ctx) };
  }
  if (input?.kind === 'event' && input.event) {
    const detail = input.event.detail ?? {};
    const trigger = { type: input.event['detail-type'] ?? 'event', id: input.event.id, time: input.event.time, detail };
    const matches = targets.filter((t) => (typeof detail.name === 'string' && t.parameter === detail.name) ||
      (typeof detail.EndpointName === 'string' && t.endpoint === detail.EndpointName));
    if (matches.length === 0) {
      log('WARN', 'event matches no registered endpoint; ignored', { trigger });
    }
    return { outcomes: await enforceAll(matches, trigger, ctx) };
  }
  throw new Error(`unrecognised enforcer input: ${JSON.stringify(event)?.slice(0, 500)}`);
}

/** Enforce each target in turn; one failure does not stop the others, but fails the invocation at the end (so it is retried). */
async function enforceAll(targets: EnforcementTarget[], trigger: Record<string, unknown>, ctx: EnforceContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const failures: string[] = [];
  for (const target of targets) {
    try {
      outcomes.push(await enforce(target, trigger, ctx));
    } catch (err) {
      failures.push(`${target.endpoint}: ${errorText(err)}`);
      log('ERROR', `enforcement of ${target.endpoint} failed`, { endpoint: target.endpoint, error: err });
    }
  }
  if (failures.length > 0) {
    throw new Error(`kill-switch enforcement failed for ${failures.join('; ')}`);
  }
  return outcomes;
}

function isSnsEvent(event: unknown): event is SnsEvent {
  return Array.isArray((event as SnsEvent | undefined)?.Records) &&
    (event as SnsEvent).Records.every((r) => r.EventSource === 'aws:sns' || r.Sns !== undefined);
}
