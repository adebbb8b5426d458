import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { asList, flatten, isIntrinsic, read, UNRESOLVED } from '../cfn-values';
import { Assessment, GovernanceContext, IndexedResource, ResourceTypes, verdict } from '../governance-context';

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
  const alarms = read(endpoint.props, 'DeploymentConfig', 'AutoRollbackConfiguration', 'Alarms');
  if (alarms === UNRESOLVED) {
    return verdict.notApplicable('the rollback alarms are a token', [endpoint]);
  }
  if (asList(alarms).length === 0) {
    return verdict.nonCompliant('no AutoRollbackConfiguration alarms', [endpoint]);
  }
  const found: IndexedResource[] = [];
  const unknown: string[] = [];
  let unresolved = false;
  for (const alarm of asList(alarms)) {
    if (isIntrinsic(alarm) || !alarm || typeof alarm !== 'object') {
      unresolved = true;
      continue;
    }
    const name = (alarm as Record<string, unknown>).AlarmName;
    const matches = ctx.alarmsNamed(name, endpoint);
    if (matches === undefined) {
      unresolved = true;
    } else if (matches.length === 0) {
      unknown.push(flatten(name));
    } else {
      found.push(...matches);
    }
  }
  if (found.length > 0) {
    return verdict.compliant(`rolls back on ${found.length} alarm${found.length === 1 ? '' : 's'}`, [endpoint, ...new Set(found)]);
  }
  if (unresolved) {
    return verdict.notApplicable('the rollback alarm names are tokens', [endpoint]);
  }
  return verdict.nonCompliant(`rollback alarms not defined in the app: ${unknown.join(', ')}`, [endpoint]);
}

export default Object.defineProperty(
  (node: CfnResource, ctx: GovernanceContext): NagRuleResult => assessEndpointAutoRollback(node, ctx).compliance,
  'name',
  { value: parse(__filename).name },
);
