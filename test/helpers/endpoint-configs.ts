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
import { MINIMUM_LOG_RETENTION_DAYS, minimumInstanceCount, minimumSamplingPercentage, RiskTier, tierFloors } from '../../lib/policy/governance';
import { MonitoringOptionLimits } from '../../lib/policy/monitoring-protocol';

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
  /** `governance.reviewEveryDays`; undefined for the tier's longest interval. */
  readonly reviewEveryDays?: number;
  /** The `monitoring` prop; undefined leaves it unset. */
  readonly monitoring?: GeneratedMonitoring;
}

export type PayloadFormatName = 'CSV' | 'JSON';
export type FeatureKindName = 'numeric' | 'categorical';

/** A monitored feature (or, without a name, the prediction): where it is read, as the user wrote it. */
export interface GeneratedFeature {
  readonly name: string;
  readonly kind: FeatureKindName;
  readonly csvIndex?: number;
  readonly jsonPath?: string;
}

/** The prediction: like a feature, without a name. */
export type GeneratedPrediction = Omit<GeneratedFeature, 'name'>;

/**
 * A baseline: a warm-up of `hours` (MonitoringBaseline.fromWarmUp), a file of the evidence store
 * (fromEvidenceStore), or an S3 URL (fromS3) that the batch builds from its parts: `<scheme>://<bucket>/` then the
 * endpoint's baseline prefix `monitoring/<endpointName>/baseline/` (or another prefix) and `file`.
 */
export type GeneratedBaseline =
  | { readonly kind: 'warmUp'; readonly hours: number }
  | { readonly kind: 'evidence'; readonly fileName: string; readonly format: 'CSV' | 'JSONL' }
  | { readonly kind: 's3'; readonly scheme: 's3' | 'https'; readonly bucket: string; readonly underEndpointBaseline: boolean; readonly file: string;
    readonly format: 'CSV' | 'JSONL'; };

/** Ground truth, durations in minutes. */
export interface GeneratedGroundTruth {
  readonly problemType: 'BINARY_CLASSIFICATION' | 'MULTICLASS_CLASSIFICATION' | 'REGRESSION';
  readonly labelDelayMinutes?: number;
  readonly positiveLabel?: string;
  readonly scoreThreshold?: number;
  readonly minimumAccuracy?: number;
  readonly minimumF1?: number;
  readonly maximumMae?: number;
  readonly maximumRmse?: number;
}

/** `monitoring: { riskAcceptance }`, alone or (refused) together with features. */
export interface GeneratedRiskAcceptance {
  readonly kind: 'riskAcceptance';
  readonly reason: string;
  readonly withFeatures: boolean;
}

/** Monitoring options, durations in minutes; `features` undefined leaves the prop unset. */
export interface GeneratedMonitored {
  readonly kind: 'monitored';
  readonly inputFormat?: PayloadFormatName;
  readonly outputFormat?: PayloadFormatName;
  readonly features?: readonly GeneratedFeature[];
  readonly prediction?: GeneratedPrediction;
  readonly baseline?: GeneratedBaseline;
  readonly windowMinutes?: number;
  readonly sampleSize?: number;
  readonly driftThreshold?: number;
  readonly predictionDriftThreshold?: number;
  readonly invalidRecordRateThreshold?: number;
  readonly perFeatureMetrics?: boolean;
  readonly groundTruth?: GeneratedGroundTruth;
  readonly hypercareMinutes?: number;
  readonly autoPause?: boolean;
}

export type GeneratedMonitoring = GeneratedRiskAcceptance | GeneratedMonitored;

/** Per stack of a batch: whether an explicit foundation, used by `foundation: 'explicit'` endpoints, has Object Lock. */
export interface GeneratedStack {
  readonly explicitFoundationObjectLock: boolean;
}

/** How often the generator picks a value the construct must refuse (0 to 1). */
export interface Bias {
  /** For the floors and opt-outs of the endpoint (capture, instances, retention, isolation, gate, rollout, Object Lock). */
  readonly refusals: number;
  /**
   * For monitoring (unmonitored HIGH tier, risk acceptance, the options of issue 11) and `governance.reviewEveryDays`.
   * @default refusals
   */
  readonly monitoringRefusals?: number;
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
  const pm = bias.monitoringRefusals ?? p;
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
      reviewEveryDays: reviewEveryDaysFor(tier, pm / 4),
      monitoring: monitoringFor(tier, pm),
    }));
  });
}

