/**
 * Shared data shapes of the model monitor's pure core (capture parsing, sampling, statistics, baseline, quality).
 *
 * Every module of the core re-exports the shapes it works with, so callers may import them from either place.
 * Nothing here depends on the AWS SDK or aws-cdk-lib.
 *
 * Notes for the orchestration code:
 * - Parsing never throws on bad data: `parseCaptureLine` and `extractObservation` return `{ ok: false, reason }`,
 *   and the caller counts those as invalid records.
 * - `Observation.features` holds `null` for a missing value; a value of the wrong kind (text where a number was
 *   declared) is kept as given and counted as invalid by `compare`.
 * - `Baseline.id` is the sha256 (hex) of the canonical JSON of the statistics (features, prediction, records).
 * - `planObjectSample` takes optional `{ bytesPerRecordHint, maxBytes }` (defaults in sample.ts): it returns the
 *   objects to read, shuffled and already bounded by `maxBytes`; read them all and offer every line to a `Reservoir`.
 *   To keep the invalid share unbiased, offer unparseable lines too (e.g. as `undefined`) and count them after sampling.
 * - Extras beyond the agreed signatures: `extractObservations` (every row of a CSV batch request; rows of a batch
 *   carry no join id), `observationOfLine` (parse + extract), `parseCsvRows` (capture.ts);
 *   `baselineMismatch` (a baseline built for another feature list: rebuild it), `baselineId`, `canonicalJson`
 *   (baseline.ts); `psiOf`, `binOf`, `PSI_EPSILON` (statistics.ts).
 * - CSV reference datasets have no header row, except that a first row with text in a numeric feature's column is
 *   skipped as a header. JSONL reference lines are either input documents (features by jsonPath, no prediction)
 *   or capture records.
 * - Value locations: JSON paths are the subset of `MonitoringOptionLimits.jsonPathPattern` (`isValidJsonPath`); a
 *   location with neither `csvIndex` nor `jsonPath` is column 0 of a CSV payload or the whole JSON document.
 * - Labels: `{"inferenceId"|"eventId": "...", "label": ...}` or SageMaker's ground-truth record
 *   (`groundTruthData` + `eventMetadata.eventId`).
 */

/** One side of a captured invocation. */
export interface Payload {
  data: string;
  encoding: 'CSV' | 'JSON' | 'BASE64' | string;
  observedContentType?: string;
}

/** One line of a data-capture object, flattened. */
export interface CaptureRecord {
  eventId?: string;
  inferenceId?: string;
  inferenceTime?: string;
  input?: Payload;
  output?: Payload;
}

export type ParsedLine = { ok: true; record: CaptureRecord } | { ok: false; reason: string };

/** The declared features and the prediction of one record; `null` is a missing value. */
export interface Observation {
  features: Record<string, number | string | null>;
  prediction: number | string | null;
  /** `inferenceId` when the caller set it, else `eventId`. */
  joinId?: string;
  time?: string;
}

export type Extracted = { ok: true; observation: Observation } | { ok: false; reason: string };

/** A numeric feature's reference: quantile bin edges and the baseline's share in each bin. */
export interface NumericReference {
  kind: 'numeric';
  /** Interior bin edges, ascending and distinct: `edges.length + 1` bins; bin i holds values in (edges[i-1], edges[i]]. */
  edges: number[];
  /** Baseline share per bin, over present values (sums to 1, or all 0 when no value was present). */
  proportions: number[];
  /** Share of baseline records where the value was missing. */
  missingRate: number;
  /** Baseline records (missing included). */
  count: number;
  /** Mean of the present baseline values (absent when none). */
  mean?: number;
}

/** A categorical feature's reference: the most frequent categories, then "other". */
export interface CategoricalReference {
  kind: 'categorical';
  categories: string[];
  /** Share per category, the last entry being "other" (`categories.length + 1` entries). */
  proportions: number[];
  missingRate: number;
  count: number;
}

export type Reference = NumericReference | CategoricalReference;

/** One window's values of a feature compared with its reference. */
export interface Comparison {
  /** Population stability index (see `compare` for the formula and epsilon). */
  psi: number;
  /** Window share per bin (numeric) or per category + "other" (categorical), over valid present values. */
  proportions: number[];
  missingRate: number;
  /** Share of the window's values of the wrong kind (text for a numeric feature, non-finite numbers). */
  invalidRate: number;
  count: number;
  mean?: number;
  baselineMean?: number;
}

/** Reference statistics of a model's inputs and prediction. */
export interface Baseline {
  /** sha256 (hex) of the canonical statistics JSON. */
  id: string;
  source: string;
  createdAt: string;
  features: Record<string, Reference>;
  prediction?: Reference;
  records: number;
}

/** One window compared with the baseline. */
export interface WindowAnalysis {
  baselineId: string;
  records: number;
  invalid: number;
  features: Record<string, Comparison & { drifted: boolean }>;
  prediction?: Comparison;
  maxFeatureDrift: number;
  driftedFeatureShare: number;
  predictionDrift?: number;
  invalidRecordRate: number;
}

/** One ground-truth label. */
export interface Label {
  joinId: string;
  label: string | number;
}

export interface LabelledPrediction {
  prediction: number | string;
  label: number | string;
}

export interface QualityMetrics {
  count: number;
  accuracy?: number;
  precision?: number;
  recall?: number;
  f1?: number;
  mae?: number;
  rmse?: number;
}
