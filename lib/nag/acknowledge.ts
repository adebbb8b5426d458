import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { IConstruct } from 'constructs';

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
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}

/** The four packs the library claims clean, by their rule-ID prefix. */
export const NAG_PACK_PREFIXES = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;

/** The same rule acknowledged in the three compliance packs (NIST 800-53 R5, HIPAA, PCI DSS 3.2.1). */
export function inCompliancePacks(rule: string): string[] {
  return ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((p) => `${p}-${rule}`);
}

/**
 * The reason finding `id` is acknowledged for `scope`: on the construct itself or, like cdk-nag and CDK validation
 * match acknowledgements, on the closest ancestor that acknowledges it. Undefined when nothing acknowledges it.
 */
export function acknowledgementReason(scope: IConstruct, id: string): string | undefined {
  for (let c: IConstruct | undefined = scope; c !== undefined; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) {
        continue;
      }
      const hit = Object.entries(entry.data as Record<string, unknown>).find(([key]) => key.replace(/^annotation::/i, '') === id);
      if (hit) {
        return String(hit[1]);
      }
    }
  }
  return undefined;
}
