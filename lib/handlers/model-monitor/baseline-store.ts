/**
 * Where an endpoint's baseline comes from, and where it is kept: `monitoring/<endpoint>/baseline/` in the evidence
 * bucket.
 *
 * - `dataset`: the reference statistics are computed once from the dataset object and stored as
 *   `baseline/<cache key>.json`. The cache key is the sha256 (hex) of the canonical JSON of the dataset's S3 URI,
 *   its ETag (read with HeadObject), its format, and the declared features and prediction: a new upload of the
 *   dataset, or a change of what is declared, computes new statistics; anything else reuses them.
 * - `warmup`: until the endpoint is `days` old the monitor only records (no baseline, no drift); the first window
 *   after that builds the baseline from a bounded, uniform sample of the warm-up period's capture, and stores it as
 *   `baseline/warmup-<endpoint creation time>.json` (a re-created endpoint warms up again).
 *
 * Either way, `Baseline.id` (a hash of the statistics) is recorded in every report.
 */
import { createHash } from 'node:crypto';
import { MonitoringConfig, MonitoringPrefixes } from '../../policy/monitoring-protocol';
import { Deadline } from '../shared/deadline';
import { log } from '../shared/log';
import { HeadObjectCommand, PutObjectCommand } from './aws';
import { baselineFromObservations, parseReferenceDataset } from './baseline';
import { extractObservation } from './capture';
import { call, MonitorContext } from './context';
import { Baseline, Observation } from './types';
import { readText, sampleWindow } from './window';

/** The baseline could not be read, computed or stored: the window is not compared (BaselineUnavailable, and an alert). */
export class BaselineUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineUnavailable';
  }
}

/** The endpoint's baseline, or `warmingUp` while a warm-up baseline is still being recorded. */
export type BaselineState = { readonly kind: 'ready'; readonly baseline: Baseline; readonly key: string } | { readonly kind: 'warmingUp'; readonly until: Date };

/** The sha256 (hex) cache key of a dataset baseline. */
export function datasetCacheKey(cfg: MonitoringConfig, etag: string): string {
  if (cfg.baseline.kind !== 'dataset') {
    throw new Error('not a dataset baseline');
  }
  const canonical = JSON.stringify({ s3Uri: cfg.baseline.s3Uri, etag, format: cfg.baseline.format, features: cfg.features, prediction: cfg.prediction });
  return createHash('sha256').update(canonical).digest('hex');
}

/** `s3://bucket/key` split; undefined when not an S3 URL. */
export function splitS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { bucket: m[1], key: m[2] } : undefined;
}

/** The baseline for this window (read, or computed and stored); throws {@link BaselineUnavailable} when there is none to compare with. */
export async function loadBaseline(cfg: MonitoringConfig, createdAt: Date | undefined, ctx: MonitorContext, deadline: Deadline): Promise<BaselineState> {
  try {
    return cfg.baseline.kind === 'dataset' ? await datasetBaseline(cfg, ctx, deadline) : await warmupBaseline(cfg, cfg.baseline.days, createdAt, ctx, deadline);
  } catch (err) {
    if (err instanceof BaselineUnavailable) {
      throw err;
    }
    throw new BaselineUnavailable(`baseline of ${cfg.endpointName} could not be read: ${(err as Error).name}: ${(err as Error).message}`);
  }
}

const baselinePrefix = (cfg: MonitoringConfig) => `${MonitoringPrefixes.MONITORING}${cfg.endpointName}/baseline/`;

