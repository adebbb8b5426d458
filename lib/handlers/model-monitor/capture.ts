/**
 * Reading SageMaker data-capture records: one JSON line per invocation, holding the input and output payloads.
 *
 * Nothing here throws on bad data: a line or payload that cannot be read gives `{ ok: false, reason }`, which the
 * caller counts as an invalid record.
 */
import { MonitoringOptionLimits, type FeatureKind, type MonitoringConfig, type PayloadFormat, type ValueLocation } from '../../policy/monitoring-protocol';
import type { CaptureRecord, Extracted, Observation, ParsedLine, Payload } from './types';

export type { CaptureRecord, Extracted, Observation, ParsedLine, Payload } from './types';

/** Longest reason text kept (reasons end up in reports; a hostile line must not blow them up). */
const MAX_REASON = 200;

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}...` : reason };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function readPayload(v: unknown): Payload | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || typeof v.data !== 'string' || typeof v.encoding !== 'string') return 'invalid';
  const p: Payload = { data: v.data, encoding: v.encoding };
  if (typeof v.observedContentType === 'string') p.observedContentType = v.observedContentType;
  return p;
}

/** Parses one line of a capture object (`{"captureData": {"endpointInput", "endpointOutput"}, "eventMetadata"}`). */
export function parseCaptureLine(line: string): ParsedLine {
  const text = line.trim();
  if (text === '') return fail('empty line');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('line is not JSON');
  }
  if (!isObject(doc) || !isObject(doc.captureData)) return fail('line has no captureData object');
  const input = readPayload(doc.captureData.endpointInput);
  const output = readPayload(doc.captureData.endpointOutput);
  if (input === 'invalid') return fail('endpointInput lacks string data/encoding');
  if (output === 'invalid') return fail('endpointOutput lacks string data/encoding');
  const meta = isObject(doc.eventMetadata) ? doc.eventMetadata : {};
  const record: CaptureRecord = {};
  const eventId = optionalString(meta.eventId);
  const inferenceId = optionalString(meta.inferenceId);
  const inferenceTime = optionalString(meta.inferenceTime);
  if (eventId !== undefined) record.eventId = eventId;
  if (inferenceId !== undefined) record.inferenceId = inferenceId;
  if (inferenceTime !== undefined) record.inferenceTime = inferenceTime;
  if (input) record.input = input;
  if (output) record.output = output;
  return { ok: true, record };
}

// ---------------------------------------------------------------------------------------------------------------
// JSON paths: the subset `MonitoringOptionLimits.jsonPathPattern` accepts (the constructs validate with the same
// pattern): `$` then one or more `.name`, `[index]` or `['name']` steps.
// ---------------------------------------------------------------------------------------------------------------

type PathStep = string | number;

const STEP = /^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\['([^'\]]+)'\])/;

function parsePath(path: string): PathStep[] | undefined {
  if (typeof path !== 'string' || !MonitoringOptionLimits.jsonPathPattern.test(path)) return undefined;
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[3]);
    rest = rest.slice(m[0].length);
  }
  return steps;
}

const pathCache = new Map<string, PathStep[] | undefined>();

function cachedPath(path: string): PathStep[] | undefined {
  let steps = pathCache.get(path);
  if (steps === undefined && !pathCache.has(path)) {
    steps = parsePath(path);
    if (pathCache.size < 1000) pathCache.set(path, steps);
  }
  return steps;
}

/**
 * Whether `path` is in the supported JSON-path subset (`MonitoringOptionLimits.jsonPathPattern`): `$` followed by
 * one or more `.name` (a letter or `_`, then letters, digits, `_`, `-`), `[index]` and `['name']` steps. Filters,
 * wildcards, slices and `..` are not supported.
 */
export function isValidJsonPath(path: string): boolean {
  return parsePath(path) !== undefined;
}

/** The value at `path` in `doc`, or `undefined` when the path is invalid or leads nowhere. */
export function evaluateJsonPath(doc: unknown, path: string): unknown {
  const steps = cachedPath(path);
  if (!steps) return undefined;
  let cur: unknown = doc;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur) || step >= cur.length) return undefined;
      cur = cur[step];
    } else {
      if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
      cur = cur[step];
    }
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------------------------
// CSV: one row (RFC 4180 quoting); a trailing newline is ignored.
// ---------------------------------------------------------------------------------------------------------------

/** Splits CSV text into rows of fields; `undefined` when a quote is left open. */
export function parseCsvRows(text: string): string[][] | undefined {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i += 1;
    } else field += c;
    i += 1;
  }
  if (quoted) return undefined;
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Payload decoding and value extraction.
// ---------------------------------------------------------------------------------------------------------------

function formatOfContentType(contentType: string | undefined): PayloadFormat | undefined {
  if (!contentType) return undefined;
  const t = contentType.toLowerCase();
  if (t.includes('csv')) return 'CSV';
  if (t.includes('json')) return 'JSON';
  return undefined;
}

/** The payload's text and format, checked against the declared format. */
function decodePayload(p: Payload, declared: PayloadFormat, side: string): { text: string; format: PayloadFormat } | { error: string } {
  let text = p.data;
  let actual: PayloadFormat | undefined;
  const encoding = p.encoding.toUpperCase();
  if (encoding === 'BASE64') {
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(text)) return { error: `${side} BASE64 data is not base64` };
    text = Buffer.from(text, 'base64').toString('utf8');
    actual = formatOfContentType(p.observedContentType);
  } else if (encoding === 'CSV' || encoding === 'JSON') {
    actual = encoding;
  } else {
    actual = formatOfContentType(p.observedContentType);
  }
  if (actual !== undefined && actual !== declared) {
    return { error: `${side} is ${actual} (encoding ${p.encoding}, content type ${p.observedContentType ?? 'none'}) but ${declared} is declared` };
  }
  return { text, format: declared };
}

/** A cell or JSON value as a feature value of `kind`: numbers for numeric (text kept as given = invalid), text for categorical. */
function toValue(raw: unknown, kind: FeatureKind): number | string | null | 'unusable' {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s === '') return null;
    if (kind === 'categorical') return s;
    const n = Number(s);
    return Number.isFinite(n) ? n : s;
  }
  if (typeof raw === 'number') return kind === 'categorical' ? String(raw) : raw;
  if (typeof raw === 'boolean') return kind === 'categorical' ? String(raw) : raw ? 1 : 0;
  return 'unusable';
}

interface Decoded {
  format: PayloadFormat;
  csv?: string[];
  json?: unknown;
}

/** The payload's documents: one per CSV row (a CSV payload may hold a batch of rows), or the one JSON document. */
function decodeDocs(p: Payload, declared: PayloadFormat, side: string): Decoded[] | { error: string } {
  const d = decodePayload(p, declared, side);
  if ('error' in d) return d;
  if (d.format === 'CSV') {
    const rows = parseCsvRows(d.text);
    if (!rows) return { error: `${side} CSV has an unterminated quote` };
    const nonEmpty = rows.filter((r) => !(r.length === 1 && r[0].trim() === ''));
    return nonEmpty.length === 0 ? [{ format: 'CSV', csv: [] }] : nonEmpty.map((csv) => ({ format: 'CSV', csv }));
  }
  try {
    return [{ format: 'JSON', json: JSON.parse(d.text) }];
  } catch {
    return { error: `${side} is not JSON` };
  }
}

function locate(doc: Decoded, loc: ValueLocation, kind: FeatureKind, what: string): number | string | null | { error: string } {
  let raw: unknown;
  if (doc.format === 'CSV') {
    const index = loc.csvIndex ?? (loc.jsonPath === undefined ? 0 : undefined);
    if (index === undefined) return { error: `${what} has no csvIndex for a CSV payload` };
    if (index >= (doc.csv ?? []).length) return { error: `${what} column ${index} is beyond the row's ${(doc.csv ?? []).length} columns` };
    raw = doc.csv![index];
  } else {
    if (loc.jsonPath === undefined && loc.csvIndex !== undefined) return { error: `${what} has no jsonPath for a JSON payload` };
    // Without a path, the whole document is the value (a model answering with a bare number or label).
    if (loc.jsonPath === undefined) raw = doc.json;
    else if (!cachedPath(loc.jsonPath)) return { error: `${what} has an unsupported jsonPath ${loc.jsonPath}` };
    else raw = evaluateJsonPath(doc.json, loc.jsonPath);
  }
  const v = toValue(raw, kind);
  if (v === 'unusable') return { error: `${what} is ${Array.isArray(raw) ? 'an array' : 'an object'}, not a value` };
  return v;
}

