import { BATCH_SIZE, checkGeneratedBatches, Tally } from '../helpers/property-run';

/**
 * The floors and opt-outs where the construct and the packs could disagree, broken often: capture below the tier's
 * floor, too few instances, short log retention, network isolation or the approval gate off with or without a
 * recorded reason, all-at-once rollout without risk acceptance, no rollback alarm, a HIGH endpoint on a foundation
 * without Object Lock. The construct must refuse exactly these, in one error; whatever it accepts must pass.
 * Each app holds 25 configurations; 4 tests x 5 apps = 500 per run of this file.
 */
const RUNS = 5;
const tally = new Tally();

describe('GIVEN generated GovernedEndpoint configurations that often break a floor or an opt-out, 25 to an app', () => {
  test.each([1, 2, 3, 4])('WHEN apps of set %i synthesize THEN the construct refuses exactly the broken ones, naming each broken prop, ' +
    'and every configuration it accepts passes CloudFormation validation, the five packs and the report\'s readiness checklist', () => {
    checkGeneratedBatches({ refusals: 0.4 }, RUNS, tally);
  });

  test('THEN 500 configurations were checked, and every kind of refusal occurred', () => {
    expect(tally.configurations).toBe(4 * RUNS * BATCH_SIZE);
    expect(tally.accepted).toBeGreaterThan(50);
    expect([...tally.refusedProps].sort()).toEqual(expect.arrayContaining([
      'approvalGate', 'approvalGateRiskAcceptance', 'dataCapture.samplingPercentage', 'deployment', 'deployment.additionalRollbackAlarms',
      'foundation', 'initialInstanceCount', 'logRetention', 'networkIsolationRiskAcceptance',
    ]));
  });
});
