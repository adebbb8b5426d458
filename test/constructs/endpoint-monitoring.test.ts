import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointMonitoring, EndpointMonitoringProps } from '../../constructs/endpoint-monitoring';
import { KillSwitch } from '../../constructs/kill-switch';
import { BaselineFormat, FeatureKind, MonitoringBaseline, MonitoringOptions, PayloadFormat, ProblemType } from '../../constructs/monitoring-options';
import { GovernanceTags, RiskTier } from '../../lib/policy/governance';
import { MONITORING_CONFIG_TAG, MonitoringConfig } from '../../lib/policy/monitoring-protocol';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { monitoringProps } from '../helpers/monitoring';
import { compliancePacks, unacknowledgedFindings } from '../helpers/nag';
import { governanceTags, l1Endpoint, verdictOn } from '../nag/kit';

const FEATURES: MonitoringOptions = {
  features: [
    { name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 0 },
    { name: 'merchant_category', kind: FeatureKind.CATEGORICAL, csvIndex: 3 },
  ],
};

function build(options: MonitoringOptions, extra: Partial<EndpointMonitoringProps> = {}) {
  const stack = new Stack(new App(), 'Serving');
  const monitoring = new EndpointMonitoring(stack, 'Monitoring', monitoringProps(stack, options, extra));
  return { stack, monitoring, template: Template.fromStack(stack) };
}

