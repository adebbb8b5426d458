/**
 * Risk tier of a model deployment. The tier raises the floor of every control:
 * instance count, data-capture sampling, rollout strategy and evidence retention.
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
}

/** Tag keys the library writes and its nag pack reads. */
export const GovernanceTags = {
  OWNER: 'governance:owner',
  PURPOSE: 'governance:purpose',
  RISK_TIER: 'governance:risk-tier',
  KILL_SWITCH: 'governance:kill-switch',
} as const;

/**
 * Minimum production-variant instance count per tier: one for LOW, two (an Availability Zone failure away from
 * an outage otherwise) for MEDIUM and HIGH. `GovernedEndpoint` refuses fewer; the `AiGovernance` pack's
 * `minimumInstanceCount` defaults to the MEDIUM/HIGH floor.
 */
export function minimumInstanceCount(tier: RiskTier): number {
  return tier === RiskTier.LOW ? 1 : 2;
}

/** Default data-capture sampling percentage per tier: 100 for HIGH, 50 for MEDIUM, the floor (20) for LOW. */
export function defaultSamplingPercentage(tier: RiskTier): number {
  switch (tier) {
    case RiskTier.HIGH:
      return 100;
    case RiskTier.MEDIUM:
      return 50;
    default:
      return minimumSamplingPercentage(tier);
  }
}

/**
 * Minimum data-capture sampling percentage per tier: every request for HIGH, one in five for LOW and MEDIUM.
 * `GovernedEndpoint` refuses less, and the `AiGovernance` pack's sampling floors default to these values, so an
 * endpoint the construct accepts always passes the pack.
 */
export function minimumSamplingPercentage(tier: RiskTier): number {
  return tier === RiskTier.HIGH ? 100 : 20;
}

/** Tag values: letters, digits, spaces and `_ . : / = + - @`, at most 256 characters. */
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

/** Log retention below this many days is rejected (EU AI Act Art. 19 / 26(6): at least six months). */
export const MINIMUM_LOG_RETENTION_DAYS = 180;
