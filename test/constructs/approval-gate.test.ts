import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { App, Stack } from 'aws-cdk-lib';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelSource } from '../../constructs/model-source';
import { asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';
import { unacknowledgedFindings } from '../helpers/nag';

const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/14';
const fromRegistry = (arn = PACKAGE) => ({ model: ModelSource.fromModelPackage({ modelPackageArn: arn }) });
/** The gate's functions (other governance functions, such as the kill-switch enforcer, live in the same stack). */
const gateFunctions = (template: Template) => Object.keys(template.findResources('AWS::Lambda::Function', {
  Properties: { Description: 'Fails a deployment unless the SageMaker model package is Approved' },
}));
/** The statements of the gate function's policies. */
const gateStatements = (template: Template) => Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
  Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ModelApprovalGateFunction') }] },
})).flatMap((p: any) => p.Properties.PolicyDocument.Statement);

describe('ApprovalGate', () => {
  test('a registry model is checked at deploy time before the model is created', () => {
    // GIVEN an endpoint whose model comes from a model package
    const { template } = synthEndpoint(fromRegistry());
    // THEN a gate resource names the package
    const gates = template.findResources('Custom::ModelApprovalGate');
    expect(Object.values(gates).map((g: any) => g.Properties.ModelPackageArn)).toEqual([PACKAGE]);
    // AND the model waits for it
    const [model] = Object.values(template.findResources('AWS::SageMaker::Model')) as any[];
    expect(model.DependsOn).toEqual(expect.arrayContaining(Object.keys(gates)));
  });

  test('the gate function may describe exactly the gated packages and nothing else in SageMaker', () => {
    // GIVEN two registry endpoints in one stack
    const stack = newStack();
    new GovernedEndpoint(stack, 'A', endpointProps(fromRegistry()));
    new GovernedEndpoint(stack, 'B', endpointProps(fromRegistry('arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn/3')));
    const template = Template.fromStack(stack);
    // THEN there is one gate function, and its only SageMaker permission lists both packages
    expect(gateFunctions(template)).toHaveLength(1);
    const sm = gateStatements(template).filter((s) => asArray(s.Action).some((a: string) => a.startsWith('sagemaker:')));
    expect([...new Set(sm.flatMap((s) => asArray(s.Action)))]).toEqual(['sagemaker:DescribeModelPackage']);
    expect(sm.flatMap((s) => asArray(s.Resource)).sort()).toEqual([
      'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn/3', PACKAGE,
    ]);
  });

  test('the gate function is governed: newest runtime, reserved concurrency, DLQ, encrypted retained logs, managed policy only', () => {
    const { template } = synthEndpoint(fromRegistry());
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      ReservedConcurrentExecutions: 2,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('ModelApprovalGateFunctionLogGroup') } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue(), LogGroupName: Match.absent() },
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('artifact models get no gate', () => {
    const { template } = synthEndpoint();
    template.resourceCountIs('Custom::ModelApprovalGate', 0);
    expect(gateFunctions(template)).toHaveLength(0);
  });

  test('LOW tier may turn the gate off with a recorded reason; HIGH tier may not', () => {
    const low = { owner: 'o@example.com', purpose: 'triage', riskTier: RiskTier.LOW };
    const { template } = synthEndpoint({
      ...fromRegistry(), governance: low, approvalGate: false, approvalGateRiskAcceptance: 'packages are approved in the release pipeline before this stack deploys',
    });
    template.resourceCountIs('Custom::ModelApprovalGate', 0);
    expect(() => synthEndpoint({ ...fromRegistry(), approvalGate: false }))
      .toThrow(/approvalGate: received false; allowed: true \(or unset\) for HIGH tier/);
  });

  test('in a VPC, the gate function runs in the VPC and the packs stay clean', () => {
    const app = new App();
    const vpc = new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', { maxAzs: 2, natGateways: 1 });
    const stack = new Stack(app, 'Endpoint');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ ...fromRegistry(), vpc }));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
    });
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });

  test('GIVEN a VPC with isolated subnets only WHEN a registry model uses vpcSubnets PRIVATE_ISOLATED THEN the gate function runs in those subnets, HTTPS egress only', () => {
    // GIVEN a network without NAT: isolated subnets only
    const app = new App();
    const vpc = new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', {
      maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'models', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const stack = new Stack(app, 'Endpoint');
    // WHEN a registry model is placed in those subnets
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ ...fromRegistry(), vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }));
    // THEN the gate function is in the VPC, and its security group allows HTTPS out and nothing else
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() } });
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
    const egress = groups.flatMap((g) => g.Properties.SecurityGroupEgress ?? []);
    expect(egress.length).toBeGreaterThan(0);
    for (const rule of egress) {
      expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
    }
  });
});

describe('ApprovalGate: what its handler needs', () => {
  test('GIVEN a package group named with capitals, THEN the gate may describe the package under the ARN as written and as SageMaker reports it', () => {
    const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/FraudScoring/14';
    const { template } = synthEndpoint(fromRegistry(arn));
    const sm = gateStatements(template).filter((s) => asArray(s.Action).includes('sagemaker:DescribeModelPackage'));
    expect(sm.flatMap((s) => asArray(s.Resource)).sort()).toEqual([arn, 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraudscoring/14']);
  });

  test('THEN the gate function\'s timeout is longer than its worst case: the check, every answer attempt timing out, and the reserve', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bounds = require('../../lib/handlers/approval-gate/bounds') as typeof import('../../lib/handlers/approval-gate/bounds');
    const { template } = synthEndpoint(fromRegistry());
    const [fn] = gateFunctions(template).map((id) => template.toJSON().Resources[id]);
    expect(fn.Properties.Timeout).toBe(60);
    expect(bounds.worstCaseInvocationMs()).toBeLessThan(fn.Properties.Timeout * 1000);
  });
});
