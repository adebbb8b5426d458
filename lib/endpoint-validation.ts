import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { GovernedEndpointProps } from '../constructs/governed-endpoint-props';
import {
  defaultSamplingPercentage, GovernanceProps, minimumInstanceCount, minimumSamplingPercentage, RiskTier, TAG_VALUE_PATTERN,
} from './governance';
import { PropsValidator } from './validation';

/** Log retention below this many days is rejected (EU AI Act Art. 19 / 26(6): at least six months). */
export const MINIMUM_LOG_RETENTION_DAYS = 180;

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const VARIANT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** The values a {@link GovernedEndpoint}'s resources are built with, as validation computed them from its props. */
export interface EndpointSettings {
  readonly tier: RiskTier;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly samplingPercentage: number;
  readonly retention: logs.RetentionDays;
  readonly variantName: string;
}

/**
 * Check every prop of a `GovernedEndpoint` and throw one error listing every problem, naming the prop,
 * the value received and what is allowed. Unresolved tokens are skipped.
 */
export function validateEndpointProps(scope: Construct, props: GovernedEndpointProps): EndpointSettings {
  const v = new PropsValidator(scope, 'GovernedEndpoint');
  const gov: Partial<GovernanceProps> = props.governance ?? {};
  const tierOk = Object.values(RiskTier).includes(gov.riskTier as RiskTier);
  v.check(tierOk, 'governance.riskTier', gov.riskTier, `one of ${Object.values(RiskTier).join(', ')}`);
  const tier = tierOk ? gov.riskTier as RiskTier : RiskTier.HIGH;

  for (const key of ['owner', 'purpose'] as const) {
    const value = gov[key];
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      continue;
    }
    v.check(typeof value === 'string' && value.trim().length > 0, `governance.${key}`, value,
      key === 'owner' ? 'a non-empty owner contact, e.g. "fraud-ml@example.com"' : 'a non-empty description of what the model is for');
    if (typeof value === 'string' && value.trim().length > 0) {
      v.checkPattern(`governance.${key}`, value, TAG_VALUE_PATTERN,
        'at most 256 letters, digits, spaces and _ . : / = + - @ (it becomes a tag value)');
    }
  }

  v.check(props.model !== undefined, 'model', props.model, 'ModelSource.fromArtifact(...) or ModelSource.fromModelPackage(...)');
  props.model?._validate(v, 'model');

  v.checkPattern('endpointName', props.endpointName, ENDPOINT_NAME,
    '1 to 63 letters, digits and hyphens, starting and ending with a letter or digit');
  const variantName = props.variantName ?? 'primary';
  v.checkPattern('variantName', variantName, VARIANT_NAME, '1 to 63 letters, digits and hyphens, starting with a letter or digit');

  const instanceType = props.instanceType ?? 'ml.m5.large';
  v.checkPattern('instanceType', instanceType, INSTANCE_TYPE, "a SageMaker instance type 'ml.<family>.<size>', e.g. 'ml.m5.large'");

  const minInstances = minimumInstanceCount(tier);
  const instanceCount = props.initialInstanceCount ?? minInstances;
  if (!Token.isUnresolved(instanceCount)) {
    v.check(Number.isInteger(instanceCount) && instanceCount >= minInstances, 'initialInstanceCount', instanceCount,
      `a whole number >= ${minInstances} for ${tier} tier` + (minInstances > 1 ? ' (two or more instances keep the endpoint up through an Availability Zone failure)' : ''));
  }

  const samplingPercentage = props.dataCapture?.samplingPercentage ?? defaultSamplingPercentage(tier);
  const minSampling = minimumSamplingPercentage(tier);
  if (!Token.isUnresolved(samplingPercentage)) {
    v.check(Number.isInteger(samplingPercentage) && samplingPercentage >= minSampling && samplingPercentage <= 100,
      'dataCapture.samplingPercentage', samplingPercentage,
      minSampling === 100 ? `100 for ${tier} tier (every request is captured)` : `a whole number from ${minSampling} to 100`);
  }

  const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
  if (!Token.isUnresolved(retention)) {
    v.check(retention === logs.RetentionDays.INFINITE || retention >= MINIMUM_LOG_RETENTION_DAYS, 'logRetention', retention,
      `at least ${MINIMUM_LOG_RETENTION_DAYS} days (logs.RetentionDays.SIX_MONTHS or longer)`);
  }

  if (props.vpc === undefined) {
    v.check(props.vpcSubnets === undefined, 'vpcSubnets', 'set', 'only together with vpc');
    v.check(props.securityGroups === undefined, 'securityGroups', 'set', 'only together with vpc');
  }
  if (tier === RiskTier.HIGH && props.model?.modelPackageArn) {
    v.check(props.approvalGate !== false, 'approvalGate', props.approvalGate,
      'true (or unset) for HIGH tier: a registry model is deployed only once its package is Approved');
  }
  if (tier === RiskTier.HIGH && props.foundation && !props.evidenceBucket) {
    v.check(props.foundation.evidenceStore.objectLockEnabled, 'foundation', 'a foundation with objectLock: false',
      'a foundation with Object Lock on for HIGH tier (evidence must not be deletable)');
  }
  v.throwIfInvalid();
  return { tier, instanceType, instanceCount, samplingPercentage, retention, variantName };
}
