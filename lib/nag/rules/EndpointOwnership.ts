import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { Assessment, GovernanceContext, RISK_TIERS, ResourceTypes, verdict } from '../governance-context';

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

export default Object.defineProperty(
  (node: CfnResource, ctx: GovernanceContext): NagRuleResult => assessEndpointOwnership(node, ctx).compliance,
  'name',
  { value: parse(__filename).name },
);
