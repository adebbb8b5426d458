// Internal: checks a GovernedEndpoint's `monitoring` options and resolves them into the monitor's configuration.
import { Duration, Token } from 'aws-cdk-lib';
import { GovernanceProps, RiskTier, tierFloors } from '../../lib/policy/governance';
import {
  BaselineSpec, FeatureSpec, GroundTruthSpec, MonitoringLimits, MonitoringOptionLimits, MonitoringPrefixes, MonitoringSchedules, PredictionSpec,
} from '../../lib/policy/monitoring-protocol';
import {
  BaselineFormat, FeatureKind, GroundTruthOptions, MonitoredFeature, MonitoredPrediction, MonitoringOptions, PayloadFormat, ProblemType,
} from '../monitoring-options';
import { amountIn, propPath, PropsValidator } from './validation';

/** The monitoring options, checked and resolved: what the configuration parameter and the alarms are built from. */
export interface ResolvedMonitoring {
  readonly inputFormat: 'CSV' | 'JSON';
  readonly outputFormat: 'CSV' | 'JSON';
  readonly features: FeatureSpec[];
  readonly prediction: PredictionSpec;
  readonly baseline: BaselineSpec;
  readonly windowMinutes: number;
  readonly sampleSize: number;
  readonly driftThreshold: number;
  readonly predictionDriftThreshold: number;
  readonly invalidRecordRateThreshold: number;
  readonly perFeatureMetrics: boolean;
  readonly groundTruth?: GroundTruthSpec;
  readonly qualityThresholds: QualityThresholds;
  readonly hypercareHours: number;
  readonly autoPause: boolean;
}

/** The model-quality alarms' thresholds, each optional. */
export interface QualityThresholds {
  readonly minimumAccuracy?: number;
  readonly minimumF1?: number;
  readonly maximumMae?: number;
  readonly maximumRmse?: number;
}

/** What the options are checked against: the endpoint's resolved values (undefined when invalid, reported already). */
export interface MonitoringTarget {
  readonly endpointName?: string;
  readonly tier?: RiskTier;
  readonly samplingPercentage?: number;
}

/** The outcome: settings to build the monitoring with, or the recorded reason why there is none. */
export interface MonitoringDecision {
  readonly settings?: ResolvedMonitoring;
  readonly riskAcceptance?: string;
}

const WINDOW_HOURS = [1, 2, 3, 4, 6, 8, 12, 24].filter((h) => (h * 60) % MonitoringSchedules.windowMinutes === 0);
const FORMATS = Object.values(PayloadFormat) as string[];
const KINDS = Object.values(FeatureKind) as string[];
const PROBLEMS = Object.values(ProblemType) as string[];

/**
 * Check `options` (the prop at `path`, e.g. `monitoring`), recording every problem in `v` under the names the user
 * wrote, and resolve them. A tier that requires monitoring needs features or a risk acceptance.
 */
