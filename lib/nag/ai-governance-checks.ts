import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GovernanceTags, MINIMUM_LOG_RETENTION_DAYS, minimumInstanceCount, minimumSamplingPercentage, RiskTier } from '../policy/governance';
import { KILL_SWITCH_PARAMETER_TAG, KillSwitchState } from '../policy/kill-switch-protocol';
import { GovernanceContext, GovernanceRule, GovernanceRuleSettings } from './governance-context';
import {
  AlarmActionEnabled, EndpointAutoRollback, EndpointConfigDataCapture, EndpointConfigInstanceCount,
  EndpointConfigInstanceCountLowTier, EndpointConfigVolumeKms, EndpointKillSwitch, EndpointOwnership,
  EndpointStagedRollout, LogGroupEncrypted, LogGroupRetention, ModelApprovalGate,
  ModelExecutionRoleLeastPrivilege, ModelNetworkIsolation,
} from './rules';

/** Props of {@link AiGovernanceChecks}. */
export interface AiGovernanceChecksProps extends NagPackProps {
  /**
   * Tag key that names an endpoint's owner.
   * @default 'governance:owner'
   */
  readonly ownerTagKey?: string;

  /**
   * Tag key that states what an endpoint is for.
   * @default 'governance:purpose'
   */
  readonly purposeTagKey?: string;

  /**
   * Tag key that holds an endpoint's risk tier (`LOW`, `MEDIUM` or `HIGH`).
   * @default 'governance:risk-tier'
   */
  readonly riskTierTagKey?: string;

  /**
   * Tag key the kill switch sets on a paused endpoint; invoke grants must deny on
   * `aws:ResourceTag/<key>` = `PAUSED`.
   * @default 'governance:kill-switch'
   */
  readonly killSwitchTagKey?: string;

  /**
   * Tag key on the endpoint that names its SSM kill-switch parameter.
   * @default 'governance:kill-switch-parameter'
   */
  readonly killSwitchParameterTagKey?: string;

  /**
   * Lowest data-capture sampling percentage accepted for LOW and MEDIUM tier endpoints (whole number, 0-100).
   * @default 20 (the LOW and MEDIUM floor `GovernedEndpoint` enforces)
   */
  readonly minimumSamplingPercentage?: number;

  /**
   * Lowest data-capture sampling percentage accepted for HIGH tier endpoints and endpoints without a
   * readable risk tier (whole number, 0-100).
   * @default 100 (the HIGH floor `GovernedEndpoint` enforces)
   */
  readonly highRiskMinimumSamplingPercentage?: number;

  /**
   * Shortest log-group retention accepted, in days.
   * @default 180 (six months: EU AI Act Art. 19 and 26(6))
   */
  readonly minimumLogRetentionDays?: number;

  /**
   * Fewest instances a production variant may run: an error for MEDIUM and HIGH tier, a warning for LOW tier.
   * @default 2 (the MEDIUM and HIGH floor `GovernedEndpoint` enforces)
   */
  readonly minimumInstanceCount?: number;
}

/**
 * The pack's defaults, also the values the library's constructs write. The floors are the tier floors
 * `GovernedEndpoint` enforces (read from the same functions), so whatever the construct accepts passes the pack.
 */
export const AI_GOVERNANCE_DEFAULTS: GovernanceRuleSettings = {
  ownerTagKey: GovernanceTags.OWNER,
  purposeTagKey: GovernanceTags.PURPOSE,
  riskTierTagKey: GovernanceTags.RISK_TIER,
  killSwitchTagKey: GovernanceTags.KILL_SWITCH,
  killSwitchParameterTagKey: KILL_SWITCH_PARAMETER_TAG,
  pausedValue: KillSwitchState.PAUSED,
  // One setting judges LOW and MEDIUM: the lower of their floors, so neither tier's accepted values are flagged.
  minimumSamplingPercentage: Math.min(minimumSamplingPercentage(RiskTier.LOW), minimumSamplingPercentage(RiskTier.MEDIUM)),
  highRiskMinimumSamplingPercentage: minimumSamplingPercentage(RiskTier.HIGH),
  minimumLogRetentionDays: MINIMUM_LOG_RETENTION_DAYS,
  minimumInstanceCount: Math.min(minimumInstanceCount(RiskTier.MEDIUM), minimumInstanceCount(RiskTier.HIGH)),
};

/**
 * Check that model endpoints are *governed*: a named owner, staged rollout with automatic rollback,
 * inference data capture, a kill switch, an approval gate for registry models, least-privilege
 * execution roles, encryption, and logs and alarms someone keeps and hears.
 *
 * Works on any CDK app, including endpoints written with plain L1 constructs. Rules follow references
 * across resources and stacks, and return "not applicable" for values they cannot resolve at synth.
 *
 * ```ts
 * Validations.of(app).addPlugins(new AiGovernanceChecks(app, { minimumLogRetentionDays: 365 }));
 * ```
 */
