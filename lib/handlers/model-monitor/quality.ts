/**
 * Model quality from ground truth: labels joined with captured predictions, then accuracy, precision, recall and
 * F1 (classification) or MAE and RMSE (regression).
 */
import { mean, rootMeanSquare } from 'simple-statistics';
import type { GroundTruthSpec } from '../../policy/monitoring-protocol';
import type { Label, LabelledPrediction, Observation, QualityMetrics } from './types';

export type { Label, LabelledPrediction, QualityMetrics } from './types';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function labelValue(v: unknown): string | number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

/**
 * One label line, or `undefined` when it is not one. Two shapes are read:
 * `{"inferenceId"|"eventId": "...", "label": ...}`, and SageMaker's ground-truth record
 * `{"groundTruthData": {"data": "...", "encoding": "CSV"|"JSON"}, "eventMetadata": {"eventId": "..."}}`
 * (whose `eventId` is the capture's `inferenceId`, else its `eventId`).
 */
export function parseLabelLine(line: string): Label | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  if (isObject(doc.groundTruthData)) {
    const joinId = isObject(doc.eventMetadata) ? nonEmptyString(doc.eventMetadata.eventId) : undefined;
    const data = doc.groundTruthData.data;
    let raw: unknown = data;
    if (typeof data === 'string' && String(doc.groundTruthData.encoding).toUpperCase() === 'JSON') {
      try {
        raw = JSON.parse(data);
      } catch {
        return undefined;
      }
    }
    const label = labelValue(raw);
    return joinId !== undefined && label !== undefined ? { joinId, label } : undefined;
  }
  const joinId = nonEmptyString(doc.inferenceId) ?? nonEmptyString(doc.eventId);
  const label = labelValue(doc.label);
  return joinId !== undefined && label !== undefined ? { joinId, label } : undefined;
}

/** Predictions paired with their labels by join id (the first label of an id wins); records without a prediction are skipped. */
export function joinLabels(obs: Observation[], labels: Label[]): LabelledPrediction[] {
  const byId = new Map<string, string | number>();
  for (const l of labels) if (!byId.has(l.joinId)) byId.set(l.joinId, l.label);
  const pairs: LabelledPrediction[] = [];
  for (const o of obs) {
    if (o.joinId === undefined || o.prediction === null) continue;
    const label = byId.get(o.joinId);
    if (label !== undefined) pairs.push({ prediction: o.prediction, label });
  }
  return pairs;
}

function asNumber(v: number | string): number | undefined {
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Classes compare as text, numbers in their shortest form (`1` and `"1"` and `"1.0"` are one class). */
function classOf(v: number | string): string {
  const n = asNumber(v);
  return n !== undefined ? String(n) : String(v).trim();
}

function ratio(num: number, den: number): number | undefined {
  return den > 0 ? num / den : undefined;
}

function f1Of(precision: number | undefined, recall: number | undefined): number | undefined {
  if (precision === undefined || recall === undefined) return undefined;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/**
 * Quality of labelled predictions.
 *
 * - BINARY_CLASSIFICATION: the positive class is `positiveLabel` (default "1"); a numeric prediction is positive
 *   when at or above `scoreThreshold` if one is set, else it is compared as a class. Precision, recall and F1 are
 *   of the positive class, absent when their denominator is 0.
 * - MULTICLASS_CLASSIFICATION: accuracy, and precision/recall/F1 macro-averaged over the classes seen in labels
 *   or predictions (a class's precision with no predictions of it counts as 0).
 * - REGRESSION: MAE and RMSE over pairs where both sides are numbers; `count` is those pairs.
 */
export function qualityMetrics(pairs: LabelledPrediction[], gt: GroundTruthSpec): QualityMetrics {
  if (gt.problemType === 'REGRESSION') {
    const errors: number[] = [];
    for (const p of pairs) {
      const a = asNumber(p.prediction);
      const b = asNumber(p.label);
      if (a !== undefined && b !== undefined) errors.push(a - b);
    }
    if (errors.length === 0) return { count: 0 };
    return { count: errors.length, mae: mean(errors.map(Math.abs)), rmse: rootMeanSquare(errors) };
  }
  if (pairs.length === 0) return { count: 0 };
  if (gt.problemType === 'BINARY_CLASSIFICATION') {
    const positive = classOf(gt.positiveLabel ?? '1');
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let correct = 0;
    for (const p of pairs) {
      const score = asNumber(p.prediction);
      const predicted = gt.scoreThreshold !== undefined && score !== undefined ? score >= gt.scoreThreshold : classOf(p.prediction) === positive;
      const actual = classOf(p.label) === positive;
      if (predicted === actual) correct += 1;
      if (predicted && actual) tp += 1;
      else if (predicted) fp += 1;
      else if (actual) fn += 1;
    }
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, tp + fn);
    const m: QualityMetrics = { count: pairs.length, accuracy: correct / pairs.length };
    if (precision !== undefined) m.precision = precision;
    if (recall !== undefined) m.recall = recall;
    const f1 = f1Of(precision, recall);
    if (f1 !== undefined) m.f1 = f1;
    return m;
  }
  const classes = new Set<string>();
  const tp = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const actualCount = new Map<string, number>();
  let correct = 0;
  for (const p of pairs) {
    const predicted = classOf(p.prediction);
    const actual = classOf(p.label);
    classes.add(predicted);
    classes.add(actual);
    predictedCount.set(predicted, (predictedCount.get(predicted) ?? 0) + 1);
    actualCount.set(actual, (actualCount.get(actual) ?? 0) + 1);
    if (predicted === actual) {
      correct += 1;
      tp.set(actual, (tp.get(actual) ?? 0) + 1);
    }
  }
  const precisions: number[] = [];
  const recalls: number[] = [];
  const f1s: number[] = [];
  for (const c of classes) {
    const t = tp.get(c) ?? 0;
    const precision = ratio(t, predictedCount.get(c) ?? 0) ?? 0;
    const recall = ratio(t, actualCount.get(c) ?? 0) ?? 0;
    precisions.push(precision);
    recalls.push(recall);
    f1s.push(f1Of(precision, recall) ?? 0);
  }
  return { count: pairs.length, accuracy: correct / pairs.length, precision: mean(precisions), recall: mean(recalls), f1: mean(f1s) };
}
