import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { ResourceTypes } from '../app-index';
import { RISK_TIERS } from '../../policy/governance';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoints carry a named owner, a purpose and a risk tier (LOW, MEDIUM or HIGH) as tags.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointOwnership(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const tags = ctx.tags(endpoint);
  if (tags === undefined) {
    return verdict.notApplicable('the tags are a token', [endpoint]);
  }
  const { ownerTagKey, purposeTagKey, riskTierTagKey } = ctx.settings;
  const missing: string[] = [];
  let unresolved = false;
  for (const key of [ownerTagKey, purposeTagKey]) {
    const value = tags.get(key);
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      missing.push(key);
    } else if (typeof value !== 'string') {
      unresolved = true;
    }
  }
  const tier = tags.get(riskTierTagKey);
  if (tier === undefined) {
    missing.push(riskTierTagKey);
  } else if (typeof tier !== 'string') {
    unresolved = true;
  } else if (!(RISK_TIERS as readonly string[]).includes(tier)) {
    missing.push(`${riskTierTagKey} (LOW, MEDIUM or HIGH, not "${tier}")`);
  }
  if (missing.length > 0) {
    return verdict.nonCompliant(`missing ${missing.join(', ')}`, [endpoint]);
  }
  if (unresolved) {
    return verdict.notApplicable('a governance tag value is a token', [endpoint]);
  }
  return verdict.compliant(`owner ${tags.get(ownerTagKey)}, purpose ${tags.get(purposeTagKey)}, tier ${tier}`, [endpoint]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: (s) => `The SageMaker endpoint does not name its owner, purpose and risk tier - add the tags '${s.ownerTagKey}', '${s.purposeTagKey}' ` +
    `and '${s.riskTierTagKey}' (LOW, MEDIUM or HIGH)`,
  explanation: 'Someone must be accountable for a deployed model and reachable when it misbehaves; the purpose and risk tier decide which ' +
    'controls apply. Untagged endpoints are treated as HIGH tier by the other rules.',
  assess: assessEndpointOwnership,
  subjects: endpointParts.endpoint,
});