/** `governance.reviewEveryDays`: unset, 1 to the tier's longest interval, or (with probability `p`) a value the construct refuses. */
function reviewEveryDaysFor(tier: RiskTier, p: number): fc.Arbitrary<number | undefined> {
  const longest = tierFloors(tier).reviewIntervalDays;
  return maybeBelow(p, fc.constantFrom(0, -7, longest + 1, 7.5),
    fc.option(fc.oneof(fc.constantFrom(1, longest), fc.integer({ min: 1, max: longest })), { nil: undefined }));
}

/** A value the construct refuses with probability `p` (which may be small), else a valid one (undefined means the default). */
function maybeInvalid<T>(p: number, invalid: fc.Arbitrary<T>, valid: fc.Arbitrary<T | undefined>): fc.Arbitrary<T | undefined> {
  return p <= 0 ? valid : fc.oneof({ weight: Math.max(1, Math.round(p * 10_000)), arbitrary: invalid }, { weight: Math.round((1 - p) * 10_000), arbitrary: valid });
}

const FEATURE_NAME = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
const JSON_KEY = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,12}$/);
/** A JSON path of `.key`, `['key']` and `[index]` steps. */
const JSON_PATH = fc.array(fc.oneof(
  JSON_KEY.map((k) => `.${k}`),
  fc.nat({ max: 20 }).map((n) => `[${n}]`),
  fc.stringMatching(/^[A-Za-z0-9 _.$-]{1,12}$/).map((k) => `['${k}']`),
), { minLength: 1, maxLength: 4 }).map((steps) => `$${steps.join('')}`);
const BAD_JSON_PATH = fc.constantFrom('amount', '$', '$.', '$..amount', '$.1st', '$[a]', "$['']", '$.applicant income', 'applicant.income');
const BAD_FEATURE_NAME = fc.constantFrom('', 'amount ($)', 'amount/usd', 'x'.repeat(65), 'montant-€');
const BAD_CSV_INDEX = fc.constantFrom(-1, 1.5, -0.5);
const BASELINE_FORMAT = fc.constantFrom('CSV' as const, 'JSONL' as const);
/** The window: whole hours dividing a day. */
const WINDOW_HOURS = [1, 2, 3, 4, 6, 8, 12, 24];
const MAX_HOURS = 30 * 24;

/** A valid location of a feature (or the prediction) in a payload of `format`. */
function location(format: PayloadFormatName): fc.Arbitrary<{ csvIndex?: number; jsonPath?: string }> {
  return format === 'CSV' ? fc.record({ csvIndex: fc.nat({ max: 60 }) }) : fc.record({ jsonPath: JSON_PATH });
}

/** A location the construct refuses for a payload of `format`. */
function badLocation(format: PayloadFormatName, defaultColumn: boolean): fc.Arbitrary<{ csvIndex?: number; jsonPath?: string }> {
  return fc.oneof(
    fc.record({ csvIndex: fc.nat({ max: 60 }), jsonPath: JSON_PATH }),
    ...(defaultColumn && format === 'CSV' ? [] : [fc.constant({})]),
    format === 'CSV' ? fc.record({ csvIndex: BAD_CSV_INDEX }) : fc.record({ jsonPath: BAD_JSON_PATH }),
    format === 'CSV' ? fc.record({ jsonPath: JSON_PATH }) : fc.record({ csvIndex: fc.nat({ max: 60 }) }),
  );
}

const kind = fc.constantFrom('numeric' as const, 'categorical' as const);

/** Valid features: 1 to 4, unique names, located in the input's format. */
function features(format: PayloadFormatName): fc.Arbitrary<GeneratedFeature[]> {
  return fc.uniqueArray(FEATURE_NAME, { minLength: 1, maxLength: 4 }).chain((names) => fc.tuple(
    ...names.map((n) => fc.record({ name: fc.constant(n), kind, loc: location(format) }).map(({ loc, ...f }) => ({ ...f, ...loc }))),
  ));
}

