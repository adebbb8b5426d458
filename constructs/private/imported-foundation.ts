// Internal: the SSM parameters a GovernanceFoundation publishes, and the foundation an app imports from them or
// from attributes.
import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import type { GovernanceFoundationAttributes, IGovernanceFoundation } from '../governance-foundation-ref';
import type { IKillSwitchEnforcer } from '../kill-switch-enforcer-ref';
import { PropsValidator } from './validation';

/** The prefix of every parameter a foundation publishes: `<prefix><name>/<parameter>`. */
export const FOUNDATION_PARAMETER_PREFIX = '/governed-endpoint/foundation/';

/** The attributes a foundation publishes (its name is the segment they are published under). */
export type PublishedAttribute = Exclude<keyof GovernanceFoundationAttributes, 'name'>;

/** The last segment of each published parameter's name, by the attribute it holds. */
export const FOUNDATION_PARAMETERS: Readonly<Record<PublishedAttribute, string>> = {
  encryptionKeyArn: 'key-arn',
  evidenceBucketName: 'evidence-bucket-name',
  objectLockEnabled: 'object-lock',
  alertTopicArn: 'alert-topic-arn',
  autoPauseTopicArn: 'auto-pause-topic-arn',
};

const NAME_SEGMENT = /^[a-zA-Z0-9_.-]{1,128}$/;
const NAME_ALLOWED = '1 to 128 letters, digits and _ . - (one segment of an SSM parameter name)';

/** The full name of the parameter that publishes `attribute` of the foundation `name`. */
export function foundationParameterName(name: string, attribute: PublishedAttribute): string {
  return `${FOUNDATION_PARAMETER_PREFIX}${name}/${FOUNDATION_PARAMETERS[attribute]}`;
}

/** Record a problem for a foundation name that cannot be one segment of an SSM parameter name; tokens are skipped. */
export function checkFoundationName(v: PropsValidator, prop: string, name: string): boolean {
  return v.checkName(prop, name, 128, NAME_SEGMENT, NAME_ALLOWED);
}

/** Record a problem for each attribute that cannot be what it names; `labels` names each in the error. Tokens are skipped. */
export function checkFoundationAttributes(v: PropsValidator, attrs: GovernanceFoundationAttributes,
  labels: Readonly<Record<keyof GovernanceFoundationAttributes, string>>): void {
  if (!(typeof attrs.name === 'string' && Token.isUnresolved(attrs.name))) {
    checkFoundationName(v, labels.name, attrs.name);
  }
  checkArn(v, labels.encryptionKeyArn, attrs.encryptionKeyArn, 'kms', ArnFormat.SLASH_RESOURCE_NAME,
    (c) => c.resource === 'key' && /^[a-zA-Z0-9-]{1,256}$/.test(c.resourceName ?? ''),
    'a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key-id>');
  checkArn(v, labels.alertTopicArn, attrs.alertTopicArn, 'sns', ArnFormat.NO_RESOURCE_NAME,
    (c) => /^[a-zA-Z0-9_-]{1,256}$/.test(c.resource.replace(/\.fifo$/, '')) && c.resource.length <= 256,
    'an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic-name>');
  if (attrs.autoPauseTopicArn !== undefined) {
    checkArn(v, labels.autoPauseTopicArn, attrs.autoPauseTopicArn, 'sns', ArnFormat.NO_RESOURCE_NAME,
      (c) => /^[a-zA-Z0-9_-]{1,256}$/.test(c.resource.replace(/\.fifo$/, '')) && c.resource.length <= 256,
      'an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic-name>');
  }
  const bucket = attrs.evidenceBucketName;
  if (!(typeof bucket === 'string' && Token.isUnresolved(bucket))) {
    v.check(typeof bucket === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes('..')
      && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket), labels.evidenceBucketName, bucket,
    'an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, ' +
      'without two dots in a row and not shaped like an IP address');
  }
  v.check(typeof attrs.objectLockEnabled === 'boolean', labels.objectLockEnabled, attrs.objectLockEnabled, 'true or false');
}