export function resolveMonitoring(v: PropsValidator, path: string, options: MonitoringOptions | undefined, target: MonitoringTarget): MonitoringDecision {
  const at = (key: string) => propPath(path, key);
  const required = target.tier !== undefined && tierFloors(target.tier).monitoringRequired;
  if (options === undefined) {
    v.check(!required, path, undefined, `monitoring options with features for ${target.tier} tier (the model's inputs and predictions must be watched), ` +
      'or { riskAcceptance: "<why this endpoint is not monitored>" }');
    return {};
  }
  const { riskAcceptance, ...rest } = options;
  if (riskAcceptance !== undefined) {
    if (typeof riskAcceptance === 'string' && Token.isUnresolved(riskAcceptance)) {
      return { riskAcceptance };
    }
    v.check(typeof riskAcceptance === 'string' && riskAcceptance.trim().length > 0, at('riskAcceptance'), riskAcceptance,
      'a non-empty reason why the endpoint is not monitored (recorded as the acknowledgement of AiGovernance-EndpointModelMonitoring)');
    const others = Object.entries(rest).filter(([, value]) => value !== undefined).map(([key]) => key);
    v.check(others.length === 0, at('riskAcceptance'), `set together with ${others.join(', ')}`,
      'alone: a risk acceptance records why the endpoint is not monitored; remove it to monitor the endpoint');
    v.check(required, at('riskAcceptance'), riskAcceptance,
      `only for a tier that requires monitoring (HIGH); ${target.tier} tier needs none: leave monitoring unset`);
    return { riskAcceptance };
  }

  if (target.samplingPercentage !== undefined && !Token.isUnresolved(target.samplingPercentage)) {
    v.check(target.samplingPercentage > 0, path, `monitoring options with data-capture sampling of ${target.samplingPercentage}%`,
      'monitoring only of an endpoint that captures its traffic (captureSamplingPercentage above 0)');
  }
  const inputFormat = checkEnum(v, at('inputFormat'), options.inputFormat ?? PayloadFormat.CSV, FORMATS, 'PayloadFormat') as 'CSV' | 'JSON';
  const outputFormat = checkEnum(v, at('outputFormat'), options.outputFormat ?? PayloadFormat.CSV, FORMATS, 'PayloadFormat') as 'CSV' | 'JSON';
  const features = checkFeatures(v, at('features'), options.features, inputFormat);
  const prediction = checkPrediction(v, at('prediction'), options.prediction ?? { kind: FeatureKind.NUMERIC }, outputFormat);
  const baseline = checkBaseline(v, at('baseline'), options, target.endpointName);

  const windowHours = wholeHours(v, at('window'), options.window ?? Duration.hours(1), WINDOW_HOURS[0], 24,
    `whole hours that divide a day: ${WINDOW_HOURS.join(', ')} hours`, (h) => WINDOW_HOURS.includes(h));
  const sampleSize = options.sampleSize ?? MonitoringLimits.defaultSampleSize;
  v.checkInteger(at('sampleSize'), sampleSize, MonitoringLimits.minSampleSize, MonitoringLimits.maxSampleSize);
  const driftThreshold = options.driftThreshold ?? MonitoringLimits.defaultDriftThreshold;
  checkPsi(v, at('driftThreshold'), driftThreshold);
  const predictionDriftThreshold = options.predictionDriftThreshold ?? driftThreshold;
  checkPsi(v, at('predictionDriftThreshold'), options.predictionDriftThreshold);
  const invalidRecordRateThreshold = options.invalidRecordRateThreshold ?? 0.05;
  v.checkRange(at('invalidRecordRateThreshold'), invalidRecordRateThreshold, 0, 1, '(a share of the sampled records)');
  const { groundTruth, qualityThresholds } = checkGroundTruth(v, at('groundTruth'), options.groundTruth);
  const defaultHypercare = target.tier !== undefined ? tierFloors(target.tier).defaultHypercareHours : 0;
  const hypercareHours = options.hypercare === undefined ? defaultHypercare
    : wholeHours(v, at('hypercare'), options.hypercare, 0, MonitoringOptionLimits.maxHypercareHours, '') ?? defaultHypercare;
  return {
    settings: {
      inputFormat, outputFormat, features, prediction, baseline, windowMinutes: (windowHours ?? 1) * 60, sampleSize,
      driftThreshold, predictionDriftThreshold, invalidRecordRateThreshold, perFeatureMetrics: options.perFeatureMetrics ?? false,
      groundTruth, qualityThresholds, hypercareHours, autoPause: options.autoPause ?? false,
    },
  };
}

/** Check `governance.reviewEveryDays` (at `path`) against the tier's longest interval; returns the interval in days. */
export function resolveReviewEvery(v: PropsValidator, path: string, governance: Partial<GovernanceProps> | undefined, tier: RiskTier | undefined): number {
  const longest = tierFloors(tier ?? RiskTier.HIGH).reviewIntervalDays;
  const days = governance?.reviewEveryDays ?? longest;
  v.checkInteger(propPath(path, 'reviewEveryDays'), governance?.reviewEveryDays, 1, longest,
    ` for ${tier ?? RiskTier.HIGH} tier (a review at least every ${longest} days)`);
  return days;
}

function checkEnum(v: PropsValidator, prop: string, value: string, allowed: string[], enumName: string): string {
  v.check(allowed.includes(value), prop, value, `one of ${allowed.map((a) => `${enumName}.${a.toUpperCase()}`).join(', ')}`);
  return value;
}

function checkPsi(v: PropsValidator, prop: string, value: number | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  v.check(typeof value === 'number' && value > 0 && value <= MonitoringOptionLimits.maxDriftThreshold, prop, value,
    `a population stability index above 0 and at most ${MonitoringOptionLimits.maxDriftThreshold} (0.1: moderate shift, 0.2: significant)`);
}

/** A Duration as whole hours from `min` to `max` (and passing `extra`); undefined for a token or a problem. */
function wholeHours(v: PropsValidator, prop: string, d: Duration, min: number, max: number, allowed: string, extra: (h: number) => boolean = () => true): number | undefined {
  const seconds = amountIn(d, 'seconds');
  if (seconds === undefined) {
    return undefined;
  }
  const hours = seconds / 3600;
  const label = `${Number(hours.toFixed(4))} ${hours === 1 ? 'hour' : 'hours'}`;
  const ok = v.check(Number.isInteger(hours) && hours >= min && hours <= max && extra(hours), prop, d.unitLabel() === 'hours' ? label : `${label} (${d.toString()})`,
    allowed || `whole hours from ${min} to ${max} (Duration.hours(${min}) to Duration.days(${max / 24}))`);
  return ok ? hours : undefined;
}