/** The configuration JSON the parameter holds, with the tokens of the template in place. */
function configOf(template: Template): MonitoringConfig & Record<string, unknown> {
  const parameter = Object.values(template.findResources('AWS::SSM::Parameter'))[0] as any;
  const value = parameter.Properties.Value;
  const text = typeof value === 'string' ? value
    : value['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : `<${JSON.stringify(p)}>`)).join('');
  return JSON.parse(text.replace(/<(\{.*?\})>/g, (_m: string, t: string) => JSON.stringify(t).slice(1, -1)));
}

function alarmsOf(template: Template): any[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
}

describe('GIVEN an endpoint monitored with two CSV features and the defaults', () => {
  const { template, monitoring } = build(FEATURES);

  test('THEN its configuration is an SSM String parameter named after the endpoint, tagged with the foundation the monitor serves', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/governed-endpoint/fraud-scoring/monitoring',
      Type: 'String',
      Tier: 'Standard',
      Tags: { 'governance:foundation': 'ml-platform' },
    });
    expect(monitoring.parameterName).toBe('/governed-endpoint/fraud-scoring/monitoring');
  });

  test('THEN the configuration holds the features, the documented defaults and the tier\'s hypercare and review interval', () => {
    const config = configOf(template);
    expect(config).toMatchObject({
      version: 1,
      endpointName: 'fraud-scoring',
      inputFormat: 'CSV',
      outputFormat: 'CSV',
      features: [{ name: 'amount', kind: 'numeric', csvIndex: 0 }, { name: 'merchant_category', kind: 'categorical', csvIndex: 3 }],
      prediction: { kind: 'numeric', csvIndex: 0 },
      baseline: { kind: 'warmup', days: 7 },
      windowMinutes: 60,
      sampleSize: 10000,
      driftThreshold: 0.2,
      perFeatureMetrics: false,
      hypercareHours: 168,
      reviewEveryDays: 90,
      owner: 'fraud-ml@example.com',
      purpose: 'card fraud scoring',
      riskTier: 'HIGH',
      killSwitchParameter: '/governed-endpoint/fraud-scoring/kill-switch',
    });
    expect(config.groundTruth).toBeUndefined();
  });

  test('THEN one data-drift alarm goes off when feature PSI > 0.2, prediction PSI > 0.2 or invalid records > 5% in 2 of 3 hourly windows, and notifies the alert topic', () => {
    const drift = alarmsOf(template).find((a) => a.Metrics?.some((m: any) => m.Expression?.startsWith('MAX([FILL(feature')));
    expect(drift).toMatchObject({
      Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^Alerts/) }],
    });
    // THEN each figure is divided by its own threshold, so the alarm crosses 1 exactly when one of them crosses its threshold
    expect(drift.Metrics.find((m: any) => m.Expression).Expression).toBe('MAX([FILL(feature, 0) / 0.2, FILL(prediction, 0) / 0.2, FILL(invalid, 0) / 0.05])');
    const byId = Object.fromEntries(drift.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat]));
    expect(byId.feature).toMatchObject({ Metric: { Namespace: 'GovernedEndpoint/Monitoring', MetricName: 'MaxFeatureDrift', Dimensions: [{ Name: 'EndpointName', Value: 'fraud-scoring' }] }, Period: 3600, Stat: 'Maximum' });
    expect(byId.prediction.Metric.MetricName).toBe('PredictionDrift');
    expect(byId.invalid.Metric.MetricName).toBe('InvalidRecordRate');
  });

  test('THEN an invalid-record threshold of 0 alarms on any invalid record, without dividing by 0', () => {
    const { template: zero } = build({ ...FEATURES, invalidRecordRateThreshold: 0 });
    const drift = alarmsOf(zero).find((a) => a.Metrics?.some((m: any) => m.Expression?.startsWith('MAX([FILL(feature')));
    expect(drift.Metrics.find((m: any) => m.Expression).Expression).toBe('MAX([FILL(feature, 0) / 0.2, FILL(prediction, 0) / 0.2, IF(FILL(invalid, 0) > 0, 2, 0)])');
  });

  test('THEN data drift, monitor health and monitor silent alarms exist, each notifying the alert topic', () => {
    const alarms = alarmsOf(template);
    expect(alarms).toHaveLength(3);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    }
  });

  test('THEN the monitor-silent alarm fires when two windows with invocations have no RecordsAnalysed, and treats missing data as breaching', () => {
    const silent = alarmsOf(template).find((a) => a.Metrics?.some((m: any) => m.Expression?.includes('analysed')));
    expect(silent).toMatchObject({ Threshold: 1, EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'breaching' });
    const expression = silent.Metrics.find((m: any) => m.Expression).Expression;
    expect(expression).toBe('IF(FILL(invocations, 0) > 0 AND FILL(analysed, -1) < 0, 1, 0)');
    const byId = Object.fromEntries(silent.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat]));
    expect(byId.invocations).toMatchObject({
      Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: [{ Name: 'EndpointName', Value: 'fraud-scoring' }, { Name: 'VariantName', Value: 'primary' }] },
      Stat: 'Sum', Period: 3600,
    });
    expect(byId.analysed).toMatchObject({ Metric: { Namespace: 'GovernedEndpoint/Monitoring', MetricName: 'RecordsAnalysed' }, Stat: 'SampleCount', Period: 3600 });
  });

  test('THEN the monitor-health alarm fires on a window whose baseline was unavailable or whose analysis failed', () => {
    const health = alarmsOf(template).find((a) => a.Metrics?.some((m: any) => m.Expression === 'MAX([baseline, failed])'));
    expect(health).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    const names = health.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
    expect(names).toEqual(['BaselineUnavailable', 'MonitorFailed']);
  });

  test('THEN no model-quality alarm exists without ground truth', () => {
    expect(monitoring.qualityAlarms).toEqual([]);
  });
});

