// Internal: resolves a GovernedEndpoint's props, its own and its parts', into the settings its resources are built with.
import { Names, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DeploymentPolicy, ResolvedDeployment } from '../deployment-policy';
import { EndpointAlarms, ResolvedAlarms } from '../endpoint-alarms';
import { EndpointAutoScaling, ResolvedAutoScaling } from '../endpoint-autoscaling';
import type { GovernedEndpointProps } from '../governed-endpoint-props';
import { KillSwitch, ResolvedKillSwitch } from '../kill-switch';
import { EndpointMonitoring } from '../endpoint-monitoring';
import type { MonitoringDecision } from './monitoring-settings';
import { RiskTier, tierFloors } from '../../lib/policy/governance';
import { isProductionVariantInstanceType, suggestInstanceType } from '../../lib/policy/instance-types';
import { AWS_LIMIT_SOURCES, INSTANCE_COUNT, PRODUCTION_VARIANT_INSTANCE_TYPES, SAGEMAKER_NAME, SAGEMAKER_VPC } from '../../lib/policy/aws-limits';
import { checkGovernance, PropsValidator, UniqueNames } from './validation';

const SAGEMAKER_NAME_ALLOWED = '1 to 63 letters, digits and hyphens, starting and ending with a letter or digit';

/** The kind of name `UniqueNames` keeps for endpoints: SageMaker endpoint names, unique per account and region in any case. */
const ENDPOINT_NAMES = 'sagemaker-endpoint';

/** The values a `GovernedEndpoint`'s resources and parts are built with, resolved from its props. */
export interface EndpointSettings {
  readonly endpointName: string;
  readonly tier: RiskTier;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly samplingPercentage: number;
  readonly retention: logs.RetentionDays;
  readonly variantName: string;
  readonly deployment: DeploymentPolicy;
  readonly deploymentSettings: ResolvedDeployment;
  readonly alarms: ResolvedAlarms;
  readonly autoScaling?: ResolvedAutoScaling;
  readonly killSwitch: ResolvedKillSwitch;
  readonly monitoring: MonitoringDecision;
  readonly reviewEveryDays: number;
}

/**
 * Resolve every prop of a `GovernedEndpoint`, its own and, through each part's own `_resolve`, those of the parts it
 * creates (`model`, `alarms`, `deployment`, `autoScaling`, `killSwitch`), and throw one error listing every problem,
 * naming the prop, the value received and what is allowed, before any resource exists. Unresolved tokens are skipped.
 * A part's check that depends on an invalid prop of the endpoint (tier, instance type or count, name) is skipped:
 * that prop is reported already. The tier's floors come from `lib/policy`'s tier table.
 */