/** Result of {@link extractObservations}: every row of the record, or why the record is invalid. */
export type ExtractedBatch = { ok: true; observations: Observation[] } | { ok: false; reason: string };

/**
 * The declared features and prediction of every row of one record. A CSV input may hold several rows (a batch
 * request); its output must then hold as many rows (or be absent). Rows of a batch carry no join id: labels join
 * with single-row records only. Otherwise as {@link extractObservation}.
 */
export function extractObservations(record: CaptureRecord, cfg: MonitoringConfig): ExtractedBatch {
  if (!record.input) return fail('record has no endpointInput');
  const inputs = decodeDocs(record.input, cfg.inputFormat, 'endpointInput');
  if ('error' in inputs) return fail(inputs.error);
  let outputs: Decoded[] | undefined;
  if (record.output) {
    const decoded = decodeDocs(record.output, cfg.outputFormat, 'endpointOutput');
    if ('error' in decoded) return fail(decoded.error);
    if (decoded.length !== inputs.length) return fail(`endpointInput holds ${inputs.length} rows but endpointOutput ${decoded.length}`);
    outputs = decoded;
  }
  const joinId = inputs.length === 1 ? (record.inferenceId ?? record.eventId) : undefined;
  const observations: Observation[] = [];
  for (let i = 0; i < inputs.length; i += 1) {
    const features: Record<string, number | string | null> = {};
    for (const f of cfg.features) {
      const v = locate(inputs[i], f, f.kind, `feature ${f.name}`);
      if (v !== null && typeof v === 'object') return fail(inputs.length > 1 ? `row ${i + 1}: ${v.error}` : v.error);
      features[f.name] = v;
    }
    let prediction: number | string | null = null;
    if (outputs) {
      const v = locate(outputs[i], cfg.prediction, cfg.prediction.kind, 'prediction');
      if (v !== null && typeof v === 'object') return fail(v.error);
      prediction = v;
    }
    const observation: Observation = { features, prediction };
    if (joinId !== undefined) observation.joinId = joinId;
    if (record.inferenceTime !== undefined) observation.time = record.inferenceTime;
    observations.push(observation);
  }
  return { ok: true, observations };
}

/**
 * The declared features and prediction of one single-row record. The input payload must be present and in the
 * declared format (BASE64 data is decoded and its content type checked); a missing output gives a `null`
 * prediction. CSV values are read by `csvIndex`, JSON ones by `jsonPath`; an empty cell, `null` or an absent path
 * is a missing value (`null`). A CSV row shorter than a declared column, or an object where a value is expected,
 * makes the record invalid, as does a batch of CSV rows (use {@link extractObservations} for those).
 */
export function extractObservation(record: CaptureRecord, cfg: MonitoringConfig): Extracted {
  const batch = extractObservations(record, cfg);
  if (!batch.ok) return batch;
  if (batch.observations.length !== 1) {
    return fail(`endpointInput CSV holds ${batch.observations.length} rows; extractObservation reads one row per record`);
  }
  return { ok: true, observation: batch.observations[0] };
}

/** `parseCaptureLine` then `extractObservation`. */
export function observationOfLine(line: string, cfg: MonitoringConfig): Extracted {
  const parsed = parseCaptureLine(line);
  return parsed.ok ? extractObservation(parsed.record, cfg) : parsed;
}
