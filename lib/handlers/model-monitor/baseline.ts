/**
 * The baseline (reference statistics of a model's inputs and prediction) and the analysis of a window against it.
 */
import { createHash } from 'node:crypto';
import { MonitoringLimits, type FeatureKind, type MonitoringConfig } from '../../policy/monitoring-protocol';
import { evaluateJsonPath, extractObservations, parseCaptureLine, parseCsvRows } from './capture';
import { categoricalReference, compare, numericReference } from './statistics';
import type { Baseline, Observation, Reference, WindowAnalysis } from './types';

export type { Baseline, WindowAnalysis } from './types';

/** JSON with object keys sorted at every level: the same statistics always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The baseline's id: sha256 (hex) of the canonical JSON of `{ features, prediction, records }`. */
export function baselineId(stats: Pick<Baseline, 'features' | 'prediction' | 'records'>): string {
  return createHash('sha256')
    .update(canonicalJson({ features: stats.features, prediction: stats.prediction, records: stats.records }))
    .digest('hex');
}

function referenceOf(values: (number | string | null)[], kind: FeatureKind): Reference {
  if (kind === 'numeric') {
    // Text in a numeric feature cannot be binned: it counts as missing in the reference.
    return numericReference(values.map((v) => (typeof v === 'number' ? v : null)), MonitoringLimits.defaultBins);
  }
  return categoricalReference(values.map((v) => (v === null ? null : String(v))), MonitoringLimits.maxCategories);
}

/**
 * Reference statistics of `obs`: each declared feature by its kind (numeric: `defaultBins` quantile bins;
 * categorical: up to `maxCategories` categories), and the prediction when at least one record has one.
 */
export function baselineFromObservations(obs: Observation[], cfg: MonitoringConfig, source: string, createdAt: string): Baseline {
  const features: Record<string, Reference> = {};
  for (const f of cfg.features) {
    features[f.name] = referenceOf(obs.map((o) => o.features[f.name] ?? null), f.kind);
  }
  const predictions = obs.map((o) => o.prediction);
  const prediction = predictions.some((p) => p !== null) ? referenceOf(predictions, cfg.prediction.kind) : undefined;
  const stats = { features, prediction, records: obs.length };
  const baseline: Baseline = { id: baselineId(stats), source, createdAt, features, records: obs.length };
  if (prediction) baseline.prediction = prediction;
  return baseline;
}

function cell(raw: string | undefined, kind: FeatureKind): number | string | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  if (s === '') return null;
  if (kind === 'categorical') return s;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

function jsonValue(raw: unknown, kind: FeatureKind): number | string | null | undefined {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') return cell(raw, kind);
  if (typeof raw === 'number') return kind === 'categorical' ? String(raw) : raw;
  if (typeof raw === 'boolean') return kind === 'categorical' ? String(raw) : raw ? 1 : 0;
  return undefined;
}

/**
 * Observations of a reference dataset (the training or validation data). Bad rows are counted in `invalid`, never thrown.
 *
 * - CSV: one record per row, features by `csvIndex`, no prediction. There is no header row, except that a first
 *   row holding text in any numeric feature's column is taken as a header and skipped. A row shorter than a
 *   declared column is invalid.
 * - JSONL: one JSON document per line. A line that is a capture record (`captureData`) is read like capture
 *   (features and prediction; every row of a CSV batch); any other document is an input payload with features by `jsonPath` and no prediction.
 */
export function parseReferenceDataset(text: string, format: 'CSV' | 'JSONL', cfg: MonitoringConfig): { observations: Observation[]; invalid: number } {
  const observations: Observation[] = [];
  let invalid = 0;
  if (format === 'CSV') {
    const rows = parseCsvRows(text);
    if (!rows) return { observations, invalid: 1 };
    const need = Math.max(-1, ...cfg.features.map((f) => f.csvIndex ?? Number.POSITIVE_INFINITY));
    rows.forEach((row, i) => {
      if (row.length === 1 && row[0].trim() === '') return;
      if (row.length <= need) {
        invalid += 1;
        return;
      }
      const features: Record<string, number | string | null> = {};
      for (const f of cfg.features) features[f.name] = cell(row[f.csvIndex!], f.kind);
      const header = i === 0 && cfg.features.some((f) => f.kind === 'numeric' && typeof features[f.name] === 'string');
      if (!header) observations.push({ features, prediction: null });
    });
    return { observations, invalid };
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      invalid += 1;
      continue;
    }
    if (doc !== null && typeof doc === 'object' && 'captureData' in doc) {
      const parsed = parseCaptureLine(line);
      const extracted = parsed.ok ? extractObservations(parsed.record, cfg) : parsed;
      if (extracted.ok) observations.push(...extracted.observations);
      else invalid += 1;
      continue;
    }
    const features: Record<string, number | string | null> = {};
    let ok = true;
    for (const f of cfg.features) {
      const v = f.jsonPath === undefined ? undefined : jsonValue(evaluateJsonPath(doc, f.jsonPath), f.kind);
      if (v === undefined) ok = false;
      else features[f.name] = v;
    }
    if (ok) observations.push({ features, prediction: null });
    else invalid += 1;
  }
  return { observations, invalid };
}

/**
 * Why `baseline` cannot serve `cfg` (a declared feature it lacks, or one of another kind), or `undefined` when it can.
 * A baseline built for an earlier feature list must be rebuilt rather than compared.
 */
export function baselineMismatch(baseline: Baseline, cfg: MonitoringConfig): string | undefined {
  for (const f of cfg.features) {
    const ref = baseline.features[f.name];
    if (!ref) return `baseline ${baseline.id} has no statistics for feature ${f.name}`;
    if (ref.kind !== f.kind) return `baseline ${baseline.id} has feature ${f.name} as ${ref.kind}, the configuration declares ${f.kind}`;
  }
  return undefined;
}

/**
 * One window's observations compared with the baseline. A feature drifts when its PSI exceeds `cfg.driftThreshold`.
 * Features missing from the baseline are skipped (check `baselineMismatch` first). `invalid` is the number of
 * records read but not usable; `invalidRecordRate` = invalid / (records + invalid).
 */
export function analyseWindow(obs: Observation[], invalid: number, baseline: Baseline, cfg: MonitoringConfig): WindowAnalysis {
  const features: WindowAnalysis['features'] = {};
  let maxFeatureDrift = 0;
  let drifted = 0;
  let compared = 0;
  for (const f of cfg.features) {
    const ref = baseline.features[f.name];
    if (!ref) continue;
    const c = compare(ref, obs.map((o) => o.features[f.name] ?? null));
    const isDrifted = obs.length > 0 && c.psi > cfg.driftThreshold;
    features[f.name] = { ...c, drifted: isDrifted };
    compared += 1;
    if (isDrifted) drifted += 1;
    if (c.psi > maxFeatureDrift) maxFeatureDrift = c.psi;
  }
  const total = obs.length + invalid;
  const analysis: WindowAnalysis = {
    baselineId: baseline.id,
    records: obs.length,
    invalid,
    features,
    maxFeatureDrift,
    driftedFeatureShare: compared > 0 ? drifted / compared : 0,
    invalidRecordRate: total > 0 ? invalid / total : 0,
  };
  if (baseline.prediction) {
    analysis.prediction = compare(baseline.prediction, obs.map((o) => o.prediction));
    analysis.predictionDrift = analysis.prediction.psi;
  }
  return analysis;
}
