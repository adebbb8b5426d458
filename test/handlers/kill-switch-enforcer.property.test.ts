/**
 * Property: across random AWS states, random fault sequences and random operator/deployment writes between
 * invocations, DeleteTags is only ever sent after the enforcer, in the same invocation, read every page of the
 * parameter's history with an operator's ACTIVE as the newest version and read every page of the endpoint's
 * tags; an invocation that succeeds leaves an endpoint whose parameter is not ACTIVE paused; and an invocation
 * that could not read everything fails, after attempting an alert.
 * fast-check prints the seed and the counterexample on failure.
 */
import * as fc from 'fast-check';
import { isDeploymentWrite } from '../../lib/policy/kill-switch-protocol';
import {
  Call, deployed, ENDPOINT, ENFORCER_VARIANTS, Fault, Op, operator, parameterOf, RETRY, settle, TARGET, useSimulatedEnforcer, Version,
} from '../helpers/simulated-aws';

const PARAMETER = parameterOf(ENDPOINT);
const NUM_RUNS = 120;

interface Rule { op: Op; fault: Fault; times: number; laterPagesOnly: boolean }
type Action =
  | { kind: 'operator'; value: 'ACTIVE' | 'PAUSED' | 'STOP' }
  | { kind: 'deployment' }
  | { kind: 'recreate' }
  | { kind: 'delete' }
  | { kind: 'heal' }
  | { kind: 'faults'; rules: Rule[] };

const rule = fc.record<Rule>({
  op: fc.constantFrom<Op>('ListTags', 'GetParameterHistory', 'AddTags', 'DeleteTags', 'PutParameter', 'Publish', 'PutObject', 'DescribeEndpoint'),
  fault: fc.constantFrom<Fault>('denied', 'throttled', 'server', 'hang'),
  times: fc.constantFrom(1, 2, 8, Infinity),
  laterPagesOnly: fc.boolean(),
});
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constantFrom('ACTIVE', 'PAUSED', 'STOP').map((value) => ({ kind: 'operator' as const, value: value as 'ACTIVE' | 'PAUSED' | 'STOP' })),
  fc.constant({ kind: 'deployment' as const }),
  fc.constant({ kind: 'recreate' as const }),
  fc.constant({ kind: 'delete' as const }),
  fc.constant({ kind: 'heal' as const }),
  fc.array(rule, { minLength: 1, maxLength: 3 }).map((rules) => ({ kind: 'faults' as const, rules })),
);
const scenario = fc.record({
  paused: fc.boolean(),
  extraTags: fc.integer({ min: 0, max: 3 }),
  tagPageSize: fc.integer({ min: 1, max: 3 }),
  historyPageSize: fc.integer({ min: 1, max: 3 }),
  history: fc.array(fc.constantFrom('deploy', 'op-ACTIVE', 'op-PAUSED'), { maxLength: 5 }),
  rules: fc.array(rule, { maxLength: 3 }),
  steps: fc.array(fc.record({ before: fc.option(action, { nil: undefined }), kind: fc.constantFrom('event', 'reconcile') }), { minLength: 1, maxLength: 3 }),
});

/** Whether the calls hold a complete, successful chain of pages of `op` (first page, then each NextToken in turn). */
function completeChain(calls: Call[], op: Op, listKey: string): any[] | undefined {
  const ok = new Map<string | undefined, any>();
  for (const c of calls) {
    if (c.op === op && c.fault === undefined) {
      ok.set(c.input.NextToken, c.output);
    }
  }
  const items: any[] = [];
  let token: string | undefined;
  for (let i = 0; i < 50; i++) {
    const out = ok.get(token);
    if (!out) {
      return undefined;
    }
    items.push(...(out[listKey] ?? []));
    token = out.NextToken;
    if (!token) {
      return items;
    }
  }
  return undefined;
}

const isOperatorActive = (v: Version | undefined) => v !== undefined && v.Value === 'ACTIVE' && !isDeploymentWrite(v.Description);

