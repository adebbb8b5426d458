import { Aws } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INSTANCE_METRIC_NAMESPACE, INVOCATION_METRIC_NAMESPACE } from '../lib/policy/kill-switch-protocol';
import { ModelSource } from './model-source';
import { acknowledge, acknowledgeWildcardResource } from './private/acknowledge';

/** Namespaces the model container may publish custom metrics to. */
export const METRIC_NAMESPACES = [INSTANCE_METRIC_NAMESPACE, INVOCATION_METRIC_NAMESPACE];

/** Props of {@link ModelExecutionRole}. */
export interface ModelExecutionRoleProps {
  /** Where the model comes from: decides the S3 object and ECR repository the role may read. */
  readonly model: ModelSource;
  /** Name of the endpoint: the role may write only to `/aws/sagemaker/Endpoints/<endpointName>`. */
  readonly endpointName: string;
  /** The key the role may use for data capture. */
  readonly encryptionKey: kms.IKey;
  /** ARN pattern of the objects data capture writes, e.g. `arn:aws:s3:::bucket/data-capture/<endpoint>/*`. */
  readonly dataCaptureObjectsArn: string;
  /**
   * The VPC the model runs in; adds the ENI permissions SageMaker needs, conditioned on this VPC.
   * @default - no VPC permissions
   */
  readonly vpc?: ec2.IVpc;
}

/**
 * The least-privilege role a SageMaker model runs as.
 *
 * All permissions sit in one customer-managed policy (no inline policy, no AWS-managed policy):
 * read the one artifact object, pull from the one image repository, write capture data under one
 * prefix with one key, write to the endpoint's own log group, and publish metrics to SageMaker's
 * namespaces only.
 */
export class ModelExecutionRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;
  /** The customer-managed policy holding every permission of the role. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ModelExecutionRoleProps) {
    super(scope, id);

    this.role = new iam.Role(this, 'Role', {
      description: `Execution role of the governed SageMaker model behind endpoint ${props.endpointName}`,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });

    const logGroupArn = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/${props.endpointName}:*`;
    const statements: iam.PolicyStatement[] = [
      new iam.PolicyStatement({
        sid: 'WriteDataCapture',
        actions: ['s3:PutObject'],
        resources: [props.dataCaptureObjectsArn],
      }),
      new iam.PolicyStatement({
        sid: 'UseGovernanceKey',
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
      }),
      new iam.PolicyStatement({
        sid: 'WriteEndpointLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'PublishSageMakerMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACES } },
      }),
    ];
    const artifactArn = props.model.artifact?.objectArn;
    if (artifactArn) {
      statements.push(new iam.PolicyStatement({ sid: 'ReadModelArtifact', actions: ['s3:GetObject'], resources: [artifactArn] }));
    }
    const repositoryArn = props.model.image?.repositoryArn;
    if (repositoryArn) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'PullModelImage',
          actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          resources: [repositoryArn],
        }),
        new iam.PolicyStatement({ sid: 'GetEcrToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      );
    }
    if (props.vpc) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'DescribeVpcResources',
          actions: ['ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkInterfaces'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ManageEnisInModelVpc',
          actions: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
          resources: ['*'],
          conditions: { ArnEquals: { 'ec2:Vpc': `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:vpc/${props.vpc.vpcId}` } },
        }),
      );
    }

    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Least-privilege permissions of the model behind endpoint ${props.endpointName}`,
      statements,
      roles: [this.role],
    });

    const starReasons = [
      'cloudwatch:PutMetricData has no resource-level permissions (scoped by the cloudwatch:namespace condition)',
      ...(repositoryArn ? ['ecr:GetAuthorizationToken has no resource-level permissions (AWS requires Resource "*")'] : []),
      ...(props.vpc ? ['EC2 Describe* has no resource-level permissions, and ENI IDs are unknown before SageMaker creates them (scoped by the ec2:Vpc condition)'] : []),
    ];
    acknowledge(this.policy.node.defaultChild!, ['AwsSolutions-IAM5[Resource::*]'], `${starReasons.join('; ')}.`);
    acknowledgeWildcardResource(this.policy.node.defaultChild!, logGroupArn,
      'SageMaker names the log streams of the endpoint itself; the permission is scoped to this endpoint\'s log group.');
    acknowledgeWildcardResource(this.policy.node.defaultChild!, props.dataCaptureObjectsArn,
      'SageMaker data capture writes objects under generated keys; the permission is scoped to this endpoint\'s capture prefix.');
  }

  /** Add a permission to the role's customer-managed policy. */
  public addToPolicy(statement: iam.PolicyStatement): void {
    this.policy.addStatements(statement);
  }
}