/** Features the construct refuses: none, too many, a duplicate or bad name, a location that does not fit. */
function badFeatures(format: PayloadFormatName): fc.Arbitrary<GeneratedFeature[] | undefined> {
  const many = Array.from({ length: 101 }, (_, j) => ({ name: `f${j}`, kind: 'numeric' as const, ...(format === 'CSV' ? { csvIndex: j } : { jsonPath: `$.f${j}` }) }));
  return fc.oneof(
    fc.constant(undefined as GeneratedFeature[] | undefined),
    fc.constant([] as GeneratedFeature[]),
    fc.constant(many as GeneratedFeature[]),
    features(format).chain((fs) => fc.record({ kind, loc: location(format) }).map(({ kind: k, loc }) => [...fs, { name: fs[0].name, kind: k, ...loc }])),
    features(format).chain((fs) => fc.record({ name: BAD_FEATURE_NAME, kind, loc: location(format) }).map(({ loc, ...f }) => [...fs, { ...f, ...loc }])),
    features(format).chain((fs) => fc.record({ name: FEATURE_NAME.filter((n) => !fs.some((f) => f.name === n)), kind, loc: badLocation(format, false) })
      .map(({ loc, ...f }) => [{ ...f, ...loc }, ...fs])),
  );
}

function baseline(p: number): fc.Arbitrary<GeneratedBaseline | undefined> {
  const file = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}(\/[A-Za-z0-9_-]{1,12})?\.(csv|jsonl)$/);
  const valid: fc.Arbitrary<GeneratedBaseline | undefined> = fc.option(fc.oneof(
    fc.record({ kind: fc.constant('warmUp' as const), hours: fc.integer({ min: 1, max: 30 }).map((d) => d * 24) }),
    fc.record({ kind: fc.constant('evidence' as const), fileName: fc.oneof(file, fc.constantFrom("reference(2024)*.csv", "v2/train!_'x'.jsonl")), format: BASELINE_FORMAT }),
    fc.record({ kind: fc.constant('s3' as const), scheme: fc.constant('s3' as const), bucket: fc.constantFrom('evidence-bucket', 'ml.datasets-123', 'abc'),
      underEndpointBaseline: fc.constant(true), file, format: BASELINE_FORMAT }),
  ), { nil: undefined });
  const invalid: fc.Arbitrary<GeneratedBaseline> = fc.oneof(
    fc.record({ kind: fc.constant('warmUp' as const), hours: fc.constantFrom(0, 36, 31 * 24, 12) }),
    fc.record({ kind: fc.constant('evidence' as const), fileName: fc.constantFrom('', '/train.csv', 'v2/../train.csv', 'datasets/', 'train data.csv'), format: BASELINE_FORMAT }),
    fc.record({ kind: fc.constant('s3' as const), scheme: fc.constant('https' as const), bucket: fc.constant('evidence-bucket'),
      underEndpointBaseline: fc.constant(true), file, format: BASELINE_FORMAT }),
    fc.record({ kind: fc.constant('s3' as const), scheme: fc.constant('s3' as const), bucket: fc.constantFrom('Evidence_Bucket', 'ab', '-evidence'),
      underEndpointBaseline: fc.constant(true), file, format: BASELINE_FORMAT }),
    fc.record({ kind: fc.constant('s3' as const), scheme: fc.constant('s3' as const), bucket: fc.constant('evidence-bucket'),
      underEndpointBaseline: fc.constant(false), file, format: BASELINE_FORMAT }),
  );
  return maybeInvalid(p, invalid, valid);
}

