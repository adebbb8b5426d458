/**
 * The model monitor's contract, shared by the constructs (which write each monitored endpoint's configuration), the
 * monitor function (which reads it) and the operator CLI.
 *
 * This module has no dependency on aws-cdk-lib: it is bundled into the monitor function.
 *
 * How the monitor finds its work: every monitored endpoint carries the tag `governance:foundation` (the name of the
 * foundation whose monitor serves it) and the tag `governance:monitoring-config` naming an SSM String parameter that
 * holds a {@link MonitoringConfig} as JSON. The monitor lists the foundation's endpoints with the Resource Groups
 * Tagging API, reads each configuration, and analyses one window of the endpoint's data capture.
 */
import { EnforcerEnvironment } from './kill-switch-protocol';

/** Tag on a monitored endpoint: the name of the SSM parameter holding its {@link MonitoringConfig}. */
export const MONITORING_CONFIG_TAG = 'governance:monitoring-config';

/** The default name of an endpoint's monitoring-configuration parameter. */
export function defaultMonitoringConfigParameterName(endpointName: string): string {
  return `/governed-endpoint/${endpointName}/monitoring`;
}

/** CloudWatch namespace of the monitor's metrics. Dimensions: `EndpointName` (and `Feature` on per-feature metrics). */
export const MONITORING_METRIC_NAMESPACE = 'GovernedEndpoint/Monitoring';

/** The monitor's metric names. */
export const MonitoringMetrics = {
  /** Records parsed and compared in the window (the sample, not the traffic). Always published, 0 included. */
  RECORDS_ANALYSED: 'RecordsAnalysed',
  /** Capture records in the window's objects that were seen (before sampling): a field of the log line and the report, not a metric. */
  RECORDS_SEEN: 'RecordsSeen',
  /** Highest population stability index over the declared features. */
  MAX_FEATURE_DRIFT: 'MaxFeatureDrift',
  /** Share (0..1) of declared features whose PSI exceeds the drift threshold. */
  DRIFTED_FEATURE_SHARE: 'DriftedFeatureShare',
  /** PSI of the prediction. */
  PREDICTION_DRIFT: 'PredictionDrift',
  /** Share (0..1) of sampled records that could not be parsed or did not fit the declared schema. */
  INVALID_RECORD_RATE: 'InvalidRecordRate',
  /** 1 when the baseline could not be read or computed (the window is not compared); published only then (0 is a log field). */
  BASELINE_UNAVAILABLE: 'BaselineUnavailable',
  /** 1 when analysing the window failed (S3, throttling, timeouts); published only then (0 is a log field). */
  MONITOR_FAILED: 'MonitorFailed',
  /** PSI of one feature (opt-in: dimensions `EndpointName`, `Feature`). */
  FEATURE_DRIFT: 'FeatureDrift',
  /** Labelled predictions joined in the window. */
  LABELLED_RECORDS: 'LabelledRecords',
  ACCURACY: 'Accuracy',
  PRECISION: 'Precision',
  RECALL: 'Recall',
  F1: 'F1',
  MAE: 'MAE',
  RMSE: 'RMSE',
} as const;

/** Key prefixes in the evidence bucket, each followed by `<endpointName>/`. */
export const MonitoringPrefixes = {
  /** Where SageMaker writes data capture (`<prefix><endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl`). */
  CAPTURE: 'data-capture/',
  /** Per-window reports: `monitoring/<endpoint>/reports/yyyy/mm/dd/hh-mm.json`; baselines under `monitoring/<endpoint>/baseline/`. */
  MONITORING: 'monitoring/',
  /** Labels uploaded by the labelling pipeline: `ground-truth/<endpoint>/yyyy/mm/dd/hh/*.jsonl`. */
  GROUND_TRUTH: 'ground-truth/',
} as const;

/** Limits of the monitor's settings (the construct validates against them; the monitor clamps to them). */
export const MonitoringLimits = {
  minWindowMinutes: 5,
  maxWindowMinutes: 24 * 60,
  defaultWindowMinutes: 60,
  minSampleSize: 100,
  maxSampleSize: 100_000,
  defaultSampleSize: 10_000,
  /** PSI above this flags drift (a common rule of thumb: < 0.1 stable, 0.1-0.2 moderate, > 0.2 significant). */
  defaultDriftThreshold: 0.2,
  /** Quantile bins of a numeric feature's baseline. */
  defaultBins: 10,
  /** Categories of a categorical feature kept from the baseline (the rest are "other"). */
  maxCategories: 50,
  maxFeatures: 100,
  defaultHypercareIntervalMinutes: 15,
  defaultWarmupDays: 7,
} as const;

/**
 * How often the monitor's schedules run. Each endpoint's window is a whole number of `windowMinutes` that divides a
 * day: the `window` run analyses each endpoint whose window ends at that hour.
 */
export const MonitoringSchedules = {
  /** The `window` run. */
  windowMinutes: 60,
  /** The `hypercare` run (endpoints in hypercare only). */
  hypercareMinutes: MonitoringLimits.defaultHypercareIntervalMinutes,
  /** The `review` run, which sends the reminders that are due. */
  reviewMinutes: 24 * 60,
} as const;

