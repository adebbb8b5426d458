import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EvidenceStore, ObjectLockMode } from '../../constructs/evidence-store';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { endpointProps, newStack } from '../helpers/fixtures';

const keyPolicyOf = (template: Template) => Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as any[];
const bucketLock = (template: Template) => Object.values(template.findResources('AWS::S3::Bucket'))
  .map((b: any) => b.Properties.ObjectLockConfiguration).filter((c) => c !== undefined);

describe('the foundation key grants only through AWS services', () => {
  const statements = keyPolicyOf(Template.fromStack((() => {
    const stack = newStack();
    new GovernedEndpoint(stack, 'Scoring', endpointProps());
    return stack;
  })()));

  test('GIVEN an endpoint and its foundation WHEN the key policy is read THEN kms:CreateGrant is denied unless an AWS service creates the grant for an AWS resource', () => {
    const deny = statements.filter((s) => s.Effect === 'Deny');
    expect(deny).toEqual([{
      Sid: 'DenyGrantsExceptThroughAwsServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }]);
  });

  test('GIVEN the same key policy THEN the account root keeps kms:* (IAM policies still govern the key and it stays administrable)', () => {
    const root = statements.find((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes(':root'));
    expect(root.Action).toBe('kms:*');
    expect(root.Condition).toBeUndefined();
    // Nothing but CreateGrant is denied: PutKeyPolicy, rotation, deletion and RevokeGrant stay with the administrators.
    expect(statements.filter((s) => s.Effect === 'Deny').flatMap((s) => [s.Action].flat())).toEqual(['kms:CreateGrant']);
  });

  test('GIVEN the same key policy THEN the services that use the key without grants keep their statements', () => {
    expect(statements.map((s) => s.Sid)).toEqual(expect.arrayContaining(['AllowCloudWatchLogsInThisAccountAndRegion', 'AllowCloudWatchAlarmsToPublishToEncryptedTopics']));
  });

  test('GIVEN a foundation with an imported key WHEN built THEN no key policy is written (the library cannot edit it)', () => {
    const stack = newStack();
    new GovernanceFoundation(stack, 'Foundation', { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555') });
    expect(Template.fromStack(stack).findResources('AWS::KMS::Key')).toEqual({});
  });
});

describe('GovernanceFoundation on its own', () => {
  test('GIVEN no props WHEN built THEN evidence is locked in GOVERNANCE mode for 365 days', () => {
    const stack = newStack();
    const foundation = new GovernanceFoundation(stack, 'Foundation');
    expect(foundation.evidenceStore.objectLockMode).toBe(ObjectLockMode.GOVERNANCE);
    expect(bucketLock(Template.fromStack(stack))).toEqual([{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } }]);
  });

  test('GIVEN objectLockMode COMPLIANCE and its own governance WHEN built THEN the bucket is locked in COMPLIANCE mode and tagged with that governance', () => {
    const stack = newStack();
    new GovernanceFoundation(stack, 'Foundation', {
      objectLockMode: ObjectLockMode.COMPLIANCE,
      governance: { owner: 'ml-platform@example.com', purpose: 'shared evidence: fraud/credit', riskTier: RiskTier.HIGH },
    });
    const template = Template.fromStack(stack);
    expect(bucketLock(template)).toEqual([{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } }]);
    template.hasResourceProperties('AWS::KMS::Key', { Tags: [
      { Key: 'governance:owner', Value: 'ml-platform@example.com' },
      { Key: 'governance:purpose', Value: 'shared evidence: fraud/credit' },
      { Key: 'governance:risk-tier', Value: 'HIGH' },
    ] });
  });

  test('GIVEN several bad props WHEN built THEN one error names each by the foundation\'s own prop names and nothing is created', () => {
    const stack = newStack();
    expect(() => new GovernanceFoundation(stack, 'Foundation', {
      governance: { owner: "o'brien", purpose: 'p', riskTier: RiskTier.HIGH },
      evidenceExpiration: Duration.days(400.5),
      objectLock: false,
      objectLockMode: ObjectLockMode.COMPLIANCE,
    })).toThrow(new RegExp([
      "^GovernanceFoundation at 'TestStack/Foundation' has invalid props:",
      '  - governance\\.owner: received "o\'brien"; .*"\'" is not allowed',
      '  - objectLockMode: received "COMPLIANCE"; allowed: only with objectLock on \\(it is off\\)',
      '  - evidenceExpiration: received "400\\.5 days"; allowed: a whole number of days from 365',
    ].join('\\n')));
    expect(stack.node.findChild('Foundation').node.children).toEqual([]);
    expect(stack.node.findAll().filter(CfnResource.isCfnResource)).toEqual([]);
  });
});

describe('EvidenceStore on its own', () => {
  const store = (props: Partial<ConstructorParameters<typeof EvidenceStore>[2]> = {}) => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const evidence = new EvidenceStore(stack, 'Evidence', { encryptionKey, ...props });
    return { evidence, template: Template.fromStack(stack) };
  };

  test('GIVEN COMPLIANCE mode and a 30-day retention WHEN built THEN the bucket is locked so', () => {
    const { evidence, template } = store({ objectLockMode: ObjectLockMode.COMPLIANCE, objectLockRetention: Duration.days(30) });
    expect(evidence.objectLockMode).toBe(ObjectLockMode.COMPLIANCE);
    expect(bucketLock(template)).toEqual([{ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } }]);
  });

  test('GIVEN Object Lock off WHEN built THEN the bucket has no lock and no mode', () => {
    const { evidence, template } = store({ objectLock: false });
    expect(evidence.objectLockMode).toBeUndefined();
    expect(bucketLock(template)).toEqual([]);
  });

  test('GIVEN a whole number of days written in hours WHEN built THEN S3 gets the days', () => {
    const { template } = store({ expiration: Duration.hours(24 * 730), objectLockRetention: Duration.hours(24 * 7) });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Days: 7 } } },
      LifecycleConfiguration: { Rules: [{ Id: 'abort-incomplete-uploads' }, { Id: 'expire-evidence', ExpirationInDays: 730 }] },
    });
  });

  test('GIVEN fractional days WHEN built THEN one error, before any resource of the store exists, instead of a crash inside aws-cdk-lib', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new EvidenceStore(stack, 'Evidence', { encryptionKey, expiration: Duration.hours(9000.5), objectLockRetention: Duration.hours(36) }))
      .toThrow(/^EvidenceStore at 'TestStack\/Evidence' has invalid props:\n {2}- objectLockRetention: received "1\.5 days \(Duration\.hours\(36\)\)".*\n {2}- expiration: received "375\.0208333333333 days \(Duration\.hours\(9000\.5\)\)"/);
    expect(stack.node.findChild('Evidence').node.children).toEqual([]);
  });
});

