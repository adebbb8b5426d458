/**
 * Generated `GovernedEndpoint` configurations for property-based tests: plain data (printable in a fast-check
 * counterexample), the props they stand for, and the problems the construct must report for them.
 */
import { ProductionVariantInstanceType } from '@aws-sdk/client-sagemaker';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fc from 'fast-check';
import { Capacity, DeploymentPolicy } from '../../constructs/deployment-policy';
import { MINIMUM_LOG_RETENTION_DAYS, minimumInstanceCount, minimumSamplingPercentage, RiskTier } from '../../lib/policy/governance';

/** Every SageMaker production-variant instance type, as the AWS SDK defines them. */
export const INSTANCE_TYPES: readonly string[] = Object.values(ProductionVariantInstanceType);
/** Every retention CDK offers for a log group. */
export const RETENTIONS: readonly logs.RetentionDays[] = Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays => typeof v === 'number');
/** The alarms of `EndpointAlarms`; the first four roll a deployment back. */
export const ALARMS = ['serverErrorRate', 'clientErrorRate', 'modelLatency', 'modelErrors', 'cpuUtilization', 'memoryUtilization', 'diskUtilization', 'zeroTraffic'] as const;
export type AlarmName = typeof ALARMS[number];

/** A step size: a percentage, or a number of instances. */
export type GeneratedCapacity = { readonly percent: number } | { readonly instances: number };

/** A deployment policy, as data. */
export type GeneratedDeployment =
  | { readonly kind: 'default' }
  | { readonly kind: 'canary'; readonly size?: GeneratedCapacity; readonly bakeSeconds?: number; readonly terminationSeconds?: number }
  | { readonly kind: 'linear'; readonly step?: GeneratedCapacity; readonly bakeSeconds?: number; readonly terminationSeconds?: number }
  | { readonly kind: 'rolling'; readonly batch?: GeneratedCapacity; readonly bakeSeconds?: number; readonly rollbackPercent?: number }
  | { readonly kind: 'allAtOnce'; readonly bakeSeconds?: number; readonly riskAcceptance?: string };

/** One generated endpoint configuration. Reasons and opt-outs are set independently, so some are refused. */
export interface GeneratedEndpoint {
  readonly tier: RiskTier;
  readonly instanceType: string;
  readonly instanceCount?: number;
  readonly samplingPercentage?: number;
  readonly logRetention?: logs.RetentionDays;
  /** A name stem; the batch makes it unique in the app. */
  readonly endpointName?: string;
  readonly variantName?: string;
  readonly model: 'artifact' | 'image-only' | 'ecr-and-bucket' | 'package';
  readonly environment: boolean;
  readonly approvalGate?: boolean;
  readonly approvalGateRiskAcceptance?: string;
  readonly networkIsolation?: boolean;
  readonly networkIsolationRiskAcceptance?: string;
  readonly vpc?: 'private-with-egress' | 'isolated' | 'isolated-own-security-group';
  /** Where key and evidence come from: the stack's foundation, an explicit one, a user key, or an imported key and bucket. */
  readonly foundation: 'stack' | 'explicit' | 'user-key' | 'imported-key-and-bucket';
  readonly deployment: GeneratedDeployment;
  /** A rollback alarm of the user's on top of the endpoint's (only with a policy other than the default). */
  readonly additionalRollbackAlarm: boolean;
  readonly alarms: {
    readonly disabled: readonly AlarmName[];
    readonly periodMinutes?: number;
    readonly evaluationPeriods?: number;
    readonly datapointsToAlarm?: number;
    readonly notifyOnRecovery?: boolean;
    readonly dashboard?: boolean;
    readonly email: boolean;
  };
  readonly autoScaling?: {
    readonly minCapacity?: number;
    readonly extraCapacity: number;
    readonly targetInvocationsPerInstance: number;
    readonly scaleInSeconds?: number;
    readonly scaleOutSeconds?: number;
    readonly disableScaleIn?: boolean;
  };
  readonly killSwitch: { readonly parameterName: boolean; readonly autoPause: boolean };
  readonly grantInvoke: boolean;
}

