import * as fc from 'fast-check';
import { decide, ParameterVersion, TagState } from '../../lib/handlers/kill-switch-enforcer/decide';
import { deploymentDescription, isDeploymentWrite } from '../../lib/policy/kill-switch-protocol';

const deployed = (version: number): ParameterVersion => ({ version, value: 'ACTIVE', description: deploymentDescription('fraud-scoring') });
const operator = (version: number, value: string, description = 'INC-42'): ParameterVersion => ({ version, value, description });
const KNOWN_PAUSED: TagState = { kind: 'known', value: 'PAUSED' };
const KNOWN_NONE: TagState = { kind: 'known' };
const UNKNOWN: TagState = { kind: 'unknown', error: 'ThrottlingException: Rate exceeded' };
const MISSING: TagState = { kind: 'missing' };

describe('decide (the pure decision)', () => {
  test.each<[string, ParameterVersion[] | { error: string }, TagState, { state: string; failClosed: boolean; restore: boolean; mayLift: boolean }]>([
    ['an operator\'s ACTIVE and known tags', [deployed(1), operator(2, 'PAUSED'), operator(3, 'ACTIVE')], KNOWN_PAUSED, { state: 'ACTIVE', failClosed: false, restore: false, mayLift: true }],
    ['an operator\'s ACTIVE and unknown tags', [deployed(1), operator(2, 'PAUSED'), operator(3, 'ACTIVE')], UNKNOWN, { state: 'PAUSED', failClosed: true, restore: false, mayLift: false }],
    ['an operator\'s ACTIVE and no endpoint', [operator(3, 'ACTIVE')], MISSING, { state: 'ACTIVE', failClosed: false, restore: false, mayLift: false }],
    ['an operator\'s PAUSED', [deployed(1), operator(2, 'PAUSED')], KNOWN_NONE, { state: 'PAUSED', failClosed: false, restore: false, mayLift: false }],
    ['an unreadable parameter', { error: 'ParameterNotFound' }, KNOWN_PAUSED, { state: 'PAUSED', failClosed: true, restore: false, mayLift: false }],
    ['no version', [], KNOWN_NONE, { state: 'PAUSED', failClosed: true, restore: false, mayLift: false }],
    ['an unknown value', [operator(1, 'STOP')], KNOWN_NONE, { state: 'PAUSED', failClosed: true, restore: false, mayLift: false }],
    ['a deployment\'s ACTIVE over an operator\'s PAUSED', [deployed(1), operator(2, 'PAUSED'), deployed(3)], KNOWN_NONE, { state: 'PAUSED', failClosed: false, restore: true, mayLift: false }],
    ['a deployment\'s ACTIVE over an unknown value', [operator(1, 'STOP'), deployed(2)], KNOWN_NONE, { state: 'PAUSED', failClosed: true, restore: true, mayLift: false }],
    ['a re-created parameter (one deployment ACTIVE) and the pause tag', [deployed(1)], KNOWN_PAUSED, { state: 'PAUSED', failClosed: false, restore: true, mayLift: false }],
    ['a re-created parameter and unknown tags', [deployed(1)], UNKNOWN, { state: 'PAUSED', failClosed: true, restore: false, mayLift: false }],
    ['a re-created parameter and no pause tag (first deployment)', [deployed(1)], KNOWN_NONE, { state: 'ACTIVE', failClosed: false, restore: false, mayLift: false }],
    ['a deployment\'s ACTIVE after an operator\'s ACTIVE, with the pause tag', [operator(1, 'ACTIVE'), deployed(2)], KNOWN_PAUSED, { state: 'PAUSED', failClosed: false, restore: true, mayLift: false }],
    ['a deployment\'s ACTIVE after an operator\'s ACTIVE, without the tag', [operator(1, 'ACTIVE'), deployed(2)], KNOWN_NONE, { state: 'ACTIVE', failClosed: false, restore: false, mayLift: false }],
    ['a deployment\'s ACTIVE after an operator\'s ACTIVE, with unknown tags', [operator(1, 'ACTIVE'), deployed(2)], UNKNOWN, { state: 'PAUSED', failClosed: true, restore: false, mayLift: false }],
  ])('GIVEN %s, THEN the decision is as the invariant requires', (_what, history, tags, expected) => {
    expect(decide(history, tags)).toMatchObject(expected);
  });

  test('GIVEN unknown tags, THEN the reason says a pause is only lifted when they are known', () => {
    expect(decide([operator(3, 'ACTIVE')], UNKNOWN).reason).toMatch(/tags could not be read \(ThrottlingException: Rate exceeded\), and a pause is only lifted when they are known; failing closed/);
  });

  describe('GIVEN any history and any tag state (property)', () => {
    const version = fc.record({
      value: fc.constantFrom('ACTIVE', 'PAUSED', 'STOP', undefined),
      by: fc.constantFrom('operator', 'deployment'),
    });
    const history = fc.oneof(
      { weight: 5, arbitrary: fc.array(version, { maxLength: 6 }).map((vs) => vs.map((v, i): ParameterVersion =>
        ({ version: i + 1, value: v.value, description: v.by === 'deployment' ? deploymentDescription('e') : `reason ${i}` }))) },
      { weight: 1, arbitrary: fc.constant({ error: 'AccessDeniedException' }) },
    );
    const tags = fc.oneof(
      fc.constant<TagState>({ kind: 'known' }),
      fc.constantFrom('PAUSED', 'paused', '').map((value): TagState => ({ kind: 'known', value })),
      fc.constant<TagState>({ kind: 'unknown', error: 'x' }),
      fc.constant<TagState>({ kind: 'missing' }),
    );

    test('WHEN the enforcer decides THEN a pause may be lifted only on an operator\'s ACTIVE as the newest version, with every tag known; anything unknown pauses', () => {
      fc.assert(fc.property(history, tags, (h, t) => {
        const d = decide(h, t);
        const newest = Array.isArray(h) ? h[h.length - 1] : undefined;
        if (d.mayLift) {
          expect(d.state).toBe('ACTIVE');
          expect(t.kind).toBe('known');
          expect(newest?.value).toBe('ACTIVE');
          expect(isDeploymentWrite(newest?.description)).toBe(false);
        }
        if (t.kind === 'unknown' || !Array.isArray(h) || newest === undefined || newest.value !== 'ACTIVE') {
          expect(d.state).toBe('PAUSED');
        }
        if (newest && isDeploymentWrite(newest.description) && newest.value === 'ACTIVE' && t.kind === 'known' && t.value === 'PAUSED') {
          expect(d).toMatchObject({ state: 'PAUSED', restore: true });
        }
        if (d.restore) {
          expect(d.state).toBe('PAUSED');
        }
      }), { numRuns: 500 });
    });
  });
});
