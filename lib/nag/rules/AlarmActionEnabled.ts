import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { Assessment, GovernanceContext, ResourceTypes, verdict } from '../governance-context';

/**
 * CloudWatch alarms (metric and composite) notify someone: actions are enabled and `AlarmActions`
 * lists at least one action for the ALARM state. OK and INSUFFICIENT_DATA actions alone do not count:
 * nobody hears about the breach itself.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessAlarmActionEnabled(node: CfnResource, ctx: GovernanceContext): Assessment {
  const alarm = ctx.entry(node);
  if (alarm.type !== ResourceTypes.ALARM && alarm.type !== ResourceTypes.COMPOSITE_ALARM) {
    return verdict.notApplicable();
  }
  const enabled = alarm.props.ActionsEnabled;
  const actions = alarm.props.AlarmActions;
  if (isIntrinsic(enabled) || isIntrinsic(actions)) {
    return verdict.notApplicable('the alarm actions are a token', [alarm]);
  }
  if (enabled === false || enabled === 'false') {
    return verdict.nonCompliant('ActionsEnabled is false', [alarm]);
  }
  if (asList(actions).length === 0) {
    return verdict.nonCompliant('no AlarmActions', [alarm]);
  }
  return verdict.compliant(`${asList(actions).length} alarm action${asList(actions).length === 1 ? '' : 's'}`,
    [alarm, ...ctx.referencedBy(actions, alarm)]);
}

export default Object.defineProperty(
  (node: CfnResource, ctx: GovernanceContext): NagRuleResult => assessAlarmActionEnabled(node, ctx).compliance,
  'name',
  { value: parse(__filename).name },
);