function groundTruth(p: number): fc.Arbitrary<GeneratedGroundTruth | undefined> {
  const share = fc.constantFrom(0, 0.5, 0.8, 0.95, 1);
  const delay = maybeInvalid(p, fc.constantFrom(MAX_HOURS * 60 + 60, 90), fc.option(fc.integer({ min: 0, max: MAX_HOURS }).map((h) => h * 60), { nil: undefined }));
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const valid = fc.oneof(
    fc.record({ problemType: fc.constant('BINARY_CLASSIFICATION' as const), labelDelayMinutes: delay, positiveLabel: opt(fc.constantFrom('1', 'fraud', 'yes')),
      scoreThreshold: opt(share), minimumAccuracy: opt(share), minimumF1: opt(share) }),
    fc.record({ problemType: fc.constant('MULTICLASS_CLASSIFICATION' as const), labelDelayMinutes: delay, minimumAccuracy: opt(share), minimumF1: opt(share) },
),
    fc.record({ problemType: fc.constant('REGRESSION' as const), labelDelayMinutes: delay, maximumMae: opt(fc.constantFrom(0.01, 1, 250)),
      maximumRmse: opt(fc.constantFrom(0.5, 12, 1e6)) }),
  );
  // What the construct refuses: out of range, or a threshold of another kind of model.
  const broken = valid.chain((gt) => fc.constantFrom<Partial<GeneratedGroundTruth>>(
    { scoreThreshold: 1.5 }, { scoreThreshold: -0.1 }, { minimumAccuracy: 1.2 }, { minimumF1: -0.5 }, { maximumMae: 0 }, { maximumRmse: -1 },
    gt.problemType === 'BINARY_CLASSIFICATION' ? { positiveLabel: '' } : { positiveLabel: '1' },
    gt.problemType === 'BINARY_CLASSIFICATION' ? { maximumRmse: 3 } : { scoreThreshold: 0.5 },
    gt.problemType === 'REGRESSION' ? { minimumAccuracy: 0.9 } : { maximumMae: 2 },
  ).map((change) => ({ ...gt, ...change })));
  return fc.option(maybeInvalid(p, broken, valid), { nil: undefined, freq: 2 });
}

/**
 * The monitoring prop for a tier: monitored, a risk acceptance, or unset, where a HIGH tier must be monitored or
 * accept the risk and only a HIGH tier may accept it. With probability `p` the choice or one of its options is one
 * the construct refuses (issue 11: no features, duplicate names, bad column or path, thresholds out of range, an
 * unsupported window, a baseline that is not an S3 URL of the endpoint's baseline prefix...).
 */
function monitoringFor(tier: RiskTier, p: number): fc.Arbitrary<GeneratedMonitoring | undefined> {
  const w = (x: number) => Math.max(1, Math.round(x * 100));
  const half = Math.max(1, Math.round(p * 50));
  const high = tier === RiskTier.HIGH;
  const riskAcceptance = fc.record({
    kind: fc.constant('riskAcceptance' as const),
    reason: maybeInvalid(p, fc.constantFrom('', '   '), reason) as fc.Arbitrary<string>,
    withFeatures: p <= 0 ? fc.constant(false) : fc.oneof({ weight: w(p), arbitrary: fc.constant(true) }, { weight: 100, arbitrary: fc.constant(false) }),
  });
  const none = fc.constant(undefined);
  const choices = high
    ? [{ weight: 60, arbitrary: monitored(p) }, { weight: 25, arbitrary: riskAcceptance }, ...(p > 0 ? [{ weight: half, arbitrary: none }] : [])]
    // Monitoring costs an endpoint a parameter and 3 to 7 alarms to synthesize and check: LOW and MEDIUM endpoints,
    // which need none, are monitored a third of the time, so that a run takes about as long as before monitoring.
    : [{ weight: 35, arbitrary: monitored(p) }, { weight: 65, arbitrary: none }, ...(p > 0 ? [{ weight: half, arbitrary: riskAcceptance }] : [])];
  return fc.oneof(...choices);
}

