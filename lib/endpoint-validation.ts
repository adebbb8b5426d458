import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { DeploymentPolicy } from '../constructs/deployment-policy';
import type { AlarmTimingOptions, EndpointAlarmsOptions } from '../constructs/endpoint-alarms';
import type { AutoScalingOptions } from '../constructs/endpoint-autoscaling';
import type { GovernedEndpointProps } from '../constructs/governed-endpoint-props';
import type { KillSwitchOptions } from '../constructs/kill-switch';
import {
  defaultSamplingPercentage, GovernanceProps, minimumInstanceCount, minimumSamplingPercentage, RiskTier, TAG_VALUE_PATTERN,
} from './governance';
import { instanceFamily } from './instance-types';
import { defaultKillSwitchParameterName } from './kill-switch-protocol';
import { PropsValidator } from './validation';

/** Log retention below this many days is rejected (EU AI Act Art. 19 / 26(6): at least six months). */
export const MINIMUM_LOG_RETENTION_DAYS = 180;

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const VARIANT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

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

/** Endpoint names already used per stack and the construct using each, compared case-insensitively (SageMaker lower-cases them in endpoint ARNs). */
const endpointNamesByStack = new WeakMap<Stack, Map<string, string>>();
function endpointNamesOf(stack: Stack): Map<string, string> {
  let names = endpointNamesByStack.get(stack);
  if (!names) {
    names = new Map();
    endpointNamesByStack.set(stack, names);
  }
  return names;
}

/**
 * Check every prop of a `GovernedEndpoint`, its own and those of the parts it creates (`alarms`, `deployment`,
 * `autoScaling`, `killSwitch`), and throw one error listing every problem, naming the prop, the value received
 * and what is allowed, before any resource exists. Unresolved tokens are skipped. A part's check that depends on
 * an invalid prop of the endpoint (tier, instance type or count, name) is skipped: that prop is reported already.
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

  const endpointNameOk = v.checkPattern('endpointName', props.endpointName, ENDPOINT_NAME,
    '1 to 63 letters, digits and hyphens, starting and ending with a letter or digit');
  const variantName = props.variantName ?? 'primary';
  v.checkPattern('variantName', variantName, VARIANT_NAME, '1 to 63 letters, digits and hyphens, starting with a letter or digit');

  const instanceType = props.instanceType ?? 'ml.m5.large';
  const instanceTypeOk = v.checkPattern('instanceType', instanceType, INSTANCE_TYPE, "a SageMaker instance type 'ml.<family>.<size>', e.g. 'ml.m5.large'");

  const minInstances = minimumInstanceCount(tier);
  const instanceCount = props.initialInstanceCount ?? minInstances;
  let instanceCountOk = true;
  if (!Token.isUnresolved(instanceCount)) {
    instanceCountOk = v.check(Number.isInteger(instanceCount) && instanceCount >= minInstances, 'initialInstanceCount', instanceCount,
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

  // The parts the endpoint creates, checked now with the same validator: one error lists every problem.
  const endpointName = props.endpointName ?? Names.uniqueResourceName(scope, { maxLength: 63, separator: '-' });
  const known = {
    tier: tierOk ? tier : undefined,
    instanceType: instanceTypeOk ? instanceType : undefined,
    instanceCount: instanceCountOk ? instanceCount : undefined,
  };
  checkAlarmsOptions(v, 'alarms', props.alarms);
  const deployment = props.deployment ?? (known.tier ? DeploymentPolicy.defaultFor(known.tier) : undefined);
  deployment?._validate(v, { ...known, variantCount: 1, serverless: false, rollbackAlarmCount: rollbackAlarmCount(props.alarms) });
  if (props.autoScaling) {
    checkAutoScalingOptions(v, 'autoScaling', props.autoScaling, { instanceType: known.instanceType, initialInstanceCount: known.instanceCount, riskTier: known.tier });
  }
  checkKillSwitchOptions(v, 'killSwitch', props.killSwitch ?? {}, endpointNameOk ? endpointName : undefined, scope);
  const names = endpointNamesOf(Stack.of(scope));
  const key = Token.isUnresolved(endpointName) ? undefined : endpointName.toLowerCase();
  const taken = key === undefined ? undefined : names.get(key);
  v.check(taken === undefined, 'endpointName', endpointName,
    `a name no other GovernedEndpoint in this stack uses (SageMaker endpoint names are unique per account and region; '${taken}' has it)`);
  v.throwIfInvalid();
  if (key !== undefined) {
    names.set(key, scope.node.path);
  }
  return { endpointName, tier, instanceType, instanceCount, samplingPercentage, retention, variantName, deployment: deployment! };
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

/** Validate an alarm's timing; undefined when the alarm is turned off. */
function timing(v: PropsValidator, prop: string, o: AlarmTimingOptions | undefined, minutes: number, evaluations: number, datapoints: number): AlarmTiming | undefined {
  if (o?.enabled === false) {
    return undefined;
  }
  const period = o?.period ?? Duration.minutes(minutes);
  const seconds = period.toSeconds({ integral: false });
  const evaluationPeriods = o?.evaluationPeriods ?? evaluations;
  const datapointsToAlarm = o?.datapointsToAlarm ?? Math.min(datapoints, evaluationPeriods);
  if (!Token.isUnresolved(seconds)) {
    v.check(seconds >= 60 && seconds % 60 === 0, `${prop}.period`, period.toHumanString(),
      'a whole number of minutes, at least Duration.minutes(1) (SageMaker publishes endpoint metrics every minute)');
  }
  v.checkInteger(`${prop}.evaluationPeriods`, evaluationPeriods, 1, Math.max(1, Math.floor(86400 / Math.max(seconds, 60))));
  v.checkInteger(`${prop}.datapointsToAlarm`, datapointsToAlarm, 1, Number.isInteger(evaluationPeriods) ? Math.max(1, evaluationPeriods) : 1);
  return { period, evaluationPeriods, datapointsToAlarm };
}

