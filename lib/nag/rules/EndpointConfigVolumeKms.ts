import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { supportsVolumeEncryption } from '../../policy/instance-types';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoint configs encrypt the instances' storage volumes with a customer key (`KmsKeyId`),
 * unless a variant's instance type has NVMe instance-store volumes (or is serverless), which SageMaker
 * encrypts with a hardware key and which reject a `KmsKeyId`.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointConfigVolumeKms(node: CfnResource, ctx: GovernanceContext): Assessment {
  const config = ctx.entry(node);
  if (config.type !== ResourceTypes.ENDPOINT_CONFIG) {
    return verdict.notApplicable();
  }
  if (config.props.KmsKeyId !== undefined) {
    return verdict.compliant('customer key on the instance volumes', [config, ...ctx.referencedBy(config.props.KmsKeyId, config)]);
  }
  const variants = asList(config.props.ProductionVariants);
  if (isIntrinsic(config.props.ProductionVariants) || variants.some(isIntrinsic)) {
    return verdict.notApplicable('the production variants are a token', [config]);
  }
  const types = variants.map((v) => (v as any)?.InstanceType);
  if (types.some((t) => t !== undefined && typeof t !== 'string')) {
    return verdict.notApplicable('an instance type is a token', [config]);
  }
  const keyless = types.filter((t) => t === undefined || !supportsVolumeEncryption(t));
  if (keyless.length > 0) {
    return verdict.notApplicable(`${keyless.map((t) => t ?? 'serverless').join(', ')} cannot take a volume key`, [config]);
  }
  return verdict.nonCompliant('no KmsKeyId for the instance volumes', [config]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint config',
  info: () => 'The SageMaker endpoint config does not encrypt instance volumes with a customer key - add KmsKeyId (instance types with NVMe ' +
    'instance store, which reject a key, are exempt)',
  explanation: 'A customer-managed key keeps the model and its working data under your key policy and audit trail. Unlike ' +
    'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured, this rule exempts instance types whose volumes SageMaker always encrypts with a hardware key.',
  assess: assessEndpointConfigVolumeKms,
  subjects: endpointParts.config,
});
