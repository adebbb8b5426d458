import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagPack } from 'cdk-nag';
import { DeploymentPolicy } from '../../constructs/deployment-policy';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelSource } from '../../constructs/model-source';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { endpointProps } from '../helpers/fixtures';
import { acknowledgements, compliancePacks, unacknowledgedFindings } from '../helpers/nag';

type Configure = (stack: Stack) => Partial<GovernedEndpointProps>;

const PACKAGE_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/3';
const REASON = 'The container calls the feature store over the VPC; egress is limited by the security group (ticket ML-142).';
const tier = (riskTier: RiskTier): Partial<GovernedEndpointProps> => ({ governance: { owner: 'o@example.com', purpose: 'triage', riskTier } });

/** Where the user's own VPC goes when it is in the endpoint's stack: its findings are the user's, not the library's. */
const USER_VPC = 'Vpc';

const configurations: [string, Configure][] = [
  ['LOW tier on defaults', () => tier(RiskTier.LOW)],
  ['LOW tier with two instances (all at once)', () => ({ ...tier(RiskTier.LOW), initialInstanceCount: 2 })],
  ['MEDIUM tier on defaults', () => tier(RiskTier.MEDIUM)],
  ['HIGH tier', () => ({})],
  ['rolled out linearly', () => ({ deployment: DeploymentPolicy.linear() })],
  ['rolled out with a rolling update', () => ({ deployment: DeploymentPolicy.rolling() })],
  ['with autoscaling', () => ({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100 } })],
  ['next to a second endpoint sharing the stack\'s foundation', (stack) => {
    new GovernedEndpoint(stack, 'Triage', endpointProps(tier(RiskTier.MEDIUM)));
    return {};
  }],
  ['in isolated subnets of a VPC in the same stack', (stack) => ({
    vpc: new ec2.Vpc(stack, USER_VPC, { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  })],
  // The VPC belongs to the user's network stack; the packs review the endpoint's stack.
  ['in a VPC from another stack', (stack) => ({
    vpc: new ec2.Vpc(new Stack(stack.node.scope as App, 'Network'), 'Vpc', { maxAzs: 2, natGateways: 1 }),
  })],
  ['with a user key, an imported evidence bucket and an imported role', (stack) => ({
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee'),
    evidenceBucket: s3.Bucket.fromBucketName(stack, 'Evidence', 'existing-evidence'),
    executionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/model-runner', { mutable: false }),
  })],
  ['with a user key only', (stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) })],
  ['on an instance-store instance type', () => ({ instanceType: 'ml.g5.2xlarge' })],
  ['from a model package', () => ({ model: ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN }) })],
  // The opt-outs README offers: each is refused, or acknowledged with the recorded reason.
  ['at the LOW tier capture floor (20%)', () => ({ ...tier(RiskTier.LOW), dataCapture: { samplingPercentage: 20 } })],
  ['at the MEDIUM tier capture floor (20%)', () => ({ ...tier(RiskTier.MEDIUM), dataCapture: { samplingPercentage: 20 } })],
  ['keeping its logs forever (logRetention INFINITE)', () => ({ logRetention: logs.RetentionDays.INFINITE })],
  ['with network isolation off and its reason', () => ({ networkIsolation: false, networkIsolationRiskAcceptance: REASON })],
  ['from a model package without the approval gate, MEDIUM tier, with its reason', () => ({
    ...tier(RiskTier.MEDIUM), model: ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN }), approvalGate: false, approvalGateRiskAcceptance: REASON,
  })],
  ['HIGH tier rolled out all at once with a risk acceptance', () => ({ deployment: DeploymentPolicy.allAtOnce({ riskAcceptance: REASON }) })],
];

function synth(configure: Configure): Stack {
  const stack = new Stack(new App(), 'NagStack');
  new GovernedEndpoint(stack, 'Scoring', endpointProps(configure(stack)));
  return stack;
}

/** The findings of `packs` on the library's resources (the user's own VPC excluded). */
function findings(stack: Stack, packs: NagPack[] = [...compliancePacks(), new AiGovernanceChecks()]) {
  return unacknowledgedFindings(stack, packs).filter((f) => !f.path.startsWith(`${stack.node.path}/${USER_VPC}/`));
}

/** Findings the packs raise when acknowledgements are ignored. */
function rawFindings(stack: Stack): { rule: string; path: string }[] {
  const packs = [...compliancePacks(), new AiGovernanceChecks()];
  for (const pack of packs) {
    (pack as any).isAcknowledged = () => false;
  }
  return findings(stack, packs).map((f) => ({ rule: f.rule, path: f.path }));
}