/** Exactly one location (CSV column or JSON path) that fits the payload format; returns the location. */
function checkLocation(v: PropsValidator, prop: string, loc: { csvIndex?: number; jsonPath?: string }, format: string, defaultColumn: boolean) {
  const { csvIndex, jsonPath } = loc;
  if (csvIndex !== undefined && jsonPath !== undefined) {
    v.fail(prop, `both csvIndex (${csvIndex}) and jsonPath (${JSON.stringify(jsonPath)}) are set; allowed: exactly one of them`);
    return {};
  }
  if (csvIndex === undefined && jsonPath === undefined) {
    if (!defaultColumn || format === PayloadFormat.JSON) {
      v.fail(prop, `neither csvIndex nor jsonPath is set; allowed: ${format === PayloadFormat.JSON ? 'jsonPath (the payload format is JSON)' : 'exactly one of them'}`);
      return {};
    }
    return { csvIndex: 0 };
  }
  if (csvIndex !== undefined) {
    v.checkInteger(`${prop}.csvIndex`, csvIndex, 0, Number.MAX_SAFE_INTEGER, ' (a 0-based CSV column)');
    v.check(format === PayloadFormat.CSV, `${prop}.csvIndex`, csvIndex, 'only with PayloadFormat.CSV payloads (this one is JSON: use jsonPath)');
    return { csvIndex };
  }
  v.checkPattern(`${prop}.jsonPath`, jsonPath, MonitoringOptionLimits.jsonPathPattern,
    "a JSON path of `$` and `.key`, `['key']` or `[index]` steps, e.g. $.applicant.income or $.instances[0][3]");
  v.check(format === PayloadFormat.JSON, `${prop}.jsonPath`, jsonPath, 'only with PayloadFormat.JSON payloads (this one is CSV: use csvIndex)');
  return { jsonPath };
}

function checkFeatures(v: PropsValidator, prop: string, features: MonitoredFeature[] | undefined, format: string): FeatureSpec[] {
  if (features === undefined || features.length === 0) {
    v.check(false, prop, features, `1 to ${MonitoringLimits.maxFeatures} features to compare with the baseline, ` +
      'e.g. [{ name: "amount", kind: FeatureKind.NUMERIC, csvIndex: 0 }] (or monitoring: { riskAcceptance } alone, not to monitor)');
    return [];
  }
  v.check(features.length <= MonitoringLimits.maxFeatures, prop, `${features.length} features`, `at most ${MonitoringLimits.maxFeatures} features`);
  const seen = new Set<string>();
  return features.map((f, i) => {
    const at = `${prop}[${i}]`;
    if (v.checkPattern(`${at}.name`, f.name, MonitoringOptionLimits.featureNamePattern, '1 to 64 letters, digits and _ . -')) {
      v.check(!seen.has(f.name), `${at}.name`, f.name, 'a name no other feature has');
      seen.add(f.name);
    }
    checkEnum(v, `${at}.kind`, f.kind, KINDS, 'FeatureKind');
    return { name: f.name, kind: f.kind, ...checkLocation(v, at, f, format, false) } as FeatureSpec;
  });
}

function checkPrediction(v: PropsValidator, prop: string, prediction: MonitoredPrediction, format: string): PredictionSpec {
  checkEnum(v, `${prop}.kind`, prediction.kind, KINDS, 'FeatureKind');
  return { kind: prediction.kind, ...checkLocation(v, prop, prediction, format, true) } as PredictionSpec;
}

