import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { isIntrinsic } from '../cfn-values';
import { Assessment, GovernanceContext, ResourceTypes, verdict } from '../governance-context';

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

export default Object.defineProperty(
  (node: CfnResource, ctx: GovernanceContext): NagRuleResult => assessModelNetworkIsolation(node, ctx).compliance,
  'name',
  { value: parse(__filename).name },
);
