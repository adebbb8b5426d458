import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isIntrinsic } from '../cfn-values';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker models run their containers with network isolation (`EnableNetworkIsolation: true`).
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessModelNetworkIsolation(node: CfnResource, ctx: GovernanceContext): Assessment {
  const model = ctx.entry(node);
  if (model.type !== ResourceTypes.MODEL) {
    return verdict.notApplicable();
  }
  const isolation = model.props.EnableNetworkIsolation;
  if (isIntrinsic(isolation)) {
    return verdict.notApplicable('EnableNetworkIsolation is a token', [model]);
  }
  const vpc = model.props.VpcConfig !== undefined ? ', in a VPC' : '';
  if (isolation === true || isolation === 'true') {
    return verdict.compliant(`network isolation on${vpc}`, [model]);
  }
  return verdict.nonCompliant(`network isolation off${vpc}`, [model]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.WARN,
  resource: 'model',
  info: () => 'The SageMaker model container has network access - set EnableNetworkIsolation to true',
  explanation: 'An isolated container cannot send inference data anywhere or download code at run time. Containers that must call out ' +
    'should do so from a VPC with egress you control, and acknowledge this warning.',
  assess: assessModelNetworkIsolation,
  subjects: endpointParts.models,
});