/** Per stack of a batch: whether an explicit foundation, used by `foundation: 'explicit'` endpoints, has Object Lock. */
export interface GeneratedStack {
  readonly explicitFoundationObjectLock: boolean;
}

/** How often the generator picks a value the construct must refuse for the floors and opt-outs (0 to 1). */
export interface Bias {
  readonly refusals: number;
}

const reason = fc.constantFrom(
  'Batch scoring for the internal triage queue; reviewed by the model risk committee on 2024-05-02.',
  'The container reads features from the feature store over the VPC; egress is limited by the security group.',
  'Canary traffic is synthetic: the endpoint serves an internal dashboard only.',
);
const percent = (min: number, max: number) => fc.record({ percent: fc.integer({ min, max }) });
const seconds = fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined });
const name = fc.stringMatching(/^[a-zA-Z0-9](-?[a-zA-Z0-9]){0,40}$/);

/** A value below the tier's floor with probability `p`, else a valid one (undefined means the default). */
function maybeBelow<T>(p: number, below: fc.Arbitrary<T>, valid: fc.Arbitrary<T | undefined>): fc.Arbitrary<T | undefined> {
  return p <= 0 ? valid : fc.oneof({ weight: Math.round(p * 100), arbitrary: below }, { weight: Math.round((1 - p) * 100), arbitrary: valid });
}

/** An optional reason that is given when `optedOut`, except with probability `p` (and sometimes given without the opt-out). */
function reasonFor(optedOut: boolean, p: number): fc.Arbitrary<string | undefined> {
  const missing = fc.constant(undefined);
  if (optedOut) {
    return p <= 0 ? reason : fc.oneof({ weight: Math.round(p * 100), arbitrary: missing }, { weight: Math.round((1 - p) * 100), arbitrary: reason });
  }
  return p <= 0 ? missing : fc.oneof({ weight: Math.round(p * 50), arbitrary: reason }, { weight: 100, arbitrary: missing });
}

function deploymentFor(tier: RiskTier, instanceType: string, count: number | undefined, p: number): fc.Arbitrary<GeneratedDeployment> {
  const staged = tier !== RiskTier.LOW;
  const allAtOnce = fc.record({
    kind: fc.constant('allAtOnce' as const),
    bakeSeconds: seconds,
    riskAcceptance: staged ? reasonFor(true, p) : fc.option(reason, { nil: undefined }),
  });
  if (instanceType.startsWith('ml.inf1.')) {
    // SageMaker applies no deployment guardrails to Inf1: all at once is the only policy the construct takes.
    return allAtOnce;
  }
  // A step of one instance is at most 50% of the fleet only from two instances on.
  const instances = count !== undefined && count >= 2 ? [fc.record({ instances: fc.constant(1) })] : [];
  return fc.oneof(
    fc.constant({ kind: 'default' as const }),
    fc.record({ kind: fc.constant('canary' as const), size: fc.option(fc.oneof(percent(1, 50), ...instances), { nil: undefined }), bakeSeconds: seconds, terminationSeconds: seconds }),
    fc.record({ kind: fc.constant('linear' as const), step: fc.option(fc.oneof(percent(10, 50), ...instances), { nil: undefined }), bakeSeconds: seconds, terminationSeconds: seconds }),
    fc.record({ kind: fc.constant('rolling' as const), batch: fc.option(percent(5, 50), { nil: undefined }), bakeSeconds: seconds,
      rollbackPercent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }) }),
    allAtOnce,
  );
}

