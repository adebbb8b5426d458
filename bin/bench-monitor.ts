#!/usr/bin/env node
/**
 * Model-monitor benchmark (`npm run bench:monitor`): one window of synthetic SageMaker data capture per payload
 * format, analysed by the monitor's pipeline (object-sample plan -> read -> parse -> reservoir -> extract ->
 * analyse) with local files standing in for S3. Each window runs in a fresh Node.js process, so its peak RSS is its own.
 *
 * - Window: 1,000,000 capture records (100,000 with --quick) in 1-5 MB objects, `amount` shifted by 0.5 SD from the
 *   baseline, 0.1% of lines malformed. Baseline: 10,000 reference records of the unshifted distribution.
 * - Modes: `sampled` reads the planned objects (the monitor's bound); `all` reads every object (no byte bound) to show
 *   the worst case. Both keep a 10,000-record reservoir.
 * - Power: 100 seeded windows of 10,000 records with a 0.5 SD shift in `amount` (flagged = `amount` PSI > 0.2) and
 *   100 with identical distributions (false alarm = any feature's PSI > 0.2).
 *
 * Options: --quick, --json, --keep (keep the generated files and print their folder).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PayloadFormat } from '../lib/policy/monitoring-protocol';
import { analyseWindow, baselineFromObservations } from '../lib/handlers/model-monitor/baseline';
import { extractObservation, parseCaptureLine } from '../lib/handlers/model-monitor/capture';
import { Reservoir, planObjectSample, seededRandom } from '../lib/handlers/model-monitor/sample';
import type { CaptureRecord, Observation } from '../lib/handlers/model-monitor/types';
import { benchConfig, referenceObservations, writeCaptureWindow } from './bench-monitor-data';

const REFERENCE_RECORDS = 10_000;
const RUNS = 100;

interface WindowResult {
  format: PayloadFormat;
  mode: 'sampled' | 'all';
  objects: number;
  objectsRead: number;
  mibRead: number;
  recordsSeen: number;
  recordsAnalysed: number;
  invalidInSample: number;
  wallMs: number;
  peakRssMiB: number;
  maxFeatureDrift: number;
  driftedFeatures: string[];
  predictionDrift?: number;
}

function listFiles(dir: string): { key: string; size: number }[] {
  const out: { key: string; size: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push({ key: path, size: statSync(path).size });
  }
  return out;
}

/** One window, in this process: what the monitor function does per endpoint, S3 replaced by files. */
function runWindow(dir: string, format: PayloadFormat, mode: 'sampled' | 'all'): WindowResult {
  const cfg = benchConfig(format);
  const baseline = baselineFromObservations(referenceObservations(seededRandom(7), REFERENCE_RECORDS), cfg, 'bench', '2026-11-30T00:00:00Z');
  const start = process.hrtime.bigint();
  const objects = listFiles(join(dir, 'data-capture', cfg.endpointName));
  const random = seededRandom(11);
  const plan = mode === 'all' ? objects : planObjectSample(objects, cfg.sampleSize, random);
  const reservoir = new Reservoir<CaptureRecord | undefined>(cfg.sampleSize, random);
  let bytes = 0;
  for (const o of plan) {
    const text = readFileSync(o.key, 'utf8');
    bytes += o.size;
    let from = 0;
    while (from < text.length) {
      let to = text.indexOf('\n', from);
      if (to < 0) to = text.length;
      if (to > from) {
        const parsed = parseCaptureLine(text.slice(from, to));
        // Unparseable lines stay in the reservoir (as undefined) so the sample's invalid share is unbiased.
        reservoir.offer(parsed.ok ? parsed.record : undefined);
      }
      from = to + 1;
    }
  }
  const observations: Observation[] = [];
  let invalid = 0;
  for (const record of reservoir.items()) {
    const extracted = record ? extractObservation(record, cfg) : undefined;
    if (extracted?.ok) observations.push(extracted.observation);
    else invalid += 1;
  }
  const analysis = analyseWindow(observations, invalid, baseline, cfg);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    format,
    mode,
    objects: objects.length,
    objectsRead: plan.length,
    mibRead: Math.round((bytes / 1048576) * 10) / 10,
    recordsSeen: reservoir.seen,
    recordsAnalysed: analysis.records,
    invalidInSample: analysis.invalid,
    wallMs: Math.round(wallMs),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    maxFeatureDrift: Math.round(analysis.maxFeatureDrift * 1000) / 1000,
    driftedFeatures: Object.entries(analysis.features).filter(([, f]) => f.drifted).map(([name]) => name),
    predictionDrift: analysis.predictionDrift === undefined ? undefined : Math.round(analysis.predictionDrift * 1000) / 1000,
  };
}

