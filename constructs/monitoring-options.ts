import { Duration } from 'aws-cdk-lib';

/** How a feature's values are compared with the baseline. */
export enum FeatureKind {
  /** Numbers, binned by the baseline's deciles. */
  NUMERIC = 'numeric',
  /** Labels, compared by the baseline's categories (up to 50) plus "other". */
  CATEGORICAL = 'categorical',
}

/** How the endpoint's request or response bodies are written. */
export enum PayloadFormat {
  /** One CSV line per record (`text/csv`). */
  CSV = 'CSV',
  /** A JSON document per record (`application/json`). */
  JSON = 'JSON',
}

/** How a reference dataset is written. */
export enum BaselineFormat {
  /** CSV, one record a line, columns as in the endpoint's CSV input. */
  CSV = 'CSV',
  /** JSON Lines, one JSON record a line, read with the features' JSON paths. */
  JSONL = 'JSONL',
}

/** The kind of model, for model-quality metrics from ground truth. */
export enum ProblemType {
  /** Two classes: accuracy, precision, recall, F1. */
  BINARY_CLASSIFICATION = 'BINARY_CLASSIFICATION',
  /** Several classes: accuracy, macro precision, recall and F1. */
  MULTICLASS_CLASSIFICATION = 'MULTICLASS_CLASSIFICATION',
  /** A number: MAE and RMSE. */
  REGRESSION = 'REGRESSION',
}

/** One input feature the monitor compares with the baseline. Exactly one of `csvIndex` and `jsonPath` is set. */
export interface MonitoredFeature {
  /** Name of the feature (letters, digits, `_ . -`, 1 to 64 characters; unique): it appears in reports and metrics. */
  readonly name: string;
  /** Numeric or categorical. */
  readonly kind: FeatureKind;
  /**
   * The 0-based column of a CSV request.
   * @default - none: `jsonPath` is set
   */
  readonly csvIndex?: number;
  /**
   * Where the value is in a JSON request: `$.` followed by keys and `[index]`es, e.g. `$.applicant.income` or `$.instances[0][3]`.
   * @default - none: `csvIndex` is set
   */
  readonly jsonPath?: string;
}

/** The model's prediction, read from the endpoint's response. At most one of `csvIndex` and `jsonPath` is set. */
export interface MonitoredPrediction {
  /** NUMERIC for scores and regression values, CATEGORICAL for labels. */
  readonly kind: FeatureKind;
  /**
   * The 0-based column of a CSV response.
   * @default 0 when `jsonPath` is unset
   */
  readonly csvIndex?: number;
  /**
   * Where the prediction is in a JSON response, e.g. `$.predictions[0].score`.
   * @default - none: the CSV column `csvIndex`
   */
  readonly jsonPath?: string;
}

/** Where the monitor's reference statistics come from. */
export class MonitoringBaseline {
  /**
   * A reference dataset (e.g. the training or validation set) in S3: `s3://<bucket>/<key>`. The monitor computes
   * its statistics once, keeps them in the evidence store with their content hash, and cites the hash in every report.
   * The object must be in the foundation's evidence bucket, under `monitoring/<endpointName>/baseline/` (the monitor
   * reads nothing else); a baseline that cannot be read sets off the BaselineUnavailable metric and an alert.
   */
  public static fromS3(uri: string, format: BaselineFormat): MonitoringBaseline {
    return new MonitoringBaseline('dataset', uri, format, undefined);
  }

  /**
   * A reference dataset in the evidence bucket, at `monitoring/<endpointName>/baseline/<fileName>` (upload it there
   * before the first window): the same as `fromS3` with that object's URL, without having to know the bucket's name.
   * `fileName` is 1 to 512 letters, digits and `! _ . * ' ( ) / -`, not starting with `/` and without `..`.
   */
  public static fromEvidenceStore(fileName: string, format: BaselineFormat): MonitoringBaseline {
    return new MonitoringBaseline('evidence', fileName, format, undefined);
  }

  /**
   * The endpoint's own first days of traffic: the monitor only records during `duration` (whole days, 1 to 30),
   * then compares every window with them.
   */
  public static fromWarmUp(duration: Duration): MonitoringBaseline {
    return new MonitoringBaseline('warmup', undefined, undefined, duration);
  }

  private constructor(
    /** `dataset`, `evidence` or `warmup`. */
    public readonly kind: string,
    /** The dataset's S3 URI (`dataset`) or its file name under the endpoint's baseline prefix (`evidence`). */
    public readonly location: string | undefined,
    /** The dataset's format, for a dataset baseline. */
    public readonly format: BaselineFormat | undefined,
    /** The warm-up period, for a warm-up baseline. */
    public readonly warmUp: Duration | undefined,
  ) {}
}

