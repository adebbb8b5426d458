import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];

/**
 * Evidence buckets (S3 buckets an endpoint config of the app captures inference data into) encrypt every object
 * with a customer-managed KMS key by default: `BucketEncryption` with `SSEAlgorithm` `aws:kms` (or `aws:kms:dsse`)
 * and a `KMSMasterKeyID`. Other buckets are not applicable.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEvidenceBucketEncrypted(node: CfnResource, ctx: GovernanceContext): Assessment {
  const bucket = ctx.entry(node);
  if (bucket.type !== ResourceTypes.BUCKET) {
    return verdict.notApplicable();
  }
  if (ctx.configsCapturingInto(bucket).length === 0) {
    return verdict.notApplicable('no endpoint config captures inference data into the bucket');
  }
  const encryption = bucket.props.BucketEncryption;
  const rules = isIntrinsic(encryption) ? undefined : encryption?.ServerSideEncryptionConfiguration;
  if (isIntrinsic(encryption) || isIntrinsic(rules) || asList(rules).some(isIntrinsic)) {
    return verdict.notApplicable('the bucket encryption is a token', [bucket]);
  }
  const defaults = asList(rules).map((r: any) => r?.ServerSideEncryptionByDefault).filter((d) => d !== undefined);
  if (defaults.some((d) => isIntrinsic(d) || isIntrinsic(d.SSEAlgorithm))) {
    return verdict.notApplicable('the bucket encryption is a token', [bucket]);
  }
  const kms = defaults.find((d) => KMS_ALGORITHMS.includes(d.SSEAlgorithm));
  if (kms === undefined) {
    return verdict.nonCompliant(defaults.length === 0 ? 'no default encryption with a customer key' : `default encryption ${defaults[0].SSEAlgorithm}, not SSE-KMS`, [bucket]);
  }
  if (kms.KMSMasterKeyID === undefined) {
    return verdict.nonCompliant('SSE-KMS with the AWS managed key, not a customer key', [bucket]);
  }
  return verdict.compliant('SSE-KMS with a customer key', [bucket, ...ctx.referencedBy(kms.KMSMasterKeyID, bucket)]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'evidence bucket',
  info: () => 'The evidence bucket does not encrypt objects with a customer-managed key - set BucketEncryption to SSEAlgorithm ' +
    "'aws:kms' with a KMSMasterKeyID",
  explanation: 'Captured requests and responses and kill-switch snapshots are records about people and decisions. A customer key keeps who ' +
    'may read them under your key policy, and every use of the key in CloudTrail.',
  assess: assessEvidenceBucketEncrypted,
  subjects: endpointParts.evidenceBuckets,
});
