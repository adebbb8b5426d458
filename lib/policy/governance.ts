/**
 * Risk tier of a model deployment. The tier raises the floor of every control:
 * instance count, data-capture sampling, rollout strategy and evidence retention ({@link TIER_FLOORS}).
 */
export enum RiskTier {
  /** Internal or low-impact use. One instance allowed; 20% data capture by default. */
  LOW = 'LOW',
  /** Customer-facing use. At least 2 instances; 50% data capture by default. */
  MEDIUM = 'MEDIUM',
  /** Decisions about people, money or safety. At least 2 instances; 100% data capture; object lock on evidence. */
  HIGH = 'HIGH',
}

/** Who owns a deployment, what it is for and how risky it is. */
export interface GovernanceProps {
  /**
   * Owner contact (a team e-mail address or alias). Becomes the `governance:owner` tag.
   * Required and non-empty: a deployment without a named owner does not synthesize.
   */
  readonly owner: string;

  /** What the model is used for, in a few words. Becomes the `governance:purpose` tag. */
  readonly purpose: string;

  /** Risk tier; becomes the `governance:risk-tier` tag and sets the control floors. */
  readonly riskTier: RiskTier;

  /**
   * Days between scheduled reviews: the owner receives a review reminder (owner, purpose, tier, alarms in ALARM,
   * pauses since the last review, drift trend) on the alert topic this often. A whole number of days from 1 to the
   * tier's longest interval (HIGH 90, MEDIUM 180, LOW 365). Becomes the `governance:review-every-days` tag.
   * @default - the tier's longest interval: HIGH 90, MEDIUM 180, LOW 365
   */
  readonly reviewEveryDays?: number;
}

/** Tag keys the library writes and its nag pack reads. */
export const GovernanceTags = {
  OWNER: 'governance:owner',
  PURPOSE: 'governance:purpose',
  RISK_TIER: 'governance:risk-tier',
  KILL_SWITCH: 'governance:kill-switch',
  /** On an endpoint (and its kill-switch parameter): the name of the foundation whose enforcer and monitor serve it. */
  FOUNDATION: 'governance:foundation',
  /** On an endpoint: days between its scheduled reviews (a whole number), which its foundation's monitor reminds the owner of. */
  REVIEW_EVERY_DAYS: 'governance:review-every-days',
} as const;

/** The risk tiers, from the lowest to the highest. */
export const RISK_TIERS: readonly RiskTier[] = [RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH];

/** Log retention below this many days is rejected for every tier (EU AI Act Art. 19 / 26(6): at least six months). */
export const MINIMUM_LOG_RETENTION_DAYS = 180;

/** Evidence is kept at least this many days (EU AI Act Art. 19 / 26(6): six months; the library's floor is a year). */
export const MINIMUM_EVIDENCE_RETENTION_DAYS = 365;

/** The floors (and the defaults at or above them) a risk tier sets. */
export interface TierFloors {
  /** Fewest production-variant instances: two keep an endpoint up through an Availability Zone failure. */
  readonly minimumInstanceCount: number;
  /** Instances when the user gives no count. */
  readonly defaultInstanceCount: number;
  /** Lowest data-capture sampling percentage accepted. */
  readonly minimumSamplingPercentage: number;
  /** Data-capture sampling percentage when the user gives none. */
  readonly defaultSamplingPercentage: number;
  /** Shortest retention of the endpoint's log group, in days. */
  readonly minimumLogRetentionDays: number;
  /** Whether an all-at-once rollout is accepted without a recorded risk acceptance (otherwise staged only). */
  readonly allAtOnceRollout: boolean;
  /** Whether the evidence store must have S3 Object Lock on. */
  readonly objectLockRequired: boolean;
  /** Whether a Model Registry model must pass the deploy-time approval gate (no opt-out with a reason). */
  readonly approvalGateRequired: boolean;
  /** Whether the model must be monitored (drift of inputs and predictions) unless a risk acceptance is recorded. */
  readonly monitoringRequired: boolean;
  /** Hours of hypercare (monitoring at a short interval) after each deployment, when monitoring gives none. */
  readonly defaultHypercareHours: number;
  /** Longest interval between scheduled reviews, in days; also the interval when the user gives none. */
  readonly reviewIntervalDays: number;
}

