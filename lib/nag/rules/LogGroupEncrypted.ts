import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

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
  return verdict.compliant('customer key on the log group', [group, ...ctx.referencedBy(group.props.KmsKeyId, group)]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'log group',
  info: () => 'The CloudWatch log group is not encrypted with a customer-managed key - add KmsKeyId',
  explanation: 'Endpoint logs can contain inference payloads and errors with customer data; a customer key keeps access under your key policy.',
  assess: assessLogGroupEncrypted,
  subjects: endpointParts.logGroups,
});
