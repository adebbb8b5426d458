import { Annotations, Duration, RemovalPolicy, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { MINIMUM_LOG_RETENTION_DAYS, validateEndpointProps } from './private/endpoint-validation';
import { GovernanceProps, GovernanceTags, minimumInstanceCount, RiskTier } from '../lib/policy/governance';
import { supportsVolumeEncryption } from '../lib/policy/instance-types';
import { acknowledge, inCompliancePacks } from './private/acknowledge';
import { WARNING_PREFIX, warnIfImportedKey } from './private/warnings';
import { VariantMetrics } from './private/endpoint-metrics';
import { DeploymentPolicy } from './deployment-policy';
import { EndpointAlarms } from './endpoint-alarms';
import { EndpointAutoScaling } from './endpoint-autoscaling';
import { ApprovalGate } from './approval-gate';
import { ModelExecutionRole } from './execution-role';
import { GovernanceFoundation } from './governance-foundation';
import { GovernedEndpointProps } from './governed-endpoint-props';
import { KillSwitch } from './kill-switch';
import { KILL_SWITCH_PARAMETER_TAG, KILL_SWITCH_TAG, KillSwitchState } from '../lib/policy/kill-switch-protocol';

export * from './governed-endpoint-props';
export { MINIMUM_LOG_RETENTION_DAYS } from './private/endpoint-validation';

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
    // Every prop, the parts' included, is checked before any resource exists: one error lists every problem.
    const settings = validateEndpointProps(this, props);
    const { tier, instanceType, instanceCount, samplingPercentage, retention } = settings;

    this.governance = props.governance;
    this.endpointName = settings.endpointName;
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
    if (retention === logs.RetentionDays.INFINITE) {
      acknowledge(this.logGroup.node.defaultChild!, ['AiGovernance-LogGroupRetention', ...inCompliancePacks('CloudWatchLogGroupRetentionPeriod')],
        `logRetention is logs.RetentionDays.INFINITE for a ${tier} tier endpoint (owner ${props.governance.owner}): logs are never expired, ` +
        `which exceeds every retention floor (at least ${MINIMUM_LOG_RETENTION_DAYS} days), and the log group is retained when the stack is deleted; ` +
        'expire or export them when your records schedule ends.');
    }

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
    if (props.networkIsolation === false) {
      acknowledge(this.cfnModel, ['AiGovernance-ModelNetworkIsolation'],
        `Network isolation off for a ${tier} tier endpoint (owner ${props.governance.owner}): ${props.networkIsolationRiskAcceptance}`);
    }
    if (props.model.modelPackageArn && (props.approvalGate ?? true)) {
      this.approvalGate = new ApprovalGate(this, 'ApprovalGate', {
        modelPackageArn: props.model.modelPackageArn,
        encryptionKey: this.encryptionKey,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
      });
      this.approvalGate.guard(this.cfnModel);
    } else if (props.model.modelPackageArn) {
      acknowledge(this.cfnModel, ['AiGovernance-ModelApprovalGate'],
        `Deployed without an approval gate for a ${tier} tier endpoint (owner ${props.governance.owner}): ${props.approvalGateRiskAcceptance}`);
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
    if (tier === RiskTier.LOW && !Token.isUnresolved(instanceCount) && instanceCount < minimumInstanceCount(RiskTier.MEDIUM)) {
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
    this.deployment = settings.deployment;
    const rollbackAlarms = this.alarms.rollbackAlarms;
    const deploymentConfig = this.deployment._bind({ scope: this, tier, instanceType, instanceCount, variantCount: 1, serverless: false, rollbackAlarms });
    // SageMaker reads the rollback alarms' state with the execution role during a deployment.
    const readRollbackAlarms = new iam.PolicyStatement({
      sid: 'ReadRollbackAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [...rollbackAlarms, ...this.deployment.additionalRollbackAlarms].map((a) => a.alarmArn),
    });
    if (this.executionRole) {
      this.executionRole.addToPolicy(readRollbackAlarms);
    } else {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:executionRoleReadsRollbackAlarms`,
        'executionRole is your own role: grant it cloudwatch:DescribeAlarms on the rollback alarms ' +
        `(endpoint.alarms.rollbackAlarms), or SageMaker cannot watch them during a staged deployment.`);
    }

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

