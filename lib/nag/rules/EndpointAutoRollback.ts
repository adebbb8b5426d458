import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { read, UNRESOLVED } from '../cfn-values';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoints roll a deployment back on alarm: `DeploymentConfig.AutoRollbackConfiguration.Alarms`
 * names at least one CloudWatch alarm defined in the app (by literal name, `Ref` or cross-stack import).
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointAutoRollback(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  if (read(endpoint.props, 'DeploymentConfig', 'AutoRollbackConfiguration', 'Alarms') === UNRESOLVED) {
    return verdict.notApplicable('the rollback alarms are a token', [endpoint]);
  }
  const { alarms, unknown, unresolved } = ctx.rollbackAlarmsOf(endpoint);
  if (alarms.length > 0) {
    return verdict.compliant(`rolls back on ${alarms.length} alarm${alarms.length === 1 ? '' : 's'}`, [endpoint, ...alarms]);
  }
  if (unresolved) {
    return verdict.notApplicable('the rollback alarm names are tokens', [endpoint]);
  }
  if (unknown.length === 0) {
    return verdict.nonCompliant('no AutoRollbackConfiguration alarms', [endpoint]);
  }
  return verdict.nonCompliant(`rollback alarms not defined in the app: ${unknown.join(', ')}`, [endpoint]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: () => 'The SageMaker endpoint does not roll back on alarm - add DeploymentConfig.AutoRollbackConfiguration.Alarms naming at least one ' +
    'CloudWatch alarm defined in the app (e.g. 5xx errors, model latency)',
  explanation: 'A staged rollout only protects users if a breach stops it: SageMaker reverts to the previous fleet when a listed alarm fires ' +
    'during the bake time. Alarms outside the app cannot be checked and do not count.',
  assess: assessEndpointAutoRollback,
  subjects: endpointParts.endpoint,
});
