/**
 * Windows and the capture they hold. A window is a half-open interval `[start, end)` aligned to its length in
 * UTC epoch time; its capture is every object SageMaker wrote under `data-capture/<endpoint>/<variant>/yyyy/mm/dd/hh/`
 * for the hours the window touches, of every variant. The monitor reads a bounded, uniform sample of the window's
 * records: a random plan of objects (`planObjectSample`), each read up to a byte bound, every line parsed, and the
 * records whose `inferenceTime` falls in the window kept in a reservoir of `sampleSize` items.
 */
import { MonitoringPrefixes } from '../../policy/monitoring-protocol';
import { Deadline, eachBounded } from '../shared/deadline';
import { log } from '../shared/log';
import { GetObjectCommand, ListObjectsV2Command } from './aws';
import { parseCaptureLine } from './capture';
import { call, MonitorContext } from './context';
import { planObjectSample, Reservoir } from './sample';
import { CaptureRecord } from './types';

/** A half-open time interval `[start, end)`. */
export interface Window {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The last complete window of `minutes` before `now - settleMs`, aligned to its length: every invocation within the
 * same window length gets the same window, and invocations one length apart get consecutive windows.
 */
export function alignedWindow(now: Date, minutes: number, settleMs: number): Window {
  const size = minutes * 60_000;
  const end = Math.floor((now.getTime() - settleMs) / size) * size;
  return { start: new Date(end - size), end: new Date(end) };
}

/**
 * True when the endpoint's last complete window (see {@link alignedWindow}) ended since the previous run of a schedule
 * that runs every `runMinutes`: with windows longer than the run interval, only the run right after a window's end
 * analyses it.
 */
export function windowDue(now: Date, window: Window, runMinutes: number, settleMs: number): boolean {
  return now.getTime() - settleMs - window.end.getTime() < runMinutes * 60_000;
}

/** The window `hours` earlier. */
export function shiftWindow(window: Window, hours: number): Window {
  const by = hours * 3_600_000;
  return { start: new Date(window.start.getTime() - by), end: new Date(window.end.getTime() - by) };
}

/** `yyyy/mm/dd/hh/` of every UTC hour the window touches. */
export function hourPrefixes(window: Window): string[] {
  const out: string[] = [];
  const first = Math.floor(window.start.getTime() / 3_600_000);
  const last = Math.floor((window.end.getTime() - 1) / 3_600_000);
  for (let h = first; h <= last; h++) {
    out.push(`${new Date(h * 3_600_000).toISOString().slice(0, 13).replace(/[-T]/g, '/')}/`);
  }
  return out;
}

/** True when an ISO time lies in the window. */
export function inWindow(time: string | undefined, window: Window): boolean {
  const t = time ? Date.parse(time) : NaN;
  return Number.isFinite(t) && t >= window.start.getTime() && t < window.end.getTime();
}

/** One S3 object as listed. */
export interface ObjectRef {
  readonly key: string;
  readonly size: number;
}

/** The keys under a prefix, page by page up to the bound; `truncated` when more were left unlisted. */
export async function listObjects(bucket: string, prefix: string, ctx: MonitorContext, deadline: Deadline, opts: { delimiter?: string; startAfter?: string } = {}): Promise<{ objects: ObjectRef[]; prefixes: string[]; truncated: boolean }> {
  const objects: ObjectRef[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  for (let page = 1; page <= ctx.bounds.maxListPages; page++) {
    const out = await call(ctx, 'ListObjectsV2', deadline, (abortSignal) => ctx.clients.s3.send(new ListObjectsV2Command({
      Bucket: bucket, Prefix: prefix, Delimiter: opts.delimiter, StartAfter: opts.startAfter, ContinuationToken: token, MaxKeys: 1000,
    }), { abortSignal }));
    for (const o of out.Contents ?? []) {
      if (o.Key) {
        objects.push({ key: o.Key, size: o.Size ?? 0 });
      }
    }
    for (const p of out.CommonPrefixes ?? []) {
      if (p.Prefix) {
        prefixes.push(p.Prefix);
      }
    }
    if (!out.IsTruncated || !out.NextContinuationToken || out.NextContinuationToken === token) {
      return { objects, prefixes, truncated: false };
    }
    token = out.NextContinuationToken;
  }
  log('WARN', `listing stopped after ${ctx.bounds.maxListPages} pages`, { bucket, prefix });
  return { objects, prefixes, truncated: true };
}

/**
 * An object's text, at most `maxBytes` of it (a ranged GetObject, so S3 sends no more). When the object is longer,
 * the text ends at the last complete line. `undefined` when the object does not exist.
 */
export async function readText(bucket: string, key: string, maxBytes: number, ctx: MonitorContext, deadline: Deadline): Promise<{ text: string; truncated: boolean } | undefined> {
  try {
    return await call(ctx, 'GetObject', deadline, async (abortSignal) => {
      const out = await ctx.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${maxBytes - 1}` }), { abortSignal });
      const text = out.Body ? await out.Body.transformToString('utf-8') : '';
      const total = totalSize(out.ContentRange) ?? out.ContentLength ?? text.length;
      const truncated = total > maxBytes || Buffer.byteLength(text) > maxBytes;
      if (!truncated) {
        return { text, truncated };
      }
      const cut = text.slice(0, Math.min(text.length, maxBytes));
      const lastLine = cut.lastIndexOf('\n');
      return { text: lastLine >= 0 ? cut.slice(0, lastLine) : '', truncated };
    }, ctx.bounds.objectAttemptTimeoutMs);
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404) {
      return undefined;
    }
    if (e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416) {
      // S3 refuses a range of an empty object.
      return { text: '', truncated: false };
    }
    throw err;
  }
}

function totalSize(contentRange: string | undefined): number | undefined {
  const m = /\/(\d+)$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A line of a window's sample: a record in the window, or a line that could not be parsed (counted as invalid). */
export type SampledLine = { readonly ok: true; readonly record: CaptureRecord } | { readonly ok: false; readonly reason: string };

/** What reading a window's capture found. */
export interface WindowSample {
  readonly lines: SampledLine[];
  /** Lines in the window (and unparseable lines) seen in the objects read, before sampling. */
  readonly seen: number;
  readonly variants: string[];
  readonly objectsListed: number;
  readonly objectsRead: number;
  readonly bytesRead: number;
  /** True when a listing or an object was cut short by a bound: the sample covers part of the window. */
  readonly truncated: boolean;
}

/** A bounded, uniform sample of the lines of an endpoint's capture in the window (every variant). */
export async function sampleWindow(bucket: string, endpoint: string, window: Window, sampleSize: number, ctx: MonitorContext, deadline: Deadline): Promise<WindowSample> {
  const root = `${MonitoringPrefixes.CAPTURE}${endpoint}/`;
  const variants = (await listObjects(bucket, root, ctx, deadline, { delimiter: '/' })).prefixes;
  const prefixes = variants.flatMap((variant) => hourPrefixes(window).map((hour) => `${variant}${hour}`));
  const listed = await eachBounded(prefixes, ctx.bounds.objectConcurrency, (prefix) => listObjects(bucket, prefix, ctx, deadline));
  const listings = listed.map((r) => {
    if (r.status === 'rejected') {
      throw r.reason;
    }
    return r.value;
  });
  const objects = listings.flatMap((l) => l.objects);
  let truncated = listings.some((l) => l.truncated);
  const plan = planObjectSample(objects, sampleSize, ctx.random, { maxBytes: ctx.bounds.maxWindowBytes }).slice(0, ctx.bounds.maxObjects);
  const reservoir = new Reservoir<SampledLine>(sampleSize, ctx.random);
  let bytesRead = 0;
  let objectsRead = 0;
  const results = await eachBounded(plan, ctx.bounds.objectConcurrency, async (object) => {
    const budget = Math.min(ctx.bounds.maxObjectBytes, ctx.bounds.maxWindowBytes - bytesRead);
    if (budget <= 0) {
      truncated = true;
      return;
    }
    bytesRead += Math.min(object.size, budget);
    const read = await readText(bucket, object.key, budget, ctx, deadline);
    if (!read) {
      return;
    }
    objectsRead++;
    truncated ||= read.truncated;
    for (const line of read.text.split('\n')) {
      if (line.trim() === '') {
        continue;
      }
      const parsed = parseCaptureLine(line);
      if (!parsed.ok) {
        reservoir.offer({ ok: false, reason: parsed.reason });
      } else if (!Number.isFinite(Date.parse(parsed.record.inferenceTime ?? ''))) {
        // A record that cannot be placed in time is in no window's sample: it counts against this one's validity.
        reservoir.offer({ ok: false, reason: 'record has no valid eventMetadata.inferenceTime' });
      } else if (inWindow(parsed.record.inferenceTime, window)) {
        reservoir.offer({ ok: true, record: parsed.record });
      }
    }
  });
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
  return {
    lines: reservoir.items(), seen: reservoir.seen, variants: variants.map((v) => v.slice(root.length, -1)),
    objectsListed: objects.length, objectsRead, bytesRead, truncated,
  };
}
