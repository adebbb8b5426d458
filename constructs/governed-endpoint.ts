import { Annotations, RemovalPolicy, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { resolveEndpointProps } from './private/endpoint-settings';
import { GovernanceProps, GovernanceTags, minimumInstanceCount, RiskTier, tierFloors } from '../lib/policy/governance';
import { supportsVolumeEncryption } from '../lib/policy/instance-types';
import { acknowledge, inCompliancePacks } from './private/acknowledge';
import { WARNING_IDS, warnIfImportedKey } from './private/warnings';
import { DeploymentPolicy } from './deployment-policy';
import { EndpointAlarms } from './endpoint-alarms';
import { EndpointAutoScaling } from './endpoint-autoscaling';
import { ApprovalGate } from './approval-gate';
import { ModelExecutionRole } from './execution-role';
import { GovernanceFoundation } from './governance-foundation';
import { GovernedEndpointProps } from './governed-endpoint-props';
import { KillSwitch } from './kill-switch';
import { EndpointMonitoring } from './endpoint-monitoring';
import { MONITORING_CONFIG_TAG } from '../lib/policy/monitoring-protocol';
import { ENDPOINT_NAME_TAG, FOUNDATION_TAG, KILL_SWITCH_PARAMETER_TAG } from '../lib/policy/kill-switch-protocol';
import { GovernedEndpointAttributes, GovernedEndpointBase, IGovernedEndpoint, importGovernedEndpoint } from './governed-endpoint-base';

export * from './governed-endpoint-props';

/**
 * A SageMaker real-time endpoint with governance on by default: a named owner, a least-privilege
 * execution role, customer-key encryption, inference data capture into an evidence store, an
 * encrypted log group with retention, and network isolation.
 */
export class GovernedEndpoint extends GovernedEndpointBase {
  /**
   * An endpoint defined in another stack or app, to grant invoke on (with the kill switch's Deny) and read metrics of.
   * Throws one error listing every invalid attribute.
   */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: GovernedEndpointAttributes): IGovernedEndpoint {
    return importGovernedEndpoint(scope, id, attrs);
  }

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
  /** The endpoint's alarms, alert topic and dashboards (its row on the stack's, and its own when asked). */
  public readonly alarms: EndpointAlarms;
  /** The deployment policy rendered into the endpoint's `DeploymentConfig`. */
  public readonly deployment: DeploymentPolicy;
  /** Autoscaling of the variant, when configured. */
  public readonly autoScaling?: EndpointAutoScaling;
  /** The kill switch: the SSM parameter operators flip to pause the endpoint, and its enforcement. */
  public readonly killSwitch: KillSwitch;
  /** Model monitoring: the configuration the foundation's monitor reads and the drift, quality and monitor alarms, when monitored. */
  public readonly monitoring?: EndpointMonitoring;

  constructor(scope: Construct, id: string, props: GovernedEndpointProps) {
    super(scope, id);
    // Every prop, the parts' included, is resolved before any resource exists: one error lists every problem,
    // and the parts are built from their resolved settings without checking them again.
    const settings = resolveEndpointProps(this, props);
    const { tier, instanceType, instanceCount, samplingPercentage, retention } = settings;

    this.governance = props.governance;
    this.endpointName = settings.endpointName;
    this.variantName = settings.variantName;

    const foundation = props.foundation ?? (props.encryptionKey && props.evidenceBucket ? undefined : GovernanceFoundation.of(this));
    this.encryptionKey = props.encryptionKey ?? foundation!.encryptionKey;
    this.evidenceBucket = props.evidenceBucket ?? foundation!.evidenceBucket;
    if (foundation instanceof GovernanceFoundation) {
      foundation.registerEndpoint(props.governance, this);
    }
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
        `which exceeds every retention floor (at least ${tierFloors(tier).minimumLogRetentionDays} days), and the log group is retained when the stack is deleted; ` +
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

    this.alarms = EndpointAlarms._fromResolved(this, 'Alarms', {
      ...props.alarms,
      endpointName: this.endpointName,
      variantName: this.variantName,
      instanceType,
      defaultAlertTopic: (foundation ?? props.foundation)?.alertTopic,
      encryptionKey: this.encryptionKey,
    }, settings.alarms);
    this.deployment = settings.deployment;
    const rollbackAlarms = this.alarms.rollbackAlarms;
    const deploymentConfig = this.deployment._render(this, settings.deploymentSettings, rollbackAlarms);
    // SageMaker reads the rollback alarms' state with the execution role during a deployment.
    const readRollbackAlarms = new iam.PolicyStatement({
      sid: 'ReadRollbackAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [...rollbackAlarms, ...this.deployment.additionalRollbackAlarms].map((a) => a.alarmArn),
    });
    if (this.executionRole) {
      this.executionRole.addToPolicy(readRollbackAlarms);
    } else {
      Annotations.of(this).addWarningV2(WARNING_IDS.executionRoleReadsRollbackAlarms,
        'executionRole is your own role: grant it cloudwatch:DescribeAlarms on the rollback alarms ' +
        `(endpoint.alarms.rollbackAlarms), or SageMaker cannot watch them during a staged deployment.`);
    }

    this.cfnEndpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: this.endpointName,
      endpointConfigName: this.cfnEndpointConfig.attrEndpointConfigName,
      deploymentConfig,
    });
    if (this.deployment.riskAcceptance && !tierFloors(tier).allAtOnceRollout) {
      acknowledge(this.cfnEndpoint, ['AiGovernance-EndpointStagedRollout'],
        `All-at-once rollout accepted for a ${tier} tier endpoint (owner ${props.governance.owner}): ${this.deployment.riskAcceptance}`);
    }
    if (props.autoScaling) {
      this.autoScaling = EndpointAutoScaling._fromResolved(this, 'AutoScaling', {
        ...props.autoScaling, endpointName: this.endpointName, variantName: this.variantName, instanceType, initialInstanceCount: instanceCount, riskTier: tier,
      }, settings.autoScaling!);
      this.autoScaling.node.addDependency(this.cfnEndpoint);
    }
    // The log group exists before SageMaker starts writing to it, so its retention and key apply.
    this.cfnEndpoint.node.addDependency(this.logGroup);
    this.endpointArn = this.cfnEndpoint.ref;

    this.killSwitch = KillSwitch._fromResolved(this, 'KillSwitch', {
      ...props.killSwitch,
      endpointName: this.endpointName,
      endpointArn: this.endpointArn,
      enforcer: props.killSwitch?.enforcer ?? foundation?.killSwitchEnforcer,
      encryptionKey: this.encryptionKey,
      evidenceBucket: this.evidenceBucket,
      alertTopic: this.alarms.alertTopic,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
    }, settings.killSwitch);
    // The association the governance nag pack and the operator CLI read: which parameter pauses this endpoint.
    this.cfnEndpoint.tags.setTag(KILL_SWITCH_PARAMETER_TAG, this.killSwitch.parameterName);
    // How the enforcer finds the endpoint: it serves every endpoint tagged with its foundation's name.
    this.cfnEndpoint.tags.setTag(FOUNDATION_TAG, this.killSwitch.foundationName);
    // SageMaker lower-cases names in ARNs: the enforcer reads the name as written (its metrics' dimension) here.
    this.cfnEndpoint.tags.setTag(ENDPOINT_NAME_TAG, this.endpointName);
    // The foundation's model monitor reads the parameter's history (pauses, for reviews) only on parameters tagged so.
    Tags.of(this.killSwitch.parameter).add(FOUNDATION_TAG, this.killSwitch.foundationName);
    if (foundation !== undefined && !(foundation instanceof GovernanceFoundation)) {
      acknowledge(this.cfnEndpoint, ['AiGovernance-EndpointEvidenceSnapshot'],
        `The endpoint is served by the kill-switch enforcer of the imported foundation ${foundation.name}, deployed with that foundation: it may ` +
        'describe endpoints tagged with the foundation and write snapshots into the foundation\'s evidence bucket, which this app cannot see.');
    }
    this.alarms.dashboard?.addKillSwitch(this.killSwitch);
    this.alarms.stackDashboard?.addKillSwitch(this.killSwitch);

    // The review interval the foundation's monitor reminds the owner of, and the AiGovernance pack reads.
    this.cfnEndpoint.tags.setTag(GovernanceTags.REVIEW_EVERY_DAYS, String(settings.reviewEveryDays));
    if (settings.monitoring.settings) {
      this.monitoring = EndpointMonitoring._fromResolved(this, 'Monitoring', {
        options: props.monitoring!,
        endpointName: this.endpointName,
        variantName: this.variantName,
        governance: props.governance,
        samplingPercentage,
        evidenceBucket: this.evidenceBucket,
        encryptionKey: this.encryptionKey,
        alertTopic: this.alarms.alertTopic,
        foundationName: this.killSwitch.foundationName,
        killSwitchParameterName: this.killSwitch.parameterName,
        killSwitch: this.killSwitch,
      }, settings.monitoring.settings, settings.reviewEveryDays);
      // How the monitor finds the endpoint's configuration.
      this.cfnEndpoint.tags.setTag(MONITORING_CONFIG_TAG, this.monitoring.parameterName);
    } else if (settings.monitoring.riskAcceptance !== undefined) {
      acknowledge(this.cfnEndpoint, ['AiGovernance-EndpointModelMonitoring'],
        `Not monitored for a ${tier} tier endpoint (owner ${props.governance.owner}): ${settings.monitoring.riskAcceptance}`);
    }

    // On every resource of the endpoint but its alarms: their names carry the endpoint's, and three tags on each of
    // 8 alarms were a tenth of an endpoint's template.
    const untagged = { excludeResourceTypes: ['AWS::CloudWatch::Alarm'] };
    Tags.of(this).add(GovernanceTags.OWNER, props.governance.owner, untagged);
    Tags.of(this).add(GovernanceTags.PURPOSE, props.governance.purpose, untagged);
    Tags.of(this).add(GovernanceTags.RISK_TIER, tier, untagged);
  }

  /**
   * Not supported on the endpoint as a whole: its log group stays retained (the retention control) and its evidence
   * lives in the foundation's bucket. Apply a removal policy to the resources you mean: `cfnEndpoint`,
   * `cfnEndpointConfig`, `cfnModel`.
   */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    throw new Error(`GovernedEndpoint at '${this.node.path}' takes no removal policy as a whole (received RemovalPolicy.${String(policy).toUpperCase().replace(/-/g, '_')}): its log group is retained ` +
      'and its evidence kept by the retention control; apply one to cfnEndpoint, cfnEndpointConfig or cfnModel instead.');
  }

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
