/**
 * Reference statistics of a feature and the population stability index (PSI) of a window against them.
 *
 * PSI = Σ_i (a_i − e_i) · ln(a_i / e_i), summed over the reference's bins plus one "missing" bin, where e_i is the
 * reference's share of records in bin i and a_i the window's. Shares are floored at PSI_EPSILON before the sum so
 * that a bin empty on one side adds a finite amount: a bin holding 10% of the reference and nothing in the window
 * adds (0.1 − 0.0001) · ln(0.1 / 0.0001) ≈ 0.69. Bins empty on both sides add 0.
 */
import { mean, quantileSorted } from 'simple-statistics';
import type { CategoricalReference, Comparison, NumericReference, Reference } from './types';

export type { CategoricalReference, Comparison, NumericReference, Reference } from './types';

/** Floor of a bin's share in the PSI sum (see the module comment). */
export const PSI_EPSILON = 1e-4;

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The bin of `v` among interior `edges` (ascending): bin i holds (edges[i-1], edges[i]]; the last bin is above all edges. */
export function binOf(edges: number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function shares(counts: number[], total: number): number[] {
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * A numeric feature's reference: interior edges at the quantiles 1/bins … (bins−1)/bins of the present values
 * (simple-statistics `quantileSorted`), duplicates removed (a feature with few distinct values gets fewer bins).
 * Non-finite numbers count as missing.
 */
export function numericReference(values: (number | null)[], bins: number): NumericReference {
  const present = values.filter(isNumber).sort((a, b) => a - b);
  const count = values.length;
  const missingRate = count > 0 ? (count - present.length) / count : 0;
  if (present.length === 0) return { kind: 'numeric', edges: [], proportions: [0], missingRate, count };
  const edges: number[] = [];
  const nBins = Math.max(1, Math.floor(bins));
  for (let i = 1; i < nBins; i += 1) {
    const q = quantileSorted(present, i / nBins);
    // An edge equal to the maximum would leave the last bin empty by construction.
    if (q < present[present.length - 1] && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of present) counts[binOf(edges, v)] += 1;
  return { kind: 'numeric', edges, proportions: shares(counts, present.length), missingRate, count, mean: mean(present) };
}

/** A categorical feature's reference: the `maxCategories` most frequent values (ties by name), then "other". */
export function categoricalReference(values: (string | null)[], maxCategories: number): CategoricalReference {
  const freq = new Map<string, number>();
  let present = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const key = String(v);
    freq.set(key, (freq.get(key) ?? 0) + 1);
    present += 1;
  }
  const ranked = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, Math.max(0, Math.floor(maxCategories)));
  const other = present - kept.reduce((s, [, c]) => s + c, 0);
  const count = values.length;
  return {
    kind: 'categorical',
    categories: kept.map(([k]) => k),
    proportions: shares([...kept.map(([, c]) => c), other], present),
    missingRate: count > 0 ? (count - present) / count : 0,
    count,
  };
}

/** PSI of two share vectors of the same length (see the module comment). */
export function psiOf(expected: number[], actual: number[]): number {
  let psi = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const e = Math.max(expected[i], PSI_EPSILON);
    const a = Math.max(actual[i], PSI_EPSILON);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * A window's values of one feature compared with its reference. A value of the wrong kind (text for a numeric
 * feature, a non-finite number) is invalid: it counts in `invalidRate` and, for the PSI, in the missing bin.
 * With no values at all, `psi` is 0 (nothing to compare).
 */
export function compare(reference: Reference, values: (number | string | null)[]): Comparison {
  const count = values.length;
  let missing = 0;
  let invalid = 0;
  let counts: number[];
  const numericValues: number[] = [];
  if (reference.kind === 'numeric') {
    counts = new Array<number>(reference.edges.length + 1).fill(0);
    for (const v of values) {
      if (v === null || v === undefined) missing += 1;
      else if (isNumber(v)) {
        counts[binOf(reference.edges, v)] += 1;
        numericValues.push(v);
      } else invalid += 1;
    }
  } else {
    const index = new Map(reference.categories.map((c, i) => [c, i]));
    counts = new Array<number>(reference.categories.length + 1).fill(0);
    for (const v of values) {
      if (v === null || v === undefined) missing += 1;
      else if (typeof v === 'string' || isNumber(v)) counts[index.get(String(v)) ?? reference.categories.length] += 1;
      else invalid += 1;
    }
  }
  const valid = count - missing - invalid;
  const proportions = shares(counts, valid);
  const result: Comparison = {
    psi: 0,
    proportions,
    missingRate: count > 0 ? missing / count : 0,
    invalidRate: count > 0 ? invalid / count : 0,
    count,
  };
  if (count > 0) {
    // Shares of all records: present values by bin, then the missing bin (missing and invalid values).
    const presentShare = 1 - reference.missingRate;
    const expected = [...reference.proportions.map((p) => p * presentShare), reference.missingRate];
    const actual = [...counts.map((c) => c / count), (missing + invalid) / count];
    result.psi = psiOf(expected, actual);
  }
  if (reference.kind === 'numeric') {
    if (numericValues.length > 0) result.mean = mean(numericValues);
    if (reference.mean !== undefined) result.baselineMean = reference.mean;
  }
  return result;
}