export class AiGovernanceChecks extends NagPack {
  /** The pack's name, also the prefix of its rule IDs (`AiGovernance-EndpointOwnership`). */
  public static readonly PACK_NAME = 'AiGovernance';

  public readonly name = AiGovernanceChecks.PACK_NAME;
  /** The settings the rules read (props with defaults applied). */
  public readonly settings: GovernanceRuleSettings;
  private context?: GovernanceContext;

  constructor(scope?: IConstruct, props: AiGovernanceChecksProps = {}) {
    super(scope, props);
    this.packName = AiGovernanceChecks.PACK_NAME;
    this.settings = settingsFrom(props);
  }

  /** Validate a construct tree; references are followed across the whole app the tree belongs to. */
  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.context = GovernanceContext.of(scope, this.settings);
    try {
      return super.validateScope(scope);
    } finally {
      this.context = undefined;
    }
  }

  protected checkResource(node: CfnResource): void {
    const s = this.settings;
    const tags = `'${s.ownerTagKey}', '${s.purposeTagKey}' and '${s.riskTierTagKey}'`;

    this.check(node, EndpointOwnership, NagMessageLevel.ERROR,
      `The SageMaker endpoint does not name its owner, purpose and risk tier - add the tags ${tags} (LOW, MEDIUM or HIGH) (NIST AI RMF GOVERN 2.1; EU AI Act Art. 26(2)).`,
      'Someone must be accountable for a deployed model and reachable when it misbehaves; the purpose and risk tier decide which controls apply. Untagged endpoints are treated as HIGH tier by the other rules.');

    this.check(node, EndpointStagedRollout, NagMessageLevel.ERROR,
      "The SageMaker endpoint does not roll out in stages - add DeploymentConfig.BlueGreenUpdatePolicy with TrafficRoutingConfiguration Type 'CANARY' or 'LINEAR' (or DeploymentConfig.RollingUpdatePolicy); 'ALL_AT_ONCE' is accepted only for risk tier LOW (NIST AI RMF MEASURE 2.3; OMB M-24-10).",
      'Without a DeploymentConfig an update moves all traffic to the new model at once. A canary, linear or rolling shift exposes a small share of requests first, so a bad model is caught before it serves everyone.');

    this.check(node, EndpointAutoRollback, NagMessageLevel.ERROR,
      'The SageMaker endpoint does not roll back on alarm - add DeploymentConfig.AutoRollbackConfiguration.Alarms naming at least one CloudWatch alarm defined in the app (e.g. 5xx errors, model latency) (NIST AI RMF MANAGE 2.3, MANAGE 2.4).',
      'A staged rollout only protects users if a breach stops it: SageMaker reverts to the previous fleet when a listed alarm fires during the bake time. Alarms outside the app cannot be checked and do not count.');

    this.check(node, EndpointKillSwitch, NagMessageLevel.ERROR,
      `The SageMaker endpoint cannot be paused - add an SSM kill-switch parameter and tag the endpoint '${s.killSwitchParameterTagKey}' with its name, and give every invoke grant a Deny on sagemaker:InvokeEndpoint* for the endpoint when 'aws:ResourceTag/${s.killSwitchTagKey}' equals '${s.pausedValue}' (NIST AI RMF MANAGE 2.4; EU AI Act Art. 14(4)(e), 26(5)).`,
      'Operators must be able to stop a misbehaving model at once without a deployment. The parameter is the switch; the tag-conditioned deny makes the pause effective for every caller in the app.');

    this.check(node, EndpointConfigDataCapture, NagMessageLevel.ERROR,
      `The SageMaker endpoint config does not record inference data - add DataCaptureConfig with EnableCapture true, CaptureOptions 'Input' and 'Output', a KmsKeyId, and InitialSamplingPercentage >= ${s.minimumSamplingPercentage} (>= ${s.highRiskMinimumSamplingPercentage} for HIGH tier) (EU AI Act Art. 12, 26(5), 72).`,
      'CloudTrail does not record InvokeEndpoint requests or responses. Data capture is the only record of what the model was asked and answered, which record-keeping, post-market monitoring and incident analysis need.');

    this.check(node, EndpointConfigVolumeKms, NagMessageLevel.ERROR,
      'The SageMaker endpoint config does not encrypt instance volumes with a customer key - add KmsKeyId (instance types with NVMe instance store, which reject a key, are exempt) (mirrors NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured; NIST SP 800-53 SC-28).',
      'A customer-managed key keeps the model and its working data under your key policy and audit trail. Unlike the general rule, this one exempts instance types whose volumes SageMaker always encrypts with a hardware key.');

    this.check(node, EndpointConfigInstanceCount, NagMessageLevel.ERROR,
      `The SageMaker endpoint config runs a production variant on fewer than ${s.minimumInstanceCount} instances - set InitialInstanceCount >= ${s.minimumInstanceCount} for MEDIUM and HIGH tier endpoints (AWS Config sagemaker-endpoint-config-prod-instance-count).`,
      'SageMaker spreads the instances of a variant across Availability Zones; one instance means one failure takes the endpoint down.');

    this.check(node, EndpointConfigInstanceCountLowTier, NagMessageLevel.WARN,
      `The SageMaker endpoint config of a LOW tier endpoint runs a production variant on fewer than ${s.minimumInstanceCount} instances - set InitialInstanceCount >= ${s.minimumInstanceCount}, or acknowledge the single instance (AWS Config sagemaker-endpoint-config-prod-instance-count).`,
      'LOW tier may accept the outage risk of a single instance; make that a recorded decision.');

    this.check(node, ModelNetworkIsolation, NagMessageLevel.WARN,
      'The SageMaker model container has network access - set EnableNetworkIsolation to true (AWS Config sagemaker-model-isolation-enabled).',
      'An isolated container cannot send inference data anywhere or download code at run time. Containers that must call out should do so from a VPC with egress you control, and acknowledge this warning.');

    this.check(node, ModelExecutionRoleLeastPrivilege, NagMessageLevel.ERROR,
      "The SageMaker model's execution role has AWS-managed policies or wildcard actions - replace them with a customer-managed policy granting named actions on the model's own artifact, image repository, key and log group (AwsSolutions-IAM4, AwsSolutions-IAM5; NIST SP 800-53 AC-6).",
      'AWS-managed policies such as AmazonSageMakerFullAccess let the model container read every bucket and manage every SageMaker resource in the account; a compromised or misbehaving model inherits all of it.');

    this.check(node, ModelApprovalGate, NagMessageLevel.ERROR,
      "The SageMaker model is deployed from a model package without an approval gate - add a 'Custom::ModelApprovalGate' resource with ModelPackageArn set to the package, so deployment fails unless the package is Approved (NIST AI RMF MANAGE 1.1).",
      'The model registry records who approved a model version; the gate makes the deployment depend on that approval instead of on whoever runs the pipeline.');

    this.check(node, LogGroupRetention, NagMessageLevel.ERROR,
      `The CloudWatch log group does not keep logs for a set period of at least ${s.minimumLogRetentionDays} days - set RetentionInDays >= ${s.minimumLogRetentionDays} (EU AI Act Art. 19, 26(6); AWS Control Tower CT.CLOUDWATCH.PR.2).`,
      'High-risk AI logs must be kept for at least six months; an explicit retention also keeps them from being kept forever by accident.');

    this.check(node, LogGroupEncrypted, NagMessageLevel.ERROR,
      'The CloudWatch log group is not encrypted with a customer-managed key - add KmsKeyId (mirrors NIST.800.53.R5-CloudWatchLogGroupEncrypted; NIST SP 800-53 SC-28).',
      'Endpoint logs can contain inference payloads and errors with customer data; a customer key keeps access under your key policy.');

    this.check(node, AlarmActionEnabled, NagMessageLevel.ERROR,
      'The CloudWatch alarm notifies no one - keep ActionsEnabled true and add an AlarmActions target such as an encrypted SNS topic (mirrors cdk-nag CloudWatchAlarmAction; NIST AI RMF MEASURE 2.4).',
      'An alarm without an action changes state silently; production monitoring of a model needs someone or something to respond.');
  }

  private check(node: CfnResource, rule: GovernanceRule, level: NagMessageLevel, info: string, explanation: string): void {
    const context = this.context ?? GovernanceContext.of(node, this.settings);
    this.applyRule({
      ruleSuffixOverride: rule.name,
      info,
      explanation,
      level,
      node,
      rule: (n: CfnResource) => rule(n, context),
    });
  }
}

