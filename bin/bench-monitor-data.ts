/**
 * Synthetic data for the model-monitor benchmark: SageMaker data-capture JSON Lines objects for one window of a
 * fraud-scoring endpoint (CSV or JSON payloads), reference observations, and seeded normal draws.
 *
 * Features: `amount` (numeric, normal mean 100, SD 20; the drifted window shifts it by 0.5 SD), `tenure` (numeric,
 * exponential, mean 24), `country` (categorical, 8 weighted values), `channel` (categorical, 3 values).
 * Prediction: `score` (numeric, 0..1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitoringConfig, PayloadFormat } from '../lib/policy/monitoring-protocol';
import type { Observation } from '../lib/handlers/model-monitor/types';

export const AMOUNT_MEAN = 100;
export const AMOUNT_SD = 20;
const COUNTRIES = ['FR', 'DE', 'IT', 'ES', 'NL', 'BE', 'PT', 'IE'];
const COUNTRY_WEIGHTS = [0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.06, 0.04];
const CHANNELS = ['web', 'app', 'pos'];

/** Standard normal draws (Box-Muller) from a uniform generator. */
export function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function pick(random: () => number, values: string[], weights?: number[]): string {
  if (!weights) return values[Math.floor(random() * values.length)];
  let r = random();
  for (let i = 0; i < values.length; i += 1) {
    r -= weights[i];
    if (r < 0) return values[i];
  }
  return values[values.length - 1];
}

export interface SyntheticRow {
  amount: number;
  tenure: number;
  country: string;
  channel: string;
  score: number;
}

/** One synthetic invocation; `shiftSd` moves `amount` by that many standard deviations. */
export function syntheticRow(random: () => number, shiftSd = 0): SyntheticRow {
  const amount = Math.round((AMOUNT_MEAN + AMOUNT_SD * (normal(random) + shiftSd)) * 100) / 100;
  const tenure = Math.round(-24 * Math.log(1 - random()));
  const country = pick(random, COUNTRIES, COUNTRY_WEIGHTS);
  const channel = pick(random, CHANNELS);
  const score = Math.round((1 / (1 + Math.exp(-(amount - 130) / 10))) * 1e6) / 1e6;
  return { amount, tenure, country, channel, score };
}

/** The monitoring configuration of the synthetic endpoint for a payload format. */
export function benchConfig(format: PayloadFormat): MonitoringConfig {
  const csv = format === 'CSV';
  return {
    version: 1,
    endpointName: `bench-${format.toLowerCase()}`,
    bucket: 'local',
    inputFormat: format,
    outputFormat: format,
    features: [
      csv ? { name: 'amount', kind: 'numeric', csvIndex: 0 } : { name: 'amount', kind: 'numeric', jsonPath: '$.instances[0].amount' },
      csv ? { name: 'tenure', kind: 'numeric', csvIndex: 1 } : { name: 'tenure', kind: 'numeric', jsonPath: '$.instances[0].tenure' },
      csv ? { name: 'country', kind: 'categorical', csvIndex: 2 } : { name: 'country', kind: 'categorical', jsonPath: '$.instances[0].country' },
      csv ? { name: 'channel', kind: 'categorical', csvIndex: 3 } : { name: 'channel', kind: 'categorical', jsonPath: '$.instances[0].channel' },
    ],
    prediction: csv ? { kind: 'numeric', csvIndex: 0 } : { kind: 'numeric', jsonPath: '$.predictions[0].score' },
    baseline: { kind: 'warmup', days: 7 },
    windowMinutes: 60,
    sampleSize: 10_000,
    driftThreshold: 0.2,
    perFeatureMetrics: false,
    hypercareHours: 0,
    reviewEveryDays: 0,
    owner: 'bench@example.com',
    purpose: 'benchmark',
    riskTier: 'HIGH',
    killSwitchParameter: '/governed-endpoint/bench/kill-switch',
    alertTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts',
  };
}

/** Reference observations drawn from the undrifted distribution. */
export function referenceObservations(random: () => number, n: number): Observation[] {
  return Array.from({ length: n }, () => {
    const r = syntheticRow(random);
    return { features: { amount: r.amount, tenure: r.tenure, country: r.country, channel: r.channel }, prediction: r.score };
  });
}

function hex(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += Math.floor(random() * 16).toString(16);
  return s;
}

/** One capture line as SageMaker writes it. */
export function captureLine(random: () => number, format: PayloadFormat, time: string, shiftSd: number): string {
  const r = syntheticRow(random, shiftSd);
  const input =
    format === 'CSV'
      ? { observedContentType: 'text/csv', mode: 'INPUT', data: `${r.amount},${r.tenure},${r.country},${r.channel}`, encoding: 'CSV' }
      : { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify({ instances: [{ amount: r.amount, tenure: r.tenure, country: r.country, channel: r.channel }] }), encoding: 'JSON' };
  const output =
    format === 'CSV'
      ? { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: `${r.score}\n`, encoding: 'CSV' }
      : { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify({ predictions: [{ score: r.score }] }), encoding: 'JSON' };
  const id = `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`;
  const eventMetadata = random() < 0.5 ? { eventId: id, inferenceTime: time } : { eventId: id, inferenceId: `req-${hex(random, 16)}`, inferenceTime: time };
  return JSON.stringify({ captureData: { endpointInput: input, endpointOutput: output }, eventMetadata, eventVersion: '0' });
}

/**
 * Writes `records` capture lines for one hour under `<dir>/data-capture/<endpoint>/AllTraffic/2026/11/30/17/`, in
 * objects of 1 to 5 MB (uniform), with `malformedShare` of the lines broken. Returns the object paths and sizes.
 */
export function writeCaptureWindow(
  dir: string,
  cfg: MonitoringConfig,
  records: number,
  random: () => number,
  opts: { shiftSd?: number; malformedShare?: number } = {},
): { key: string; size: number }[] {
  const prefix = join(dir, 'data-capture', cfg.endpointName, 'AllTraffic', '2026', '11', '30', '17');
  mkdirSync(prefix, { recursive: true });
  const objects: { key: string; size: number }[] = [];
  let written = 0;
  let n = 0;
  while (written < records) {
    const target = (1 + 4 * random()) * 1024 * 1024;
    const lines: string[] = [];
    let bytes = 0;
    while (bytes < target && written < records) {
      const second = Math.floor((written / records) * 3600);
      const time = `2026-11-30T17:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}Z`;
      let line = captureLine(random, cfg.inputFormat, time, opts.shiftSd ?? 0);
      if (opts.malformedShare && random() < opts.malformedShare) line = line.slice(0, Math.floor(line.length / 2));
      lines.push(line);
      bytes += line.length + 1;
      written += 1;
    }
    const key = join(prefix, `capture-${String(n).padStart(5, '0')}.jsonl`);
    const body = `${lines.join('\n')}\n`;
    writeFileSync(key, body);
    objects.push({ key, size: Buffer.byteLength(body) });
    n += 1;
  }
  return objects;
}
