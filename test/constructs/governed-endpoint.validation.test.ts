import { CfnParameter, Duration, Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EvidenceStore } from '../../constructs/evidence-store';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/governance';
import { ModelArtifact, ModelImage, ModelSource } from '../../lib/model-source';
import { endpointProps, newStack } from '../helpers/fixtures';
import * as kms from 'aws-cdk-lib/aws-kms';

function build(overrides: Partial<GovernedEndpointProps>): () => GovernedEndpoint {
  return () => new GovernedEndpoint(newStack(), 'Scoring', endpointProps(overrides));
}
const low = { owner: 'o@example.com', purpose: 'triage', riskTier: RiskTier.LOW };
const medium = { ...low, riskTier: RiskTier.MEDIUM };

describe('GovernedEndpoint rejects bad input at synth, naming the prop, the value and what is allowed', () => {
  test.each<[string, Partial<GovernedEndpointProps>, RegExp]>([
    ['an instance type without the ml. prefix', { instanceType: 'm5.large' }, /instanceType: received "m5\.large"; allowed: a SageMaker instance type 'ml\.<family>\.<size>'/],
    ['an instance type with spaces', { instanceType: 'ml.m5 .large' }, /instanceType: received "ml\.m5 \.large"/],
    ['zero instances on LOW tier', { governance: low, initialInstanceCount: 0 }, /initialInstanceCount: received 0; allowed: a whole number >= 1 for LOW tier/],
    ['a fractional instance count', { governance: low, initialInstanceCount: 1.5 }, /initialInstanceCount: received 1\.5; allowed: a whole number >= 1/],
    ['one instance on MEDIUM tier', { governance: medium, initialInstanceCount: 1 }, /initialInstanceCount: received 1; allowed: a whole number >= 2 for MEDIUM tier/],
    ['one instance on HIGH tier', { initialInstanceCount: 1 }, /initialInstanceCount: received 1; allowed: a whole number >= 2 for HIGH tier/],
    ['sampling above 100', { governance: low, dataCapture: { samplingPercentage: 101 } }, /dataCapture\.samplingPercentage: received 101; allowed: a whole number from 0 to 100/],
    ['negative sampling', { governance: low, dataCapture: { samplingPercentage: -1 } }, /dataCapture\.samplingPercentage: received -1; allowed: a whole number from 0 to 100/],
    ['less than full capture on HIGH tier', { dataCapture: { samplingPercentage: 50 } }, /dataCapture\.samplingPercentage: received 50; allowed: 100 for HIGH tier/],
    ['log retention below 180 days', { logRetention: logs.RetentionDays.THREE_MONTHS }, /logRetention: received 90; allowed: at least 180 days/],
    ['an endpoint name with underscores', { endpointName: 'fraud_scoring' }, /endpointName: received "fraud_scoring"; allowed: 1 to 63 letters, digits and hyphens/],
    ['an endpoint name starting with a hyphen', { endpointName: '-fraud' }, /endpointName: received "-fraud"/],
    ['an endpoint name of 64 characters', { endpointName: 'a'.repeat(64) }, /endpointName: received "a{64}"/],
    ['an empty owner', { governance: { ...low, owner: '' } }, /governance\.owner: received ""; allowed: a non-empty owner contact/],
    ['a blank owner', { governance: { ...low, owner: '   ' } }, /governance\.owner: received " {3}"; allowed: a non-empty owner contact/],
    ['a missing owner', { governance: { purpose: 'p', riskTier: RiskTier.LOW } as any }, /governance\.owner: received undefined/],
    ['an owner that cannot be a tag value', { governance: { ...low, owner: 'fraud-ml, risk-ml' } }, /governance\.owner: received "fraud-ml, risk-ml"; allowed: at most 256 letters/],
    ['an empty purpose', { governance: { ...low, purpose: '' } }, /governance\.purpose: received ""/],
    ['an unknown risk tier', { governance: { ...low, riskTier: 'CRITICAL' as RiskTier } }, /governance\.riskTier: received "CRITICAL"; allowed: one of LOW, MEDIUM, HIGH/],
    ['a lower-case risk tier', { governance: { ...low, riskTier: 'high' as RiskTier } }, /governance\.riskTier: received "high"/],
    ['a variant name with dots', { variantName: 'v1.2' }, /variantName: received "v1\.2"/],
    ['an artifact that is not an S3 URL', { model: ModelSource.fromArtifact({ image: ModelImage.fromUri('img:1'), artifact: ModelArtifact.fromS3Url('https://bucket/model.tar.gz') }) }, /model\.artifact: received "https:\/\/bucket\/model\.tar\.gz"; allowed: an S3 URL/],
    ['an artifact prefix instead of one object', { model: ModelSource.fromArtifact({ image: ModelImage.fromUri('img:1'), artifact: ModelArtifact.fromS3Url('s3://artifacts-bucket/models/') }) }, /model\.artifact: .*allowed: one object/],
    ['an empty image URI', { model: ModelSource.fromArtifact({ image: ModelImage.fromUri('') }) }, /model\.image: received ""/],
    ['a model package ARN that is not one', { model: ModelSource.fromModelPackage({ modelPackageArn: 'fraud-scoring' }) }, /model\.modelPackageArn: received "fraud-scoring"; allowed: a versioned model package ARN/],
    ['subnets without a VPC', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, /vpcSubnets: .*allowed: only together with vpc/],
  ])('%s', (_case, overrides, message) => {
    expect(build(overrides)).toThrow(message);
  });

  test('every problem is reported in one error', () => {
    // GIVEN three bad props at once
    const attempt = build({ instanceType: 'big', initialInstanceCount: 1, endpointName: 'no_underscores' });
    // THEN one error names all three, with the construct path
    expect(attempt).toThrow(/GovernedEndpoint at 'TestStack\/Scoring' has invalid props:\n {2}- endpointName.*\n {2}- instanceType.*\n {2}- initialInstanceCount/);
  });

  test('a HIGH-tier endpoint refuses a foundation without Object Lock', () => {
    const stack = newStack();
    const foundation = new GovernanceFoundation(stack, 'Foundation', { objectLock: false });
    expect(() => new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation })))
      .toThrow(/foundation: received "a foundation with objectLock: false"; allowed: a foundation with Object Lock on for HIGH tier/);
  });

  test('evidence expiry shorter than a year is rejected', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new EvidenceStore(stack, 'Evidence', { encryptionKey, expiration: Duration.days(200) }))
      .toThrow(/expiration: received "200 days"; allowed: at least 365 days/);
  });

  test('tokens are skipped, not rejected', () => {
    // GIVEN deploy-time values for every validated string and number
    const stack = newStack();
    const param = (id: string) => new CfnParameter(stack, id).valueAsString;
    expect(() => new GovernedEndpoint(stack, 'Scoring', endpointProps({
      endpointName: param('Name'),
      instanceType: param('Type'),
      initialInstanceCount: new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber,
      governance: { owner: param('Owner'), purpose: param('Purpose'), riskTier: RiskTier.HIGH },
      dataCapture: { samplingPercentage: Lazy.number({ produce: () => 100 }) },
      model: ModelSource.fromArtifact({ image: ModelImage.fromUri(param('Image')), artifact: ModelArtifact.fromS3Url(param('Artifact')) }),
    }))).not.toThrow();
  });
});