/**
 * The floors of each tier: the one table `GovernedEndpoint` enforces and the `AiGovernance` pack's defaults are
 * derived from, so an endpoint the construct accepts always passes the pack.
 */
export const TIER_FLOORS: { readonly [tier in RiskTier]: TierFloors } = {
  [RiskTier.LOW]: {
    minimumInstanceCount: 1,
    defaultInstanceCount: 1,
    minimumSamplingPercentage: 20,
    defaultSamplingPercentage: 20,
    minimumLogRetentionDays: MINIMUM_LOG_RETENTION_DAYS,
    allAtOnceRollout: true,
    objectLockRequired: false,
    approvalGateRequired: false,
    monitoringRequired: false,
    defaultHypercareHours: 24,
    reviewIntervalDays: 365,
  },
  [RiskTier.MEDIUM]: {
    minimumInstanceCount: 2,
    defaultInstanceCount: 2,
    minimumSamplingPercentage: 20,
    defaultSamplingPercentage: 50,
    minimumLogRetentionDays: MINIMUM_LOG_RETENTION_DAYS,
    allAtOnceRollout: false,
    objectLockRequired: false,
    approvalGateRequired: false,
    monitoringRequired: false,
    defaultHypercareHours: 72,
    reviewIntervalDays: 180,
  },
  [RiskTier.HIGH]: {
    minimumInstanceCount: 2,
    defaultInstanceCount: 2,
    minimumSamplingPercentage: 100,
    defaultSamplingPercentage: 100,
    minimumLogRetentionDays: MINIMUM_LOG_RETENTION_DAYS,
    allAtOnceRollout: false,
    objectLockRequired: true,
    approvalGateRequired: true,
    monitoringRequired: true,
    defaultHypercareHours: 168,
    reviewIntervalDays: 90,
  },
};

/** The floors of `tier` (a row of {@link TIER_FLOORS}). */
export function tierFloors(tier: RiskTier): TierFloors {
  return TIER_FLOORS[tier];
}

/**
 * Minimum production-variant instance count of a tier. `GovernedEndpoint` refuses fewer; the `AiGovernance` pack's
 * `minimumInstanceCount` defaults to the MEDIUM/HIGH floor.
 */
export function minimumInstanceCount(tier: RiskTier): number {
  return TIER_FLOORS[tier].minimumInstanceCount;
}

/** Default production-variant instance count of a tier. */
export function defaultInstanceCount(tier: RiskTier): number {
  return TIER_FLOORS[tier].defaultInstanceCount;
}

/** Default data-capture sampling percentage of a tier. */
export function defaultSamplingPercentage(tier: RiskTier): number {
  return TIER_FLOORS[tier].defaultSamplingPercentage;
}

/**
 * Minimum data-capture sampling percentage of a tier. `GovernedEndpoint` refuses less, and the `AiGovernance`
 * pack's sampling floors default to these values.
 */
export function minimumSamplingPercentage(tier: RiskTier): number {
  return TIER_FLOORS[tier].minimumSamplingPercentage;
}

/** Longest interval between scheduled reviews of a tier, in days (and the default). */
export function reviewIntervalDays(tier: RiskTier): number {
  return TIER_FLOORS[tier].reviewIntervalDays;
}

/** Shortest log retention of a tier, in days. */
export function minimumLogRetentionDays(tier: RiskTier): number {
  return TIER_FLOORS[tier].minimumLogRetentionDays;
}

/** The highest of `tiers` (values that are not tiers are ignored); undefined when there is none. */
export function highestRiskTier(tiers: readonly string[]): RiskTier | undefined {
  const ranks = tiers.map((t) => RISK_TIERS.indexOf(t as RiskTier)).filter((i) => i >= 0);
  return ranks.length ? RISK_TIERS[Math.max(...ranks)] : undefined;
}

/** Tag values: letters, digits, spaces and `_ . : / = + - @`, at most 256 characters. */
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;
