import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DeploymentPolicy } from '../../constructs/deployment-policy';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelSource } from '../../constructs/model-source';
import { endpointProps } from '../helpers/fixtures';
import { governanceFindings, newStack } from './kit';

const PACKAGE_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/3';
const tier = (riskTier: RiskTier, instances?: number): Partial<GovernedEndpointProps> => ({
  governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier },
  initialInstanceCount: instances,
});

const CONFIGURATIONS: Record<string, (stack: any) => Partial<GovernedEndpointProps>> = {
  'HIGH tier on defaults (canary)': () => ({}),
  'MEDIUM tier on defaults': () => tier(RiskTier.MEDIUM),
  'LOW tier with two instances (all at once)': () => tier(RiskTier.LOW, 2),
  'linear rollout': () => ({ deployment: DeploymentPolicy.linear() }),
  'rolling update': () => ({ deployment: DeploymentPolicy.rolling() }),
  'model from the registry, with the approval gate': () => ({ model: ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN }) }),
  'model in a VPC': (stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }),
  'instance-store GPU type (no volume key)': () => ({ instanceType: 'ml.g5.xlarge' }),
  'model in a VPC of another stack': (stack) => ({ vpc: new ec2.Vpc(new Stack(stack.node.scope, 'Network'), 'Vpc', { maxAzs: 2, natGateways: 1 }) }),
  'user key, imported evidence bucket and imported role': (stack) => ({
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee'),
    evidenceBucket: s3.Bucket.fromBucketName(stack, 'Evidence', 'existing-evidence'),
    executionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/model-runner', { mutable: false }),
  }),
  'autoscaling': () => ({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100 } }),
};

describe('the AI governance pack over GovernedEndpoint', () => {
  test.each(Object.keys(CONFIGURATIONS))('%s yields zero findings', (name) => {
    const stack = newStack();
    new GovernedEndpoint(stack, 'Scoring', endpointProps(CONFIGURATIONS[name](stack)));
    expect(governanceFindings(stack).map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });

  test('two endpoints sharing the stack foundation yield zero findings', () => {
    const stack = newStack();
    new GovernedEndpoint(stack, 'Fraud', endpointProps());
    new GovernedEndpoint(stack, 'Triage', endpointProps(tier(RiskTier.MEDIUM)));
    expect(governanceFindings(stack).map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });

  test('a role granted invoke with grantInvoke carries the pause deny: zero findings', () => {
    // GIVEN an application role allowed to invoke the endpoint
    const stack = newStack();
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps());
    endpoint.grantInvoke(new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    // THEN the kill-switch rule finds the deny next to the grant
    expect(governanceFindings(stack).map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });

  test('a role granted invoke by hand, without the deny, is reported', () => {
    // GIVEN a role that bypasses grantInvoke
    const stack = newStack();
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps());
    new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })
      .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [endpoint.endpointArn] }));
    // THEN the pause would not stop it, and the pack says so
    expect(governanceFindings(stack).map((f) => f.rule)).toEqual(['EndpointKillSwitch']);
  });

  test('LOW tier on defaults (one instance) is the tier\'s documented floor, acknowledged with its reason', () => {
    // GIVEN a LOW-tier endpoint with one instance
    const stack = newStack();
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps(tier(RiskTier.LOW)));
    // THEN the pack reports nothing, and the acknowledgement on the endpoint config says why
    expect(governanceFindings(stack)).toEqual([]);
    expect(JSON.stringify(endpoint.cfnEndpointConfig.node.metadata)).toContain('AiGovernance-EndpointConfigInstanceCountLowTier');
  });

  test('LOW tier with two instances needs no acknowledgement', () => {
    const stack = newStack();
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ ...tier(RiskTier.LOW), initialInstanceCount: 2 }));
    expect(governanceFindings(stack)).toEqual([]);
    expect(JSON.stringify(endpoint.cfnEndpointConfig.node.metadata)).not.toContain('InstanceCountLowTier');
  });

  describe('GIVEN a configuration that is a choice of the user', () => {
    test('WHEN network isolation is off with its recorded reason THEN the pack reports nothing, and the model carries the reason', () => {
      const stack = newStack();
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({
        networkIsolation: false, networkIsolationRiskAcceptance: 'The container calls the feature store inside the VPC (ticket ML-142).',
      }));
      expect(governanceFindings(stack)).toEqual([]);
      expect(JSON.stringify(endpoint.cfnModel.node.metadata)).toContain('The container calls the feature store inside the VPC (ticket ML-142).');
    });

    test('WHEN network isolation is turned off through the escape hatch, with no recorded reason THEN the pack warns', () => {
      const stack = newStack();
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps());
      endpoint.cfnModel.enableNetworkIsolation = false;
      expect(governanceFindings(stack).map((f) => `${f.rule} ${f.severity}`)).toEqual(['ModelNetworkIsolation warning']);
    });
  });
});