describe.each(configurations)('GIVEN GovernedEndpoint %s WHEN AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1 and AiGovernance review it', (_name, configure) => {
  test('THEN there are zero unacknowledged errors and warnings', () => {
    expect(findings(synth(configure))).toEqual([]);
  });

  test('THEN it acknowledges only findings that fire, one finding at a time, each with a reason', () => {
    // GIVEN the findings the packs would raise if nothing were acknowledged
    const stack = synth(configure);
    const raw = rawFindings(stack);
    // THEN every acknowledgement of the library sits on the very resource with a real finding (the smallest construct);
    // aws-cdk-lib itself acknowledges the hard-coded zones of a VPC in an environment-agnostic stack on the stack
    const ofLibrary = acknowledgements(stack).filter((a) => !(a.path === stack.node.path && a.id === 'CloudFormation-Validate::W3010'));
    for (const ack of ofLibrary) {
      const fired = raw.some((f) => f.rule === ack.id && f.path === ack.path);
      expect({ ack: ack.id, at: ack.path, fired }).toEqual({ ack: ack.id, at: ack.path, fired: true });
      expect(ack.reason.length).toBeGreaterThan(40);
    }
    // AND rules that report per-finding IDs are never acknowledged wholesale
    for (const ack of ofLibrary) {
      expect(ack.id).not.toMatch(/^AwsSolutions-IAM5$/);
    }
  });
});

test('GIVEN the default HIGH-tier endpoint WHEN its acknowledgements are counted THEN there are some, so the check above is not vacuous', () => {
  const stack = synth(() => ({}));
  expect(acknowledgements(stack).length).toBeGreaterThanOrEqual(5);
  expect(rawFindings(stack).length).toBeGreaterThanOrEqual(5);
});

describe('GIVEN an opt-out a pack would flag', () => {
  const acknowledged = (stack: Stack, rule: string) => acknowledgements(stack).filter((a) => a.id === rule);

  test('WHEN network isolation is off with a reason THEN the model acknowledges AiGovernance-ModelNetworkIsolation with that reason', () => {
    const stack = synth(() => ({ networkIsolation: false, networkIsolationRiskAcceptance: REASON }));
    expect(acknowledged(stack, 'AiGovernance-ModelNetworkIsolation')).toEqual([{
      path: 'NagStack/Scoring/Model', id: 'AiGovernance-ModelNetworkIsolation', reason: expect.stringContaining(REASON),
    }]);
  });

  test('WHEN the approval gate is off with a reason THEN the model acknowledges AiGovernance-ModelApprovalGate with that reason', () => {
    const stack = synth(() => ({ ...tier(RiskTier.LOW), model: ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN }),
      approvalGate: false, approvalGateRiskAcceptance: REASON }));
    expect(acknowledged(stack, 'AiGovernance-ModelApprovalGate')).toEqual([{
      path: 'NagStack/Scoring/Model', id: 'AiGovernance-ModelApprovalGate', reason: expect.stringContaining(REASON),
    }]);
  });

  test('WHEN logs are kept forever THEN the log group acknowledges the four retention rules, saying that exceeds every floor', () => {
    const stack = synth(() => ({ logRetention: logs.RetentionDays.INFINITE }));
    const acks = acknowledgements(stack).filter((a) => /Retention/.test(a.id));
    expect(acks.map((a) => a.id).sort()).toEqual(['AiGovernance-LogGroupRetention', 'HIPAA.Security-CloudWatchLogGroupRetentionPeriod',
      'NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod', 'PCI.DSS.321-CloudWatchLogGroupRetentionPeriod']);
    for (const a of acks) {
      expect(a).toMatchObject({ path: 'NagStack/Scoring/LogGroup/Resource', reason: expect.stringMatching(/never expired, which exceeds every retention floor \(at least 180 days\)/) });
    }
  });

  test('WHEN logs are kept for a set period THEN nothing about retention is acknowledged', () => {
    const stack = synth(() => ({ logRetention: logs.RetentionDays.FIVE_YEARS }));
    expect(acknowledgements(stack).filter((a) => /Retention/.test(a.id))).toEqual([]);
  });

  test.each([
    ['network isolation off without a reason', { networkIsolation: false },
      /networkIsolationRiskAcceptance: received undefined; allowed: a non-empty reason why networkIsolation: false is acceptable/],
    ['network isolation off with a blank reason', { networkIsolation: false, networkIsolationRiskAcceptance: '  ' },
      /networkIsolationRiskAcceptance: received " {2}"; allowed: a non-empty reason/],
    ['a network isolation reason while isolation stays on', { networkIsolationRiskAcceptance: REASON },
      /networkIsolationRiskAcceptance: received ".*"; allowed: only together with networkIsolation: false/],
    ['the approval gate off without a reason (MEDIUM tier)', { ...tier(RiskTier.MEDIUM), model: ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN }), approvalGate: false },
      /approvalGateRiskAcceptance: received undefined; allowed: a non-empty reason why approvalGate: false for a model from ModelSource.fromModelPackage is acceptable/],
    ['an approval gate reason while the gate stays on', { model: ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN }), approvalGateRiskAcceptance: REASON },
      /approvalGateRiskAcceptance: received ".*"; allowed: only together with approvalGate: false/],
    ['LOW tier capture below 20%', { ...tier(RiskTier.LOW), dataCapture: { samplingPercentage: 19 } },
      /dataCapture.samplingPercentage: received 19; allowed: a whole number from 20 to 100/],
    ['MEDIUM tier capture of 10%', { ...tier(RiskTier.MEDIUM), dataCapture: { samplingPercentage: 10 } },
      /dataCapture.samplingPercentage: received 10; allowed: a whole number from 20 to 100/],
  ] as [string, Partial<GovernedEndpointProps>, RegExp][])('WHEN %s THEN synth fails with one props error saying what is allowed', (_name, overrides, message) => {
    expect(() => synth(() => overrides)).toThrow(message);
    expect(() => synth(() => overrides)).toThrow(/^GovernedEndpoint at 'NagStack\/Scoring' has invalid props:\n {2}- [^\n]+$/);
  });

  test('WHEN a HIGH tier registry model turns the gate off, even with a reason, THEN only approvalGate is named', () => {
    const attempt = () => synth(() => ({ model: ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN }), approvalGate: false, approvalGateRiskAcceptance: REASON }));
    expect(attempt).toThrow(/^GovernedEndpoint at 'NagStack\/Scoring' has invalid props:\n {2}- approvalGate: received false; allowed: true \(or unset\) for HIGH tier[^\n]*$/);
  });
});

