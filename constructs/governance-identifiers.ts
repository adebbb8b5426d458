import { GovernanceTags } from '../lib/policy/governance';
import { ENDPOINT_NAME_TAG, FOUNDATION_TAG, KILL_SWITCH_ENFORCER_ROLE_TAG, KILL_SWITCH_PARAMETER_TAG } from '../lib/policy/kill-switch-protocol';
import { MONITORING_CONFIG_TAG } from '../lib/policy/monitoring-protocol';
import { WARNING_IDS } from './private/warnings';

/**
 * The tag keys the library writes and the `AiGovernance` pack reads, for your own IAM conditions, SCPs, tag
 * policies and cost reports.
 *
 * ```ts
 * conditions: { StringEquals: { [`aws:ResourceTag/${GovernanceTagKey.KILL_SWITCH}`]: KillSwitchState.PAUSED } }
 * ```
 */
export class GovernanceTagKey {
  /** The owner contact, on every resource of a governed endpoint except its alarms: `governance:owner`. */
  public static readonly OWNER: string = GovernanceTags.OWNER;
  /** What the model is for, on every resource of a governed endpoint except its alarms: `governance:purpose`. */
  public static readonly PURPOSE: string = GovernanceTags.PURPOSE;
  /** The risk tier (`LOW`, `MEDIUM`, `HIGH`), on every resource of a governed endpoint except its alarms: `governance:risk-tier`. */
  public static readonly RISK_TIER: string = GovernanceTags.RISK_TIER;
  /** `PAUSED` on an endpoint while its kill switch is pulled; every invoke grant denies on it: `governance:kill-switch`. */
  public static readonly KILL_SWITCH: string = GovernanceTags.KILL_SWITCH;
  /** On the endpoint, naming its kill-switch parameter: `governance:kill-switch-parameter`. */
  public static readonly KILL_SWITCH_PARAMETER: string = KILL_SWITCH_PARAMETER_TAG;
  /** On the endpoint (and its kill-switch parameter), naming the foundation whose enforcer and monitor serve it: `governance:foundation`. */
  public static readonly FOUNDATION: string = FOUNDATION_TAG;
  /** On the endpoint, its name as written (SageMaker lower-cases names in ARNs): `governance:endpoint-name`. */
  public static readonly ENDPOINT_NAME: string = ENDPOINT_NAME_TAG;
  /** On a monitored endpoint, naming the SSM parameter that holds its monitoring configuration: `governance:monitoring-config`. */
  public static readonly MONITORING_CONFIG: string = MONITORING_CONFIG_TAG;
  /** On the endpoint, the days between review reminders to its owner: `governance:review-every-days`. */
  public static readonly REVIEW_EVERY_DAYS: string = GovernanceTags.REVIEW_EVERY_DAYS;
  /**
   * `true` on the kill-switch enforcer's role. An SCP can let only principals carrying it change the
   * `governance:kill-switch` tag: `governance:kill-switch-enforcer`.
   */
  public static readonly KILL_SWITCH_ENFORCER_ROLE: string = KILL_SWITCH_ENFORCER_ROLE_TAG;

  private constructor() {}
}

/**
 * The IDs of the warnings the library emits at synth, to acknowledge once you have checked what they say:
 *
 * ```ts
 * Validations.of(endpoint).acknowledge({ id: GovernanceWarning.IMPORTED_KEY_POLICY, reason: 'the key policy allows logs and cloudwatch' });
 * ```
 */
export class GovernanceWarning {
  /** An imported `encryptionKey`: its key policy must let CloudWatch Logs and CloudWatch alarms use it. */
  public static readonly IMPORTED_KEY_POLICY: string = WARNING_IDS.importedKeyPolicy;
  /** Your own `executionRole`: grant it `cloudwatch:DescribeAlarms` on the rollback alarms. */
  public static readonly EXECUTION_ROLE_READS_ROLLBACK_ALARMS: string = WARNING_IDS.executionRoleReadsRollbackAlarms;
  /** An Inf1 instance type: SageMaker applies no deployment guardrails (no bake, no auto-rollback). */
  public static readonly INF1_NO_GUARDRAILS: string = WARNING_IDS.inf1NoGuardrails;
  /** A deployment whose planned bake time is not below its `maximumExecutionTimeout`: it would time out and roll back. */
  public static readonly DEPLOYMENT_TIMEOUT: string = WARNING_IDS.deploymentTimeout;

  private constructor() {}
}
