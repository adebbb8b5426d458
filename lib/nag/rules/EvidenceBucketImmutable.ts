import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, floorsOf, GovernanceContext, strictest, verdict } from '../governance-context';
import { statementsOf } from '../policy-documents';
import { defineRule, endpointParts } from '../rule';

const PUBLIC_ACCESS_BLOCKS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

/**
 * Evidence buckets (S3 buckets an endpoint config of the app captures inference data into) keep records
 * unaltered: versioning enabled, every public access block on, server access logs, a bucket policy of the app that
 * denies requests without TLS (`aws:SecureTransport` false), and, when the floors of the strictest tier capturing into
 * it require it (HIGH; no readable tier counts as HIGH), Object Lock with a default retention. Other buckets are not
 * applicable.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEvidenceBucketImmutable(node: CfnResource, ctx: GovernanceContext): Assessment {
  const bucket = ctx.entry(node);
  if (bucket.type !== ResourceTypes.BUCKET) {
    return verdict.notApplicable();
  }
  const configs = ctx.configsCapturingInto(bucket);
  if (configs.length === 0) {
    return verdict.notApplicable('no endpoint config captures inference data into the bucket');
  }
  const p = bucket.props;
  if (['VersioningConfiguration', 'PublicAccessBlockConfiguration', 'LoggingConfiguration', 'ObjectLockEnabled'].some((k) => isIntrinsic(p[k]))) {
    return verdict.notApplicable('a bucket setting is a token', [bucket]);
  }
  const gaps: string[] = [];
  if (p.VersioningConfiguration?.Status !== 'Enabled') gaps.push('versioning off');
  const block = p.PublicAccessBlockConfiguration ?? {};
  if (!PUBLIC_ACCESS_BLOCKS.every((k) => block[k] === true || block[k] === 'true')) gaps.push('public access not blocked');
  if (p.LoggingConfiguration === undefined) gaps.push('no access logs');
  const policies = tlsOnlyPolicies(bucket, ctx);
  if (policies.length === 0) gaps.push('TLS not enforced');
  const tier = strictest(configs.map((c) => ctx.tierOfConfig(c)));
  const locked = (p.ObjectLockEnabled === true || p.ObjectLockEnabled === 'true') && p.ObjectLockConfiguration?.Rule?.DefaultRetention !== undefined;
  if (floorsOf(tier)?.objectLockRequired && !locked) gaps.push(`no object lock with a default retention (${tier === 'MISSING' ? 'tier-less' : tier} endpoint)`);
  if (gaps.length > 0) {
    return verdict.nonCompliant(gaps.join('; '), [bucket, ...policies]);
  }
  if (tier === 'UNRESOLVED' && !locked) {
    return verdict.notApplicable('object lock depends on a risk tier that is a token', [bucket, ...policies]);
  }
  return verdict.compliant(`versioned, TLS-only, private, access-logged${locked ? ', object lock' : ''}`, [bucket, ...policies]);
}

/** The bucket policies of the app on `bucket` that deny every request made without TLS. */
function tlsOnlyPolicies(bucket: IndexedResource, ctx: GovernanceContext): IndexedResource[] {
  return ctx.ofType(ResourceTypes.BUCKET_POLICY).filter((bp) => {
    const target = bp.props.Bucket;
    const onBucket = typeof target === 'string' ? target === bucket.props.BucketName : ctx.refersTo(target, bp, bucket);
    return onBucket && statementsOf(bp.props.PolicyDocument).some((s) => s.effect === 'Deny' &&
      asList(s.condition?.Bool?.['aws:SecureTransport']).some((v) => String(v) === 'false'));
  });
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'evidence bucket',
  info: () => 'The evidence bucket does not keep records unaltered - enable versioning, block all public access, send server access logs ' +
    "to another bucket, deny requests where 'aws:SecureTransport' is false, and turn on Object Lock with a default retention for HIGH tier",
  explanation: 'Evidence is only evidence if nobody can quietly change or remove it: versions keep overwritten objects, access logs show who ' +
    'read or wrote what, and Object Lock stops deletion during the retention period.',
  assess: assessEvidenceBucketImmutable,
  subjects: endpointParts.evidenceBuckets,
});
