import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isIntrinsic } from '../cfn-values';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * CloudWatch log groups set `RetentionInDays` explicitly, at least the pack's floor (180 days by
 * default: the six months of EU AI Act Art. 19 and 26(6)). A log group without retention keeps
 * logs forever, which is a records decision to acknowledge, not a default.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessLogGroupRetention(node: CfnResource, ctx: GovernanceContext): Assessment {
  const group = ctx.entry(node);
  if (group.type !== ResourceTypes.LOG_GROUP) {
    return verdict.notApplicable();
  }
  const days = group.props.RetentionInDays;
  if (isIntrinsic(days)) {
    return verdict.notApplicable('RetentionInDays is a token', [group]);
  }
  if (days === undefined) {
    return verdict.nonCompliant('no RetentionInDays', [group]);
  }
  const floor = ctx.settings.minimumLogRetentionDays;
  if (Number(days) < floor) {
    return verdict.nonCompliant(`${days} days, below ${floor}`, [group]);
  }
  return verdict.compliant(`logs kept ${days} days`, [group]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'log group',
  info: (s) => `The CloudWatch log group does not keep logs for a set period of at least ${s.minimumLogRetentionDays} days - set ` +
    `RetentionInDays >= ${s.minimumLogRetentionDays}`,
  explanation: 'High-risk AI logs must be kept for at least six months; an explicit retention also keeps them from being kept forever by accident.',
  assess: assessLogGroupRetention,
  subjects: endpointParts.logGroups,
});