function settingsFrom(props: AiGovernanceChecksProps): GovernanceRuleSettings {
  const s: GovernanceRuleSettings = {
    ...AI_GOVERNANCE_DEFAULTS,
    ...Object.fromEntries(Object.entries(props).filter(([k, v]) => v !== undefined && k in AI_GOVERNANCE_DEFAULTS)),
  };
  const problems: string[] = [];
  for (const key of ['ownerTagKey', 'purposeTagKey', 'riskTierTagKey', 'killSwitchTagKey', 'killSwitchParameterTagKey'] as const) {
    const v = s[key];
    if (typeof v !== 'string' || v.trim() === '' || v.length > 128) {
      problems.push(`${key}: received ${JSON.stringify(v)}; allowed: a tag key of 1 to 128 characters`);
    }
  }
  for (const key of ['minimumSamplingPercentage', 'highRiskMinimumSamplingPercentage'] as const) {
    const v = s[key];
    if (!Number.isInteger(v) || v < 0 || v > 100) {
      problems.push(`${key}: received ${JSON.stringify(v)}; allowed: a whole number from 0 to 100`);
    }
  }
  for (const key of ['minimumLogRetentionDays', 'minimumInstanceCount'] as const) {
    const v = s[key];
    if (!Number.isInteger(v) || v < 1) {
      problems.push(`${key}: received ${JSON.stringify(v)}; allowed: a whole number >= 1`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`AiGovernanceChecks has invalid props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return s;
}
