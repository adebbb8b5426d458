import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoints are watched: at least one CloudWatch alarm of the app has a metric with the dimension
 * `EndpointName` set to the endpoint (its literal name or a reference to it), or is a rollback alarm of its
 * `DeploymentConfig`. Whether each alarm notifies someone is judged by `AlarmActionEnabled`.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointAlarms(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const alarms = ctx.alarmsWatching(endpoint);
  if (alarms.length > 0) {
    return verdict.compliant(`watched by ${alarms.length} alarm${alarms.length === 1 ? '' : 's'}`, alarms);
  }
  if (ctx.rollbackAlarmsOf(endpoint).unresolved) {
    return verdict.notApplicable('the rollback alarm names are tokens', [endpoint]);
  }
  return verdict.nonCompliant('no CloudWatch alarm of the app watches the endpoint', [endpoint]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: () => 'No CloudWatch alarm watches the SageMaker endpoint - add alarms on its AWS/SageMaker metrics (e.g. Invocation5XXErrors, ' +
    'ModelLatency) with the dimension EndpointName, each notifying an SNS topic',
  explanation: 'A model endpoint that fails or slows down silently keeps serving bad answers. Alarms on its own metrics are how the owner ' +
    'hears about it, and what a staged rollout rolls back on.',
  assess: assessEndpointAlarms,
  subjects: endpointParts.endpoint,
});
