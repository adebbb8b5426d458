import { Stack, TagManager } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnResource } from 'aws-cdk-lib';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelArtifact, ModelImage, ModelSource } from '../../constructs/model-source';
import { allStatements, asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';

const captureStatement = (template: Template) => allStatements(template).find((s) => s.Sid === 'WriteDataCapture');

describe('GovernedEndpoint defaults', () => {
  describe('ownership', () => {
    test('every taggable resource it creates carries owner, purpose and risk tier tags', () => {
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
      for (const c of taggable) {
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

    test('the shared foundation is tagged with the first owner and the highest tier of its endpoints', () => {
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

  describe('model', () => {
    test('runs with network isolation and the construct execution role', () => {
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

    test('is created only after the execution policy is attached', () => {
      const { template } = synthEndpoint();
      const [model] = Object.values(template.findResources('AWS::SageMaker::Model')) as any[];
      const [policyId] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
      expect(model.DependsOn).toEqual(expect.arrayContaining([policyId]));
    });

    test('a model package deploys from the registry by ARN', () => {
      const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/14';
      const { template } = synthEndpoint({ model: ModelSource.fromModelPackage({ modelPackageArn: arn }) });
      template.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { ModelPackageName: arn } });
    });
  });

  describe('endpoint config', () => {
    test('encrypts the volume and data capture with the customer key, with two ml.m5.large instances for HIGH tier', () => {
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
    ])('%s tier defaults to %i instance(s) and %i%% sampling', (riskTier, count, sampling) => {
      const { template } = synthEndpoint({ governance: { owner: 'o@example.com', purpose: 'p', riskTier } });
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        ProductionVariants: [Match.objectLike({ InitialInstanceCount: count })],
        DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: sampling }),
      });
    });

    test('an instance-store type leaves out the volume key but still encrypts capture, and says why', () => {
      const { endpoint, template } = synthEndpoint({ instanceType: 'ml.g5.xlarge' });
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        KmsKeyId: Match.absent(),
        DataCaptureConfig: Match.objectLike({ KmsKeyId: Match.anyValue() }),
      });
      const acks = endpoint.cfnEndpointConfig.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
      expect(JSON.stringify(acks)).toContain('NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured');
      expect(JSON.stringify(acks)).toContain('instance-store');
    });

    test('a type that takes a volume key is never acknowledged', () => {
      const { endpoint } = synthEndpoint({ instanceType: 'ml.c5.xlarge' });
      expect(JSON.stringify(endpoint.cfnEndpointConfig.node.metadata)).not.toContain('SageMakerEndpointConfigurationKMSKeyConfigured');
    });
  });

  describe('endpoint and logs', () => {
    test('the endpoint log group is named after the endpoint, KMS-encrypted, kept 365 days and retained', () => {
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

    test('without a name, the endpoint gets a unique valid name of at most 63 characters', () => {
      const { endpoint } = synthEndpoint();
      expect(endpoint.endpointName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
      expect(endpoint.endpointName.length).toBeLessThanOrEqual(63);
    });
  });

  describe('encryption key', () => {
    test('is customer-managed, rotated and retained', () => {
      const { template } = synthEndpoint();
      template.hasResource('AWS::KMS::Key', {
        Properties: { EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
    });

    test('lets CloudWatch Logs use it only for log groups in this account and region', () => {
      const { template } = synthEndpoint();
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          })]),
        },
      });
    });
  });

  describe('evidence bucket', () => {
    test('is KMS-encrypted, versioned, private, access-logged, object-locked and retained', () => {
      const { template } = synthEndpoint();
      template.hasResource('AWS::S3::Bucket', {
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogs') }, LogFilePrefix: 'evidence/' },
          ObjectLockEnabled: true,
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
        },
        DeletionPolicy: 'Retain',
      });
    });

    test('denies every request that is not over TLS', () => {
      const { template } = synthEndpoint();
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: Match.stringLikeRegexp('GovernanceFoundationEvidenceBucket') },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          })]),
        },
      });
    });

    test('never expires evidence by default', () => {
      const { template } = synthEndpoint();
      for (const bucket of Object.values(template.findResources('AWS::S3::Bucket')) as any[]) {
        for (const rule of bucket.Properties.LifecycleConfiguration?.Rules ?? []) {
          expect(rule.ExpirationInDays).toBeUndefined();
          expect(rule.NoncurrentVersionExpiration).toBeUndefined();
        }
      }
    });

    test('data capture lands under the endpoint prefix of the evidence bucket', () => {
      const { endpoint, template } = synthEndpoint({ endpointName: 'fraud-scoring' });
      expect(captureStatement(template).Resource).toEqual({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^GovernanceFoundationEvidenceBucket/), 'Arn'] }, '/data-capture/fraud-scoring/*']],
      });
      expect(endpoint.evidenceBucket).toBeDefined();
    });

    test('two endpoints in one stack share one key and one evidence bucket', () => {
      const stack = newStack();
      new GovernedEndpoint(stack, 'A', endpointProps());
      new GovernedEndpoint(stack, 'B', endpointProps());
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.resourceCountIs('AWS::S3::Bucket', 2); // evidence + its access-log bucket
      template.resourceCountIs('AWS::SageMaker::Endpoint', 2);
    });
  });

  describe('execution role (least privilege)', () => {
    test('holds one customer-managed policy and no AWS-managed or inline policies', () => {
      const { template } = synthEndpoint();
      template.resourceCountIs('AWS::IAM::Policy', 0);
      const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
      for (const role of roles) {
        expect(role.Properties.Policies).toBeUndefined();
        for (const arn of role.Properties.ManagedPolicyArns ?? []) {
          expect(JSON.stringify(arn)).not.toContain('arn:aws:iam::aws:policy');
        }
      }
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('ScoringExecutionRole') }] });
    });

    test('is assumable by SageMaker from this account only', () => {
      const { template } = synthEndpoint();
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Principal: { Service: 'sagemaker.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          })],
        },
      });
    });

    test('reads only the model artifact object and pulls only from its repository', () => {
      const { template } = synthEndpoint();
      const statements = allStatements(template);
      const s3Read = statements.filter((s) => asArray(s.Action).some((a: string) => a.startsWith('s3:Get')));
      expect(s3Read).toEqual([expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::model-artifacts-bucket/fraud/v14/model.tar.gz']] },
      })]);
      const pull = statements.find((s) => asArray(s.Action).includes('ecr:BatchGetImage'));
      expect(pull.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:123456789012:repository/fraud-scoring']] });
    });

    test('uses "*" resources only for ecr:GetAuthorizationToken and namespace-conditioned cloudwatch:PutMetricData', () => {
      const { template } = synthEndpoint();
      const star = allStatements(template).filter((s) => s.Effect === 'Allow' && asArray(s.Resource).includes('*'));
      expect(star.map((s) => s.Action).sort()).toEqual(['cloudwatch:PutMetricData', 'ecr:GetAuthorizationToken']);
      expect(star.find((s) => s.Action === 'cloudwatch:PutMetricData').Condition).toEqual({
        StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'AWS/SageMaker'] },
      });
    });

    test('writes logs only to the endpoint log group and uses only the governance key', () => {
      const { template } = synthEndpoint({ endpointName: 'fraud-scoring' });
      const statements = allStatements(template);
      const logs = statements.find((s) => s.Sid === 'WriteEndpointLogs');
      expect(JSON.stringify(logs.Resource)).toContain(':log-group:/aws/sagemaker/Endpoints/fraud-scoring:*');
      const kmsUse = statements.filter((s) => asArray(s.Action).some((a: string) => a.startsWith('kms:')));
      expect(kmsUse.find((s) => s.Sid === 'UseGovernanceKey')).toBeDefined();
      for (const s of kmsUse) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^GovernanceFoundationKey/), 'Arn'] });
      }
    });

    test('an image outside ECR gets no ECR permissions at all', () => {
      const { template } = synthEndpoint({
        model: ModelSource.fromArtifact({ image: ModelImage.fromUri('registry.example.com/models/fraud:1'), artifact: ModelArtifact.fromS3Url('s3://artifacts-bucket/model.tar.gz') }),
      });
      expect(JSON.stringify(allStatements(template))).not.toContain('ecr:');
    });

    test('an image from an ECR repository construct pulls from that repository only', () => {
      const stack = newStack();
      const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'fraud');
      new GovernedEndpoint(stack, 'Scoring', endpointProps({ model: ModelSource.fromArtifact({ image: ModelImage.fromEcrRepository(repo, 'v2') }) }));
      const pull = allStatements(Template.fromStack(stack)).find((s) => asArray(s.Action).includes('ecr:BatchGetImage'));
      expect(JSON.stringify(pull.Resource)).toContain(':repository/fraud');
    });
  });

  describe('network', () => {
    test('with a VPC, the model runs in its private subnets behind a security group allowing HTTPS egress only', () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
      new GovernedEndpoint(stack, 'Scoring', endpointProps({ vpc }));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::SageMaker::Model', {
        EnableNetworkIsolation: true,
        VpcConfig: {
          Subnets: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') }],
          SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('ScoringSecurityGroup'), 'GroupId'] }],
        },
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.anyValue() }],
      });
      const eni = allStatements(template).find((s) => s.Sid === 'ManageEnisInModelVpc');
      expect(JSON.stringify(eni.Condition)).toContain('ec2:Vpc');
    });

    test('network isolation can be turned off explicitly, with the reason recorded', () => {
      const { template } = synthEndpoint({ networkIsolation: false, networkIsolationRiskAcceptance: 'Calls the feature store over the VPC.' });
      template.hasResourceProperties('AWS::SageMaker::Model', { EnableNetworkIsolation: false });
    });
  });

  describe('bring your own', () => {
    test('a user key and bucket replace the foundation entirely', () => {
      const stack = newStack();
      const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee');
      const evidenceBucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'existing-evidence');
      new GovernedEndpoint(stack, 'Scoring', endpointProps({ encryptionKey, evidenceBucket }));
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::KMS::Key', 0);
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee',
        DataCaptureConfig: Match.objectLike({ DestinationS3Uri: Match.stringLikeRegexp('^s3://existing-evidence/data-capture/') }),
      });
    });

    test('a user role is used as is, and the library creates no role', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/model-runner', { mutable: false });
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ executionRole: role }));
      const template = Template.fromStack(stack);
      // (the kill-switch enforcer's role is assumed by Lambda; no role is assumable by SageMaker)
      expect(template.findResources('AWS::IAM::Role', {
        Properties: { AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })]) } },
      })).toEqual({});
      template.hasResourceProperties('AWS::SageMaker::Model', { ExecutionRoleArn: 'arn:aws:iam::123456789012:role/model-runner' });
      expect(endpoint.executionRole).toBeUndefined();
    });
  });

  describe('grantInvoke', () => {
    test('allows invoking this endpoint only and returns a successful grant', () => {
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

describe('GovernedEndpoint warnings', () => {
  test('an imported key raises an acknowledgeable warning about its key policy', () => {
    // GIVEN an endpoint on a key the library does not own
    const stack = newStack();
    const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ encryptionKey }));
    // THEN synth carries a warning naming the prop and what the key policy needs
    Annotations.fromStack(stack).hasWarning('/TestStack/Scoring',
      Match.stringLikeRegexp('encryptionKey is an imported key: its key policy must let logs.<region>.amazonaws.com'));
  });

  test('a role of your own raises a warning that it must read the rollback alarms', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/model-runner', { mutable: false });
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ executionRole: role }));
    Annotations.fromStack(stack).hasWarning('/TestStack/Scoring', Match.stringLikeRegexp('grant it cloudwatch:DescribeAlarms on the rollback alarms'));
  });

  test('a key the stack owns raises no warning', () => {
    const { stack } = synthEndpoint();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('imported key'))).toHaveLength(0);
  });
});

describe('GovernanceFoundation alert topic', () => {
  test('is KMS-encrypted, refuses non-TLS publishing, and lets only this account\'s CloudWatch alarms publish', () => {
    const { template } = synthEndpoint();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});
