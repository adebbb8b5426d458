import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { read, UNRESOLVED } from '../cfn-values';
import { ResourceTypes } from '../app-index';
import { Assessment, floorsOf, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoints shift traffic in stages: `DeploymentConfig` with a blue/green CANARY or LINEAR
 * policy, or a rolling update. ALL_AT_ONCE is accepted only for a risk tier whose floors allow it (LOW).
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
    const floors = floorsOf(tier);
    if (floors === undefined) {
      return verdict.notApplicable('ALL_AT_ONCE with a risk tier that is a token', [endpoint]);
    }
    if (floors.allAtOnceRollout) {
      return verdict.compliant(`blue/green ALL_AT_ONCE (accepted for ${tier} tier)`, [endpoint]);
    }
    return verdict.nonCompliant(`ALL_AT_ONCE on a ${tier === 'MISSING' ? 'tier-less' : tier} endpoint`, [endpoint]);
  }
  return verdict.nonCompliant(type === undefined ? 'DeploymentConfig has no traffic shifting policy' : `unknown traffic routing type ${String(type)}`, [endpoint]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: () => "The SageMaker endpoint does not roll out in stages - add DeploymentConfig.BlueGreenUpdatePolicy with TrafficRoutingConfiguration " +
    "Type 'CANARY' or 'LINEAR' (or DeploymentConfig.RollingUpdatePolicy); 'ALL_AT_ONCE' is accepted only for risk tier LOW",
  explanation: 'Without a DeploymentConfig an update moves all traffic to the new model at once. A canary, linear or rolling shift exposes a ' +
    'small share of requests first, so a bad model is caught before it serves everyone.',
  assess: assessEndpointStagedRollout,
  subjects: endpointParts.endpoint,
});