function checkArn(v: PropsValidator, prop: string, arn: string, service: string, format: ArnFormat,
  ok: (c: { resource: string; resourceName?: string }) => boolean, allowed: string): void {
  if (typeof arn === 'string' && Token.isUnresolved(arn)) {
    return;
  }
  let valid = false;
  if (typeof arn === 'string') {
    try {
      const c = Arn.split(arn, format);
      valid = c.service === service && !!c.partition && !!c.region && /^\d{12}$/.test(c.account ?? '') && ok(c);
    } catch {
      valid = false;
    }
  }
  v.check(valid, prop, arn, allowed);
}

/** A foundation defined elsewhere, by its references. */
export class ImportedGovernanceFoundation extends Construct implements IGovernanceFoundation {
  public readonly name: string;
  public readonly killSwitchEnforcer: IKillSwitchEnforcer;
  public readonly encryptionKey: kms.IKey;
  public readonly evidenceBucket: s3.IBucket;
  public readonly alertTopic: sns.ITopic;
  public readonly objectLockEnabled: boolean;

  constructor(scope: Construct, id: string, attrs: GovernanceFoundationAttributes) {
    super(scope, id);
    this.encryptionKey = kms.Key.fromKeyArn(this, 'Key', attrs.encryptionKeyArn);
    this.evidenceBucket = s3.Bucket.fromBucketAttributes(this, 'EvidenceBucket', {
      bucketName: attrs.evidenceBucketName,
      encryptionKey: this.encryptionKey,
    });
    this.alertTopic = sns.Topic.fromTopicArn(this, 'AlertTopic', attrs.alertTopicArn);
    this.objectLockEnabled = attrs.objectLockEnabled;
    this.name = attrs.name;
    // The foundation's enforcer lives where the foundation is: it finds this app's endpoints by their tags.
    this.killSwitchEnforcer = {
      foundationName: attrs.name,
      autoPauseTopic: attrs.autoPauseTopicArn === undefined ? undefined : sns.Topic.fromTopicArn(this, 'AutoPauseTopic', attrs.autoPauseTopicArn),
    };
  }
}

/**
 * The attributes published under `name`, read at synth from the context (cdk.context.json) that the CDK CLI fills
 * from SSM. Until the CLI has read them, placeholders that pass every check stand in, and the synth that the CLI
 * repeats with the real values decides.
 */
export function lookupFoundationAttributes(scope: IConstruct, name: string): GovernanceFoundationAttributes & { pending: boolean } {
  const stack = Stack.of(scope);
  const read = (attribute: PublishedAttribute) => {
    const parameterName = foundationParameterName(name, attribute);
    const value = ssm.StringParameter.valueFromLookup(scope as Construct, parameterName);
    return value === `dummy-value-for-${parameterName}` ? undefined : value;
  };
  const key = read('encryptionKeyArn');
  const bucket = read('evidenceBucketName');
  const topic = read('alertTopicArn');
  const objectLock = read('objectLockEnabled');
  const autoPause = read('autoPauseTopicArn');
  const pending = [key, bucket, topic, objectLock, autoPause].some((x) => x === undefined);
  return {
    pending,
    name,
    autoPauseTopicArn: autoPause ?? `arn:aws:sns:${stack.region}:${stack.account}:governed-endpoint-foundation-lookup-pending`,
    encryptionKeyArn: key ?? `arn:aws:kms:${stack.region}:${stack.account}:key/00000000-0000-0000-0000-000000000000`,
    evidenceBucketName: bucket ?? 'governed-endpoint-foundation-lookup-pending',
    alertTopicArn: topic ?? `arn:aws:sns:${stack.region}:${stack.account}:governed-endpoint-foundation-lookup-pending`,
    objectLockEnabled: objectLock === undefined ? true : (objectLock === 'true' ? true : objectLock === 'false' ? false : objectLock as unknown as boolean),
  };
}
