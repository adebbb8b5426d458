import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { acknowledge, inCompliancePacks } from './private/acknowledge';

/**
 * Where `npm ci` / `npm run build` put the esbuild bundles of `lib/handlers/<name>/index.ts`: the package
 * root's `build/handlers`, one level up from `constructs/` in the source tree and two levels up from
 * `dist/constructs/` in the published package.
 */
export const HANDLER_BUNDLE_ROOT = [join(__dirname, '..', 'build', 'handlers'), join(__dirname, '..', '..', 'build', 'handlers')]
  .find((dir) => existsSync(dir)) ?? join(__dirname, '..', 'build', 'handlers');

/** Props of {@link GovernedFunction}. */
export interface GovernedFunctionProps {
  /** Folder name of the handler under `lib/handlers/` (its bundle is `build/handlers/<handler>/index.js`). */
  readonly handler: string;
  /** What the function does, for its description and role. */
  readonly description: string;
  /** Key for the log group and the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /** Permissions of the function besides its own logs and DLQ. */
  readonly statements: iam.PolicyStatement[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
  /**
   * Timeout.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency: caps the function and guarantees it capacity.
   * @default 2
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * VPC to run in.
   * @default - not in a VPC (the nag finding is acknowledged: it calls only AWS APIs)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets when `vpc` is given.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Log retention.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Lambda function the library runs for governance (kill-switch enforcement, approval gate), built
 * to pass the compliance packs: an esbuild bundle (no Docker at synth), the newest Node.js runtime,
 * a role whose only policy is customer-managed, its own KMS-encrypted log group kept a year and
 * retained, reserved concurrency, and a KMS-encrypted, TLS-only dead-letter queue.
 */
export class GovernedFunction extends Construct {
  /** The function. */
  public readonly function: lambda.Function;
  /** Its role. */
  public readonly role: iam.Role;
  /** Its customer-managed policy. */
  public readonly policy: iam.ManagedPolicy;
  /** Its log group. */
  public readonly logGroup: logs.LogGroup;
  /** Its dead-letter queue. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: GovernedFunctionProps) {
    super(scope, id);
    const bundleDir = join(HANDLER_BUNDLE_ROOT, props.handler);
    if (!existsSync(join(bundleDir, 'index.js'))) {
      throw new Error(`GovernedFunction at '${this.node.path}': handler bundle ${bundleDir}/index.js is missing. ` +
        'Run `npm ci` or `npm run build` (they bundle lib/handlers with esbuild) before synth.');
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.role = new iam.Role(this, 'Role', {
      description: props.description,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // The log group's ARN attribute ends in ':*', which covers its log streams.
    const logStreams = this.logGroup.logGroupArn;
    const statements = [
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logStreams] }),
      new iam.PolicyStatement({ sid: 'SendToDeadLetterQueue', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
      new iam.PolicyStatement({ sid: 'EncryptDeadLetters', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.encryptionKey.keyArn] }),
      ...props.statements,
    ];
    if (props.vpc) {
      statements.push(new iam.PolicyStatement({
        sid: 'ManageLambdaEnis',
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }));
    }
    this.policy = new iam.ManagedPolicy(this, 'Policy', { description: props.description, statements, roles: [this.role] });
    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(bundleDir),
      // Permissions live in the customer-managed policy above; stop the L2 from adding an inline one.
      role: this.role.withoutPolicyUpdates(),
      timeout: props.timeout ?? Duration.minutes(1),
      memorySize: 256,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 2,
      deadLetterQueue: this.deadLetterQueue,
      logGroup: this.logGroup,
      environment: props.environment,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }) : undefined,
      securityGroups: props.vpc ? [this.httpsOnlySecurityGroup(props.vpc, props.description)] : undefined,
      allowPublicSubnet: false,
    });
    if (props.logRetention === logs.RetentionDays.INFINITE) {
      acknowledge(this.logGroup.node.defaultChild!, ['AiGovernance-LogGroupRetention', ...inCompliancePacks('CloudWatchLogGroupRetentionPeriod')],
        'logRetention is logs.RetentionDays.INFINITE: the function\'s log is never expired, which exceeds every retention floor, ' +
        'and the log group is retained when the stack is deleted.');
    }
    this.function.node.addDependency(this.policy);
    if (props.vpc) {
      acknowledge(this.policy.node.defaultChild!, ['AwsSolutions-IAM5[Resource::*]'],
        'Lambda creates and deletes the function\'s ENIs at run time; EC2 network-interface actions offer no narrower resource before they exist.');
    } else {
      acknowledge(this.function.node.defaultChild!, inCompliancePacks('LambdaInsideVPC'),
        'The function only calls AWS APIs over TLS with IAM credentials and serves no inbound traffic; pass `vpc` to run it inside your VPC.');
    }
  }

  /** The function calls AWS APIs over HTTPS and nothing else: no other egress, no ingress. */
  private httpsOnlySecurityGroup(vpc: ec2.IVpc, description: string): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `${description}: HTTPS egress to AWS APIs only`.slice(0, 255),
      allowAllOutbound: false,
    });
    sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs');
    return sg;
  }
}
