import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { MONITORING_CONFIG_TAG } from '../../policy/monitoring-protocol';
import { flatten } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, floorsOf, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/** SageMaker Model Monitor's schedule: for apps that watch an endpoint with it instead of the library's monitor. */
const MONITORING_SCHEDULE = 'AWS::SageMaker::MonitoringSchedule';

/**
 * SageMaker endpoints of a tier that requires it (HIGH; a tier-less endpoint counts as HIGH) have their model
 * watched after launch: the endpoint's `governance:monitoring-config` tag names an SSM parameter of the app (the
 * configuration the library's model monitor reads), or a SageMaker `MonitoringSchedule` of the app names the
 * endpoint (`EndpointName`, or `EndpointInput.EndpointName` of its job definition). A tag naming a parameter the
 * app does not define is non-compliant whatever the tier. Not applicable to tiers that do not require monitoring.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointModelMonitoring(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const tags = ctx.tags(endpoint);
  if (tags === undefined) {
    return verdict.notApplicable('the endpoint\'s tags are a token', [endpoint]);
  }
  const tag = tags.get(MONITORING_CONFIG_TAG);
  if (tag !== undefined) {
    const parameters = typeof tag === 'string'
      ? ctx.ofType(ResourceTypes.SSM_PARAMETER).filter((p) => p.props.Name === tag)
      : ctx.referencedBy(tag, endpoint).filter((r) => r.type === ResourceTypes.SSM_PARAMETER);
    if (parameters.length > 0) {
      return verdict.compliant('monitoring configuration for the model monitor', [endpoint, ...parameters]);
    }
    if (typeof tag !== 'string') {
      return verdict.notApplicable('the monitoring-config tag is a token', [endpoint]);
    }
  }
  const schedules = ctx.ofType(MONITORING_SCHEDULE).filter((s) => monitors(s, endpoint, ctx));
  if (schedules.length > 0) {
    return verdict.compliant(`SageMaker MonitoringSchedule ${schedules.map((s) => s.node.node.id).join(', ')}`, [endpoint, ...schedules]);
  }
  if (tag !== undefined) {
    return verdict.nonCompliant(`the monitoring-config parameter ${flatten(tag)} is not an SSM parameter of the app`, [endpoint]);
  }
  const tier = ctx.tierTag(endpoint);
  const floors = floorsOf(tier);
  if (floors === undefined) {
    return verdict.notApplicable('the risk tier is a token', [endpoint]);
  }
  if (!floors.monitoringRequired) {
    return verdict.notApplicable(`monitoring is not required for ${tier} tier`, [endpoint]);
  }
  return verdict.nonCompliant(`no model monitoring on a ${tier === 'MISSING' ? 'tier-less' : tier} endpoint`, [endpoint]);
}

/** Whether a MonitoringSchedule names the endpoint, by reference or by its literal name. */
function monitors(schedule: IndexedResource, endpoint: IndexedResource, ctx: GovernanceContext): boolean {
  const name = endpoint.props.EndpointName;
  const inputs = (schedule.props.MonitoringScheduleConfig as any)?.MonitoringJobDefinition?.MonitoringInputs;
  const named = [schedule.props.EndpointName, ...(Array.isArray(inputs) ? inputs.map((i: any) => i?.EndpointInput?.EndpointName) : [])]
    .filter((n) => n !== undefined);
  return named.some((n) => ctx.refersTo(n, schedule, endpoint) || (typeof name === 'string' && n === name));
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: () => 'The SageMaker endpoint\'s model is not monitored - tag the endpoint ' +
    `'${MONITORING_CONFIG_TAG}' with the name of an SSM parameter of the app holding its monitoring configuration ` +
    '(GovernedEndpoint does with its monitoring prop), or add an AWS::SageMaker::MonitoringSchedule naming the endpoint; required for risk tier HIGH',
  explanation: 'Server alarms do not see a model whose inputs have drifted from its training data or whose predictions have collapsed. ' +
    'A scheduled comparison of the captured traffic with a baseline, with alarms that notify, is how a HIGH-risk model is watched after launch.',
  assess: assessEndpointModelMonitoring,
  subjects: endpointParts.endpoint,
});