/** Detection and false-alarm rates over 100 seeded windows at the default sample size, bins and threshold. */
function powerRuns(): { shiftFlagged: number; identicalFlagged: number; runs: number; minShiftPsi: number; maxIdenticalPsi: number; ms: number } {
  const start = Date.now();
  const cfg = benchConfig('CSV');
  let shiftFlagged = 0;
  let identicalFlagged = 0;
  let minShiftPsi = Number.POSITIVE_INFINITY;
  let maxIdenticalPsi = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const random = seededRandom(100_000 + run);
    const baseline = baselineFromObservations(referenceObservations(random, REFERENCE_RECORDS), cfg, 'power', 'now');
    const shifted = referenceObservations(random, cfg.sampleSize).map((o) => ({
      ...o,
      features: { ...o.features, amount: (o.features.amount as number) + 0.5 * 20 },
    }));
    const a = analyseWindow(shifted, 0, baseline, cfg);
    if (a.features.amount.drifted) shiftFlagged += 1;
    minShiftPsi = Math.min(minShiftPsi, a.features.amount.psi);
    const same = analyseWindow(referenceObservations(random, cfg.sampleSize), 0, baseline, cfg);
    if (Object.values(same.features).some((f) => f.drifted)) identicalFlagged += 1;
    maxIdenticalPsi = Math.max(maxIdenticalPsi, same.maxFeatureDrift);
  }
  return { shiftFlagged, identicalFlagged, runs: RUNS, minShiftPsi: Math.round(minShiftPsi * 1000) / 1000, maxIdenticalPsi: Math.round(maxIdenticalPsi * 1000) / 1000, ms: Date.now() - start };
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(JSON.stringify(runWindow(args[1], args[2] as PayloadFormat, args[3] as 'sampled' | 'all')));
    return;
  }
  const quick = args.includes('--quick');
  const json = args.includes('--json');
  const keep = args.includes('--keep');
  const records = quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-monitor-'));
  const windows: (WindowResult & { processMs: number })[] = [];
  const generated: Record<string, { objects: number; mib: number; ms: number }> = {};
  try {
    for (const format of ['CSV', 'JSON'] as PayloadFormat[]) {
      const t0 = Date.now();
      const objects = writeCaptureWindow(dir, benchConfig(format), records, seededRandom(format === 'CSV' ? 1 : 2), { shiftSd: 0.5, malformedShare: 0.001 });
      generated[format] = { objects: objects.length, mib: Math.round(objects.reduce((s, o) => s + o.size, 0) / 104857.6) / 10, ms: Date.now() - t0 };
      for (const mode of ['sampled', 'all'] as const) {
        const t1 = process.hrtime.bigint();
        const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', dir, format, mode], {
          encoding: 'utf8',
          cwd: join(__dirname, '..'),
          maxBuffer: 1 << 20,
        });
        if (child.status !== 0) throw new Error(`window ${format}/${mode} failed: ${child.stderr}`);
        windows.push({ ...(JSON.parse(child.stdout) as WindowResult), processMs: Math.round(Number(process.hrtime.bigint() - t1) / 1e6) });
      }
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  const power = powerRuns();
  const result = { date: new Date().toISOString(), node: process.version, recordsPerWindow: records, generated, windows, power, ...(keep ? { dir } : {}) };
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  console.log(`model-monitor benchmark, ${result.date}, node ${result.node}, ${records.toLocaleString('en')} records per window`);
  for (const [format, g] of Object.entries(generated)) console.log(`  generated ${format}: ${g.objects} objects, ${g.mib} MiB in ${g.ms} ms`);
  for (const w of windows) {
    console.log(
      `  ${w.format.padEnd(4)} ${w.mode.padEnd(7)}: read ${w.objectsRead}/${w.objects} objects (${w.mibRead} MiB), seen ${w.recordsSeen.toLocaleString('en')}, ` +
        `analysed ${w.recordsAnalysed.toLocaleString('en')} (+${w.invalidInSample} invalid), ${(w.wallMs / 1000).toFixed(2)} s ` +
        `(process ${(w.processMs / 1000).toFixed(2)} s), peak RSS ${w.peakRssMiB} MiB, max PSI ${w.maxFeatureDrift} [${w.driftedFeatures.join(', ')}], prediction PSI ${w.predictionDrift}`,
    );
  }
  console.log(`  power: 0.5 SD shift flagged in ${power.shiftFlagged}/${power.runs} (min PSI ${power.minShiftPsi}); identical flagged in ${power.identicalFlagged}/${power.runs} (max PSI ${power.maxIdenticalPsi}); ${power.ms} ms`);
  const worst = windows.reduce((m, w) => ({ wallMs: Math.max(m.wallMs, w.processMs), rss: Math.max(m.rss, w.peakRssMiB) }), { wallMs: 0, rss: 0 });
  const ok = worst.wallMs <= 60_000 && worst.rss <= 512 && power.shiftFlagged >= 99 && power.identicalFlagged <= 1;
  console.log(`  targets (<= 60 s and <= 512 MiB per window, power >= 99/100, false alarms <= 1/100): ${ok ? 'met' : 'NOT met'}`);
  if (!ok) process.exitCode = 1;
}

main();