describe('nothing is created when the props are invalid', () => {
  test('GIVEN a VPC without private subnets WHEN an endpoint uses it THEN the error names vpc and the endpoint\'s stack has no resource at all', () => {
    // GIVEN a network stack whose VPC has public subnets only
    const app = new App();
    const vpc = new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    const models = new Stack(app, 'Models');
    // WHEN an endpoint is put in it with the default subnets
    expect(() => new GovernedEndpoint(models, 'Scoring', endpointProps({ vpc })))
      .toThrow(/^GovernedEndpoint at 'Models\/Scoring' has invalid props:\n {2}- vpc: received "VPC Network\/Vpc with the default vpcSubnets \(its private subnets with egress\)"; allowed: a VPC with private subnets with egress for the model, or vpcSubnets selecting subnets it has/);
    // THEN no foundation, role, model, security group or enforcer was created first
    expect(models.node.children.map((c) => c.node.id)).toEqual(['Scoring']);
    expect(models.node.findChild('Scoring').node.children).toEqual([]);
    expect(models.node.findAll().filter(CfnResource.isCfnResource)).toEqual([]);
  });

  test('GIVEN a duplicate kill-switch parameter WHEN the second endpoint is built THEN it creates nothing', () => {
    const stack = newStack();
    new GovernedEndpoint(stack, 'First', endpointProps({ endpointName: 'first', killSwitch: { parameterName: '/governed-endpoint/ml/kill-switch' } }));
    const resources = () => stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
    const before = resources();
    expect(() => new GovernedEndpoint(stack, 'Second', endpointProps({ endpointName: 'second', killSwitch: { parameterName: '/governed-endpoint/ml/kill-switch' } })))
      .toThrow(/killSwitch\.parameterName: received "\/governed-endpoint\/ml\/kill-switch"; allowed: a parameter name no other kill switch of this app uses/);
    expect(stack.node.findChild('Second').node.children).toEqual([]);
    expect(resources()).toBe(before);
  });
});
