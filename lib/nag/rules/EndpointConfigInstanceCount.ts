import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, TierReading, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoint configs of MEDIUM and HIGH tier endpoints (and of endpoints without a readable
 * tier) run every instance-based production variant on at least the pack's minimum instance count.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointConfigInstanceCount(node: CfnResource, ctx: GovernanceContext): Assessment {
  return assessInstanceCount(node, ctx, (tier) => tier !== 'LOW');
}

/**
 * The instance-count check shared by the tiered rules: `applies` says which tiers the rule judges.
 * @internal
 */
export function assessInstanceCount(node: CfnResource, ctx: GovernanceContext, applies: (tier: TierReading) => boolean): Assessment {
  const config = ctx.entry(node);
  if (config.type !== ResourceTypes.ENDPOINT_CONFIG) {
    return verdict.notApplicable();
  }
  const counts = instanceCounts(config);
  if (counts === undefined) {
    return verdict.notApplicable('an instance count is a token', [config]);
  }
  if (counts.length === 0) {
    return verdict.notApplicable('no instance-based production variant', [config]);
  }
  const min = ctx.settings.minimumInstanceCount;
  const smallest = Math.min(...counts);
  if (smallest >= min) {
    return verdict.compliant(`${smallest === Math.max(...counts) ? smallest : `${smallest} or more`} instances per variant`, [config]);
  }
  const tier = ctx.tierOfConfig(config);
  if (tier === 'UNRESOLVED' || !applies(tier)) {
    return verdict.notApplicable(`${smallest} instance${smallest === 1 ? '' : 's'} (${tier === 'UNRESOLVED' ? 'tier is a token' : `${tier} tier`})`, [config]);
  }
  return verdict.nonCompliant(`${smallest} instance${smallest === 1 ? '' : 's'} in a variant, fewer than ${min}`, [config]);
}

/** The `InitialInstanceCount` of each instance-based variant; `undefined` when one is a token. */
function instanceCounts(config: IndexedResource): number[] | undefined {
  const variants = config.props.ProductionVariants;
  if (isIntrinsic(variants) || asList(variants).some(isIntrinsic)) {
    return undefined;
  }
  const counts: number[] = [];
  for (const v of asList(variants) as Record<string, unknown>[]) {
    if (v?.ServerlessConfig !== undefined && v?.InitialInstanceCount === undefined) {
      continue;
    }
    const count = v?.InitialInstanceCount;
    if (count !== undefined && typeof count !== 'number') {
      return undefined;
    }
    counts.push(typeof count === 'number' ? count : 1);
  }
  return counts;
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint config',
  info: (s) => `The SageMaker endpoint config runs a production variant on fewer than ${s.minimumInstanceCount} instances - set ` +
    `InitialInstanceCount >= ${s.minimumInstanceCount} for MEDIUM and HIGH tier endpoints`,
  explanation: 'SageMaker spreads the instances of a variant across Availability Zones; one instance means one failure takes the endpoint down.',
  assess: assessEndpointConfigInstanceCount,
  subjects: endpointParts.config,
});
