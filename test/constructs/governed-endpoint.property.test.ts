import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fc from 'fast-check';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { minimumInstanceCount, minimumSamplingPercentage, RiskTier } from '../../lib/governance';
import { allStatements, asArray, endpointProps } from '../helpers/fixtures';

const tiers = fc.constantFrom(RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH);
const instanceTypes = fc.constantFrom('ml.m5.large', 'ml.c5.xlarge', 'ml.g5.2xlarge', 'ml.m5d.large', 'ml.inf2.xlarge', 'ml.r6i.4xlarge', 'ml.t2.medium');
const retentions = fc.constantFrom(
  logs.RetentionDays.SIX_MONTHS, logs.RetentionDays.ONE_YEAR, logs.RetentionDays.THIRTEEN_MONTHS,
  logs.RetentionDays.FIVE_YEARS, logs.RetentionDays.TEN_YEARS, logs.RetentionDays.INFINITE,
);
const endpointNames = fc.option(fc.stringMatching(/^[a-zA-Z0-9](-?[a-zA-Z0-9]){0,30}$/), { nil: undefined });

/** Valid props for any tier: counts and sampling at or above the tier's floor. */
const validProps = tiers.chain((riskTier) => fc.record({
  riskTier: fc.constant(riskTier),
  instanceType: instanceTypes,
  initialInstanceCount: fc.integer({ min: minimumInstanceCount(riskTier), max: 10 }),
  samplingPercentage: fc.integer({ min: minimumSamplingPercentage(riskTier), max: 100 }),
  logRetention: retentions,
  endpointName: endpointNames,
  withVpc: fc.boolean(),
  networkIsolation: fc.option(fc.boolean(), { nil: undefined }),
}));

describe('GovernedEndpoint template invariants hold for any valid props', () => {
  test('no "*" action, logs kept >= 180 days with KMS, capture KMS-encrypted, bucket TLS-only', () => {
    fc.assert(fc.property(validProps, (p) => {
      // GIVEN an endpoint built from generated valid props
      const app = new App();
      const stack = new Stack(app, 'Prop');
      const vpc = p.withVpc ? new ec2.Vpc(new Stack(app, 'Net'), 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }) : undefined;
      new GovernedEndpoint(stack, 'Scoring', endpointProps({
        governance: { owner: 'o@example.com', purpose: 'property test', riskTier: p.riskTier },
        instanceType: p.instanceType,
        initialInstanceCount: p.initialInstanceCount,
        dataCapture: { samplingPercentage: p.samplingPercentage },
        logRetention: p.logRetention,
        endpointName: p.endpointName,
        networkIsolation: p.networkIsolation,
        vpc,
        vpcSubnets: vpc ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : undefined,
      }));
      const template = Template.fromStack(stack);
      const resources = Object.values(template.toJSON().Resources) as any[];

      // THEN no IAM statement allows a "*" action
      for (const s of allStatements(template)) {
        expect(asArray(s.Action).filter((a: string) => a.includes('*'))).toEqual([]);
      }
      // AND every log group has retention >= 180 days (or never expires) and a KMS key
      for (const lg of resources.filter((r) => r.Type === 'AWS::Logs::LogGroup')) {
        const days = lg.Properties.RetentionInDays;
        expect(days === undefined || days >= 180).toBe(true);
        expect(lg.Properties.KmsKeyId).toBeDefined();
        expect(lg.DeletionPolicy).toBe('Retain');
      }
      // AND data capture is on, for input and output, with a KMS key
      for (const cfg of resources.filter((r) => r.Type === 'AWS::SageMaker::EndpointConfig')) {
        const capture = cfg.Properties.DataCaptureConfig;
        expect(capture.EnableCapture).toBe(true);
        expect(capture.KmsKeyId).toBeDefined();
        expect(capture.CaptureOptions).toEqual([{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }]);
        expect(capture.InitialSamplingPercentage).toBe(p.samplingPercentage);
      }
      // AND every bucket denies requests that are not over TLS
      const buckets = resources.filter((r) => r.Type === 'AWS::S3::Bucket');
      const policies = resources.filter((r) => r.Type === 'AWS::S3::BucketPolicy');
      expect(policies).toHaveLength(buckets.length);
      for (const bp of policies) {
        expect(bp.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
          Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]));
      }
    }), { numRuns: 25 });
  });
});
