import { CfnResource, Stack, TagManager } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelSource } from '../../constructs/model-source';
import { allStatements, asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';

describe('GIVEN a GovernedEndpoint with the required props only (HIGH tier unless a test says otherwise)', () => {
  describe('WHEN its tags are read', () => {
    test('THEN every taggable resource it creates but its alarms carries owner, purpose and risk tier tags', () => {
      // GIVEN a HIGH-tier endpoint that is the only user of the stack's shared foundation
      const { stack, template } = synthEndpoint();
      // WHEN we look at every taggable L1 resource in the stack
      const taggable = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TagManager.isTaggable(c));
      const resources = template.toJSON().Resources;
      // Most types list tags as [{ Key, Value }]; a few (SSM parameters) use a map.
      const tagsOf = (c: CfnResource) => {
        const tags = resources[stack.getLogicalId(c)].Properties.Tags;
        return Array.isArray(tags) ? Object.fromEntries(tags.map((t: any) => [t.Key, t.Value])) : (tags ?? {});
      };
      // THEN each one has the three governance tags: the endpoint's own resources with its values,
      // the shared foundation with the same owner and tier and a purpose of its own
      expect(taggable.length).toBeGreaterThanOrEqual(8);
      // AND the endpoint's alarms carry none of them (their names carry the endpoint's): its 8 operational alarms
      // and the 3 of its model monitoring (data drift, monitor health, monitor silent; no ground truth, no quality alarm)
      const ownAlarms = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) &&
        c.cfnResourceType === 'AWS::CloudWatch::Alarm' && c.node.path.startsWith('TestStack/Scoring/'));
      expect(ownAlarms).toHaveLength(11);
      expect(ownAlarms.filter((c) => c.node.path.startsWith('TestStack/Scoring/Monitoring/'))).toHaveLength(3);
      for (const c of ownAlarms) {
        expect(Object.keys(tagsOf(c)).filter((k) => k.startsWith('governance:'))).toEqual([]);
      }
      for (const c of taggable.filter((t) => !ownAlarms.includes(t))) {
        const inEndpoint = c.node.path.startsWith('TestStack/Scoring/');
        expect({ path: c.node.path, tags: tagsOf(c) }).toEqual({
          path: c.node.path,
          tags: expect.objectContaining({
            'governance:owner': 'fraud-ml@example.com',
            'governance:purpose': inEndpoint ? 'card fraud scoring' : 'shared governance foundation for model endpoints',
            'governance:risk-tier': 'HIGH',
          }),
        });
      }
    });

    test('THEN the shared foundation is tagged with the first owner and the highest tier of its endpoints', () => {
      // GIVEN a LOW-tier endpoint created first, then a HIGH-tier one in the same stack
      const stack = newStack();
      new GovernedEndpoint(stack, 'Low', endpointProps({ governance: { owner: 'first@example.com', purpose: 'triage', riskTier: RiskTier.LOW } }));
      new GovernedEndpoint(stack, 'High', endpointProps());
      // THEN the shared key carries the first owner and the HIGH tier
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
        Tags: Match.arrayWith([
          { Key: 'governance:owner', Value: 'first@example.com' },
          { Key: 'governance:purpose', Value: 'shared governance foundation for model endpoints' },
          { Key: 'governance:risk-tier', Value: 'HIGH' },
        ]),
      });
    });
  });

  describe('WHEN its model is read', () => {
    test('THEN it runs with network isolation and the construct execution role', () => {
      const { template } = synthEndpoint();
      template.hasResourceProperties('AWS::SageMaker::Model', {
        EnableNetworkIsolation: true,
        ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ScoringExecutionRole'), 'Arn'] },
        PrimaryContainer: {
          Image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-scoring:1.4.2',
          ModelDataUrl: 's3://model-artifacts-bucket/fraud/v14/model.tar.gz',
        },
        VpcConfig: Match.absent(),
      });
    });

    test('THEN it is created only after the execution policy is attached', () => {
      const { template } = synthEndpoint();
      const [model] = Object.values(template.findResources('AWS::SageMaker::Model')) as any[];
      const [policyId] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
      expect(model.DependsOn).toEqual(expect.arrayContaining([policyId]));
    });

    test('THEN a model package deploys from the registry by ARN', () => {
      const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/14';
      const { template } = synthEndpoint({ model: ModelSource.fromModelPackage({ modelPackageArn: arn }) });
      template.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { ModelPackageName: arn } });
    });
  });

  describe('WHEN its endpoint config is read', () => {
    test('THEN it encrypts the volume and data capture with the customer key, with two ml.m5.large instances for HIGH tier', () => {
      const { template } = synthEndpoint();
      const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('GovernanceFoundationKey'), 'Arn'] };
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        KmsKeyId: keyArn,
        ProductionVariants: [Match.objectLike({
          VariantName: 'primary', InstanceType: 'ml.m5.large', InitialInstanceCount: 2, InitialVariantWeight: 1,
        })],
        DataCaptureConfig: {
          EnableCapture: true,
          InitialSamplingPercentage: 100,
          KmsKeyId: keyArn,
          CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
          DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('GovernanceFoundationEvidenceBucket') }, Match.stringLikeRegexp('^/data-capture/')]] },
          CaptureContentTypeHeader: Match.anyValue(),
        },
      });
    });

    test.each([
      [RiskTier.LOW, 1, 20],
      [RiskTier.MEDIUM, 2, 50],
      [RiskTier.HIGH, 2, 100],
    ])('THEN %s tier defaults to %i instance(s) and %i%% sampling', (riskTier, count, sampling) => {
      const { template } = synthEndpoint({ governance: { owner: 'o@example.com', purpose: 'p', riskTier } });
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        ProductionVariants: [Match.objectLike({ InitialInstanceCount: count })],
        DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: sampling }),
      });
    });

    test('THEN an instance-store type leaves out the volume key but still encrypts capture, and says why', () => {
      const { endpoint, template } = synthEndpoint({ instanceType: 'ml.g5.xlarge' });
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        KmsKeyId: Match.absent(),
        DataCaptureConfig: Match.objectLike({ KmsKeyId: Match.anyValue() }),
      });
      const acks = endpoint.cfnEndpointConfig.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
      expect(JSON.stringify(acks)).toContain('NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured');
      expect(JSON.stringify(acks)).toContain('instance-store');
    });

    test('THEN a type that takes a volume key is never acknowledged', () => {
      const { endpoint } = synthEndpoint({ instanceType: 'ml.c5.xlarge' });
      expect(JSON.stringify(endpoint.cfnEndpointConfig.node.metadata)).not.toContain('SageMakerEndpointConfigurationKMSKeyConfigured');
    });
  });

  describe('WHEN its endpoint and log group are read', () => {
    test('THEN the endpoint log group is named after the endpoint, KMS-encrypted, kept 365 days and retained', () => {
      const { template } = synthEndpoint({ endpointName: 'fraud-scoring' });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: '/aws/sagemaker/Endpoints/fraud-scoring',
          RetentionInDays: 365,
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('GovernanceFoundationKey'), 'Arn'] },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResource('AWS::SageMaker::Endpoint', {
        Properties: { EndpointName: 'fraud-scoring' },
        DependsOn: Match.arrayWith([Match.stringLikeRegexp('ScoringLogGroup')]),
      });
    });

    test('THEN without a name, the endpoint gets a unique valid name of at most 63 characters', () => {
      const { endpoint } = synthEndpoint();
      expect(endpoint.endpointName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
      expect(endpoint.endpointName.length).toBeLessThanOrEqual(63);
    });
  });

  describe('WHEN its capture sampling is set', () => {
    test.each<[string, Partial<GovernedEndpointProps>, number]>([
      ['captureSamplingPercentage', { captureSamplingPercentage: 30 }, 30],
      ['the deprecated dataCapture.samplingPercentage', { dataCapture: { samplingPercentage: 40 } }, 40],
      ['both spellings with the same value', { captureSamplingPercentage: 60, dataCapture: { samplingPercentage: 60 } }, 60],
    ])('THEN %s sets the endpoint config\'s sampling', (_how, sampling, expected) => {
      const { template } = synthEndpoint({ governance: { owner: 'o@example.com', purpose: 'p', riskTier: RiskTier.MEDIUM }, ...sampling });
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: expected }) });
    });
  });

  describe('WHEN an application is granted invoke', () => {
    test('THEN it allows invoking this endpoint only and returns a successful grant', () => {
      const stack = newStack();
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps());
      const app = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const grant = endpoint.grantInvoke(app);
      expect(grant.success).toBe(true);
      const allow = allStatements(Template.fromStack(stack)).filter((s) => s.Effect === 'Allow' && asArray(s.Action).includes('sagemaker:InvokeEndpoint'));
      expect(allow).toHaveLength(1);
      expect(allow[0].Resource).toEqual({ Ref: Stack.of(endpoint).getLogicalId(endpoint.cfnEndpoint) });
    });
  });
});

describe('GIVEN an endpoint on a key or role the library does not own, WHEN it is synthesized', () => {
  test('THEN an imported key raises an acknowledgeable warning about its key policy', () => {
    // GIVEN an endpoint on a key the library does not own
    const stack = newStack();
    const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ encryptionKey }));
    // THEN synth carries a warning naming the prop and what the key policy needs
    Annotations.fromStack(stack).hasWarning('/TestStack/Scoring',
      Match.stringLikeRegexp('encryptionKey is an imported key: its key policy must let logs.<region>.amazonaws.com'));
  });

  test('THEN a role of your own raises a warning that it must read the rollback alarms', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/model-runner', { mutable: false });
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ executionRole: role }));
    Annotations.fromStack(stack).hasWarning('/TestStack/Scoring', Match.stringLikeRegexp('grant it cloudwatch:DescribeAlarms on the rollback alarms'));
  });

  test('THEN a key the stack owns raises no warning', () => {
    const { stack } = synthEndpoint();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('imported key'))).toHaveLength(0);
  });
});
