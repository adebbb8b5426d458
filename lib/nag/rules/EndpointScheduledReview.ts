import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { GovernanceTags, RiskTier, tierFloors } from '../../policy/governance';
import { MONITORING_CONFIG_TAG } from '../../policy/monitoring-protocol';
import { flatten } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, floorsOf, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/** Schedules that can send a review reminder: EventBridge rules with a schedule expression, and EventBridge Scheduler schedules. */
const SCHEDULE_TYPES = ['AWS::Events::Rule', 'AWS::Scheduler::Schedule'];

/**
 * SageMaker endpoints are reviewed on a schedule: the endpoint's `governance:review-every-days` tag is a whole
 * number of days from 1 to its tier's longest interval (a tier-less endpoint counts as HIGH), and something sends
 * the reminders: the foundation's model monitor (the endpoint carries the `governance:foundation` tag, or its
 * `governance:monitoring-config` tag names an SSM parameter of the app), or a schedule of the app (an EventBridge
 * rule with a `ScheduleExpression`, or an EventBridge Scheduler schedule) whose targets name the endpoint.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointScheduledReview(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const tags = ctx.tags(endpoint);
  const floors = floorsOf(ctx.tierTag(endpoint));
  if (tags === undefined || floors === undefined) {
    return verdict.notApplicable('the endpoint\'s tags or risk tier are a token', [endpoint]);
  }
  const tier = ctx.tierTag(endpoint);
  const longest = floors.reviewIntervalDays;
  const every = tags.get(GovernanceTags.REVIEW_EVERY_DAYS);
  if (every === undefined) {
    return verdict.nonCompliant(`no '${GovernanceTags.REVIEW_EVERY_DAYS}' tag: no review interval`, [endpoint]);
  }
  if (typeof every !== 'string') {
    return verdict.notApplicable('the review interval tag is a token', [endpoint]);
  }
  const days = Number(every);
  if (!/^\d+$/.test(every) || days < 1 || days > longest) {
    return verdict.nonCompliant(`review every ${every} days; allowed for ${tier === 'MISSING' ? 'a tier-less' : `a ${tier} tier`} endpoint: 1 to ${longest}`, [endpoint]);
  }
  const senders = reminderSenders(endpoint, tags, ctx);
  if (senders === undefined) {
    return verdict.nonCompliant(`review every ${days} days, but nothing in the app sends the reminders`, [endpoint]);
  }
  return verdict.compliant(`review every ${days} days, reminded by ${senders.label}`, [endpoint, ...senders.resources]);
}

/** What sends an endpoint's reminders, or undefined when nothing the pack can see does. */
function reminderSenders(endpoint: IndexedResource, tags: Map<string, unknown>, ctx: GovernanceContext): { label: string; resources: IndexedResource[] } | undefined {
  const config = tags.get(MONITORING_CONFIG_TAG);
  const parameters = config === undefined ? [] : typeof config === 'string'
    ? ctx.ofType(ResourceTypes.SSM_PARAMETER).filter((p) => p.props.Name === config)
    : ctx.referencedBy(config, endpoint).filter((r) => r.type === ResourceTypes.SSM_PARAMETER);
  if (parameters.length > 0) {
    return { label: 'the model monitor (monitoring configuration)', resources: parameters };
  }
  const foundation = tags.get(GovernanceTags.FOUNDATION);
  if (typeof foundation === 'string' && foundation.length > 0) {
    return { label: `the model monitor of foundation ${foundation}`, resources: [] };
  }
  const name = endpoint.props.EndpointName;
  const schedules = ctx.ofType(...SCHEDULE_TYPES).filter((s) => s.props.ScheduleExpression !== undefined).filter((s) => {
    const targets = s.props.Targets ?? s.props.Target;
    return ctx.refersTo(targets, s, endpoint) || (typeof name === 'string' && flatten(targets).includes(name));
  });
  return schedules.length > 0 ? { label: `schedule ${schedules.map((s) => s.node.node.id).join(', ')}`, resources: schedules } : undefined;
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: () => `The SageMaker endpoint has no scheduled review - tag it '${GovernanceTags.REVIEW_EVERY_DAYS}' with the days between reviews ` +
    `(at most ${tierFloors(RiskTier.HIGH).reviewIntervalDays} for HIGH, ${tierFloors(RiskTier.MEDIUM).reviewIntervalDays} for MEDIUM, ` +
    `${tierFloors(RiskTier.LOW).reviewIntervalDays} for LOW) and have the reminders sent: by a governance foundation's model monitor ` +
    `(tag '${GovernanceTags.FOUNDATION}'), or by a scheduled EventBridge rule or schedule whose target names the endpoint`,
  explanation: 'A model that nobody looks at again after launch drifts out of its purpose unnoticed. A recurring reminder to the owner, with the ' +
    'alarms, pauses and drift since the last review, keeps the deployment under human oversight.',
  assess: assessEndpointScheduledReview,
  subjects: endpointParts.endpoint,
});