/** A generated endpoint configuration; `bias.refusals` sets how often a floor or opt-out is broken. */
export function endpointConfig(bias: Bias): fc.Arbitrary<GeneratedEndpoint> {
  const p = bias.refusals;
  return fc.record({
    tier: fc.constantFrom(RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH),
    instanceType: fc.constantFrom(...INSTANCE_TYPES),
    packageModel: fc.boolean(),
  }).chain(({ tier, instanceType, packageModel }) => {
    const floor = minimumInstanceCount(tier);
    const samplingFloor = minimumSamplingPercentage(tier);
    return fc.record({
      instanceCount: maybeBelow(floor > 1 ? p : 0, fc.constant(floor - 1), fc.option(fc.integer({ min: floor, max: 6 }), { nil: undefined })),
      samplingPercentage: maybeBelow(samplingFloor > 0 ? p : 0, fc.integer({ min: 0, max: Math.max(0, samplingFloor - 1) }),
        fc.option(fc.integer({ min: samplingFloor, max: 100 }), { nil: undefined })),
      logRetention: maybeBelow(p, fc.constantFrom(...RETENTIONS.filter((d) => d < MINIMUM_LOG_RETENTION_DAYS)),
        fc.option(fc.constantFrom(...RETENTIONS.filter((d) => d >= MINIMUM_LOG_RETENTION_DAYS)), { nil: undefined })),
      approvalGate: fc.option(fc.boolean(), { nil: undefined }),
      networkIsolation: fc.option(fc.boolean(), { nil: undefined }),
    }).chain((base) => fc.record({
      tier: fc.constant(tier),
      instanceType: fc.constant(instanceType),
      instanceCount: fc.constant(base.instanceCount),
      samplingPercentage: fc.constant(base.samplingPercentage),
      logRetention: fc.constant(base.logRetention),
      endpointName: fc.option(name, { nil: undefined }),
      variantName: fc.option(name, { nil: undefined }),
      model: packageModel ? fc.constant('package' as const) : fc.constantFrom('artifact' as const, 'image-only' as const, 'ecr-and-bucket' as const),
      environment: fc.boolean(),
      approvalGate: fc.constant(base.approvalGate),
      approvalGateRiskAcceptance: reasonFor(packageModel && base.approvalGate === false, p),
      networkIsolation: fc.constant(base.networkIsolation),
      networkIsolationRiskAcceptance: reasonFor(base.networkIsolation === false, p),
      vpc: fc.option(fc.constantFrom('private-with-egress' as const, 'isolated' as const, 'isolated-own-security-group' as const), { nil: undefined }),
      foundation: fc.constantFrom('stack' as const, 'explicit' as const, 'user-key' as const, 'imported-key-and-bucket' as const),
      deployment: deploymentFor(tier, instanceType, base.instanceCount ?? floor, p),
      additionalRollbackAlarm: fc.boolean(),
      alarms: fc.record({
        disabled: fc.subarray([...ALARMS]),
        periodMinutes: fc.option(fc.constantFrom(1, 5, 10, 60), { nil: undefined }),
        evaluationPeriods: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        datapointsToAlarm: fc.option(fc.constant(1), { nil: undefined }),
        notifyOnRecovery: fc.option(fc.boolean(), { nil: undefined }),
        dashboard: fc.option(fc.boolean(), { nil: undefined }),
        email: fc.boolean(),
      }),
      autoScaling: fc.option(fc.record({
        minCapacity: fc.option(fc.constant(floor), { nil: undefined }),
        extraCapacity: fc.integer({ min: 0, max: 8 }),
        targetInvocationsPerInstance: fc.integer({ min: 1, max: 5000 }),
        scaleInSeconds: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined }),
        scaleOutSeconds: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined }),
        disableScaleIn: fc.option(fc.boolean(), { nil: undefined }),
      }), { nil: undefined }).map((a) => (BURSTABLE.test(instanceType) ? undefined : a)),
      killSwitch: fc.record({ parameterName: fc.boolean(), autoPause: fc.boolean() }),
      grantInvoke: fc.boolean(),
    }));
  });
}

/** Burstable instance types, which SageMaker cannot autoscale. */
export const BURSTABLE = /^ml\.t2\./;