/** Ground truth: labels uploaded under `ground-truth/<endpointName>/` and joined with captured predictions. */
export interface GroundTruthOptions {
  /** The kind of model: which quality metrics are computed. */
  readonly problemType: ProblemType;
  /**
   * How long after a prediction its label arrives: the window joined is the one that ended this long ago. Whole hours, 0 to 30 days.
   * @default Duration.hours(24)
   */
  readonly labelDelay?: Duration;
  /**
   * The positive class, as text, for binary precision, recall and F1.
   * @default '1'
   */
  readonly positiveLabel?: string;
  /**
   * For a numeric prediction of a binary model: scores at or above this are the positive class (0 to 1).
   * @default 0.5
   */
  readonly scoreThreshold?: number;
  /**
   * Alarm when accuracy (classification) falls below this, 0 to 1.
   * @default - no accuracy alarm
   */
  readonly minimumAccuracy?: number;
  /**
   * Alarm when F1 (classification) falls below this, 0 to 1.
   * @default - no F1 alarm
   */
  readonly minimumF1?: number;
  /**
   * Alarm when the mean absolute error (regression) rises above this (greater than 0).
   * @default - no MAE alarm
   */
  readonly maximumMae?: number;
  /**
   * Alarm when the root mean squared error (regression) rises above this (greater than 0).
   * @default - no RMSE alarm
   */
  readonly maximumRmse?: number;
}

/**
 * Model monitoring of a governed endpoint: the foundation's monitor reads a bounded, uniform sample of the
 * endpoint's data capture every window, compares each declared feature and the prediction with the baseline
 * (population stability index), publishes the figures as CloudWatch metrics and writes a report to the evidence store.
 */
export interface MonitoringOptions {
  /**
   * Why this endpoint is not monitored. Set only this, and no other option, to deploy a HIGH tier endpoint without
   * monitoring: the reason is recorded as the acknowledgement of `AiGovernance-EndpointModelMonitoring`.
   * @default - none: the endpoint is monitored, and `features` is required
   */
  readonly riskAcceptance?: string;
  /**
   * The input features to compare (1 to 100, unique names).
   * @default - none, which is accepted only together with `riskAcceptance`
   */
  readonly features?: MonitoredFeature[];
  /**
   * The prediction to compare.
   * @default - the first CSV column of the response, numeric
   */
  readonly prediction?: MonitoredPrediction;
  /**
   * How requests are written.
   * @default PayloadFormat.CSV
   */
  readonly inputFormat?: PayloadFormat;
  /**
   * How responses are written.
   * @default PayloadFormat.CSV
   */
  readonly outputFormat?: PayloadFormat;
  /**
   * The reference statistics.
   * @default MonitoringBaseline.fromWarmUp(Duration.days(7))
   */
  readonly baseline?: MonitoringBaseline;
  /**
   * The window analysed at a time: whole hours that divide a day (1, 2, 3, 4, 6, 8, 12 or 24 hours); the monitor runs hourly.
   * @default Duration.hours(1)
   */
  readonly window?: Duration;
  /**
   * Records read per window at most (a uniform sample): bounds the work whatever the traffic. 100 to 100,000.
   * At 10,000 the standard error of a bin's share is at most 0.5 percentage points.
   * @default 10000
   */
  readonly sampleSize?: number;
  /**
   * A feature drifts when its population stability index is above this (greater than 0, at most 10). The feature
   * drift alarm goes off when the highest PSI is above it in 2 of 3 windows.
   * @default 0.2
   */
  readonly driftThreshold?: number;
  /**
   * The prediction drifts when its PSI is above this (greater than 0, at most 10), in 2 of 3 windows.
   * @default - `driftThreshold`
   */
  readonly predictionDriftThreshold?: number;
  /**
   * Alarm when the share of sampled records that cannot be parsed or do not fit the declared schema is above this (0 to 1).
   * @default 0.05
   */
  readonly invalidRecordRateThreshold?: number;
  /**
   * Publish each feature's PSI as its own metric (each custom metric is billed).
   * @default false
   */
  readonly perFeatureMetrics?: boolean;
  /**
   * Labels to join with predictions, for model-quality metrics and alarms.
   * @default - no model-quality metrics
   */
  readonly groundTruth?: GroundTruthOptions;
  /**
   * After each deployment, the monitor checks every 15 minutes for this long and the alert topic says when it
   * starts and ends. Whole hours, 0 (none) to 30 days.
   * @default - by tier: HIGH 7 days, MEDIUM 3 days, LOW 1 day
   */
  readonly hypercare?: Duration;
  /**
   * Pause the endpoint through its kill switch when the drift or model-quality alarms go off.
   * @default false
   */
  readonly autoPause?: boolean;
}