describe.each(ENFORCER_VARIANTS)('GIVEN the kill-switch enforcer (%s), random AWS states, faults and writes between invocations', (_variant, load) => {
  const sim = useSimulatedEnforcer(load);
  const { aws } = sim;

  test(`WHEN it is invoked step after step THEN DeleteTags is only sent after an operator's ACTIVE and every tag page were read, and a successful run leaves a not-ACTIVE endpoint paused (${NUM_RUNS} runs)`, async () => {
    await fc.assert(fc.asyncProperty(scenario, async (s) => {
      // GIVEN an endpoint, paused or not, with a paged history and tags, and faults injected from the start
      aws.reset();
      const extra = Object.fromEntries(Array.from({ length: s.extraTags }, (_, i) => [`team:tag-${i}`, `v${i}`]));
      aws.endpoint(ENDPOINT, { ...extra, ...(s.paused ? { 'governance:kill-switch': 'PAUSED' } : {}) });
      aws.tagPageSize = s.tagPageSize;
      aws.historyPageSize = s.historyPageSize;
      const versions = s.history.map((h, i) => (h === 'deploy' ? deployed(i + 1) : operator(i + 1, h.slice(3), `reason ${i}`)));
      if (versions.length > 0) {
        aws.parameter(PARAMETER, ...versions);
      }
      const addRules = (rules: Rule[]) => rules.forEach((r) => aws.fail(r.op, r.fault, { times: r.times, when: r.laterPagesOnly ? (input) => input.NextToken !== undefined : undefined }));
      addRules(s.rules);
      const handler = sim.mod.createHandler({ retry: RETRY });

      for (const step of s.steps) {
        // WHEN an operator, a deployment or a fault changes the world, and then an event or a reconcile arrives
        const a = step.before;
        const current = aws.parameters.get(PARAMETER) ?? [];
        const next = (current[current.length - 1]?.Version ?? 0) + 1;
        if (a?.kind === 'operator') { aws.parameter(PARAMETER, ...current, operator(next, a.value, 'operator decision')); }
        if (a?.kind === 'deployment') { aws.parameter(PARAMETER, ...current, deployed(next)); }
        if (a?.kind === 'recreate') { aws.parameter(PARAMETER, deployed(1)); }
        if (a?.kind === 'delete') { aws.parameters.delete(PARAMETER); }
        if (a?.kind === 'heal') { aws.heal(); }
        if (a?.kind === 'faults') { addRules(a.rules); }

        const from = aws.calls.length;
        const truthBefore = aws.newestVersion(PARAMETER);
        const event = step.kind === 'reconcile'
          ? { kind: 'reconcile', targets: [TARGET] }
          : { kind: 'event', event: { id: 'e', 'detail-type': 'Parameter Store Change', detail: { name: PARAMETER } }, targets: [TARGET] };
        const { error } = await settle(handler(event));
        const calls = aws.calls.slice(from);

        // THEN every DeleteTags sent was preceded, in this invocation, by complete reads that justify it
        calls.forEach((c, i) => {
          if (c.op !== 'DeleteTags') {
            return;
          }
          const before = calls.slice(0, i);
          const history = completeChain(before, 'GetParameterHistory', 'Parameters') as Version[] | undefined;
          const newestRead = history?.sort((x, y) => x.Version - y.Version)[history.length - 1];
          expect({ historyRead: history !== undefined, operatorActive: isOperatorActive(newestRead) }).toEqual({ historyRead: true, operatorActive: true });
          expect(completeChain(before, 'ListTags', 'Tags')).toBeDefined();
          expect(isOperatorActive(truthBefore)).toBe(true);
        });
        // AND a run that succeeded leaves the endpoint paused unless its parameter's newest version is ACTIVE
        if (!error && truthBefore?.Value !== 'ACTIVE') {
          expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
        }
        // AND a pause that was there before the run is only gone after an operator's ACTIVE
        const removed = calls.some((c) => c.op === 'DeleteTags' && c.fault === undefined);
        if (removed) {
          expect(isOperatorActive(truthBefore)).toBe(true);
        }
        // AND anything unknown (a tag or history read that did not complete) fails the run loudly, after an alert was attempted
        const unknown = !completeChain(calls, 'ListTags', 'Tags') || !completeChain(calls, 'GetParameterHistory', 'Parameters');
        if (unknown) {
          expect(error).toBeDefined();
          expect(calls.some((c) => c.op === 'Publish')).toBe(true);
        }
        // AND a failed run says why: the error names the endpoint
        if (error) {
          expect(error.message).toMatch(/fraud-scoring: /);
        }
      }
    }), { numRuns: NUM_RUNS });
  });
});
