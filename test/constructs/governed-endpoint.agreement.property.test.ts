import { BATCH_SIZE, checkGeneratedBatches, Tally } from '../helpers/property-run';

/**
 * The floors and opt-outs where the construct and the packs could disagree, broken often: capture below the tier's
 * floor, too few instances, short log retention, network isolation or the approval gate off with or without a
 * recorded reason, all-at-once rollout without risk acceptance, no rollback alarm, a HIGH endpoint on a foundation
 * without Object Lock; and monitoring (issue 11): a HIGH endpoint neither monitored nor accepting the risk, a risk
 * acceptance that is empty, not alone or not on a HIGH tier, monitoring without capture, and options out of range (no
 * or duplicate features, a bad column or JSON path, a baseline that is not an S3 URL of the endpoint's baseline
 * prefix, an unsupported window, sample size, thresholds, ground truth, hypercare), and a review interval beyond
 * the tier's. Sets 1 and 2 break the floors and opt-outs often, sets 3 and 4 monitoring and the review interval, so
 * each set still has configurations to accept. The construct must refuse exactly these, in one error; whatever it
 * accepts must pass. Each app holds 25 configurations; 4 tests x 5 apps = 500 per run of this file.
 */
const RUNS = 5;
const tally = new Tally();
const FLOORS = { refusals: 0.4, monitoringRefusals: 0.05 };
const MONITORING = { refusals: 0.1, monitoringRefusals: 0.4 };

describe('GIVEN generated GovernedEndpoint configurations that often break a floor, an opt-out or a monitoring option, 25 to an app', () => {
  test.each([[1, FLOORS], [2, FLOORS], [3, MONITORING], [4, MONITORING]])('WHEN apps of set %i synthesize THEN the construct refuses exactly the broken ones, ' +
    'naming each broken prop, and every configuration it accepts passes CloudFormation validation, the five packs and the report\'s readiness checklist',
  (_set, bias) => {
    checkGeneratedBatches(bias, RUNS, tally);
  });

  test('THEN 500 configurations were checked, and every kind of refusal occurred', () => {
    expect(tally.configurations).toBe(4 * RUNS * BATCH_SIZE);
    expect(tally.accepted).toBeGreaterThan(50);
    expect([...tally.refusedProps].sort()).toEqual(expect.arrayContaining([
      'approvalGate', 'approvalGateRiskAcceptance', 'dataCapture.samplingPercentage', 'deployment', 'deployment.additionalRollbackAlarms',
      'foundation', 'initialInstanceCount', 'logRetention', 'networkIsolationRiskAcceptance',
      'governance.reviewEveryDays', 'monitoring', 'monitoring.baseline', 'monitoring.features', 'monitoring.riskAcceptance',
    ]));
    // Each monitoring option is broken only now and then: of the two dozen props under monitoring, most were refused.
    const monitoringProps = new Set([...tally.refusedProps].filter((p) => p.startsWith('monitoring.')).map((p) => p.replace(/\[\d+\]/g, '[]')));
    expect(monitoringProps.size).toBeGreaterThanOrEqual(12);
  });
});