async function datasetBaseline(cfg: MonitoringConfig, ctx: MonitorContext, deadline: Deadline): Promise<BaselineState> {
  const spec = cfg.baseline as Extract<MonitoringConfig['baseline'], { kind: 'dataset' }>;
  const source = splitS3Uri(spec.s3Uri);
  if (!source) {
    throw new BaselineUnavailable(`baseline dataset ${spec.s3Uri} is not an s3:// URL`);
  }
  let etag: string;
  try {
    const head = await call(ctx, 'HeadObject', deadline, (abortSignal) => ctx.clients.s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key }), { abortSignal }));
    etag = head.ETag ?? '';
  } catch (err) {
    throw new BaselineUnavailable(`baseline dataset ${spec.s3Uri} could not be read: ${(err as Error).name}: ${(err as Error).message}`);
  }
  const key = `${baselinePrefix(cfg)}${datasetCacheKey(cfg, etag)}.json`;
  const cached = await readBaseline(cfg.bucket, key, ctx, deadline);
  if (cached) {
    return { kind: 'ready', baseline: cached, key };
  }
  const data = await readText(source.bucket, source.key, ctx.bounds.maxDatasetBytes, ctx, deadline);
  if (!data) {
    throw new BaselineUnavailable(`baseline dataset ${spec.s3Uri} does not exist`);
  }
  if (data.truncated) {
    log('WARN', `baseline dataset is larger than ${ctx.bounds.maxDatasetBytes} bytes: statistics from its first part`, { endpoint: cfg.endpointName, source: spec.s3Uri });
  }
  const { observations, invalid } = parseReferenceDataset(data.text, spec.format, cfg);
  return store(cfg, key, observations, invalid, `${spec.s3Uri}#${etag}`, ctx, deadline);
}

async function warmupBaseline(cfg: MonitoringConfig, days: number, createdAt: Date | undefined, ctx: MonitorContext, deadline: Deadline): Promise<BaselineState> {
  if (!createdAt) {
    throw new BaselineUnavailable(`the creation time of ${cfg.endpointName} is unknown, so its warm-up period is too`);
  }
  const until = new Date(createdAt.getTime() + days * 86_400_000);
  if (ctx.now().getTime() < until.getTime()) {
    return { kind: 'warmingUp', until };
  }
  const key = `${baselinePrefix(cfg)}warmup-${createdAt.toISOString().replace(/[:.]/g, '-')}.json`;
  const cached = await readBaseline(cfg.bucket, key, ctx, deadline);
  if (cached) {
    return { kind: 'ready', baseline: cached, key };
  }
  const sample = await sampleWindow(cfg.bucket, cfg.endpointName, { start: createdAt, end: until }, cfg.sampleSize, ctx, deadline);
  const observations: Observation[] = [];
  let invalid = 0;
  for (const line of sample.lines) {
    const x = line.ok ? extractObservation(line.record, cfg) : undefined;
    if (x?.ok) {
      observations.push(x.observation);
    } else {
      invalid++;
    }
  }
  return store(cfg, key, observations, invalid, `warm-up capture ${createdAt.toISOString()}..${until.toISOString()}`, ctx, deadline);
}

async function store(cfg: MonitoringConfig, key: string, observations: Observation[], invalid: number, source: string, ctx: MonitorContext, deadline: Deadline): Promise<BaselineState> {
  if (observations.length === 0) {
    throw new BaselineUnavailable(`no valid records to build the baseline of ${cfg.endpointName} from (${source}; ${invalid} invalid)`);
  }
  const baseline = baselineFromObservations(observations, cfg, source, ctx.now().toISOString());
  await call(ctx, 'PutObject', deadline, (abortSignal) => ctx.clients.s3.send(new PutObjectCommand({
    Bucket: cfg.bucket, Key: key, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256', Body: JSON.stringify(baseline),
  }), { abortSignal }));
  log('INFO', 'baseline computed and stored', { endpoint: cfg.endpointName, key, baselineId: baseline.id, records: baseline.records, invalid });
  return { kind: 'ready', baseline, key };
}

async function readBaseline(bucket: string, key: string, ctx: MonitorContext, deadline: Deadline): Promise<Baseline | undefined> {
  const read = await readText(bucket, key, ctx.bounds.maxDocumentBytes, ctx, deadline);
  if (!read) {
    return undefined;
  }
  const doc = JSON.parse(read.text) as Baseline;
  if (read.truncated || typeof doc?.id !== 'string' || typeof doc.features !== 'object' || doc.features === null) {
    throw new BaselineUnavailable(`stored baseline s3://${bucket}/${key} is not a baseline`);
  }
  return doc;
}
