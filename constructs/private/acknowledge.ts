// Internal: acknowledges cdk-nag findings on the library's own constructs, finding by finding, with the reason.
import { Reference, Stack, Tokenization, Validations } from 'aws-cdk-lib';
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
 * Acknowledge the AwsSolutions-IAM5 finding cdk-nag reports for the wildcard resource `arn` in the policy `resource`,
 * e.g. `AwsSolutions-IAM5[Resource::<EvidenceBucket1234.Arn>/data-capture/*]`.
 *
 * The finding ID holds the ARN as the policy's own stack renders it. A resource of another stack is rendered as
 * `Fn::ImportValue`, and one of a parent stack as a nested-stack parameter, but CDK rewrites those references only
 * when the app synthesizes (after every constructor and aspect has run, before construct validation and the
 * validation plugins such as cdk-nag). So:
 * - an ARN that refers only to resources of the policy's own stack is acknowledged now: its ID never changes;
 * - every ARN is resolved again in a validation hook, after the rewrite: if its ID has changed (the resource is in
 *   another stack, or a parent stack), that ID is acknowledged, with the same reason, before cdk-nag reads it.
 */
export function acknowledgeWildcardResource(resource: IConstruct, arn: string, reason: string): void {
  const stack = Stack.of(resource);
  const early = referencesOnly(stack, arn) ? wildcardResourceFindingId(stack.resolve(arn)) : undefined;
  if (early) {
    acknowledge(resource, [early], reason);
  }
  let late: string | undefined;
  resource.node.addValidation({
    validate: () => {
      const id = wildcardResourceFindingId(stack.resolve(arn));
      if (id !== early && id !== late) {
        late = id;
        acknowledge(resource, [id], reason);
      }
      return [];
    },
  });
}

/** True when every reference in `value` is to a resource of `stack` (so resolving it now gives its final form). */
function referencesOnly(stack: Stack, value: string): boolean {
  return Tokenization.reverseString(value).tokens.every((t) => !Reference.isReference(t) || Stack.of(t.target) === stack);
}