/** What autoscaling knows of its endpoint; a value is undefined when it is invalid, and the checks that need it are skipped. */
export interface AutoScalingTarget {
  readonly instanceType?: string;
  readonly initialInstanceCount?: number;
  readonly riskTier?: RiskTier;
}

/** Check the options of `EndpointAutoScaling` (prop names under `prefix`), recording problems in `v`; returns the cooldowns in seconds. */
export function checkAutoScalingOptions(v: PropsValidator, prefix: string, options: AutoScalingOptions, target: AutoScalingTarget):
{ readonly scaleInCooldown: number; readonly scaleOutCooldown: number } {
  const floor = target.riskTier ? minimumInstanceCount(target.riskTier) : 1;
  const min = options.minCapacity ?? target.initialInstanceCount;
  const max = options.maxCapacity;
  if (target.instanceType !== undefined) {
    const family = instanceFamily(target.instanceType);
    v.check(family === undefined || !family.startsWith('t'), 'instanceType', target.instanceType,
      `a non-burstable instance type when ${prefix} is set: SageMaker cannot autoscale burstable (ml.t*) instances; use e.g. ml.m5.large or ml.c5.large`);
  }
  v.checkInteger(`${prefix}.minCapacity`, min, floor, Number.MAX_SAFE_INTEGER);
  if (min !== undefined && !Token.isUnresolved(min) && Number.isInteger(min) && min >= floor) {
    v.checkInteger(`${prefix}.maxCapacity`, max, min, Number.MAX_SAFE_INTEGER);
  } else {
    v.checkInteger(`${prefix}.maxCapacity`, max, Math.max(floor, 1), Number.MAX_SAFE_INTEGER);
  }
  const initial = target.initialInstanceCount;
  if (min !== undefined && initial !== undefined && ![min, max, initial].some((n) => Token.isUnresolved(n))) {
    v.check(initial >= min && initial <= max, 'initialInstanceCount', initial,
      `a count within ${prefix}.minCapacity (${min}) and ${prefix}.maxCapacity (${max})`);
  }
  if (!Token.isUnresolved(options.targetInvocationsPerInstance)) {
    v.check(Number.isFinite(options.targetInvocationsPerInstance) && options.targetInvocationsPerInstance > 0,
      `${prefix}.targetInvocationsPerInstance`, options.targetInvocationsPerInstance, 'a number of requests per instance per minute greater than 0');
  }
  return {
    scaleInCooldown: cooldown(v, `${prefix}.scaleInCooldown`, options.scaleInCooldown ?? Duration.minutes(5)),
    scaleOutCooldown: cooldown(v, `${prefix}.scaleOutCooldown`, options.scaleOutCooldown ?? Duration.minutes(1)),
  };
}

function cooldown(v: PropsValidator, prop: string, d: Duration): number {
  const s = d.toSeconds({ integral: false });
  if (!Token.isUnresolved(s)) {
    v.check(Number.isInteger(s) && s >= 0, prop, d.toHumanString(), 'a whole number of seconds, 0 or more');
  }
  return s;
}

const PARAMETER_NAME = /^(?!\/?(aws|ssm))[a-zA-Z0-9_.\-/]{1,1011}$/i;
/** Tag values are at most 256 characters: the auto-pause tag carries the parameter name. */
export const MAX_AUTO_PAUSE_PARAMETER_NAME = 256;

/**
 * Check the options of a `KillSwitch` of an endpoint in `scope` (prop names under `prefix`), recording problems in `v`.
 * Without a `parameterName`, the default name is derived from `endpointName`; when that is undefined (invalid), it is not checked.
 */
export function checkKillSwitchOptions(v: PropsValidator, prefix: string, options: KillSwitchOptions, endpointName: string | undefined, scope: IConstruct): void {
  // The enforcer adds an action and a tag to each auto-pause alarm: it must be one the app defines, in the enforcer's stack.
  const stack = Stack.of(options.enforcer ?? scope);
  for (const alarm of options.autoPauseOn ?? []) {
    const defined = alarm instanceof cloudwatch.Alarm || alarm instanceof cloudwatch.CompositeAlarm;
    if (!defined || Stack.of(alarm) !== stack) {
      v.fail(`${prefix}.autoPauseOn`, `alarm ${alarm.node.path} must be a cloudwatch.Alarm or CompositeAlarm defined in the same stack as the endpoint ` +
        `(the library adds an action and a tag to it); received ${defined ? `an alarm of stack ${Stack.of(alarm).node.path}` : 'an imported alarm'}`);
    }
  }
  const name = options.parameterName ?? (endpointName === undefined ? undefined : defaultKillSwitchParameterName(endpointName));
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  const prop = `${prefix}.parameterName`;
  v.checkPattern(prop, name, PARAMETER_NAME, '1 to 1011 letters, digits and _ . - /, not starting with "aws" or "ssm"');
  if (name.includes('/')) {
    v.check(name.startsWith('/') && !name.endsWith('/') && !name.includes('//'), prop, name, 'a hierarchical name starting with "/" (e.g. "/ml/fraud/kill-switch"), without empty levels');
    v.check(name.split('/').length - 1 <= 15, prop, name, 'at most 15 levels');
  }
  if ((options.autoPauseOn ?? []).length > 0) {
    v.check(name.length <= MAX_AUTO_PAUSE_PARAMETER_NAME, prop, name, `at most ${MAX_AUTO_PAUSE_PARAMETER_NAME} characters with autoPauseOn (the name becomes a tag value)`);
  }
}
