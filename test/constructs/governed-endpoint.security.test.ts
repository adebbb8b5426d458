import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { ModelArtifact, ModelImage, ModelSource } from '../../constructs/model-source';
import { allStatements, asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';

const captureStatement = (template: Template) => allStatements(template).find((s) => s.Sid === 'WriteDataCapture');

/** The statements of the policies attached to the role whose logical ID contains `role`. */
function statementsOfRole(template: Template, role: string): any[] {
  const attached = (p: any) => (p.Properties.Roles ?? []).some((r: any) => typeof r.Ref === 'string' && r.Ref.includes(role));
  const policies = [
    ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
    ...Object.values(template.findResources('AWS::IAM::Policy')),
  ].filter(attached) as any[];
  expect(policies.length).toBeGreaterThan(0);
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('GIVEN a GovernedEndpoint with the required props only', () => {
  describe('WHEN its encryption key is read', () => {
    test('THEN it is customer-managed, rotated and retained', () => {
      const { template } = synthEndpoint();
      template.hasResource('AWS::KMS::Key', {
        Properties: { EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
    });

    test('THEN it lets CloudWatch Logs use it only for log groups in this account and region', () => {
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

  describe('WHEN its evidence bucket is read', () => {
    test('THEN it is KMS-encrypted, versioned, private, access-logged, object-locked and retained', () => {
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

    test('THEN it denies every request that is not over TLS', () => {
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

    test('THEN it never expires evidence by default', () => {
      const { template } = synthEndpoint();
      for (const bucket of Object.values(template.findResources('AWS::S3::Bucket')) as any[]) {
        for (const rule of bucket.Properties.LifecycleConfiguration?.Rules ?? []) {
          expect(rule.ExpirationInDays).toBeUndefined();
          expect(rule.NoncurrentVersionExpiration).toBeUndefined();
        }
      }
    });

    test('THEN data capture lands under the endpoint prefix of the evidence bucket', () => {
      const { endpoint, template } = synthEndpoint({ endpointName: 'fraud-scoring' });
      expect(captureStatement(template).Resource).toEqual({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^GovernanceFoundationEvidenceBucket/), 'Arn'] }, '/data-capture/fraud-scoring/*']],
      });
      expect(endpoint.evidenceBucket).toBeDefined();
    });

    test('THEN two endpoints in one stack share one key and one evidence bucket', () => {
      const stack = newStack();
      new GovernedEndpoint(stack, 'A', endpointProps());
      new GovernedEndpoint(stack, 'B', endpointProps());
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.resourceCountIs('AWS::S3::Bucket', 2); // evidence + its access-log bucket
      template.resourceCountIs('AWS::SageMaker::Endpoint', 2);
    });
  });

  describe('WHEN its execution role is read (least privilege)', () => {
    test('THEN it holds one customer-managed policy and no AWS-managed or inline policies', () => {
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

    test('THEN it is assumable by SageMaker from this account only', () => {
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

    test('THEN it reads only the model artifact object and pulls only from its repository', () => {
      const { template } = synthEndpoint();
      const statements = allStatements(template);
      const s3Read = statements.filter((s) => asArray(s.Action).some((a: string) => a.startsWith('s3:Get')));
      // AND the only other object read in the stack is the foundation's model monitor's, confined to the
      // data-capture, ground-truth and monitoring prefixes of the evidence bucket
      const evidence = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^GovernanceFoundationEvidenceBucket/), 'Arn'] }, `/${prefix}/*`]] });
      expect(s3Read).toEqual([
        expect.objectContaining({
          Sid: 'ReadModelArtifact',
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::model-artifacts-bucket/fraud/v14/model.tar.gz']] },
        }),
        { Sid: 'ReadEvidence', Effect: 'Allow', Action: 's3:GetObject', Resource: [evidence('data-capture'), evidence('ground-truth'), evidence('monitoring')] },
      ]);
      expect(statementsOfRole(template, 'ScoringExecutionRole').filter((s) => asArray(s.Action).some((a: string) => a.startsWith('s3:Get'))))
        .toEqual([expect.objectContaining({ Sid: 'ReadModelArtifact' })]);
      const pull = statements.find((s) => asArray(s.Action).includes('ecr:BatchGetImage'));
      expect(pull.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:123456789012:repository/fraud-scoring']] });
    });

    test('THEN it uses "*" resources only for ecr:GetAuthorizationToken, namespace-conditioned cloudwatch:PutMetricData and the tag:GetResources of the enforcer and of the model monitor', () => {
      const { template } = synthEndpoint();
      const star = allStatements(template).filter((s) => s.Effect === 'Allow' && asArray(s.Resource).includes('*'));
      expect(star.map((s) => s.Action).sort()).toEqual(['cloudwatch:PutMetricData', 'ecr:GetAuthorizationToken', 'tag:GetResources', 'tag:GetResources']);
      const starOf = (role: string) => statementsOfRole(template, role).filter((s) => asArray(s.Resource).includes('*')).map((s) => s.Action).sort();
      expect(starOf('ScoringExecutionRole')).toEqual(['cloudwatch:PutMetricData', 'ecr:GetAuthorizationToken']);
      expect(starOf('KillSwitchEnforcerFunctionRole')).toEqual(['tag:GetResources']);
      expect(starOf('ModelMonitorFunctionRole')).toEqual(['tag:GetResources']);
      expect(star.find((s) => s.Action === 'cloudwatch:PutMetricData').Condition).toEqual({
        StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'AWS/SageMaker'] },
      });
    });

    test('THEN it writes logs only to the endpoint log group and uses only the governance key', () => {
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

    test('THEN an image outside ECR gets no ECR permissions at all', () => {
      const { template } = synthEndpoint({
        model: ModelSource.fromArtifact({ image: ModelImage.fromUri('registry.example.com/models/fraud:1'), artifact: ModelArtifact.fromS3Url('s3://artifacts-bucket/model.tar.gz') }),
      });
      expect(JSON.stringify(allStatements(template))).not.toContain('ecr:');
    });

    test('THEN an image from an ECR repository construct pulls from that repository only', () => {
      const stack = newStack();
      const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'fraud');
      new GovernedEndpoint(stack, 'Scoring', endpointProps({ model: ModelSource.fromArtifact({ image: ModelImage.fromEcrRepository(repo, 'v2') }) }));
      const pull = allStatements(Template.fromStack(stack)).find((s) => asArray(s.Action).includes('ecr:BatchGetImage'));
      expect(JSON.stringify(pull.Resource)).toContain(':repository/fraud');
    });
  });

  describe('WHEN it runs in a VPC or without isolation', () => {
    test('THEN with a VPC, the model runs in its private subnets behind a security group allowing HTTPS egress only', () => {
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

    test('THEN network isolation can be turned off explicitly, with the reason recorded', () => {
      const { template } = synthEndpoint({ networkIsolation: false, networkIsolationRiskAcceptance: 'Calls the feature store over the VPC.' });
      template.hasResourceProperties('AWS::SageMaker::Model', { EnableNetworkIsolation: false });
    });
  });

  describe('WHEN the user brings a key, bucket or role', () => {
    test('THEN a user key and bucket replace the foundation entirely', () => {
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

    test('THEN a user role is used as is, and the library creates no role', () => {
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
});

describe('GIVEN the foundation an endpoint creates, WHEN its alert topic is read', () => {
  test('THEN it is KMS-encrypted, refuses non-TLS publishing, and lets only this account\'s CloudWatch alarms publish', () => {
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