/** Limits of the options the constructs check besides {@link MonitoringLimits}. */
export const MonitoringOptionLimits = {
  /** PSI thresholds: above 0, at most this. */
  maxDriftThreshold: 10,
  /** Label delay and hypercare, at most this many hours (30 days). */
  maxLabelDelayHours: 30 * 24,
  maxHypercareHours: 30 * 24,
  /** Warm-up baselines: whole days from 1 to this. */
  maxWarmupDays: 30,
  /** Feature names: 1 to 64 letters, digits and `_ . -` (they become CloudWatch dimension values and report keys). */
  featureNamePattern: /^[A-Za-z0-9_.-]{1,64}$/,
  /** JSON paths the monitor reads: `$` then `.key`, `['key']` or `[index]` steps. */
  jsonPathPattern: /^\$(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\['[^'\]]+'\])+$/,
  /** CloudWatch alarms: `period x evaluationPeriods` of at most 7 days for periods of an hour or more (PutMetricAlarm). */
  maxAlarmEvaluationSeconds: 7 * 24 * 3600,
} as const;

/** The drift alarms' shape: PSI above the threshold in this many of the last windows. */
export const DRIFT_ALARM = { datapointsToAlarm: 2, evaluationPeriods: 3 } as const;

/** How a payload is read. */
export type PayloadFormat = 'CSV' | 'JSON';

/** Numeric features are binned by the baseline's quantiles; categorical ones by the baseline's categories plus "other". */
export type FeatureKind = 'numeric' | 'categorical';

/** Where a value is found in a payload: a CSV column (0-based) or a JSON path (`$.a.b[0]`). Exactly one is set. */
export interface ValueLocation {
  readonly csvIndex?: number;
  readonly jsonPath?: string;
}

/** One declared input feature. */
export interface FeatureSpec extends ValueLocation {
  readonly name: string;
  readonly kind: FeatureKind;
}

/** The prediction, read from the endpoint's output. */
export interface PredictionSpec extends ValueLocation {
  /** 'numeric' for scores and regression values, 'categorical' for labels. */
  readonly kind: FeatureKind;
}

/** Where the reference statistics come from. */
export type BaselineSpec =
  | { readonly kind: 'dataset'; readonly s3Uri: string; readonly format: 'CSV' | 'JSONL' }
  | { readonly kind: 'warmup'; readonly days: number };

/** Ground truth: labels joined with captured predictions by `inferenceId` (else `eventId`). */
export interface GroundTruthSpec {
  readonly problemType: 'BINARY_CLASSIFICATION' | 'MULTICLASS_CLASSIFICATION' | 'REGRESSION';
  /** Labels arrive this many hours after the prediction: the window joined is the one that ended this long ago. */
  readonly labelDelayHours: number;
  /** The positive class for binary precision/recall/F1 (as text). */
  readonly positiveLabel?: string;
  /** Scores at or above this are the positive class when the prediction is numeric (binary only). */
  readonly scoreThreshold?: number;
}

/** One endpoint's monitoring configuration: the JSON in its `governance:monitoring-config` parameter. */
export interface MonitoringConfig {
  readonly version: 1;
  readonly endpointName: string;
  /** Evidence bucket holding capture, reports, baselines and labels. */
  readonly bucket: string;
  readonly inputFormat: PayloadFormat;
  readonly outputFormat: PayloadFormat;
  readonly features: FeatureSpec[];
  readonly prediction: PredictionSpec;
  readonly baseline: BaselineSpec;
  readonly windowMinutes: number;
  readonly sampleSize: number;
  readonly driftThreshold: number;
  readonly perFeatureMetrics: boolean;
  readonly groundTruth?: GroundTruthSpec;
  /** Hours of hypercare after each deployment (0: none). */
  readonly hypercareHours: number;
  /** Days between review reminders (0: none). */
  readonly reviewEveryDays: number;
  readonly owner: string;
  readonly purpose: string;
  readonly riskTier: string;
  /** Kill-switch parameter name (the review summary reads its history for pauses). */
  readonly killSwitchParameter: string;
  /** Alert topic ARN for hypercare, review and failure notices. */
  readonly alertTopicArn: string;
}

/** What the monitor's schedules send it. */
export interface MonitorInput {
  /** `window`: the regular analysis; `hypercare`: the short-interval tick; `review`: the daily review check. */
  readonly kind: 'window' | 'hypercare' | 'review';
  /** The foundation whose endpoints are served. */
  readonly foundation: string;
}

/**
 * Dimension added to the metrics of hypercare ticks (value {@link HYPERCARE_SCHEDULE}), so their short windows
 * never mix with the regular windows' datapoints that the drift alarms evaluate (those carry `EndpointName` only).
 */
export const SCHEDULE_DIMENSION = 'Schedule';
export const HYPERCARE_SCHEDULE = 'hypercare';

/** The monitor function's timeout: its per-call and per-endpoint bounds end well inside it. */
export const MODEL_MONITOR_TIMEOUT_SECONDS = 300;

/** The monitor function's memory: one window's bounded sample and its statistics fit with room to spare. */
export const MODEL_MONITOR_MEMORY_MB = 1024;

/**
 * Environment variables of the monitor function: the foundation's alert topic (for notices about endpoints without a
 * monitoring configuration, such as review reminders of unmonitored endpoints) and evidence bucket.
 */
export const MonitorEnvironment = {
  ALERT_TOPIC_ARN: EnforcerEnvironment.ALERT_TOPIC_ARN,
  EVIDENCE_BUCKET: EnforcerEnvironment.EVIDENCE_BUCKET,
} as const;
