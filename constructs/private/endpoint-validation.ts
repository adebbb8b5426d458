import { Duration, Names, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DeploymentPolicy } from '../deployment-policy';
import type { AlarmTimingOptions, EndpointAlarmsOptions } from '../endpoint-alarms';
import { EndpointAutoScaling } from '../endpoint-autoscaling';
import type { GovernedEndpointProps } from '../governed-endpoint-props';
import { KillSwitch } from '../kill-switch';
import {
  defaultSamplingPercentage, MINIMUM_LOG_RETENTION_DAYS, minimumInstanceCount, minimumSamplingPercentage, RiskTier,
} from '../../lib/policy/governance';
import { isProductionVariantInstanceType, suggestInstanceType } from '../../lib/policy/instance-types';
import {
  ALARM_WINDOW, AWS_LIMIT_SOURCES, INSTANCE_COUNT, maxEvaluationPeriods, PRODUCTION_VARIANT_INSTANCE_TYPES, SAGEMAKER_NAME, SAGEMAKER_VPC,
} from '../../lib/policy/aws-limits';
import { amountIn, checkGovernance, durationReceived, PropsValidator, UniqueNames } from './validation';

export { MINIMUM_LOG_RETENTION_DAYS } from '../../lib/policy/governance';

const SAGEMAKER_NAME_ALLOWED = '1 to 63 letters, digits and hyphens, starting and ending with a letter or digit';

/** The kind of name `UniqueNames` keeps for endpoints: SageMaker endpoint names, unique per account and region in any case. */
const ENDPOINT_NAMES = 'sagemaker-endpoint';

/** The values a {@link GovernedEndpoint}'s resources are built with, as validation computed them from its props. */
export interface EndpointSettings {
  readonly endpointName: string;
  readonly tier: RiskTier;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly samplingPercentage: number;
  readonly retention: logs.RetentionDays;
  readonly variantName: string;
  readonly deployment: DeploymentPolicy;
}

/**
 * Check every prop of a `GovernedEndpoint`, its own and those of the parts it creates (`alarms`, `deployment`,
 * `autoScaling`, `killSwitch`), and throw one error listing every problem, naming the prop, the value received
 * and what is allowed, before any resource exists. Unresolved tokens are skipped. A part's check that depends on
 * an invalid prop of the endpoint (tier, instance type or count, name) is skipped: that prop is reported already.
 */
