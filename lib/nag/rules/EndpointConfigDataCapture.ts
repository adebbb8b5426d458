import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic, read, UNRESOLVED } from '../cfn-values';
import { ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoint configs capture inference data: `DataCaptureConfig` with capture enabled, both
 * `Input` and `Output` capture modes, a `KmsKeyId`, and `InitialSamplingPercentage` at least the pack's
 * floor for the tier (HIGH, or no readable tier, uses the high-risk floor).
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointConfigDataCapture(node: CfnResource, ctx: GovernanceContext): Assessment {
  const config = ctx.entry(node);
  if (config.type !== ResourceTypes.ENDPOINT_CONFIG) {
    return verdict.notApplicable();
  }
  const capture = read(config.props, 'DataCaptureConfig');
  if (capture === UNRESOLVED) {
    return verdict.notApplicable('DataCaptureConfig is a token', [config]);
  }
  if (capture === undefined) {
    return verdict.nonCompliant('no DataCaptureConfig: inference inputs and outputs are not recorded', [config]);
  }
  const enabled = read(capture, 'EnableCapture');
  const options = read(capture, 'CaptureOptions');
  const kmsKey = read(capture, 'KmsKeyId');
  const sampling = read(capture, 'InitialSamplingPercentage');
  if ([enabled, options, sampling].includes(UNRESOLVED) || asList(options).some(isIntrinsic)) {
    return verdict.notApplicable('part of DataCaptureConfig is a token', [config]);
  }
  const gaps: string[] = [];
  if (enabled === false) {
    gaps.push('EnableCapture is false');
  }
  const modes = asList(options).map((o) => (o as any)?.CaptureMode);
  if (modes.some((m) => typeof m !== 'string' && m !== undefined)) {
    return verdict.notApplicable('a capture mode is a token', [config]);
  }
  for (const mode of ['Input', 'Output']) {
    if (!modes.includes(mode)) gaps.push(`no ${mode} capture`);
  }
  if (kmsKey === undefined) {
    gaps.push('no KmsKeyId');
  }
  const tier = ctx.tierOfConfig(config);
  const s = ctx.settings;
  const floor = tier === 'LOW' || tier === 'MEDIUM' ? s.minimumSamplingPercentage : s.highRiskMinimumSamplingPercentage;
  if (typeof sampling !== 'number') {
    gaps.push('no InitialSamplingPercentage');
  } else if (sampling < floor) {
    if (tier === 'UNRESOLVED' && sampling >= s.minimumSamplingPercentage) {
      return verdict.notApplicable('the sampling floor depends on a risk tier that is a token', [config]);
    }
    gaps.push(`sampling ${sampling}% below ${floor}%`);
  }
  if (gaps.length > 0) {
    return verdict.nonCompliant(gaps.join('; '), [config]);
  }
  return verdict.compliant(`input and output, ${sampling}% sampled, KMS-encrypted`, [config, ...ctx.evidenceBucketsOf(config)]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint config',
  info: (s) => "The SageMaker endpoint config does not record inference data - add DataCaptureConfig with EnableCapture true, CaptureOptions 'Input' " +
    `and 'Output', a KmsKeyId, and InitialSamplingPercentage >= ${s.minimumSamplingPercentage} (>= ${s.highRiskMinimumSamplingPercentage} for HIGH tier)`,
  explanation: 'CloudTrail does not record InvokeEndpoint requests or responses. Data capture is the only record of what the model was asked ' +
    'and answered, which record-keeping, post-market monitoring and incident analysis need.',
  assess: assessEndpointConfigDataCapture,
  subjects: endpointParts.config,
});
