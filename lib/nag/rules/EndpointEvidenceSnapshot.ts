import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { flatten, globMatch } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, CaptureDestination, GovernanceContext, verdict } from '../governance-context';
import { AttachedDocument, coversAction, coversEndpoint, Statement } from '../policy-documents';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoints can be snapshotted into their evidence store when paused: some role, user or group of the
 * app may both `sagemaker:DescribeEndpoint` the endpoint and `s3:PutObject` into the bucket its endpoint config
 * captures inference data into (a bucket of the app, or the bucket named in `DestinationS3Uri`). Not applicable when
 * the endpoint config is outside the app or its destination is a token.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointEvidenceSnapshot(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const config = ctx.configOf(endpoint);
  if (config === undefined) {
    return verdict.notApplicable('the endpoint config is not in the app', [endpoint]);
  }
  const destination = ctx.captureDestination(config);
  if (!destination.defined) {
    return verdict.nonCompliant('no evidence bucket: the endpoint config has no DataCaptureConfig.DestinationS3Uri', [endpoint]);
  }
  if (destination.buckets.length === 0 && destination.bucketName === undefined) {
    return verdict.notApplicable('the evidence bucket is a token', [endpoint]);
  }
  const describe = new Map<string, AttachedDocument[]>();
  const write = new Map<string, AttachedDocument[]>();
  for (const doc of ctx.policies.documents) {
    for (const s of doc.statements.filter((x) => x.effect === 'Allow')) {
      const into = (m: Map<string, AttachedDocument[]>) => doc.principals.forEach((k) => m.set(k, [...(m.get(k) ?? []), doc]));
      if (coversAction(s, 'sagemaker:DescribeEndpoint') && coversEndpoint(ctx, doc.holder, s, endpoint)) {
        into(describe);
      }
      if (coversAction(s, 's3:PutObject') && writesInto(s, doc.holder, destination, ctx)) {
        into(write);
      }
    }
  }
  const both = [...describe.keys()].filter((k) => write.has(k));
  if (both.length === 0) {
    return verdict.nonCompliant('no principal of the app may both describe the endpoint and write to its evidence bucket', [endpoint]);
  }
  const principals = both.map((k) => ctx.policies.principal(k)).filter((p): p is IndexedResource => p !== undefined);
  const holders = both.flatMap((k) => [...describe.get(k)!, ...write.get(k)!].map((d) => d.holder));
  const names = principals.length > 0 ? principals.map((p) => ctx.label(p, endpoint)) : both;
  return verdict.compliant(`${names.join(', ')} can snapshot to evidence`, [...new Set([...principals, ...holders])]);
}

/** Whether a statement's `Resource` covers objects of the evidence destination: a reference to it, or its name in an ARN pattern. */
function writesInto(s: Statement, holder: IndexedResource, destination: CaptureDestination, ctx: GovernanceContext): boolean {
  return s.resources.some((r) => {
    if (typeof r !== 'string' && destination.buckets.some((b) => ctx.refersTo(r, holder, b))) {
      return true;
    }
    if (destination.bucketName === undefined) {
      return false;
    }
    // Other references become wildcards: `arn:<AWS::Partition>:s3:::evidence/*` matches any partition.
    const pattern = typeof r === 'string' ? r : flatten(r).replace(/<[^>]*>/g, '*');
    if (pattern === '*') {
      return true;
    }
    const bucket = /^arn:[^:]*:s3:::([^/]*)\//.exec(pattern)?.[1];
    return bucket !== undefined && globMatch(bucket, destination.bucketName);
  });
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: () => 'No principal of the app can snapshot the SageMaker endpoint into its evidence bucket - allow one role (such as a kill-switch ' +
    'enforcer) sagemaker:DescribeEndpoint on the endpoint and s3:PutObject into the bucket its data capture writes to',
  explanation: 'When an endpoint is paused, what was deployed (endpoint, config, model, package) must be recorded next to the captured ' +
    'data, or an incident review cannot tell which model answered. A principal that may describe the endpoint and write evidence makes that possible.',
  assess: assessEndpointEvidenceSnapshot,
  subjects: endpointParts.endpoint,
});
