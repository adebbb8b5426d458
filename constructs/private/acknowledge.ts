// Internal: acknowledges cdk-nag findings on the library's own constructs, finding by finding, with the reason.
import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { wildcardResourceFindingId } from '../../lib/policy/nag-findings';

export { inCompliancePacks } from '../../lib/policy/nag-findings';

/**
 * Acknowledge specific cdk-nag findings on one construct, with the reason a reviewer reads.
 *
 * `ids` are full finding IDs (`AwsSolutions-IAM5[Resource::*]`, `NIST.800.53.R5-S3BucketReplicationEnabled`):
 * never a bare rule that has per-finding IDs.
 */
export function acknowledge(scope: IConstruct, ids: string[], reason: string): void {
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/**
 * The finding string cdk-nag's AwsSolutions-IAM5 reports for a wildcard resource,
 * e.g. `Resource::arn:<AWS::Partition>:s3:::<EvidenceBucket1234.Arn>/data-capture/*`.
 * Computed from the same ARN the policy uses, so the acknowledgement always matches exactly.
 */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return wildcardResourceFindingId(Stack.of(scope).resolve(arn));
}
