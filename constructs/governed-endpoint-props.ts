import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GovernanceProps } from '../lib/policy/governance';
import { ModelSource } from './model-source';
import { DeploymentPolicy } from './deployment-policy';
import { EndpointAlarmsOptions } from './endpoint-alarms';
import { AutoScalingOptions } from './endpoint-autoscaling';
import type { IGovernanceFoundation } from './governance-foundation-ref';
import { KillSwitchOptions } from './kill-switch';
import { MonitoringOptions } from './monitoring-options';

/**
 * Inference data capture settings.
 * @deprecated use `GovernedEndpointProps.captureSamplingPercentage`
 */
export interface DataCaptureOptions {
  /**
   * Percentage of requests captured (input and output).
   * @deprecated use `GovernedEndpointProps.captureSamplingPercentage`
   * @default - the tier's default, as for `captureSamplingPercentage`
   */
  readonly samplingPercentage?: number;
}

/** Props of {@link GovernedEndpoint}. */
export interface GovernedEndpointProps {
  /** Where the model comes from: `ModelSource.fromArtifact(...)` or `ModelSource.fromModelPackage(...)`. */
  readonly model: ModelSource;

  /** Owner, purpose and risk tier. Tagged on every resource; the tier sets the control floors. */
  readonly governance: GovernanceProps;

  /**
   * Endpoint name: 1-63 characters, letters, digits and hyphens, starting with a letter or digit.
   * Also names the log group `/aws/sagemaker/Endpoints/<endpointName>`.
   * @default - a unique name derived from the construct path
   */
  readonly endpointName?: string;

  /**
   * SageMaker instance type, `ml.<family>.<size>`.
   * @default 'ml.m5.large'
   */
  readonly instanceType?: string;

  /**
   * Instances behind the production variant: at least 1 for LOW tier, at least 2 for MEDIUM and HIGH.
   * @default - 1 for LOW tier, 2 for MEDIUM and HIGH
   */
  readonly initialInstanceCount?: number;

  /**
   * Name of the production variant. Keep it stable: staged deployments match variants by name.
   * @default 'primary'
   */
  readonly variantName?: string;

  /**
   * Shared governance parts (key, evidence bucket, alert topic): a `GovernanceFoundation` of this app, or one
   * imported with `GovernanceFoundation.fromLookup` or `GovernanceFoundation.fromAttributes`.
   * @default - the stack's foundation, `GovernanceFoundation.of(stack)`, created on first use
   */
  readonly foundation?: IGovernanceFoundation;

  /**
   * Customer-managed key for the endpoint's volume, data capture and log group.
   * @default - the foundation's key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Bucket that receives data capture (under `data-capture/<endpointName>/`).
   * @default - the foundation's evidence bucket
   */
  readonly evidenceBucket?: s3.IBucket;

  /**
   * Percentage of requests whose input and output are captured (data capture is always on, KMS-encrypted, into
   * the evidence store): a whole number from the tier's floor to 100. HIGH tier requires 100; LOW and MEDIUM accept
   * 20 to 100 (the `AiGovernance` pack's floor).
   * @default - 100 for HIGH, 50 for MEDIUM, 20 for LOW
   */
  readonly captureSamplingPercentage?: number;

  /**
   * Inference data capture.
   * @deprecated use `captureSamplingPercentage`; setting both to different values is a props error
   * @default - sampling by tier
   */
  readonly dataCapture?: DataCaptureOptions;

  /**
   * Retention of the endpoint's log group; at least 180 days. `logs.RetentionDays.INFINITE` keeps the logs until
   * the (retained) log group is deleted by hand: that exceeds every retention floor, so the library acknowledges
   * the packs' "no retention period" findings on the log group, saying so.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Run the model container without network access. Turning it off needs `networkIsolationRiskAcceptance`.
   * @default true
   */
  readonly networkIsolation?: boolean;

  /**
   * Why the model container may have network access: required with `networkIsolation: false`, and only then.
   * Recorded on the model as the acknowledgement of `AiGovernance-ModelNetworkIsolation`, which reviewers read
   * in the nag result and the governance report.
   * @default - none: `networkIsolation: false` without a reason is a props error
   */
  readonly networkIsolationRiskAcceptance?: string;

  /**
   * VPC for the model; the model's ENIs go in `vpcSubnets`.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets for the model when `vpc` is given.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups for the model when `vpc` is given.
   * @default - a new security group allowing HTTPS egress only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Execution role for the model. When you bring one, you own its permissions.
   * @default - a new least-privilege {@link ModelExecutionRole}
   */
  readonly executionRole?: iam.IRole;

  /**
   * For a model from the Model Registry, check at deploy time that the package is `Approved`
   * (an {@link ApprovalGate}); the model is created only after the check passes.
   * Required for HIGH tier; turning it off for LOW or MEDIUM needs `approvalGateRiskAcceptance`.
   * Ignored for `ModelSource.fromArtifact`.
   * @default true
   */
  readonly approvalGate?: boolean;

  /**
   * Why a Model Registry model may deploy without the approval gate: required with `approvalGate: false` for a
   * model from `ModelSource.fromModelPackage` (LOW and MEDIUM tier only), and only then. Recorded on the model as
   * the acknowledgement of `AiGovernance-ModelApprovalGate`, which reviewers read in the nag result and the
   * governance report.
   * @default - none: `approvalGate: false` for a registry model without a reason is a props error
   */
  readonly approvalGateRiskAcceptance?: string;

  /**
   * The kill switch: its parameter name, the alarms that pause the endpoint, and the enforcer.
   * Every endpoint has one; operators pause it by writing `PAUSED` to the parameter.
   * @default - parameter `/governed-endpoint/<endpointName>/kill-switch`, no auto-pause, the stack's shared enforcer
   */
  readonly killSwitch?: KillSwitchOptions;

  /**
   * Model monitoring: the foundation's model monitor compares a bounded sample of the endpoint's data capture with a
   * baseline every window (feature and prediction drift, invalid records; model quality with ground truth), and alarms
   * on the alert topic say when the model drifts or the monitor goes silent. Required for HIGH tier: declare the
   * features, or record why the endpoint is not monitored with `{ riskAcceptance }` alone.
   * @default - not monitored (accepted for LOW and MEDIUM tier)
   */
  readonly monitoring?: MonitoringOptions;

  /**
   * Alarms (each with an action on the alert topic) and the dashboard. Bring-your-own `executionRole`s need
   * `cloudwatch:DescribeAlarms` on the rollback alarms for staged deployments to watch them.
   * @default - every alarm on with its documented default, notifying the foundation's alert topic
   */
  readonly alarms?: EndpointAlarmsOptions;

  /**
   * How a configuration change rolls out; the error and latency alarms roll it back.
   * @default - `DeploymentPolicy.defaultFor(tier)`: HIGH canary 10% with a 10-minute bake and a 10-minute final bake;
   *   MEDIUM canary 10% with 5-minute bakes; LOW all at once with a 10-minute bake
   */
  readonly deployment?: DeploymentPolicy;

  /**
   * Target-tracking autoscaling on invocations per instance (not for burstable `ml.t*` types).
   * @default - no autoscaling: the variant keeps `initialInstanceCount`
   */
  readonly autoScaling?: AutoScalingOptions;
}