/** Monitoring options; each field is broken with a share of `p`, so about `p` of them have something to refuse. */
function monitored(p: number): fc.Arbitrary<GeneratedMonitored> {
  const q = p / 6;
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const psi = fc.constantFrom(0.01, 0.1, 0.2, 0.25, 1, 10);
  const badPsi = fc.constantFrom(0, -0.2, 10.5);
  return fc.record({
    inputFormat: opt(fc.constantFrom('CSV' as const, 'JSON' as const)),
    outputFormat: opt(fc.constantFrom('CSV' as const, 'JSON' as const)),
  }).chain(({ inputFormat, outputFormat }) => {
    const input = inputFormat ?? 'CSV';
    const output = outputFormat ?? 'CSV';
    return fc.record({
      kind: fc.constant('monitored' as const),
      inputFormat: fc.constant(inputFormat),
      outputFormat: fc.constant(outputFormat),
      features: maybeInvalid(q * 2, badFeatures(input), features(input)),
      prediction: maybeInvalid(q, fc.record({ kind, loc: badLocation(output, true) }).map(({ loc, ...x }) => ({ ...x, ...loc })),
        // A JSON response has no default column: its prediction is given with a path.
        (output === 'CSV' ? opt(fc.record({ kind, loc: fc.oneof(location(output), fc.constant({})) })) : fc.record({ kind, loc: location(output) }))
          .map((x) => x && { kind: x.kind, ...x.loc })),
      baseline: baseline(q),
      windowMinutes: maybeInvalid(q / 2, fc.constantFrom(30, 90, 5 * 60, 48 * 60), opt(fc.constantFrom(...WINDOW_HOURS).map((h) => h * 60))),
      sampleSize: maybeInvalid(q / 2, fc.constantFrom(0, 99, 100_001, 150.5), opt(fc.oneof(fc.constantFrom(100, 100_000), fc.integer({ min: 100, max: 100_000 })))),
      driftThreshold: maybeInvalid(q / 2, badPsi, opt(psi)),
      predictionDriftThreshold: maybeInvalid(q / 2, badPsi, opt(psi)),
      invalidRecordRateThreshold: maybeInvalid(q / 2, fc.constantFrom(-0.01, 1.5), opt(fc.constantFrom(0, 0.01, 0.05, 0.5, 1))),
      perFeatureMetrics: opt(fc.boolean()),
      groundTruth: groundTruth(q),
      hypercareMinutes: maybeInvalid(q / 2, fc.constantFrom(30, MAX_HOURS * 60 + 60), opt(fc.oneof(fc.constantFrom(0, MAX_HOURS * 60), fc.integer({ min: 0, max: MAX_HOURS }).map((h) => h * 60)))),
      autoPause: opt(fc.boolean()),
    });
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
  const longest = tierFloors(c.tier).reviewIntervalDays;
  if (c.reviewEveryDays !== undefined && !(Number.isInteger(c.reviewEveryDays) && c.reviewEveryDays >= 1 && c.reviewEveryDays <= longest)) {
    problems.push('governance.reviewEveryDays');
  }
  problems.push(...monitoringProblems(c));
  return [...new Set(problems)].sort();
}

/**
 * The props under `monitoring` the construct must name for `c`: a HIGH tier unmonitored without a risk acceptance,
 * a risk acceptance that is empty, not alone or not on a HIGH tier, monitoring without capture, and every option out
 * of what it documents.
 */
export function monitoringProblems(c: GeneratedEndpoint): string[] {
  const m = c.monitoring;
  const problems: string[] = [];
  if (m === undefined) {
    return c.tier === RiskTier.HIGH ? ['monitoring'] : [];
  }
  if (m.kind === 'riskAcceptance') {
    return m.reason.trim() === '' || m.withFeatures || c.tier !== RiskTier.HIGH ? ['monitoring.riskAcceptance'] : [];
  }
  const sampling = c.samplingPercentage ?? tierFloors(c.tier).defaultSamplingPercentage;
  if (sampling <= 0) problems.push('monitoring');
  const input = m.inputFormat ?? 'CSV';
  const output = m.outputFormat ?? 'CSV';
  const located = (prop: string, loc: { csvIndex?: number; jsonPath?: string }, format: PayloadFormatName, defaultColumn: boolean) => {
    if (loc.csvIndex !== undefined && loc.jsonPath !== undefined) {
      problems.push(prop);
    } else if (loc.csvIndex === undefined && loc.jsonPath === undefined) {
      if (!defaultColumn || format === 'JSON') problems.push(prop);
    } else if (loc.csvIndex !== undefined) {
      if (!Number.isInteger(loc.csvIndex) || loc.csvIndex < 0 || format !== 'CSV') problems.push(`${prop}.csvIndex`);
    } else if (!MonitoringOptionLimits.jsonPathPattern.test(loc.jsonPath!) || format !== 'JSON') {
      problems.push(`${prop}.jsonPath`);
    }
  };
  if (m.features === undefined || m.features.length === 0 || m.features.length > 100) problems.push('monitoring.features');
  const seen = new Set<string>();
  (m.features ?? []).forEach((f, j) => {
    const at = `monitoring.features[${j}]`;
    if (!MonitoringOptionLimits.featureNamePattern.test(f.name) || seen.has(f.name)) problems.push(`${at}.name`);
    seen.add(f.name);
    located(at, f, input, false);
  });
  located('monitoring.prediction', m.prediction ?? {}, output, true);
  if (m.baseline !== undefined && !validBaseline(m.baseline)) problems.push('monitoring.baseline');
  const wholeHours = (minutes: number, max: number, allowed = (h: number) => h >= 0 && h <= max) => minutes % 60 === 0 && allowed(minutes / 60);
  if (m.windowMinutes !== undefined && !wholeHours(m.windowMinutes, 24, (h) => WINDOW_HOURS.includes(h))) problems.push('monitoring.window');
  if (m.sampleSize !== undefined && !(Number.isInteger(m.sampleSize) && m.sampleSize >= 100 && m.sampleSize <= 100_000)) problems.push('monitoring.sampleSize');
  const psi = (x?: number) => x === undefined || (x > 0 && x <= 10);
  if (!psi(m.driftThreshold)) problems.push('monitoring.driftThreshold');
  if (!psi(m.predictionDriftThreshold)) problems.push('monitoring.predictionDriftThreshold');
  const share = (x?: number) => x === undefined || (x >= 0 && x <= 1);
  if (!share(m.invalidRecordRateThreshold)) problems.push('monitoring.invalidRecordRateThreshold');
  if (m.hypercareMinutes !== undefined && !wholeHours(m.hypercareMinutes, MAX_HOURS)) problems.push('monitoring.hypercare');
  const gt = m.groundTruth;
  if (gt !== undefined) {
    const at = (key: string) => `monitoring.groundTruth.${key}`;
    const binary = gt.problemType === 'BINARY_CLASSIFICATION';
    const regression = gt.problemType === 'REGRESSION';
    if (gt.labelDelayMinutes !== undefined && !wholeHours(gt.labelDelayMinutes, MAX_HOURS)) problems.push(at('labelDelay'));
    if (!share(gt.scoreThreshold) || (!binary && gt.scoreThreshold !== undefined)) problems.push(at('scoreThreshold'));
    if (gt.positiveLabel !== undefined && (!binary || gt.positiveLabel.length === 0)) problems.push(at('positiveLabel'));
    for (const key of ['minimumAccuracy', 'minimumF1'] as const) {
      if (!share(gt[key]) || (regression && gt[key] !== undefined)) problems.push(at(key));
    }
    for (const key of ['maximumMae', 'maximumRmse'] as const) {
      const value = gt[key];
      if (value !== undefined && (!(value > 0) || !regression)) problems.push(at(key));
    }
  }
  return problems;
}

/** Whether the construct takes a baseline: 1 to 30 whole days of warm-up, a plain file name, or an S3 URL under the endpoint's baseline prefix. */
function validBaseline(b: GeneratedBaseline): boolean {
  switch (b.kind) {
    case 'warmUp':
      return b.hours % 24 === 0 && b.hours / 24 >= 1 && b.hours / 24 <= 30;
    case 'evidence':
      return /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]{0,511}$/.test(b.fileName) && !b.fileName.includes('..') && !b.fileName.endsWith('/');
    default:
      return b.scheme === 's3' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b.bucket) && b.underEndpointBaseline && b.file.length > 0 && !b.file.endsWith('/');
  }
}

/** The S3 URL of a generated `fromS3` baseline, for an endpoint named `endpointName`. */
export function baselineUrl(b: Extract<GeneratedBaseline, { kind: 's3' }>, endpointName: string): string {
  return `${b.scheme}://${b.bucket}/${b.underEndpointBaseline ? `monitoring/${endpointName}/baseline/` : 'datasets/'}${b.file}`;
}

/** Whether the configuration passes a rollback alarm of the user's to its deployment policy. */
export function hasAdditionalRollbackAlarm(c: GeneratedEndpoint): boolean {
  return c.additionalRollbackAlarm && c.deployment.kind !== 'default';
}