/** The `DeploymentPolicy` a generated deployment stands for, with `additionalRollbackAlarms`; undefined for the tier's default. */
export function deploymentPolicy(d: GeneratedDeployment, additionalRollbackAlarms?: cloudwatch.IAlarm[]): DeploymentPolicy | undefined {
  const capacity = (c?: GeneratedCapacity) => (c === undefined ? undefined : 'percent' in c ? Capacity.percent(c.percent) : Capacity.instances(c.instances));
  const duration = (s?: number) => (s === undefined ? undefined : Duration.seconds(s));
  switch (d.kind) {
    case 'canary':
      return DeploymentPolicy.canary({ canarySize: capacity(d.size), bakeTime: duration(d.bakeSeconds), terminationWait: duration(d.terminationSeconds), additionalRollbackAlarms });
    case 'linear':
      return DeploymentPolicy.linear({ stepSize: capacity(d.step), bakeTime: duration(d.bakeSeconds), terminationWait: duration(d.terminationSeconds), additionalRollbackAlarms });
    case 'rolling':
      return DeploymentPolicy.rolling({ batchSize: capacity(d.batch), bakeTime: duration(d.bakeSeconds),
        rollbackBatchSize: d.rollbackPercent === undefined ? undefined : Capacity.percent(d.rollbackPercent), additionalRollbackAlarms });
    case 'allAtOnce':
      return DeploymentPolicy.allAtOnce({ bakeTime: duration(d.bakeSeconds), riskAcceptance: d.riskAcceptance, additionalRollbackAlarms });
    default:
      return undefined;
  }
}

/**
 * The props the construct must name in its error for `c` (empty when it must accept it): the tier floors, the opt-outs
 * without a reason, reasons without an opt-out, and the policies a tier refuses. Everything else is generated valid.
 */
export function expectedProblems(c: GeneratedEndpoint, stack: GeneratedStack): string[] {
  const problems: string[] = [];
  const count = c.instanceCount ?? minimumInstanceCount(c.tier);
  if (count < minimumInstanceCount(c.tier)) problems.push('initialInstanceCount');
  if ((c.samplingPercentage ?? 100) < minimumSamplingPercentage(c.tier)) problems.push('dataCapture.samplingPercentage');
  const retention = c.logRetention ?? logs.RetentionDays.ONE_YEAR;
  if (retention !== logs.RetentionDays.INFINITE && retention < MINIMUM_LOG_RETENTION_DAYS) problems.push('logRetention');
  const gateOff = c.model === 'package' && c.approvalGate === false;
  if (gateOff && c.tier === RiskTier.HIGH) problems.push('approvalGate');
  if ((gateOff && c.tier !== RiskTier.HIGH && c.approvalGateRiskAcceptance === undefined) || (!gateOff && c.approvalGateRiskAcceptance !== undefined)) {
    problems.push('approvalGateRiskAcceptance');
  }
  if ((c.networkIsolation === false) !== (c.networkIsolationRiskAcceptance !== undefined)) problems.push('networkIsolationRiskAcceptance');
  if (c.tier === RiskTier.HIGH && c.foundation === 'explicit' && !stack.explicitFoundationObjectLock) problems.push('foundation');
  if (c.deployment.kind === 'allAtOnce' && c.tier !== RiskTier.LOW && c.deployment.riskAcceptance === undefined) problems.push('deployment');
  const rollbackAlarms = ALARMS.slice(0, 4).filter((a) => !c.alarms.disabled.includes(a)).length + (hasAdditionalRollbackAlarm(c) ? 1 : 0);
  if (rollbackAlarms === 0) problems.push('deployment.additionalRollbackAlarms');
  return problems.sort();
}

/** Whether the configuration passes a rollback alarm of the user's to its deployment policy. */
export function hasAdditionalRollbackAlarm(c: GeneratedEndpoint): boolean {
  return c.additionalRollbackAlarm && c.deployment.kind !== 'default';
}
