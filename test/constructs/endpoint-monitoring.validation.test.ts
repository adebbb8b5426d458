import { App, Duration, Stack } from 'aws-cdk-lib';
import { EndpointMonitoring, EndpointMonitoringProps } from '../../constructs/endpoint-monitoring';
import { BaselineFormat, FeatureKind, MonitoringBaseline, MonitoringOptions, PayloadFormat, ProblemType } from '../../constructs/monitoring-options';
import { PropsValidator } from '../../constructs/private/validation';
import { RiskTier } from '../../lib/policy/governance';
import { monitoringProps } from '../helpers/monitoring';

const ONE_FEATURE = [{ name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 0 }];

/** The error EndpointMonitoring throws for `options` (and `extra` props), or '' when it accepts them. */
function errorFor(options: MonitoringOptions, extra: Partial<EndpointMonitoringProps> = {}): string {
  const stack = new Stack(new App(), 'Serving');
  try {
    new EndpointMonitoring(stack, 'Monitoring', monitoringProps(stack, options, extra));
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

/** The problems an endpoint's validator records for its `monitoring` prop, as GovernedEndpoint resolves it. */
function endpointProblems(options: MonitoringOptions | undefined, tier: RiskTier, samplingPercentage = 100): string {
  const stack = new Stack(new App(), 'Serving');
  const v = new PropsValidator(stack, 'GovernedEndpoint');
  EndpointMonitoring._resolve(v, 'monitoring', options, { endpointName: 'fraud-scoring', tier, samplingPercentage });
  try {
    v.throwIfInvalid();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('GIVEN monitoring options', () => {
  test('WHEN no features are declared THEN the error names options.features and shows a feature', () => {
    expect(errorFor({})).toMatch(/EndpointMonitoring at 'Serving\/Monitoring' has invalid props:\n {2}- options\.features: received undefined; allowed: 1 to 100 features .*FeatureKind\.NUMERIC/);
    expect(errorFor({ features: [] })).toContain('options.features: received []');
  });

  test('WHEN two features share a name THEN the second is named by its index', () => {
    expect(errorFor({ features: [...ONE_FEATURE, { name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 1 }] }))
      .toContain('options.features[1].name: received "amount"; allowed: a name no other feature has');
  });

  test('WHEN a CSV index is not a whole number from 0 THEN each bad index is reported', () => {
    const message = errorFor({ features: [{ name: 'a', kind: FeatureKind.NUMERIC, csvIndex: -1 }, { name: 'b', kind: FeatureKind.NUMERIC, csvIndex: 1.5 }] });
    expect(message).toContain('options.features[0].csvIndex: received -1; allowed: a whole number from 0');
    expect(message).toContain('options.features[1].csvIndex: received 1.5; allowed: a whole number from 0');
  });

  test('WHEN a JSON path is invalid, or a location does not fit the payload format THEN each is reported', () => {
    const message = errorFor({
      inputFormat: PayloadFormat.JSON,
      features: [
        { name: 'a', kind: FeatureKind.NUMERIC, jsonPath: 'applicant.income' },
        { name: 'b', kind: FeatureKind.NUMERIC, csvIndex: 2 },
        { name: 'c', kind: FeatureKind.NUMERIC },
        { name: 'd', kind: FeatureKind.NUMERIC, csvIndex: 1, jsonPath: '$.d' },
      ],
    });
    expect(message).toContain('options.features[0].jsonPath: received "applicant.income"; allowed: a JSON path of `$`');
    expect(message).toContain('options.features[1].csvIndex: received 2; allowed: only with PayloadFormat.CSV payloads');
    expect(message).toContain('options.features[2]: neither csvIndex nor jsonPath is set; allowed: jsonPath');
    expect(message).toContain('options.features[3]: both csvIndex (1) and jsonPath ("$.d") are set');
  });

  test('WHEN valid JSON paths are given THEN they are accepted', () => {
    expect(errorFor({
      inputFormat: PayloadFormat.JSON, outputFormat: PayloadFormat.JSON,
      features: [{ name: 'a', kind: FeatureKind.NUMERIC, jsonPath: '$.instances[0][3]' }, { name: 'b', kind: FeatureKind.CATEGORICAL, jsonPath: "$['merchant id'].code" }],
      prediction: { kind: FeatureKind.NUMERIC, jsonPath: '$.predictions[0].score' },
    })).toBe('');
  });

  test('WHEN thresholds are out of range THEN each names its prop and the range', () => {
    const message = errorFor({
      features: ONE_FEATURE, driftThreshold: 0, predictionDriftThreshold: 11, invalidRecordRateThreshold: 1.5, sampleSize: 50,
    });
    expect(message).toContain('options.driftThreshold: received 0; allowed: a population stability index above 0 and at most 10');
    expect(message).toContain('options.predictionDriftThreshold: received 11');
    expect(message).toContain('options.invalidRecordRateThreshold: received 1.5; allowed: 0 to 1');
    expect(message).toContain('options.sampleSize: received 50; allowed: a whole number from 100 to 100000');
  });

  test('WHEN the window is not whole hours that divide a day, or hypercare exceeds 30 days THEN each is reported', () => {
    expect(errorFor({ features: ONE_FEATURE, window: Duration.minutes(30) })).toContain('options.window: received "0.5 hours (Duration.minutes(30))"; allowed: whole hours that divide a day: 1, 2, 3, 4, 6, 8, 12, 24 hours');
    expect(errorFor({ features: ONE_FEATURE, window: Duration.hours(5) })).toContain('options.window: received "5 hours"');
    expect(errorFor({ features: ONE_FEATURE, window: Duration.days(2) })).toContain('options.window');
    expect(errorFor({ features: ONE_FEATURE, hypercare: Duration.days(31) })).toContain('options.hypercare: received "744 hours (Duration.days(31))"; allowed: whole hours from 0 to 720');
  });

  test('WHEN the baseline is not an S3 URL, or not under the endpoint\'s baseline prefix THEN it is reported', () => {
    expect(errorFor({ features: ONE_FEATURE, baseline: MonitoringBaseline.fromS3('https://example.com/train.csv', BaselineFormat.CSV) }))
      .toContain('options.baseline: received "https://example.com/train.csv"; allowed: an S3 object URL, s3://<bucket>/<key>');
    expect(errorFor({ features: ONE_FEATURE, baseline: MonitoringBaseline.fromS3('s3://data/train.csv', BaselineFormat.CSV) }))
      .toContain('allowed: an object of the evidence bucket under monitoring/fraud-scoring/baseline/');
    expect(errorFor({ features: ONE_FEATURE, baseline: MonitoringBaseline.fromEvidenceStore('../other-endpoint/train.csv', BaselineFormat.CSV) }))
      .toContain('options.baseline: received "../other-endpoint/train.csv"; allowed: a file name under the endpoint\'s baseline prefix');
    expect(errorFor({ features: ONE_FEATURE, baseline: MonitoringBaseline.fromEvidenceStore('train.csv', 'PARQUET' as BaselineFormat) }))
      .toContain('options.baseline.format: received "PARQUET"; allowed: BaselineFormat.CSV or BaselineFormat.JSONL');
    expect(errorFor({ features: ONE_FEATURE, baseline: MonitoringBaseline.fromWarmUp(Duration.days(45)) }))
      .toContain('options.baseline: received "45 days"; allowed: a whole number of days from 1 to 30');
  });

  test('WHEN ground-truth options do not fit the problem type THEN each is reported', () => {
    const message = errorFor({
      features: ONE_FEATURE,
      groundTruth: { problemType: ProblemType.REGRESSION, minimumAccuracy: 0.9, positiveLabel: 'fraud', maximumMae: -1, labelDelay: Duration.minutes(90) },
    });
    expect(message).toContain('options.groundTruth.minimumAccuracy: received 0.9; allowed: only for classification');
    expect(message).toContain('options.groundTruth.positiveLabel: received "fraud"; allowed: only with ProblemType.BINARY_CLASSIFICATION');
    expect(message).toContain('options.groundTruth.maximumMae: received -1; allowed: a number above 0');
    expect(message).toContain('options.groundTruth.labelDelay: received "1.5 hours (Duration.minutes(90))"');
    expect(errorFor({ features: ONE_FEATURE, groundTruth: { problemType: ProblemType.MULTICLASS_CLASSIFICATION, maximumRmse: 2 } }))
      .toContain('options.groundTruth.maximumRmse: received 2; allowed: only for ProblemType.REGRESSION');
  });

  test('WHEN autoPause is on without a kill switch THEN the error names killSwitch', () => {
    expect(errorFor({ features: ONE_FEATURE, autoPause: true })).toContain("killSwitch: received undefined; allowed: the endpoint's kill switch");
  });

  test('WHEN several problems are made at once THEN one error lists all of them', () => {
    const message = errorFor({ features: [{ name: 'bad name', kind: FeatureKind.NUMERIC, csvIndex: 0 }], sampleSize: 1, driftThreshold: -1 });
    expect(message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(3);
  });

  test('WHEN the review interval exceeds the tier\'s longest THEN governance.reviewEveryDays is reported', () => {
    const governance = { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: RiskTier.HIGH, reviewEveryDays: 120 };
    expect(errorFor({ features: ONE_FEATURE }, { governance })).toContain('governance.reviewEveryDays: received 120; allowed: a whole number from 1 to 90 for HIGH tier');
  });
});

describe('GIVEN the monitoring prop of an endpoint', () => {
  test('WHEN a HIGH tier endpoint has none THEN the problem names monitoring and the risk-acceptance alternative', () => {
    expect(endpointProblems(undefined, RiskTier.HIGH)).toContain('  - monitoring: received undefined; allowed: monitoring options with features for HIGH tier');
  });

  test('WHEN a MEDIUM or LOW tier endpoint has none THEN it is accepted', () => {
    expect(endpointProblems(undefined, RiskTier.MEDIUM)).toBe('');
    expect(endpointProblems(undefined, RiskTier.LOW)).toBe('');
  });

  test('WHEN a HIGH tier endpoint records a risk acceptance alone THEN it is accepted and the reason is returned', () => {
    const stack = new Stack(new App(), 'Serving');
    const v = new PropsValidator(stack, 'GovernedEndpoint');
    const decision = EndpointMonitoring._resolve(v, 'monitoring', { riskAcceptance: 'batch-scored offline; reviewed weekly by the fraud team' }, { tier: RiskTier.HIGH });
    expect(v.count).toBe(0);
    expect(decision).toEqual({ riskAcceptance: 'batch-scored offline; reviewed weekly by the fraud team' });
  });

  test('WHEN a risk acceptance is empty, comes with features, or is given on a tier that needs none THEN each is reported', () => {
    expect(endpointProblems({ riskAcceptance: ' ' }, RiskTier.HIGH)).toContain('monitoring.riskAcceptance: received " "; allowed: a non-empty reason');
    expect(endpointProblems({ riskAcceptance: 'later', features: ONE_FEATURE }, RiskTier.HIGH))
      .toContain('monitoring.riskAcceptance: received "set together with features"; allowed: alone');
    expect(endpointProblems({ riskAcceptance: 'later' }, RiskTier.LOW)).toContain('allowed: only for a tier that requires monitoring (HIGH); LOW tier needs none');
  });

  test('WHEN the endpoint captures 0% of its traffic THEN monitoring is refused', () => {
    expect(endpointProblems({ features: ONE_FEATURE }, RiskTier.LOW, 0))
      .toContain('monitoring: received "monitoring options with data-capture sampling of 0%"; allowed: monitoring only of an endpoint that captures its traffic');
  });

  test('WHEN the review interval is unset THEN it is the tier\'s longest, and 0 or fractions are refused', () => {
    const stack = new Stack(new App(), 'Serving');
    const v = new PropsValidator(stack, 'GovernedEndpoint');
    const base = { owner: 'o@example.com', purpose: 'p' };
    expect(EndpointMonitoring._resolveReviewEvery(v, 'governance', { ...base, riskTier: RiskTier.LOW }, RiskTier.LOW)).toBe(365);
    expect(EndpointMonitoring._resolveReviewEvery(v, 'governance', { ...base, riskTier: RiskTier.MEDIUM }, RiskTier.MEDIUM)).toBe(180);
    expect(v.count).toBe(0);
    EndpointMonitoring._resolveReviewEvery(v, 'governance', { ...base, riskTier: RiskTier.LOW, reviewEveryDays: 0 }, RiskTier.LOW);
    EndpointMonitoring._resolveReviewEvery(v, 'governance', { ...base, riskTier: RiskTier.LOW, reviewEveryDays: 7.5 }, RiskTier.LOW);
    expect(v.count).toBe(2);
  });
});
