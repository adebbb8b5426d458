import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * What a kill switch needs from the enforcer that serves it: a `KillSwitchEnforcer` of this app, or one imported with
 * `KillSwitchEnforcer.fromAttributes` (the enforcer of a foundation in another app).
 */
export interface IKillSwitchEnforcer {
  /**
   * The foundation name the enforcer serves: it enforces every endpoint tagged `governance:foundation` with this value.
   */
  readonly foundationName: string;
  /**
   * The topic alarms notify to pause an endpoint (auto-pause).
   * @default - none known: auto-pause cannot be wired to this enforcer
   */
  readonly autoPauseTopic?: sns.ITopic;
}

/** The references of an enforcer defined elsewhere. */
export interface KillSwitchEnforcerAttributes {
  /** The foundation name the enforcer serves (the value of its endpoints' `governance:foundation` tag). */
  readonly foundationName: string;
  /**
   * ARN of the enforcer's auto-pause topic.
   * @default - none: alarms cannot pause endpoints through this enforcer
   */
  readonly autoPauseTopicArn?: string;
}
