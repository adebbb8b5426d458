import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { Assessment, GovernanceContext } from '../governance-context';
import { defineRule, endpointParts } from '../rule';
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

export default defineRule(__filename, {
  level: NagMessageLevel.WARN,
  resource: 'endpoint config',
  info: (s) => `The SageMaker endpoint config of a LOW tier endpoint runs a production variant on fewer than ${s.minimumInstanceCount} ` +
    `instances - set InitialInstanceCount >= ${s.minimumInstanceCount}, or acknowledge the single instance`,
  explanation: 'LOW tier may accept the outage risk of a single instance; make that a recorded decision.',
  assess: assessEndpointConfigInstanceCountLowTier,
  subjects: endpointParts.config,
});
