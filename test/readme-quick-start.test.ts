import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Capacity, DeploymentPolicy, GovernedEndpoint, ModelArtifact, ModelImage, ModelSource, RiskTier } from '../lib';
import { compliancePacks, unacknowledgedFindings } from './helpers/nag';
import { AiGovernanceChecks } from '../lib/nag/ai-governance-checks';

// The README's quick start, verbatim apart from the roles it assumes exist.
describe('the README quick start', () => {
  test('synthesizes a governed endpoint that passes all five packs', () => {
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
    });
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
