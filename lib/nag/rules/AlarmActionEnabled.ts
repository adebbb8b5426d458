import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

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
  return verdict.compliant(`notifies ${asList(actions).length} target${asList(actions).length === 1 ? '' : 's'}`,
    [alarm, ...ctx.referencedBy(actions, alarm)]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'alarm, composite alarm',
  info: () => 'The CloudWatch alarm notifies no one - keep ActionsEnabled true and add an AlarmActions target such as an encrypted SNS topic',
  explanation: 'An alarm without an action changes state silently; production monitoring of a model needs someone or something to respond. ' +
    'Mirrors cdk-nag CloudWatchAlarmAction, for composite alarms too.',
  assess: assessAlarmActionEnabled,
  subjects: endpointParts.alarms,
});
