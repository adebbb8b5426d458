import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AiGovernanceChecks, BaselineFormat, Capacity, DeploymentPolicy, FeatureKind, GovernedEndpoint, IGovernedEndpoint, ModelArtifact, ModelImage,
  ModelSource, MonitoringBaseline, RiskTier,
} from '../lib';
import { compliancePacks, unacknowledgedFindings } from './helpers/nag';

// The README's quick start, verbatim apart from the roles it assumes exist.
describe('GIVEN the README quick start', () => {
  test('WHEN it is synthesized THEN it makes a governed endpoint that passes all five packs', () => {
    const stack = new Stack(new App(), 'QuickStart');
    const appRole = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const onCallRole = new iam.Role(stack, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });

    const endpoint = new GovernedEndpoint(stack, 'FraudScoring', {
      model: ModelSource.fromArtifact({
        image: ModelImage.fromUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-scoring:1.4.2'),
        artifact: ModelArtifact.fromS3Url('s3://my-model-artifacts/fraud/v14/model.tar.gz'),
      }),
      governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: RiskTier.HIGH },
      instanceType: 'ml.m5.large',
      initialInstanceCount: 2,
      deployment: DeploymentPolicy.canary({ canarySize: Capacity.percent(10), bakeTime: Duration.minutes(10) }),
      monitoring: {
        features: [
          { name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 0 },
          { name: 'merchant_category', kind: FeatureKind.CATEGORICAL, csvIndex: 1 },
        ],
        baseline: MonitoringBaseline.fromEvidenceStore('train.csv', BaselineFormat.CSV),
      },
    });
    expect(endpoint.monitoring).toBeDefined();
    expect(endpoint.grantInvoke(appRole).success).toBe(true);
    expect(endpoint.killSwitch.grantOperate(onCallRole).success).toBe(true);
    expect(endpoint.killSwitch.parameter).toBeDefined();
    expect(endpoint.alarms.rollbackAlarms.length).toBeGreaterThanOrEqual(1);
    expect(endpoint.metricModelLatency().metricName).toBe('ModelLatency');

    Template.fromStack(stack).resourceCountIs('AWS::SageMaker::Endpoint', 1);
    // The example's roles are the user's; the packs review what the library made.
    const findings = unacknowledgedFindings(stack, [...compliancePacks(), new AiGovernanceChecks()])
      .filter((f) => !f.path.startsWith('QuickStart/AppRole') && !f.path.startsWith('QuickStart/OnCall'));
    expect(findings).toEqual([]);
  });
});

// The README's "Import an endpoint from another stack", verbatim apart from the function it assumes exists.
describe('GIVEN the README snippet that imports an endpoint from another stack', () => {
  test('WHEN the application stack grants invoke and alarms on latency THEN it has the grant, the kill switch\'s Deny and the alarm', () => {
    const stack = new Stack(new App(), 'ScoringApp');
    const scoringFunction = new iam.Role(stack, 'ScoringFunction', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    const fraudScoring: IGovernedEndpoint = GovernedEndpoint.fromEndpointAttributes(stack, 'FraudScoring', { endpointName: 'fraud-scoring' });
    fraudScoring.grantInvoke(scoringFunction);   // Allow on the three invoke actions; Deny while the kill switch is pulled
    new cloudwatch.Alarm(stack, 'FraudScoringLatency', {
      metric: fraudScoring.metricModelLatency(), // microseconds, p99 per minute
      threshold: 500_000,
      evaluationPeriods: 3,
    });

    const template = Template.fromStack(stack);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((s: any) => s.Effect)).toEqual(['Allow', 'Deny']);
    expect(statements[1].Condition).toEqual({ StringEquals: { 'aws:ResourceTag/governance:kill-switch': 'PAUSED' } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency', Namespace: 'AWS/SageMaker', Dimensions: [{ Name: 'EndpointName', Value: 'fraud-scoring' }, { Name: 'VariantName', Value: 'primary' }],
    });
  });
});
