import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/governance';
import { ModelSource } from '../../lib/model-source';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { endpointProps } from '../helpers/fixtures';
import { acknowledgements, compliancePacks, unacknowledgedFindings } from '../helpers/nag';

type Configure = (stack: Stack) => Partial<GovernedEndpointProps>;

const configurations: [string, Configure][] = [
  ['LOW tier on defaults', () => ({ governance: { owner: 'o@example.com', purpose: 'triage', riskTier: RiskTier.LOW } })],
  ['HIGH tier', () => ({})],
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
  ['from a model package', () => ({ model: ModelSource.fromModelPackage({ modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/3' }) })],
];

function synth(configure: Configure): Stack {
  const stack = new Stack(new App(), 'NagStack');
  new GovernedEndpoint(stack, 'Scoring', endpointProps(configure(stack)));
  return stack;
}

/** Findings the packs raise when acknowledgements are ignored. */
function rawFindings(stack: Stack): { rule: string; path: string }[] {
  const packs = [...compliancePacks(), new AiGovernanceChecks()];
  for (const pack of packs) {
    (pack as any).isAcknowledged = () => false;
  }
  return unacknowledgedFindings(stack, packs).map((f) => ({ rule: f.rule, path: f.path }));
}

describe.each(configurations)('GovernedEndpoint %s under AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1 and AiGovernance', (_name, configure) => {
  test('has zero unacknowledged errors and warnings', () => {
    expect(unacknowledgedFindings(synth(configure), [...compliancePacks(), new AiGovernanceChecks()])).toEqual([]);
  });

  test('acknowledges only findings that fire, one finding at a time, each with a reason', () => {
    // GIVEN the findings the packs would raise if nothing were acknowledged
    const stack = synth(configure);
    const raw = rawFindings(stack);
    // THEN every acknowledgement sits on the very resource with a real finding (the smallest construct)
    for (const ack of acknowledgements(stack)) {
      const fired = raw.some((f) => f.rule === ack.id && f.path === ack.path);
      expect({ ack: ack.id, at: ack.path, fired }).toEqual({ ack: ack.id, at: ack.path, fired: true });
      expect(ack.reason.length).toBeGreaterThan(40);
    }
    // AND rules that report per-finding IDs are never acknowledged wholesale
    for (const ack of acknowledgements(stack)) {
      expect(ack.id).not.toMatch(/^AwsSolutions-IAM5$/);
    }
  });
});

test('the default HIGH-tier endpoint does carry acknowledgements, so the check above is not vacuous', () => {
  const stack = synth(() => ({}));
  expect(acknowledgements(stack).length).toBeGreaterThanOrEqual(5);
  expect(rawFindings(stack).length).toBeGreaterThanOrEqual(5);
});
