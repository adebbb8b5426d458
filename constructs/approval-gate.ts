import { CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { GovernedFunction } from './governed-function';

/** The CloudFormation type of the gate; the governance nag pack looks for it. */
export const APPROVAL_GATE_RESOURCE_TYPE = 'Custom::ModelApprovalGate';

/** The gate's function timeout: its check and its retried answer to CloudFormation are bounded well inside it. */
const GATE_TIMEOUT = Duration.seconds(60);

/** Props of {@link ApprovalGate}. */
export interface ApprovalGateProps {
  /** ARN of the versioned model package to check. */
  readonly modelPackageArn: string;
  /** Key for the gate function's log group and dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /**
   * VPC for the gate function.
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the gate function when `vpc` is given (used when the stack's shared gate function is created).
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * A deploy-time check that a Model Registry package is `Approved`.
 *
 * A `Custom::ModelApprovalGate` resource calls `DescribeModelPackage` on create and on every update
 * (a new package version is an update) and fails the deployment, with the package's status and how to
 * approve it, unless `ModelApprovalStatus` is `Approved`. It fails closed when the package cannot be
 * read. Make the model depend on the gate so nothing is created from an unapproved package.
 * One gate function serves every gate in the stack.
 */
export class ApprovalGate extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ApprovalGateProps) {
    super(scope, id);
    const fn = ApprovalGate.sharedFunction(this, props);
    // SageMaker may report the package's ARN with its name lower-cased, and IAM compares ARNs case-sensitively.
    const arn = props.modelPackageArn;
    fn.policy.addStatements(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeModelPackage'],
      resources: Token.isUnresolved(arn) || arn === arn.toLowerCase() ? [arn] : [arn, arn.toLowerCase()],
    }));
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: fn.function.functionArn,
      resourceType: APPROVAL_GATE_RESOURCE_TYPE,
      properties: { ModelPackageArn: props.modelPackageArn },
    });
    // The function may only run once it can read the package.
    this.resource.node.addDependency(fn.policy);
  }

  /** Make `dependent` wait for the gate: it is created only from an approved package. */
  public guard(dependent: IConstruct): void {
    dependent.node.addDependency(this.resource);
  }

  private static sharedFunction(scope: Construct, props: ApprovalGateProps): GovernedFunction {
    const stack = Stack.of(scope);
    const id = 'ModelApprovalGateFunction';
    const existing = stack.node.tryFindChild(id);
    if (existing instanceof GovernedFunction) {
      return existing;
    }
    return new GovernedFunction(stack, id, {
      handler: 'approval-gate',
      description: 'Fails a deployment unless the SageMaker model package is Approved',
      encryptionKey: props.encryptionKey,
      statements: [],
      timeout: GATE_TIMEOUT,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
    });
  }
}
