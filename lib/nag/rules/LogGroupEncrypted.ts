import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { Assessment, GovernanceContext, ResourceTypes, verdict } from '../governance-context';

/**
 * CloudWatch log groups are encrypted with a customer-managed KMS key (`KmsKeyId`).
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessLogGroupEncrypted(node: CfnResource, ctx: GovernanceContext): Assessment {
  const group = ctx.entry(node);
  if (group.type !== ResourceTypes.LOG_GROUP) {
    return verdict.notApplicable();
  }
  if (group.props.KmsKeyId === undefined) {
    return verdict.nonCompliant('no KmsKeyId', [group]);
  }
  return verdict.compliant('KMS-encrypted', [group, ...ctx.referencedBy(group.props.KmsKeyId, group)]);
}

export default Object.defineProperty(
  (node: CfnResource, ctx: GovernanceContext): NagRuleResult => assessLogGroupEncrypted(node, ctx).compliance,
  'name',
  { value: parse(__filename).name },
);
