import { Duration, Names, RemovalPolicy, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import {
  defaultSamplingPercentage, GovernanceProps, GovernanceTags, minimumInstanceCount,
  minimumSamplingPercentage, RiskTier, TAG_VALUE_PATTERN,
} from '../lib/governance';
import { supportsVolumeEncryption } from '../lib/instance-types';
import { ModelSource } from '../lib/model-source';
import { acknowledge, inCompliancePacks } from '../lib/nag/acknowledge';
import { PropsValidator } from '../lib/validation';
import { warnIfImportedKey } from '../lib/warnings';
import { VariantMetrics } from '../lib/endpoint-metrics';
import { DeploymentPolicy } from './deployment-policy';
import { EndpointAlarms, EndpointAlarmsOptions } from './endpoint-alarms';
import { AutoScalingOptions, EndpointAutoScaling } from './endpoint-autoscaling';
import { ApprovalGate } from './approval-gate';
import { ModelExecutionRole } from './execution-role';
import { GovernanceFoundation } from './governance-foundation';
import { KillSwitch, KillSwitchOptions } from './kill-switch';
import { KILL_SWITCH_PARAMETER_TAG, KILL_SWITCH_TAG, KillSwitchState } from '../lib/kill-switch-protocol';

/** Log retention below this many days is rejected (EU AI Act Art. 19 / 26(6): at least six months). */
export const MINIMUM_LOG_RETENTION_DAYS = 180;

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const VARIANT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Inference data capture settings. */
export interface DataCaptureOptions {
  /**
   * Percentage of requests captured (input and output).
   * HIGH tier requires 100.
   * @default - 100 for HIGH, 50 for MEDIUM, 20 for LOW
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
   * Shared governance parts (key and evidence store).
   * @default - the stack's foundation, `GovernanceFoundation.of(stack)`, created on first use
   */
  readonly foundation?: GovernanceFoundation;

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
   * Inference data capture (always on: input and output, KMS-encrypted).
   * @default - sampling by tier
   */
  readonly dataCapture?: DataCaptureOptions;

  /**
   * Retention of the endpoint's log group; at least 180 days.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Run the model container without network access.
   * @default true
   */
  readonly networkIsolation?: boolean;

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
   * Required for HIGH tier. Ignored for `ModelSource.fromArtifact`.
   * @default true
   */
  readonly approvalGate?: boolean;

  /**
   * The kill switch: its parameter name, the alarms that pause the endpoint, and the enforcer.
   * Every endpoint has one; operators pause it by writing `PAUSED` to the parameter.
   * @default - parameter `/governed-endpoint/<endpointName>/kill-switch`, no auto-pause, the stack's shared enforcer
   */
  readonly killSwitch?: KillSwitchOptions;

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

/**
 * A SageMaker real-time endpoint with governance on by default: a named owner, a least-privilege
 * execution role, customer-key encryption, inference data capture into an evidence store, an
 * encrypted log group with retention, and network isolation.
 */
export class GovernedEndpoint extends Construct {
  /** The endpoint name. */
  public readonly endpointName: string;
  /** The endpoint ARN. */
  public readonly endpointArn: string;
  /** The production variant name. */
  public readonly variantName: string;
  /** The governance props (owner, purpose, risk tier). */
  public readonly governance: GovernanceProps;
  /** The model's execution role. */
  public readonly role: iam.IRole;
  /** The least-privilege role construct, when the library created the role. */
  public readonly executionRole?: ModelExecutionRole;
  /** The deploy-time approval check, when the model comes from the Model Registry. */
  public readonly approvalGate?: ApprovalGate;
  /** The customer-managed key. */
  public readonly encryptionKey: kms.IKey;
  /** The evidence bucket receiving data capture. */
  public readonly evidenceBucket: s3.IBucket;
  /** The endpoint's log group, `/aws/sagemaker/Endpoints/<name>`. */
  public readonly logGroup: logs.LogGroup;
  /** The security groups of the model, when it runs in a VPC. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** Escape hatch: the L1 model. */
  public readonly cfnModel: sagemaker.CfnModel;
  /** Escape hatch: the L1 endpoint config. */
  public readonly cfnEndpointConfig: sagemaker.CfnEndpointConfig;
  /** Escape hatch: the L1 endpoint. */
  public readonly cfnEndpoint: sagemaker.CfnEndpoint;
  /** The endpoint's alarms, alert topic and dashboard. */
  public readonly alarms: EndpointAlarms;
  /** The deployment policy rendered into the endpoint's `DeploymentConfig`. */
  public readonly deployment: DeploymentPolicy;
  /** Autoscaling of the variant, when configured. */
  public readonly autoScaling?: EndpointAutoScaling;
  /** The kill switch: the SSM parameter operators flip to pause the endpoint, and its enforcement. */
  public readonly killSwitch: KillSwitch;

  constructor(scope: Construct, id: string, props: GovernedEndpointProps) {
    super(scope, id);
    const settings = validate(this, props);
    const { tier, instanceType, instanceCount, samplingPercentage, retention } = settings;

    this.governance = props.governance;
    this.endpointName = props.endpointName ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-' });
    this.variantName = settings.variantName;

    const foundation = props.encryptionKey && props.evidenceBucket ? undefined : (props.foundation ?? GovernanceFoundation.of(this));
    this.encryptionKey = props.encryptionKey ?? foundation!.encryptionKey;
    this.evidenceBucket = props.evidenceBucket ?? foundation!.evidenceBucket;
    foundation?.registerEndpoint(props.governance);
    if (props.encryptionKey) {
      warnIfImportedKey(this, props.encryptionKey, 'encryptionKey');
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/sagemaker/Endpoints/${this.endpointName}`,
      encryptionKey: this.encryptionKey,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const capturePrefix = `data-capture/${this.endpointName}`;
    if (props.executionRole) {
      this.role = props.executionRole;
    } else {
      this.executionRole = new ModelExecutionRole(this, 'ExecutionRole', {
        model: props.model,
        endpointName: this.endpointName,
        encryptionKey: this.encryptionKey,
        dataCaptureObjectsArn: this.evidenceBucket.arnForObjects(`${capturePrefix}/*`),
        vpc: props.vpc,
      });
      this.role = this.executionRole.role;
    }

    this.securityGroups = props.vpc ? (props.securityGroups ?? [this.defaultSecurityGroup(props.vpc)]) : [];
    this.cfnModel = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: this.role.roleArn,
      enableNetworkIsolation: props.networkIsolation ?? true,
      primaryContainer: props.model.modelPackageArn
        ? { modelPackageName: props.model.modelPackageArn }
        : {
          image: props.model.image!.imageUri,
          modelDataUrl: props.model.artifact?.url,
          environment: props.model.environment,
        },
      vpcConfig: props.vpc
        ? {
          subnets: props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
          securityGroupIds: this.securityGroups.map((sg) => sg.securityGroupId),
        }
        : undefined,
    });
    if (this.executionRole) {
      // SageMaker checks the role's access when it creates the model: attach the policy first.
      this.cfnModel.node.addDependency(this.executionRole.policy);
    }
    if (props.model.modelPackageArn && (props.approvalGate ?? true)) {
      this.approvalGate = new ApprovalGate(this, 'ApprovalGate', {
        modelPackageArn: props.model.modelPackageArn,
        encryptionKey: this.encryptionKey,
        vpc: props.vpc,
      });
      this.approvalGate.guard(this.cfnModel);
    }

    const volumeKey = supportsVolumeEncryption(instanceType);
    this.cfnEndpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      kmsKeyId: volumeKey ? this.encryptionKey.keyArn : undefined,
      productionVariants: [{
        variantName: this.variantName,
        modelName: this.cfnModel.attrModelName,
        instanceType,
        initialInstanceCount: instanceCount,
        initialVariantWeight: 1,
      }],
      dataCaptureConfig: {
        enableCapture: true,
        initialSamplingPercentage: samplingPercentage,
        destinationS3Uri: this.evidenceBucket.s3UrlForObject(capturePrefix),
        kmsKeyId: this.encryptionKey.keyArn,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
        captureContentTypeHeader: { jsonContentTypes: ['application/json'], csvContentTypes: ['text/csv'] },
      },
    });
    if (tier === RiskTier.LOW && !Token.isUnresolved(instanceCount) && instanceCount < 2) {
      acknowledge(this.cfnEndpointConfig, ['AiGovernance-EndpointConfigInstanceCountLowTier'],
        `LOW risk tier allows a single instance by the library's tier floors (owner ${props.governance.owner}); set initialInstanceCount: 2 to survive an Availability Zone outage.`);
    }
    if (!volumeKey) {
      acknowledge(this.cfnEndpointConfig, inCompliancePacks('SageMakerEndpointConfigurationKMSKeyConfigured'),
        `${instanceType} has NVMe instance-store volumes, which SageMaker always encrypts with a hardware key and which reject a KmsKeyId; data capture is still encrypted with the customer key.`);
    }

    this.alarms = new EndpointAlarms(this, 'Alarms', {
      ...props.alarms,
      endpointName: this.endpointName,
      variantName: this.variantName,
      instanceType,
      defaultAlertTopic: (foundation ?? props.foundation)?.alertTopic,
      encryptionKey: this.encryptionKey,
    });
    this.deployment = props.deployment ?? DeploymentPolicy.defaultFor(tier);
    const rollbackAlarms = this.alarms.rollbackAlarms;
    const deploymentConfig = this.deployment._bind({ scope: this, tier, instanceType, instanceCount, variantCount: 1, serverless: false, rollbackAlarms });
    // SageMaker reads the rollback alarms' state with the execution role during a deployment.
    this.executionRole?.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadRollbackAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [...rollbackAlarms, ...this.deployment.additionalRollbackAlarms].map((a) => a.alarmArn),
    }));

    this.cfnEndpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: this.endpointName,
      endpointConfigName: this.cfnEndpointConfig.attrEndpointConfigName,
      deploymentConfig,
    });
    if (this.deployment.riskAcceptance && tier !== RiskTier.LOW) {
      acknowledge(this.cfnEndpoint, ['AiGovernance-EndpointStagedRollout'],
        `All-at-once rollout accepted for a ${tier} tier endpoint (owner ${props.governance.owner}): ${this.deployment.riskAcceptance}`);
    }
    if (props.autoScaling) {
      this.autoScaling = new EndpointAutoScaling(this, 'AutoScaling', {
        ...props.autoScaling, endpointName: this.endpointName, variantName: this.variantName, instanceType, initialInstanceCount: instanceCount, riskTier: tier,
      });
      this.autoScaling.node.addDependency(this.cfnEndpoint);
    }
    // The log group exists before SageMaker starts writing to it, so its retention and key apply.
    this.cfnEndpoint.node.addDependency(this.logGroup);
    this.endpointArn = this.cfnEndpoint.ref;

    this.killSwitch = new KillSwitch(this, 'KillSwitch', {
      ...props.killSwitch,
      endpointName: this.endpointName,
      endpointArn: this.endpointArn,
      encryptionKey: this.encryptionKey,
      describeArns: [this.cfnEndpointConfig.ref, this.cfnModel.ref, ...(props.model.modelPackageArn ? [props.model.modelPackageArn] : [])],
      evidenceBucket: this.evidenceBucket,
      alertTopic: this.alarms.alertTopic,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      governance: props.governance,
    });
    // The association the governance nag pack and the operator CLI read: which parameter pauses this endpoint.
    this.cfnEndpoint.tags.setTag(KILL_SWITCH_PARAMETER_TAG, this.killSwitch.parameterName);
    this.alarms.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Kill switch (1 = paused)',
        left: [this.killSwitch.metricPaused({ label: 'paused' }), this.killSwitch.metricFailClosed({ label: 'fail closed' })],
        leftYAxis: { min: 0, max: 1, showUnits: false },
        width: 12,
      }),
      new cloudwatch.TextWidget({
        markdown: `### Kill switch\nParameter \`${this.killSwitch.parameterName}\`: ACTIVE serves, PAUSED denies invocation.\n\n` +
          `Pause: \`governed-endpoint pause ${this.endpointName} --reason "..."\`; resume: \`governed-endpoint resume ${this.endpointName} --reason "..."\`.`,
        width: 12,
        height: 6,
      }),
    );

    Tags.of(this).add(GovernanceTags.OWNER, props.governance.owner);
    Tags.of(this).add(GovernanceTags.PURPOSE, props.governance.purpose);
    Tags.of(this).add(GovernanceTags.RISK_TIER, tier);
  }

  /**
   * Let `grantee` invoke this endpoint, and nothing else, except while it is paused.
   *
   * Grants `sagemaker:InvokeEndpoint`, `InvokeEndpointAsync` and `InvokeEndpointWithResponseStream`
   * on this endpoint's ARN only, and adds a Deny on the same actions while the endpoint carries the tag
   * `governance:kill-switch = PAUSED` (the kill switch).
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: INVOKE_ACTIONS,
      resourceArns: [this.endpointArn],
    });
    if (grant.success) {
      grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: INVOKE_ACTIONS,
        resources: [this.endpointArn],
        conditions: { StringEquals: { [`aws:ResourceTag/${KILL_SWITCH_TAG}`]: KillSwitchState.PAUSED } },
      }));
    }
    return grant;
  }

  /** A metric of this variant (dimensions `EndpointName`, `VariantName`; namespace `AWS/SageMaker` unless given). */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName, period: Duration.minutes(1), statistic: 'Sum', ...props,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName, ...props?.dimensionsMap } });
  }

  /** Requests to the variant (Sum per minute). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocations(this, props); }
  /** Requests per instance, the autoscaling metric (Sum per minute). */
  public metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocationsPerInstance(this, props); }
  /** Requests answered 4xx (Sum per minute; Average is the rate). */
  public metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocation4XXErrors(this, props); }
  /** Requests answered 5xx (Sum per minute; Average is the rate). */
  public metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocation5XXErrors(this, props); }
  /** Requests whose model call did not return 2xx (Sum per minute). */
  public metricInvocationModelErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocationModelErrors(this, props); }
  /** Model latency in MICROSECONDS (p99 per minute). */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.modelLatency(this, props); }
  /** SageMaker overhead latency in MICROSECONDS (p99 per minute). */
  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.overheadLatency(this, props); }
  /** CPU utilisation summed over vCPUs, 0 to 100 x vCPUs (Average). */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.cpuUtilization(this, props); }
  /** Memory utilisation percent (Average). */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.memoryUtilization(this, props); }
  /** Disk utilisation percent (Average). */
  public metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.diskUtilization(this, props); }

  private defaultSecurityGroup(vpc: ec2.IVpc): ec2.ISecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `Governed model behind endpoint ${this.endpointName}: HTTPS egress only (S3, ECR, KMS via endpoints or NAT)`,
      allowAllOutbound: false,
    });
    sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs');
    return sg;
  }
}

