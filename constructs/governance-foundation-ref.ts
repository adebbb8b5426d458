import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import type { IKillSwitchEnforcer } from './kill-switch-enforcer-ref';

/**
 * What a `GovernedEndpoint` needs from a governance foundation: a `GovernanceFoundation` defined in this app, or one
 * imported with `GovernanceFoundation.fromAttributes` or `GovernanceFoundation.fromLookup`.
 */
export interface IGovernanceFoundation extends IConstruct {
  /**
   * The foundation's name: the value of the `governance:foundation` tag on every endpoint it serves, and the segment
   * its references are published under (`/governed-endpoint/foundation/<name>/`).
   */
  readonly name: string;
  /** The kill-switch enforcer that serves the foundation's endpoints (found by their `governance:foundation` tag). */
  readonly killSwitchEnforcer: IKillSwitchEnforcer;
  /** The key that encrypts evidence, capture, logs and volumes. */
  readonly encryptionKey: kms.IKey;
  /** The evidence bucket, encrypted with `encryptionKey`. */
  readonly evidenceBucket: s3.IBucket;
  /** Whether the evidence bucket has S3 Object Lock on (HIGH-tier endpoints require it). */
  readonly objectLockEnabled: boolean;
  /** The alert topic for alarms and kill-switch notifications, encrypted with `encryptionKey`. */
  readonly alertTopic: sns.ITopic;
}

/** The references of a foundation defined elsewhere (another app, or a stack you cannot pass as a construct). */
export interface GovernanceFoundationAttributes {
  /** The foundation's name (by default, the name of the stack that holds it). */
  readonly name: string;
  /** ARN of the foundation's key: `arn:<partition>:kms:<region>:<account>:key/<key-id>`. */
  readonly encryptionKeyArn: string;
  /** Name of the foundation's evidence bucket. */
  readonly evidenceBucketName: string;
  /** ARN of the foundation's alert topic: `arn:<partition>:sns:<region>:<account>:<topic-name>`. */
  readonly alertTopicArn: string;
  /** Whether the evidence bucket has S3 Object Lock on; HIGH-tier endpoints are refused without it. */
  readonly objectLockEnabled: boolean;
  /**
   * ARN of the foundation enforcer's auto-pause topic (`arn:<partition>:sns:<region>:<account>:<topic-name>`).
   * @default - none: endpoints using the foundation cannot use `killSwitch.autoPauseOn`
   */
  readonly autoPauseTopicArn?: string;
}

/** Options of `GovernanceFoundation.fromLookup`. */
export interface GovernanceFoundationLookupOptions {
  /**
   * The `name` the foundation publishes its parameters under (by default, the name of the stack that holds it):
   * the lookup reads `/governed-endpoint/foundation/<name>/*` in the account and region of the calling stack.
   */
  readonly name: string;
}
