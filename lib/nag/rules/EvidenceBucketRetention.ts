import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { isRetained, ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * Evidence buckets (S3 buckets an endpoint config of the app captures inference data into) keep their records: the
 * bucket is retained when its stack is deleted (`DeletionPolicy: Retain`), and no enabled lifecycle rule expires
 * current or noncurrent objects sooner than the pack's evidence floor (`minimumEvidenceRetentionDays`). Other
 * buckets are not applicable.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEvidenceBucketRetention(node: CfnResource, ctx: GovernanceContext): Assessment {
  const bucket = ctx.entry(node);
  if (bucket.type !== ResourceTypes.BUCKET) {
    return verdict.notApplicable();
  }
  if (ctx.configsCapturingInto(bucket).length === 0) {
    return verdict.notApplicable('no endpoint config captures inference data into the bucket');
  }
  const floor = ctx.settings.minimumEvidenceRetentionDays;
  const lifecycle = bucket.props.LifecycleConfiguration;
  const rules = isIntrinsic(lifecycle) ? undefined : lifecycle?.Rules;
  if (isIntrinsic(lifecycle) || isIntrinsic(rules) || asList(rules).some(isIntrinsic)) {
    return verdict.notApplicable('the lifecycle rules are a token', [bucket]);
  }
  const gaps: string[] = [];
  if (!isRetained(bucket)) {
    gaps.push(`deleted with its stack (DeletionPolicy ${bucket.deletionPolicy ?? 'Delete'})`);
  }
  let unresolved = false;
  for (const rule of asList(rules) as Record<string, any>[]) {
    if (rule?.Status === 'Disabled') {
      continue;
    }
    const expirations: [string, unknown][] = [
      ['objects expire', rule?.ExpirationInDays],
      ['noncurrent versions expire', rule?.NoncurrentVersionExpirationInDays],
      ['noncurrent versions expire', rule?.NoncurrentVersionExpiration?.NoncurrentDays],
    ];
    for (const [what, days] of expirations) {
      if (isIntrinsic(days) || (days !== undefined && typeof days !== 'number')) {
        unresolved = true;
      } else if (typeof days === 'number' && days < floor) {
        gaps.push(`${what} after ${days} days, before ${floor}`);
      }
    }
    if (rule?.ExpirationDate !== undefined) {
      gaps.push('objects expire on a date');
    }
  }
  if (gaps.length > 0) {
    return verdict.nonCompliant([...new Set(gaps)].join('; '), [bucket]);
  }
  if (unresolved) {
    return verdict.notApplicable('an expiration is a token', [bucket]);
  }
  return verdict.compliant(`evidence retained and not expired before ${floor} days`, [bucket]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'evidence bucket',
  info: (s) => `The evidence bucket may lose records before ${s.minimumEvidenceRetentionDays} days - set DeletionPolicy Retain and no lifecycle ` +
    `expiration (current or noncurrent) shorter than ${s.minimumEvidenceRetentionDays} days`,
  explanation: 'Captured inference data and kill-switch snapshots are the records a high-risk AI system must keep for at least six months. ' +
    'A bucket deleted with its stack, or a lifecycle rule that expires objects sooner, loses them.',
  assess: assessEvidenceBucketRetention,
  subjects: endpointParts.evidenceBuckets,
});