/** The SageMaker actions that invoke an endpoint. */
export const INVOKE_ACTIONS = [
  'sagemaker:InvokeEndpoint',
  'sagemaker:InvokeEndpointAsync',
  'sagemaker:InvokeEndpointWithResponseStream',
];

interface Settings {
  readonly tier: RiskTier;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly samplingPercentage: number;
  readonly retention: logs.RetentionDays;
  readonly variantName: string;
}

function validate(scope: Construct, props: GovernedEndpointProps): Settings {
  const v = new PropsValidator(scope, 'GovernedEndpoint');
  const gov: Partial<GovernanceProps> = props.governance ?? {};
  const tierOk = Object.values(RiskTier).includes(gov.riskTier as RiskTier);
  v.check(tierOk, 'governance.riskTier', gov.riskTier, `one of ${Object.values(RiskTier).join(', ')}`);
  const tier = tierOk ? gov.riskTier as RiskTier : RiskTier.HIGH;

  for (const key of ['owner', 'purpose'] as const) {
    const value = gov[key];
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      continue;
    }
    v.check(typeof value === 'string' && value.trim().length > 0, `governance.${key}`, value,
      key === 'owner' ? 'a non-empty owner contact, e.g. "fraud-ml@example.com"' : 'a non-empty description of what the model is for');
    if (typeof value === 'string' && value.trim().length > 0) {
      v.checkPattern(`governance.${key}`, value, TAG_VALUE_PATTERN,
        'at most 256 letters, digits, spaces and _ . : / = + - @ (it becomes a tag value)');
    }
  }

  v.check(props.model !== undefined, 'model', props.model, 'ModelSource.fromArtifact(...) or ModelSource.fromModelPackage(...)');
  props.model?._validate(v, 'model');

  v.checkPattern('endpointName', props.endpointName, ENDPOINT_NAME,
    '1 to 63 letters, digits and hyphens, starting and ending with a letter or digit');
  const variantName = props.variantName ?? 'primary';
  v.checkPattern('variantName', variantName, VARIANT_NAME, '1 to 63 letters, digits and hyphens, starting with a letter or digit');

  const instanceType = props.instanceType ?? 'ml.m5.large';
  v.checkPattern('instanceType', instanceType, INSTANCE_TYPE, "a SageMaker instance type 'ml.<family>.<size>', e.g. 'ml.m5.large'");

  const minInstances = minimumInstanceCount(tier);
  const instanceCount = props.initialInstanceCount ?? minInstances;
  if (!Token.isUnresolved(instanceCount)) {
    v.check(Number.isInteger(instanceCount) && instanceCount >= minInstances, 'initialInstanceCount', instanceCount,
      `a whole number >= ${minInstances} for ${tier} tier` + (minInstances > 1 ? ' (two or more instances keep the endpoint up through an Availability Zone failure)' : ''));
  }

  const samplingPercentage = props.dataCapture?.samplingPercentage ?? defaultSamplingPercentage(tier);
  const minSampling = minimumSamplingPercentage(tier);
  if (!Token.isUnresolved(samplingPercentage)) {
    v.check(Number.isInteger(samplingPercentage) && samplingPercentage >= minSampling && samplingPercentage <= 100,
      'dataCapture.samplingPercentage', samplingPercentage,
      minSampling === 100 ? `100 for ${tier} tier (every request is captured)` : `a whole number from ${minSampling} to 100`);
  }

  const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
  if (!Token.isUnresolved(retention)) {
    v.check(retention === logs.RetentionDays.INFINITE || retention >= MINIMUM_LOG_RETENTION_DAYS, 'logRetention', retention,
      `at least ${MINIMUM_LOG_RETENTION_DAYS} days (logs.RetentionDays.SIX_MONTHS or longer)`);
  }

  if (props.vpc === undefined) {
    v.check(props.vpcSubnets === undefined, 'vpcSubnets', 'set', 'only together with vpc');
    v.check(props.securityGroups === undefined, 'securityGroups', 'set', 'only together with vpc');
  }
  if (tier === RiskTier.HIGH && props.model?.modelPackageArn) {
    v.check(props.approvalGate !== false, 'approvalGate', props.approvalGate,
      'true (or unset) for HIGH tier: a registry model is deployed only once its package is Approved');
  }
  if (tier === RiskTier.HIGH && props.foundation && !props.evidenceBucket) {
    v.check(props.foundation.evidenceStore.objectLockEnabled, 'foundation', 'a foundation with objectLock: false',
      'a foundation with Object Lock on for HIGH tier (evidence must not be deletable)');
  }
  v.throwIfInvalid();
  return { tier, instanceType, instanceCount, samplingPercentage, retention, variantName };
}
