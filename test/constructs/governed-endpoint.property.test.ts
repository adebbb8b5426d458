import { BATCH_SIZE, checkGeneratedBatches, Tally } from '../helpers/property-run';

/**
 * Generated configurations across every prop: tier, instance type (all of the SDK's, instance-store families included),
 * count, capture, retention, deployment policy, alarms, autoscaling, network isolation, VPC, approval gate, model
 * source, key and evidence, kill switch, invoke grants, review interval and monitoring (on or off per tier, risk acceptance,
 * features, baseline, window, sample size, thresholds, ground truth, hypercare, auto-pause). A few break a floor, an
 * opt-out or a monitoring option; the rest must be accepted.
 * Each app holds 25 of them; 4 tests x 5 apps = 500 per run of this file.
 */
const RUNS = 5;
const tally = new Tally();

describe('GIVEN generated GovernedEndpoint configurations, 25 to an app', () => {
  test.each([1, 2, 3, 4])('WHEN apps of set %i synthesize THEN each configuration is refused with one props error naming what it broke, ' +
    'or passes CloudFormation validation, the five packs and the report\'s readiness checklist', () => {
    checkGeneratedBatches({ refusals: 0.05 }, RUNS, tally);
  });

  test('THEN 500 configurations were checked, most of them accepted', () => {
    expect(tally.configurations).toBe(4 * RUNS * BATCH_SIZE);
    expect(tally.accepted).toBeGreaterThan(tally.configurations / 2);
  });
});
