#!/usr/bin/env node
/**
 * Kill-switch enforcer benchmark (`npm run bench:enforcer`): the size of the esbuild bundle that is deployed,
 * and its cold-start cost measured locally, each run in a fresh Node.js process:
 *
 * - module load: `require()` of the bundle (what a cold Lambda pays before the handler runs);
 * - first invocation: the handler's first call on an empty reconcile (creates the five SDK clients; no AWS call).
 *
 * Options: --runs <n> (default 15), --json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'build', 'handlers', 'kill-switch-enforcer', 'index.js');

const args = process.argv.slice(2);
const runsArg = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 15;
const runs = Number.isInteger(runsArg) && runsArg > 0 ? runsArg : 15;
const json = args.includes('--json');

if (!existsSync(BUNDLE)) {
  spawnSync(process.execPath, [join(ROOT, 'bin', 'bundle-handlers.mjs')], { stdio: 'inherit' });
}

const code = readFileSync(BUNDLE);
const size = { bytes: statSync(BUNDLE).size, gzipBytes: gzipSync(code, { level: 9 }).length, zipDeflateBytes: deflateRawSync(code, { level: 9 }).length };

// One fresh process per sample: nothing is cached between runs.
const probe = `
const { performance } = require('node:perf_hooks');
const t0 = performance.now();
const mod = require(${JSON.stringify(BUNDLE)});
const t1 = performance.now();
process.env.AWS_REGION = 'eu-west-1';
mod.handler({ kind: 'reconcile', targets: [] }).then(() => {
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, firstInvokeMs: t2 - t1, rssMb: process.memoryUsage().rss / 1048576 }));
});`;
const samples: { loadMs: number; firstInvokeMs: number; rssMb: number; processMs: number }[] = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1' } });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    throw new Error(`probe failed: ${r.stderr}`);
  }
  samples.push({ ...JSON.parse(r.stdout), processMs });
}

const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: round(at(0.5)), p90: round(at(0.9)), min: round(s[0]), max: round(s[s.length - 1]) };
};
const round = (n: number) => Math.round(n * 10) / 10;
const result = {
  bundle: BUNDLE.slice(ROOT.length + 1),
  node: process.version,
  runs,
  size,
  moduleLoadMs: stats(samples.map((s) => s.loadMs)),
  firstInvocationMs: stats(samples.map((s) => s.firstInvokeMs)),
  processStartToReadyMs: stats(samples.map((s) => s.processMs)),
  rssMb: stats(samples.map((s) => s.rssMb)),
};

if (json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const row = (label: string, s: ReturnType<typeof stats>, unit: string) =>
    `${label.padEnd(34)} median ${String(s.median).padStart(7)} ${unit}   p90 ${String(s.p90).padStart(7)} ${unit}   min ${s.min} / max ${s.max}`;
  console.log(`Kill-switch enforcer bundle (${result.bundle}), ${runs} cold runs on Node.js ${result.node}`);
  console.log(`${'size'.padEnd(34)} ${kb(size.bytes)} (gzip ${kb(size.gzipBytes)}, deployment zip ~${kb(size.zipDeflateBytes)})`);
  console.log(row('module load (require)', result.moduleLoadMs, 'ms'));
  console.log(row('first invocation (create clients)', result.firstInvocationMs, 'ms'));
  console.log(row('process start to handler ready', result.processStartToReadyMs, 'ms'));
  console.log(row('resident memory after first call', result.rssMb, 'MB'));
}