export function resolveEndpointProps(scope: Construct, props: GovernedEndpointProps): EndpointSettings {
  const v = new PropsValidator(scope, 'GovernedEndpoint');
  const validTier = checkGovernance(v, 'governance', props.governance);
  const tier = validTier ?? RiskTier.HIGH;
  const floors = tierFloors(tier);

  v.check(props.model !== undefined, 'model', props.model, 'ModelSource.fromArtifact(...) or ModelSource.fromModelPackage(...)');
  props.model?._validate(v, 'model');

  const endpointNameOk = v.checkName('endpointName', props.endpointName, SAGEMAKER_NAME.maxLength, SAGEMAKER_NAME.pattern, SAGEMAKER_NAME_ALLOWED);
  const variantName = props.variantName ?? 'primary';
  v.checkName('variantName', variantName, SAGEMAKER_NAME.maxLength, SAGEMAKER_NAME.pattern, SAGEMAKER_NAME_ALLOWED);

  const instanceType = props.instanceType ?? 'ml.m5.large';
  let instanceTypeOk = true;
  if (!Token.isUnresolved(instanceType)) {
    const suggestion = typeof instanceType === 'string' ? suggestInstanceType(instanceType) : undefined;
    instanceTypeOk = v.check(isProductionVariantInstanceType(instanceType), 'instanceType', instanceType,
      `a SageMaker instance type, one of the ${PRODUCTION_VARIANT_INSTANCE_TYPES.length} values of ${AWS_LIMIT_SOURCES.instanceType}, ` +
      `e.g. 'ml.m5.large', 'ml.g5.xlarge' or 'ml.p6-b200.48xlarge'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
  }

  const minInstances = floors.minimumInstanceCount;
  const instanceCount = props.initialInstanceCount ?? floors.defaultInstanceCount;
  let instanceCountOk = true;
  if (!Token.isUnresolved(instanceCount)) {
    instanceCountOk = v.check(Number.isInteger(instanceCount) && instanceCount >= minInstances && instanceCount <= INSTANCE_COUNT.max, 'initialInstanceCount', instanceCount,
      `a whole number from ${minInstances} to ${INSTANCE_COUNT.max} for ${tier} tier` +
      (minInstances > 1 ? ' (two or more instances keep the endpoint up through an Availability Zone failure)' : ''));
  }

  const samplingPercentage = resolveSampling(v, props, tier);
  const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
  v.checkLogRetention('logRetention', retention, floors.minimumLogRetentionDays);

  checkNetwork(v, props);
  checkOptOuts(v, props, tier);

  // The parts the endpoint creates, each resolving its own options with the same validator: one error lists every problem.
  const endpointName = props.endpointName ?? Names.uniqueResourceName(scope, { maxLength: SAGEMAKER_NAME.maxLength, separator: '-' });
  const known = {
    tier: validTier,
    instanceType: instanceTypeOk ? instanceType : undefined,
    instanceCount: instanceCountOk ? instanceCount : undefined,
  };
  const alarms = EndpointAlarms._resolve(v, 'alarms', props.alarms);
  // Without a valid tier there is no default policy to judge (the tier is reported); a policy the user gave is judged.
  const deployment = props.deployment ?? (known.tier ? DeploymentPolicy.defaultFor(known.tier) : undefined);
  const deploymentSettings = deployment?._resolve(v, 'deployment', { ...known, variantCount: 1, serverless: false, rollbackAlarmCount: alarms.rollbackAlarmCount });
  const autoScaling = props.autoScaling
    ? EndpointAutoScaling._resolve(v, 'autoScaling', props.autoScaling, { instanceType: known.instanceType, initialInstanceCount: known.instanceCount, riskTier: known.tier })
    : undefined;
  const key = Token.isUnresolved(endpointName) ? undefined : endpointName.toLowerCase();
  const taken = key === undefined ? undefined : UniqueNames.holder(ENDPOINT_NAMES, scope, key, scope.node.path);
  v.check(taken === undefined, 'endpointName', endpointName,
    'a name no other GovernedEndpoint of this app uses where it may deploy to the same account and region ' +
    `(SageMaker endpoint names are unique per account and region, in any case; '${taken}' has it)`);
  const killSwitch = KillSwitch._resolve(v, 'killSwitch', props.killSwitch ?? {}, {
    endpointName: endpointNameOk && taken === undefined ? endpointName : undefined, scope, path: `${scope.node.path}/KillSwitch`, taggedOnEndpoint: true,
  });
  const monitoring = EndpointMonitoring._resolve(v, 'monitoring', props.monitoring, {
    endpointName: endpointNameOk && taken === undefined ? endpointName : undefined, tier: known.tier, samplingPercentage,
  });
  const reviewEveryDays = EndpointMonitoring._resolveReviewEvery(v, 'governance', props.governance, known.tier);
  v.throwIfInvalid();
  if (key !== undefined) {
    UniqueNames.claim(ENDPOINT_NAMES, scope, key, scope.node.path);
  }
  // Past the throw, the tier is valid, so the deployment policy and its settings exist.
  return {
    endpointName, tier, instanceType, instanceCount, samplingPercentage, retention, variantName,
    deployment: deployment!, deploymentSettings: deploymentSettings!, alarms, autoScaling, killSwitch, monitoring, reviewEveryDays,
  };
}

/**
 * The data-capture sampling percentage: `captureSamplingPercentage`, or its deprecated spelling
 * `dataCapture.samplingPercentage` (both only when they agree), from the tier's floor to 100; the tier's default
 * when neither is set. A problem names the prop the user wrote.
 */
function resolveSampling(v: PropsValidator, props: GovernedEndpointProps, tier: RiskTier): number {
  const flat = props.captureSamplingPercentage;
  const nested = props.dataCapture?.samplingPercentage;
  if (flat !== undefined && nested !== undefined && !Token.isUnresolved(flat) && !Token.isUnresolved(nested)) {
    v.check(flat === nested, 'dataCapture.samplingPercentage', nested,
      `unset, or the value of captureSamplingPercentage (${flat}): dataCapture.samplingPercentage is its deprecated spelling`);
  }
  const prop = flat !== undefined || nested === undefined ? 'captureSamplingPercentage' : 'dataCapture.samplingPercentage';
  const { minimumSamplingPercentage: min, defaultSamplingPercentage } = tierFloors(tier);
  const sampling = flat ?? nested ?? defaultSamplingPercentage;
  if (!Token.isUnresolved(sampling)) {
    v.check(Number.isInteger(sampling) && sampling >= min && sampling <= 100, prop, sampling,
      min === 100 ? `100 for ${tier} tier (every request is captured)` : `a whole number from ${min} to 100`);
  }
  return sampling;
}

/**
 * The opt-outs of the tier's floors: the approval gate a tier requires cannot be turned off; an opt-out the nag packs
 * flag needs the reason the endpoint records as the acknowledgement of their finding, and a reason needs its opt-out;
 * the evidence of a tier that requires Object Lock goes to a foundation with Object Lock on.
 */
function checkOptOuts(v: PropsValidator, props: GovernedEndpointProps, tier: RiskTier): void {
  const floors = tierFloors(tier);
  if (floors.approvalGateRequired && props.model?.modelPackageArn) {
    v.check(props.approvalGate !== false, 'approvalGate', props.approvalGate,
      `true (or unset) for ${tier} tier: a registry model is deployed only once its package is Approved`);
  }
  const gateOff = props.approvalGate === false && props.model?.modelPackageArn !== undefined;
  for (const [prop, reason, optedOut, needsReason, optOut, rule] of [
    ['networkIsolationRiskAcceptance', props.networkIsolationRiskAcceptance, props.networkIsolation === false, true, 'networkIsolation: false', 'ModelNetworkIsolation'],
    ['approvalGateRiskAcceptance', props.approvalGateRiskAcceptance, gateOff, !floors.approvalGateRequired, 'approvalGate: false for a model from ModelSource.fromModelPackage', 'ModelApprovalGate'],
  ] as const) {
    if (typeof reason === 'string' && Token.isUnresolved(reason)) {
      continue;
    }
    if (optedOut && needsReason) {
      v.check(typeof reason === 'string' && reason.trim().length > 0, prop, reason,
        `a non-empty reason why ${optOut} is acceptable (recorded as the acknowledgement of AiGovernance-${rule})`);
    } else if (!optedOut) {
      v.check(reason === undefined, prop, reason, `only together with ${optOut}`);
    }
  }
  if (floors.objectLockRequired && props.foundation && !props.evidenceBucket) {
    v.check(props.foundation.objectLockEnabled, 'foundation', 'a foundation with objectLock: false',
      `a foundation with Object Lock on for ${tier} tier (evidence must not be deletable)`);
  }
}

/**
 * The VPC props: subnets and security groups only with a VPC, and a subnet selection the VPC can satisfy with 1 to 16
 * subnets (SageMaker `VpcConfig`), checked here so that a VPC without the subnets fails before any resource exists.
 */
function checkNetwork(v: PropsValidator, props: GovernedEndpointProps): void {
  if (props.vpc === undefined) {
    v.check(props.vpcSubnets === undefined, 'vpcSubnets', 'set', 'only together with vpc');
    v.check(props.securityGroups === undefined, 'securityGroups', 'set', 'only together with vpc');
    return;
  }
  const prop = props.vpcSubnets ? 'vpcSubnets' : 'vpc';
  const received = props.vpcSubnets
    ? `${describeSelection(props.vpcSubnets)} of VPC ${props.vpc.node.path}`
    : `VPC ${props.vpc.node.path} with the default vpcSubnets (its private subnets with egress)`;
  let subnetIds: string[] | undefined;
  try {
    subnetIds = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
  } catch (e) {
    v.check(false, prop, received, props.vpcSubnets
      ? `a selection of subnets the VPC has (${firstLine(e)})`
      : `a VPC with private subnets with egress for the model, or vpcSubnets selecting subnets it has (${firstLine(e)})`);
  }
  if (subnetIds !== undefined && !Token.isUnresolved(subnetIds)) {
    v.check(subnetIds.length >= SAGEMAKER_VPC.minSubnets && subnetIds.length <= SAGEMAKER_VPC.maxSubnets, prop, `${received}: ${subnetIds.length} subnets`,
      `${SAGEMAKER_VPC.minSubnets} to ${SAGEMAKER_VPC.maxSubnets} subnets (SageMaker VpcConfig.Subnets)`);
  }
  const groups = props.securityGroups;
  if (groups !== undefined && !Token.isUnresolved(groups)) {
    v.check(groups.length >= SAGEMAKER_VPC.minSecurityGroups && groups.length <= SAGEMAKER_VPC.maxSecurityGroups, 'securityGroups', `${groups.length} security groups`,
      `${SAGEMAKER_VPC.minSecurityGroups} to ${SAGEMAKER_VPC.maxSecurityGroups} security groups (SageMaker VpcConfig.SecurityGroupIds)`);
  }
}

/** A subnet selection in words, e.g. `subnetType PRIVATE_ISOLATED`. */
function describeSelection(s: ec2.SubnetSelection): string {
  const parts = [
    s.subnetType !== undefined ? `subnetType ${s.subnetType}` : undefined,
    s.subnetGroupName !== undefined ? `subnetGroupName "${s.subnetGroupName}"` : undefined,
    s.availabilityZones !== undefined ? `availabilityZones ${s.availabilityZones.join(', ')}` : undefined,
    s.subnets !== undefined ? `${s.subnets.length} subnets` : undefined,
    s.subnetFilters !== undefined ? `${s.subnetFilters.length} subnet filters` : undefined,
    s.onePerAz ? 'onePerAz' : undefined,
  ].filter((p) => p !== undefined);
  return `the selection { ${parts.join(', ') || 'empty'} }`;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