function checkBaseline(v: PropsValidator, prop: string, options: MonitoringOptions, endpointName: string | undefined): BaselineSpec {
  const baseline = options.baseline;
  if (baseline === undefined) {
    return { kind: 'warmup', days: MonitoringLimits.defaultWarmupDays };
  }
  if (baseline.kind === 'warmup') {
    const days = baseline.warmUp === undefined ? undefined : v.checkWholeDays(prop, baseline.warmUp, 1, MonitoringOptionLimits.maxWarmupDays,
      'the warm-up of MonitoringBaseline.fromWarmUp');
    return { kind: 'warmup', days: days ?? MonitoringLimits.defaultWarmupDays };
  }
  const format = baseline.format === BaselineFormat.JSONL ? 'JSONL' : 'CSV';
  v.check(Object.values(BaselineFormat).includes(baseline.format as BaselineFormat), `${prop}.format`, baseline.format, 'BaselineFormat.CSV or BaselineFormat.JSONL');
  const location = baseline.location ?? '';
  const prefix = endpointName !== undefined && !Token.isUnresolved(endpointName) ? `${MonitoringPrefixes.MONITORING}${endpointName}/baseline/` : undefined;
  if (baseline.kind === 'evidence') {
    if (!Token.isUnresolved(location)) {
      v.check(/^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]{0,511}$/.test(location) && !location.includes('..') && !location.endsWith('/'), prop, location,
        "a file name under the endpoint's baseline prefix (MonitoringBaseline.fromEvidenceStore): 1 to 512 letters, digits and ! _ . * ' ( ) / -, " +
        'not starting or ending with / and without ..');
    }
    // The bucket's name is known to the construct only: it completes the URL.
    return { kind: 'dataset', s3Uri: `${EVIDENCE_BASELINE_MARKER}${location}`, format };
  }
  if (Token.isUnresolved(location)) {
    return { kind: 'dataset', s3Uri: location, format };
  }
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+[^/])$/.exec(location);
  if (!v.check(match !== null, prop, location, 'an S3 object URL, s3://<bucket>/<key> (MonitoringBaseline.fromS3)')) {
    return { kind: 'dataset', s3Uri: location, format };
  }
  if (prefix !== undefined) {
    v.check(match![2].startsWith(prefix), prop, location, `an object of the evidence bucket under ${prefix} (the only place the monitor reads baselines from)`);
  }
  return { kind: 'dataset', s3Uri: location, format };
}

/**
 * Stands for `s3://<evidence bucket>/monitoring/<endpointName>/baseline/` in a resolved `fromEvidenceStore` baseline,
 * until the construct that knows the bucket completes it ({@link evidenceBaselineUri}).
 */
export const EVIDENCE_BASELINE_MARKER = 'evidence-store:';

/** The baseline with an evidence-store file name completed into the object's URL. */
export function evidenceBaselineUri(baseline: BaselineSpec, bucketName: string, endpointName: string): BaselineSpec {
  if (baseline.kind !== 'dataset' || !baseline.s3Uri.startsWith(EVIDENCE_BASELINE_MARKER)) {
    return baseline;
  }
  const file = baseline.s3Uri.slice(EVIDENCE_BASELINE_MARKER.length);
  return { ...baseline, s3Uri: `s3://${bucketName}/${MonitoringPrefixes.MONITORING}${endpointName}/baseline/${file}` };
}

function checkGroundTruth(v: PropsValidator, prop: string, gt: GroundTruthOptions | undefined): { groundTruth?: GroundTruthSpec; qualityThresholds: QualityThresholds } {
  if (gt === undefined) {
    return { qualityThresholds: {} };
  }
  checkEnum(v, `${prop}.problemType`, gt.problemType, PROBLEMS, 'ProblemType');
  const binary = gt.problemType === ProblemType.BINARY_CLASSIFICATION;
  const regression = gt.problemType === ProblemType.REGRESSION;
  const labelDelayHours = gt.labelDelay === undefined ? 24
    : wholeHours(v, `${prop}.labelDelay`, gt.labelDelay, 0, MonitoringOptionLimits.maxLabelDelayHours, '') ?? 24;
  v.checkRange(`${prop}.scoreThreshold`, gt.scoreThreshold, 0, 1);
  for (const key of ['positiveLabel', 'scoreThreshold'] as const) {
    v.check(binary || gt[key] === undefined, `${prop}.${key}`, gt[key], 'only with ProblemType.BINARY_CLASSIFICATION');
  }
  if (gt.positiveLabel !== undefined) {
    v.check(typeof gt.positiveLabel === 'string' && gt.positiveLabel.length > 0, `${prop}.positiveLabel`, gt.positiveLabel, 'a non-empty label');
  }
  for (const key of ['minimumAccuracy', 'minimumF1'] as const) {
    v.checkRange(`${prop}.${key}`, gt[key], 0, 1);
    v.check(!regression || gt[key] === undefined, `${prop}.${key}`, gt[key], 'only for classification (a regression model has MAE and RMSE)');
  }
  for (const key of ['maximumMae', 'maximumRmse'] as const) {
    const value = gt[key];
    if (value !== undefined && !Token.isUnresolved(value)) {
      v.check(typeof value === 'number' && Number.isFinite(value) && value > 0, `${prop}.${key}`, value, 'a number above 0');
    }
    v.check(regression || value === undefined, `${prop}.${key}`, value, 'only for ProblemType.REGRESSION');
  }
  return {
    groundTruth: {
      problemType: gt.problemType as GroundTruthSpec['problemType'],
      labelDelayHours,
      ...(binary ? { positiveLabel: gt.positiveLabel ?? '1', scoreThreshold: gt.scoreThreshold ?? 0.5 } : {}),
    },
    qualityThresholds: { minimumAccuracy: gt.minimumAccuracy, minimumF1: gt.minimumF1, maximumMae: gt.maximumMae, maximumRmse: gt.maximumRmse },
  };
}