describe('GIVEN an endpoint monitored with JSON payloads, a dataset baseline, a 6-hour window and ground truth with thresholds', () => {
  const { template, monitoring } = build({
    inputFormat: PayloadFormat.JSON,
    outputFormat: PayloadFormat.JSON,
    features: [{ name: 'income', kind: FeatureKind.NUMERIC, jsonPath: '$.applicant.income' }],
    prediction: { kind: FeatureKind.CATEGORICAL, jsonPath: '$.predictions[0].label' },
    baseline: MonitoringBaseline.fromS3('s3://evidence-bucket/monitoring/fraud-scoring/baseline/train.jsonl', BaselineFormat.JSONL),
    window: Duration.hours(6),
    hypercare: Duration.hours(0),
    perFeatureMetrics: true,
    groundTruth: { problemType: ProblemType.BINARY_CLASSIFICATION, labelDelay: Duration.hours(48), minimumAccuracy: 0.9, minimumF1: 0.8 },
  });

  test('THEN the configuration carries them, with the binary defaults for the positive label and score threshold', () => {
    expect(configOf(template)).toMatchObject({
      inputFormat: 'JSON', outputFormat: 'JSON',
      features: [{ name: 'income', kind: 'numeric', jsonPath: '$.applicant.income' }],
      prediction: { kind: 'categorical', jsonPath: '$.predictions[0].label' },
      baseline: { kind: 'dataset', s3Uri: 's3://evidence-bucket/monitoring/fraud-scoring/baseline/train.jsonl', format: 'JSONL' },
      windowMinutes: 360, hypercareHours: 0, perFeatureMetrics: true,
      groundTruth: { problemType: 'BINARY_CLASSIFICATION', labelDelayHours: 48, positiveLabel: '1', scoreThreshold: 0.5 },
    });
  });

  test('THEN accuracy and F1 alarms fire below their thresholds, per 6-hour window', () => {
    const alarms = alarmsOf(template);
    expect(alarms.find((a) => a.MetricName === 'Accuracy')).toMatchObject({ Threshold: 0.9, ComparisonOperator: 'LessThanThreshold', Period: 21600 });
    expect(alarms.find((a) => a.MetricName === 'F1')).toMatchObject({ Threshold: 0.8, ComparisonOperator: 'LessThanThreshold' });
    expect(monitoring.qualityAlarms).toHaveLength(2);
    const drift = alarmsOf(template).find((a) => a.Metrics?.some((m: any) => m.Expression?.startsWith('MAX([FILL(feature')));
    expect(drift.Metrics.find((m: any) => m.Id === 'feature').MetricStat.Period).toBe(21600);
  });
});

describe('GIVEN monitoring with autoPause', () => {
  test('WHEN it is on THEN the drift and quality alarms, and only they, pause the endpoint through its kill switch', () => {
    const paused: cloudwatch.IAlarm[] = [];
    const killSwitch = { autoPauseOn: (...alarms: cloudwatch.IAlarm[]) => paused.push(...alarms) } as unknown as KillSwitch;
    const { monitoring } = build({
      ...FEATURES, autoPause: true, groundTruth: { problemType: ProblemType.REGRESSION, maximumMae: 3 },
    }, { killSwitch });
    expect(paused).toEqual([monitoring.dataDriftAlarm, ...monitoring.qualityAlarms]);
    expect(paused).not.toContain(monitoring.monitorSilentAlarm);
    expect(monitoring.qualityAlarms).toHaveLength(1);
  });

  test('WHEN it is off (the default) THEN no alarm is handed to the kill switch', () => {
    const paused: cloudwatch.IAlarm[] = [];
    const killSwitch = { autoPauseOn: (...alarms: cloudwatch.IAlarm[]) => paused.push(...alarms) } as unknown as KillSwitch;
    build(FEATURES, { killSwitch });
    expect(paused).toEqual([]);
  });
});

describe('GIVEN a labelling pipeline role', () => {
  test('WHEN grantWriteGroundTruth is called THEN it may put objects under ground-truth/<endpoint>/ only, and generate data keys of the bucket key', () => {
    const stack = new Stack(new App(), 'Serving');
    const monitoring = new EndpointMonitoring(stack, 'Monitoring', monitoringProps(stack, FEATURES));
    const role = new iam.Role(stack, 'Labeller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    monitoring.grantWriteGroundTruth(role);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Labeller') }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Evidence/), 'Arn'] }, '/ground-truth/fraud-scoring/*']] } },
      { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
    ]);
  });
});