test('GIVEN any test WHEN it creates an App THEN the App has the context of cdk.json, as `cdk synth` gives it', () => {
  // The packs and CloudFormation validation in these tests then judge the templates users synthesize.
  const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context as Record<string, unknown>;
  const app = new App();
  for (const [key, value] of Object.entries(context)) {
    expect({ key, value: app.node.tryGetContext(key) }).toEqual({ key, value });
  }
  expect(context['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
});

describe('GIVEN an invoke grant or an escape-hatch change the AiGovernance pack must see', () => {
  const governance = (stack: Stack) => findings(stack, [new AiGovernanceChecks()]).map((f) => `${f.rule} ${f.severity}`);
  const caller = (stack: Stack) => new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  test('WHEN a role is granted invoke with grantInvoke THEN the grant carries the pause deny and nothing is reported', () => {
    const stack = synth(() => ({}));
    (stack.node.findChild('Scoring') as GovernedEndpoint).grantInvoke(caller(stack));
    expect(governance(stack)).toEqual([]);
  });

  test('WHEN a role is granted invoke by hand, without the deny THEN the pause would not stop it, and the kill-switch rule says so', () => {
    const stack = synth(() => ({}));
    caller(stack).addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [(stack.node.findChild('Scoring') as GovernedEndpoint).endpointArn] }));
    expect(governance(stack)).toEqual(['AiGovernance-EndpointKillSwitch error']);
  });

  test('WHEN network isolation is turned off through the escape hatch, with no recorded reason THEN the pack warns', () => {
    const stack = synth(() => ({}));
    (stack.node.findChild('Scoring') as GovernedEndpoint).cfnModel.enableNetworkIsolation = false;
    expect(governance(stack)).toEqual(['AiGovernance-ModelNetworkIsolation warning']);
  });

  test('WHEN a LOW-tier endpoint runs one instance THEN the endpoint config acknowledges the LOW-tier instance warning, and with two it does not', () => {
    const one = synth(() => tier(RiskTier.LOW));
    expect(acknowledgements(one).filter((a) => a.id === 'AiGovernance-EndpointConfigInstanceCountLowTier').map((a) => a.path)).toEqual(['NagStack/Scoring/EndpointConfig']);
    const two = synth(() => ({ ...tier(RiskTier.LOW), initialInstanceCount: 2 }));
    expect(acknowledgements(two).filter((a) => a.id === 'AiGovernance-EndpointConfigInstanceCountLowTier')).toEqual([]);
  });
});
