/**
 * lib/nag: the AiGovernance cdk-nag pack. This file is the pack (its props and defaults). Each rule is one file under
 * `rules/` (its check, level, texts, and the parts of an endpoint it judges), listed in `rules/index.ts`; `rule.ts`
 * defines that shape; `app-index.ts` and `governance-context.ts` follow references between the app's resources;
 * `policy-documents.ts` reads IAM policies. Imports `lib/policy` (tiers and floors, tag keys, the control catalogue
 * whose references the rule texts cite), aws-cdk-lib, cdk-nag, constructs and path; never `constructs/` or
 * `lib/report`.
 */
import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GovernanceTags, MINIMUM_EVIDENCE_RETENTION_DAYS, RISK_TIERS, RiskTier, TierFloors, tierFloors } from '../policy/governance';
import { KILL_SWITCH_PARAMETER_TAG, KillSwitchState } from '../policy/kill-switch-protocol';
import { GovernanceContext, GovernanceRuleSettings } from './governance-context';
import { ruleMessage } from './rule';
import { AI_GOVERNANCE_RULES } from './rules';

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
   * Shortest time an evidence bucket (a bucket endpoint configs capture inference data into) may keep records before
   * a lifecycle rule expires them, in days.
   * @default 365 (the evidence floor `GovernedEndpoint` and `EvidenceStore` enforce)
   */
  readonly minimumEvidenceRetentionDays?: number;

  /**
   * Fewest instances a production variant may run: an error for MEDIUM and HIGH tier, a warning for LOW tier.
   * @default 2 (the MEDIUM and HIGH floor `GovernedEndpoint` enforces)
   */
  readonly minimumInstanceCount?: number;
}

/** The lowest floor of some tiers: one setting that judges them all flags none of the values their floors accept. */
function lowest(tiers: readonly RiskTier[], floor: (f: TierFloors) => number): number {
  return Math.min(...tiers.map((t) => floor(tierFloors(t))));
}

/**
 * The pack's defaults, also the values the library's constructs write. The floors are read from the tier floors
 * `GovernedEndpoint` enforces (`lib/policy`), so whatever the construct accepts passes the pack.
 */
export const AI_GOVERNANCE_DEFAULTS: GovernanceRuleSettings = {
  ownerTagKey: GovernanceTags.OWNER,
  purposeTagKey: GovernanceTags.PURPOSE,
  riskTierTagKey: GovernanceTags.RISK_TIER,
  killSwitchTagKey: GovernanceTags.KILL_SWITCH,
  killSwitchParameterTagKey: KILL_SWITCH_PARAMETER_TAG,
  pausedValue: KillSwitchState.PAUSED,
  minimumSamplingPercentage: lowest([RiskTier.LOW, RiskTier.MEDIUM], (f) => f.minimumSamplingPercentage),
  highRiskMinimumSamplingPercentage: lowest([RiskTier.HIGH], (f) => f.minimumSamplingPercentage),
  minimumLogRetentionDays: lowest(RISK_TIERS, (f) => f.minimumLogRetentionDays),
  minimumEvidenceRetentionDays: MINIMUM_EVIDENCE_RETENTION_DAYS,
  minimumInstanceCount: lowest([RiskTier.MEDIUM, RiskTier.HIGH], (f) => f.minimumInstanceCount),
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
  private readonly messages: Map<string, string>;
  private context?: GovernanceContext;

  constructor(scope?: IConstruct, props: AiGovernanceChecksProps = {}) {
    super(scope, props);
    this.packName = AiGovernanceChecks.PACK_NAME;
    this.settings = settingsFrom(props);
    this.messages = new Map(AI_GOVERNANCE_RULES.map((rule) => [rule.name, ruleMessage(rule, this.settings)]));
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
    const context = this.context ?? GovernanceContext.of(node, this.settings);
    for (const rule of AI_GOVERNANCE_RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.name,
        info: this.messages.get(rule.name)!,
        explanation: rule.explanation,
        level: rule.level,
        node,
        rule: (n: CfnResource) => rule.assess(n, context).compliance,
      });
    }
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
  for (const key of ['minimumLogRetentionDays', 'minimumEvidenceRetentionDays', 'minimumInstanceCount'] as const) {
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
