import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { read, UNRESOLVED } from '../cfn-values';
import { Assessment, GovernanceContext, ResourceTypes, verdict } from '../governance-context';

/**
 * SageMaker endpoints shift traffic in stages: `DeploymentConfig` with a blue/green CANARY or LINEAR
 * policy, or a rolling update. ALL_AT_ONCE is accepted only when the endpoint's risk tier is LOW.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointStagedRollout(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const config = read(endpoint.props, 'DeploymentConfig');
  if (config === UNRESOLVED) {
    return verdict.notApplicable('DeploymentConfig is a token', [endpoint]);
  }
  if (config === undefined) {
    return verdict.nonCompliant('no DeploymentConfig: updates replace the whole fleet at once', [endpoint]);
  }
  const rolling = read(config, 'RollingUpdatePolicy');
  if (rolling !== undefined) {
    return verdict.compliant('rolling update', [endpoint]);
  }
  const type = read(config, 'BlueGreenUpdatePolicy', 'TrafficRoutingConfiguration', 'Type');
  if (type === UNRESOLVED) {
    return verdict.notApplicable('the traffic routing type is a token', [endpoint]);
  }
  if (type === 'CANARY' || type === 'LINEAR') {
    return verdict.compliant(`blue/green ${type}`, [endpoint]);
  }
  if (type === 'ALL_AT_ONCE') {
    const tier = ctx.tierTag(endpoint);
    if (tier === 'LOW') {
      return verdict.compliant('blue/green ALL_AT_ONCE (accepted for LOW tier)', [endpoint]);
    }
    if (tier === 'UNRESOLVED') {
      return verdict.notApplicable('ALL_AT_ONCE with a risk tier that is a token', [endpoint]);
    }
    return verdict.nonCompliant(`ALL_AT_ONCE on a ${tier === 'MISSING' ? 'tier-less' : tier} endpoint`, [endpoint]);
  }
  return verdict.nonCompliant(type === undefined ? 'DeploymentConfig has no traffic shifting policy' : `unknown traffic routing type ${String(type)}`, [endpoint]);
}

export default Object.defineProperty(
  (node: CfnResource, ctx: GovernanceContext): NagRuleResult => assessEndpointStagedRollout(node, ctx).compliance,
  'name',
  { value: parse(__filename).name },
);
