import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { Assessment, GovernanceContext } from '../governance-context';
import { assessInstanceCount } from './EndpointConfigInstanceCount';

/**
 * SageMaker endpoint configs of LOW tier endpoints run every instance-based production variant on at
 * least the pack's minimum instance count (a warning: LOW tier may accept one instance).
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointConfigInstanceCountLowTier(node: CfnResource, ctx: GovernanceContext): Assessment {
  return assessInstanceCount(node, ctx, (tier) => tier === 'LOW');
}

export default Object.defineProperty(
  (node: CfnResource, ctx: GovernanceContext): NagRuleResult => assessEndpointConfigInstanceCountLowTier(node, ctx).compliance,
  'name',
  { value: parse(__filename).name },
);