export function validateEndpointProps(scope: Construct, props: GovernedEndpointProps): EndpointSettings {
  const v = new PropsValidator(scope, 'GovernedEndpoint');
  const validTier = checkGovernance(v, 'governance', props.governance);
  const tier = validTier ?? RiskTier.HIGH;

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

  const minInstances = minimumInstanceCount(tier);
  const instanceCount = props.initialInstanceCount ?? minInstances;
  let instanceCountOk = true;
  if (!Token.isUnresolved(instanceCount)) {
    instanceCountOk = v.check(Number.isInteger(instanceCount) && instanceCount >= minInstances && instanceCount <= INSTANCE_COUNT.max, 'initialInstanceCount', instanceCount,
      `a whole number from ${minInstances} to ${INSTANCE_COUNT.max} for ${tier} tier` +
      (minInstances > 1 ? ' (two or more instances keep the endpoint up through an Availability Zone failure)' : ''));
  }

  const samplingPercentage = props.dataCapture?.samplingPercentage ?? defaultSamplingPercentage(tier);
  const minSampling = minimumSamplingPercentage(tier);
  if (!Token.isUnresolved(samplingPercentage)) {
    v.check(Number.isInteger(samplingPercentage) && samplingPercentage >= minSampling && samplingPercentage <= 100,
      'dataCapture.samplingPercentage', samplingPercentage,
      minSampling === 100 ? `100 for ${tier} tier (every request is captured)` : `a whole number from ${minSampling} to 100`);
  }

  const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
  v.checkLogRetention('logRetention', retention, MINIMUM_LOG_RETENTION_DAYS);

  checkNetwork(v, props);
  if (tier === RiskTier.HIGH && props.model?.modelPackageArn) {
    v.check(props.approvalGate !== false, 'approvalGate', props.approvalGate,
      'true (or unset) for HIGH tier: a registry model is deployed only once its package is Approved');
  }
  // An opt-out the nag packs flag needs the reason the endpoint records as the acknowledgement of their finding; a reason needs its opt-out.
  const gateOff = props.approvalGate === false && props.model?.modelPackageArn !== undefined;
  for (const [prop, reason, optedOut, needsReason, optOut, rule] of [
    ['networkIsolationRiskAcceptance', props.networkIsolationRiskAcceptance, props.networkIsolation === false, true, 'networkIsolation: false', 'ModelNetworkIsolation'],
    ['approvalGateRiskAcceptance', props.approvalGateRiskAcceptance, gateOff, tier !== RiskTier.HIGH, 'approvalGate: false for a model from ModelSource.fromModelPackage', 'ModelApprovalGate'],
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
  if (tier === RiskTier.HIGH && props.foundation && !props.evidenceBucket) {
    v.check(props.foundation.evidenceStore.objectLockEnabled, 'foundation', 'a foundation with objectLock: false',
      'a foundation with Object Lock on for HIGH tier (evidence must not be deletable)');
  }

  // The parts the endpoint creates, checked now with the same validator: one error lists every problem.
  const endpointName = props.endpointName ?? Names.uniqueResourceName(scope, { maxLength: SAGEMAKER_NAME.maxLength, separator: '-' });
  const known = {
    tier: validTier,
    instanceType: instanceTypeOk ? instanceType : undefined,
    instanceCount: instanceCountOk ? instanceCount : undefined,
  };
  checkAlarmsOptions(v, 'alarms', props.alarms);
  const deployment = props.deployment ?? (known.tier ? DeploymentPolicy.defaultFor(known.tier) : undefined);
  deployment?._validate(v, { ...known, variantCount: 1, serverless: false, rollbackAlarmCount: rollbackAlarmCount(props.alarms) });
  if (props.autoScaling) {
    EndpointAutoScaling._checkOptions(v, 'autoScaling', props.autoScaling, { instanceType: known.instanceType, initialInstanceCount: known.instanceCount, riskTier: known.tier });
  }
  const key = Token.isUnresolved(endpointName) ? undefined : endpointName.toLowerCase();
  const taken = key === undefined ? undefined : UniqueNames.holder(ENDPOINT_NAMES, scope, key, scope.node.path);
  v.check(taken === undefined, 'endpointName', endpointName,
    'a name no other GovernedEndpoint of this app uses where it may deploy to the same account and region ' +
    `(SageMaker endpoint names are unique per account and region, in any case; '${taken}' has it)`);
  KillSwitch._checkOptions(v, 'killSwitch', props.killSwitch ?? {}, endpointNameOk && taken === undefined ? endpointName : undefined, scope,
    { path: `${scope.node.path}/KillSwitch`, taggedOnEndpoint: true });
  v.throwIfInvalid();
  if (key !== undefined) {
    UniqueNames.claim(ENDPOINT_NAMES, scope, key, scope.node.path);
  }
  return { endpointName, tier, instanceType, instanceCount, samplingPercentage, retention, variantName, deployment: deployment! };
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

/** When an alarm looks and how many bad periods it needs, once validated. */
export interface AlarmTiming {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The alarms' settings, defaults applied; a timing is undefined when its alarm is turned off. */
export interface AlarmSettings {
  readonly timings: {
    readonly serverErrorRate?: AlarmTiming;
    readonly clientErrorRate?: AlarmTiming;
    readonly modelLatency?: AlarmTiming;
    readonly modelErrors?: AlarmTiming;
    readonly cpuUtilization?: AlarmTiming;
    readonly memoryUtilization?: AlarmTiming;
    readonly diskUtilization?: AlarmTiming;
    readonly zeroTraffic?: AlarmTiming;
  };
  readonly serverRate: number;
  readonly clientRate: number;
  readonly serverMin: number;
  readonly clientMin: number;
  readonly latency: Duration;
  /** The latency threshold in microseconds, as SageMaker reports latency. */
  readonly latencyMicros: number;
  readonly modelErrors: number;
  readonly cpu: number;
  readonly memory: number;
  readonly disk: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Check the options of `EndpointAlarms` (prop names under `prefix`), recording problems in `v`; returns the settings. */
export function checkAlarmsOptions(v: PropsValidator, prefix: string, options: EndpointAlarmsOptions = {}): AlarmSettings {
  const timings = {
    serverErrorRate: timing(v, `${prefix}.serverErrorRate`, options.serverErrorRate, 1, 5, 3),
    clientErrorRate: timing(v, `${prefix}.clientErrorRate`, options.clientErrorRate, 1, 5, 3),
    modelLatency: timing(v, `${prefix}.modelLatency`, options.modelLatency, 1, 5, 3),
    modelErrors: timing(v, `${prefix}.modelErrors`, options.modelErrors, 1, 5, 3),
    cpuUtilization: timing(v, `${prefix}.cpuUtilization`, options.cpuUtilization, 1, 5, 3),
    memoryUtilization: timing(v, `${prefix}.memoryUtilization`, options.memoryUtilization, 1, 5, 3),
    diskUtilization: timing(v, `${prefix}.diskUtilization`, options.diskUtilization, 1, 5, 3),
    zeroTraffic: timing(v, `${prefix}.zeroTraffic`, options.zeroTraffic, 5, 3, 3),
  };
  const serverRate = options.serverErrorRate?.threshold ?? 0.01;
  const clientRate = options.clientErrorRate?.threshold ?? 0.05;
  v.checkRange(`${prefix}.serverErrorRate.threshold`, serverRate, 0, 1, '(a fraction: 0.01 is 1%)');
  v.checkRange(`${prefix}.clientErrorRate.threshold`, clientRate, 0, 1, '(a fraction: 0.05 is 5%)');
  const serverMin = options.serverErrorRate?.minimumInvocations ?? 10;
  const clientMin = options.clientErrorRate?.minimumInvocations ?? 10;
  v.checkInteger(`${prefix}.serverErrorRate.minimumInvocations`, serverMin, 1, Number.MAX_SAFE_INTEGER);
  v.checkInteger(`${prefix}.clientErrorRate.minimumInvocations`, clientMin, 1, Number.MAX_SAFE_INTEGER);
  const latency = options.modelLatency?.threshold ?? Duration.seconds(1);
  const latencyMicros = Token.isUnresolved(latency.toMilliseconds({ integral: false }))
    ? latency.toMilliseconds({ integral: false })
    : latency.toMilliseconds({ integral: false }) * 1000;
  v.check(Token.isUnresolved(latencyMicros) || latencyMicros > 0, `${prefix}.modelLatency.threshold`, latency.toHumanString(),
    'a Duration greater than 0, e.g. Duration.millis(500)');
  const modelErrors = options.modelErrors?.threshold ?? 5;
  v.checkRange(`${prefix}.modelErrors.threshold`, modelErrors, 0, Number.MAX_SAFE_INTEGER, 'errors per period (not negative)');
  const cpu = options.cpuUtilization?.threshold ?? 90;
  const memory = options.memoryUtilization?.threshold ?? 90;
  const disk = options.diskUtilization?.threshold ?? 80;
  v.checkRange(`${prefix}.cpuUtilization.threshold`, cpu, 1, 100, 'percent');
  v.checkRange(`${prefix}.memoryUtilization.threshold`, memory, 1, 100, 'percent');
  v.checkRange(`${prefix}.diskUtilization.threshold`, disk, 1, 100, 'percent');
  for (const [i, email] of (options.emailSubscriptions ?? []).entries()) {
    v.checkPattern(`${prefix}.emailSubscriptions[${i}]`, email, EMAIL, 'an e-mail address, e.g. "fraud-ml-oncall@example.com"');
  }
  return { timings, serverRate, clientRate, serverMin, clientMin, latency, latencyMicros, modelErrors, cpu, memory, disk };
}

/**
 * How many of the alarms that roll a deployment back (5xx rate, 4xx rate, model latency, model errors: those of
 * `EndpointAlarms.rollbackAlarms`) the options leave on, known before the alarms exist.
 */
export function rollbackAlarmCount(options: EndpointAlarmsOptions = {}): number {
  return [options.serverErrorRate, options.clientErrorRate, options.modelLatency, options.modelErrors].filter((o) => o?.enabled !== false).length;
}

/**
 * Validate an alarm's timing against CloudWatch's limits (PutMetricAlarm): the period is a whole number of minutes
 * (CloudWatch also takes 10, 20 and 30 seconds, but SageMaker publishes endpoint metrics once a minute, so a shorter
 * period only finds missing data), and `period x evaluationPeriods` is at most one day for periods under an hour,
 * seven days otherwise. Undefined when the alarm is turned off.
 */
function timing(v: PropsValidator, prop: string, o: AlarmTimingOptions | undefined, minutes: number, evaluations: number, datapoints: number): AlarmTiming | undefined {
  if (o?.enabled === false) {
    return undefined;
  }
  const period = o?.period ?? Duration.minutes(minutes);
  const seconds = amountIn(period, 'seconds');
  const evaluationPeriods = o?.evaluationPeriods ?? evaluations;
  const datapointsToAlarm = o?.datapointsToAlarm ?? Math.min(datapoints, evaluationPeriods);
  let periodOk = true;
  if (seconds !== undefined) {
    periodOk = v.check(Number.isInteger(seconds) && seconds >= ALARM_WINDOW.periodMultipleSeconds && seconds % ALARM_WINDOW.periodMultipleSeconds === 0
      && seconds <= ALARM_WINDOW.maxWindowSeconds, `${prop}.period`, durationReceived(period, 'seconds'),
    'a whole number of minutes from Duration.minutes(1) to Duration.days(7) (SageMaker publishes endpoint metrics every minute; ' +
      'CloudWatch takes periods of whole minutes up to a 7-day window)');
  }
  const maxEvaluations = seconds !== undefined && periodOk ? maxEvaluationPeriods(seconds) : undefined;
  if (maxEvaluations !== undefined) {
    const window = seconds! < ALARM_WINDOW.shortPeriodBelowSeconds ? 'one day for periods under an hour' : 'seven days';
    v.checkInteger(`${prop}.evaluationPeriods`, evaluationPeriods, 1, maxEvaluations,
      ` for a period of ${durationReceived(period, 'seconds')} (CloudWatch: period x evaluationPeriods is at most ${window})`);
  } else {
    v.checkInteger(`${prop}.evaluationPeriods`, evaluationPeriods, 1, Math.floor(ALARM_WINDOW.maxWindowSeconds / ALARM_WINDOW.periodMultipleSeconds));
  }
  const evaluationsOk = Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1;
  v.checkInteger(`${prop}.datapointsToAlarm`, datapointsToAlarm, 1, evaluationsOk ? evaluationPeriods : 1, evaluationsOk ? ' (at most evaluationPeriods)' : '');
  return { period, evaluationPeriods, datapointsToAlarm };
}