describe('GIVEN a configuration larger than the Standard tier holds', () => {
  test('WHEN it has 100 features with long JSON paths THEN the parameter uses the Advanced tier', () => {
    const features = Array.from({ length: 100 }, (_, i) => ({ name: `feature_${i}`, kind: FeatureKind.NUMERIC, jsonPath: `$.payload.features.measurement_${i}` }));
    const { template } = build({ inputFormat: PayloadFormat.JSON, features });
    template.hasResourceProperties('AWS::SSM::Parameter', { Tier: 'Advanced' });
  });
});

describe('GIVEN the compliance packs and the AiGovernance pack', () => {
  test('WHEN an endpoint is monitored with ground truth and autoPause off THEN no pack reports an unacknowledged finding on its monitoring', () => {
    const { stack, monitoring } = build({ ...FEATURES, groundTruth: { problemType: ProblemType.REGRESSION, maximumMae: 3, maximumRmse: 5 } });
    const findings = unacknowledgedFindings(stack, [...compliancePacks(), new AiGovernanceChecks()]).filter((f) => f.path.startsWith(`${monitoring.node.path}/`));
    expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual([]);
    expect(monitoring.alarms).toHaveLength(5);
  });
});

describe('GIVEN an endpoint tagged as GovernedEndpoint tags a monitored endpoint', () => {
  test('WHEN the AiGovernance pack judges it THEN MODEL-MONITORING and SCHEDULED-REVIEW are met by the monitoring\'s parameter and interval', () => {
    const stack = new Stack(new App(), 'Serving');
    const monitoring = new EndpointMonitoring(stack, 'Monitoring', monitoringProps(stack, FEATURES));
    const { endpoint } = l1Endpoint(stack, 'Scoring', {
      tags: governanceTags('HIGH', {
        [MONITORING_CONFIG_TAG]: monitoring.parameterName,
        [GovernanceTags.REVIEW_EVERY_DAYS]: String(monitoring.reviewEveryDays),
      }),
      endpoint: { endpointName: 'fraud-scoring' },
    });
    expect(verdictOn('EndpointModelMonitoring', endpoint)).toBe('compliant');
    expect(verdictOn('EndpointScheduledReview', endpoint)).toBe('compliant');
  });
});

describe('GIVEN a baseline uploaded to the evidence store', () => {
  test('WHEN it is named by file THEN the configuration holds its URL in the evidence bucket under the endpoint\'s baseline prefix', () => {
    const { template } = build({ ...FEATURES, baseline: MonitoringBaseline.fromEvidenceStore('2026-11/train.csv', BaselineFormat.CSV) });
    const value = (Object.values(template.findResources('AWS::SSM::Parameter'))[0] as any).Properties.Value['Fn::Join'][1];
    const at = value.findIndex((p: unknown) => typeof p === 'string' && /"baseline":\{"kind":"dataset","s3Uri":"s3:\/\/$/.test(p)) + 1;
    expect(at).toBeGreaterThan(0);
    expect(value[at]).toEqual({ Ref: expect.stringMatching(/^Evidence/) });
    expect(value[at + 1]).toMatch(/^\/monitoring\/fraud-scoring\/baseline\/2026-11\/train\.csv","format":"CSV"\}/);
  });
});

describe('GIVEN deploy-time values', () => {
  test('WHEN the endpoint name, owner and purpose are tokens THEN the monitoring is built, its parameter name hierarchical', () => {
    const stack = new Stack(new App(), 'Serving');
    const param = (id: string) => new CfnParameter(stack, id).valueAsString;
    const monitoring = new EndpointMonitoring(stack, 'Monitoring', monitoringProps(stack, FEATURES, {
      endpointName: param('Name'),
      governance: { owner: param('Owner'), purpose: param('Purpose'), riskTier: RiskTier.HIGH },
    }));
    // the ARN joins ':parameter' and the name directly: the name starts with '/'
    expect(Stack.of(monitoring).resolve(monitoring.parameter.parameterArn)['Fn::Join'][1].slice(-2))
      .toEqual([':parameter', { Ref: expect.stringMatching(/^MonitoringConfigParameter/) }]);
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', { Name: { 'Fn::Join': ['', ['/governed-endpoint/', { Ref: 'Name' }, '/monitoring']] } });
  });
});
