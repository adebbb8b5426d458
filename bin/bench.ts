/**
 * Synth benchmark (`npm run bench`): what governance costs at synth time, how a fleet of governed endpoints lays out
 * in stacks, and what governance adds to the monthly bill. Prints Markdown to paste into README.
 *
 * 1. Capacity: the largest number of governed endpoints one stack holds, found by synthesizing.
 * 2. Fleet layouts, each synthesized with the four compliance packs, AiGovernance and the governance report, as the
 *    example app: (a) one stack as full as it gets; (b) a foundation stack and four endpoint stacks of 25 using its
 *    foundation; (c) four nested stacks of 25 under the stack holding the foundation; (d) 200 endpoints over 8 stacks.
 * 3. The pair: governed x 50 (packs, AiGovernance, report) against plain L1 x 50 (CfnModel + CfnEndpointConfig +
 *    CfnEndpoint, no packs), median of --runs, and where the governed synth's time goes.
 * 4. `npx cdk synth` of the example app against a plain `cdk init`-style app (one run); the monthly cost table.
 *
 * Every measurement runs in its own child process (memory is per case); its timer covers building the construct
 * tree and `app.synth()` (validation included), after the modules are loaded.
 * Options: --runs <n> (default 3), --quick (layouts (b)-(d) at a fifth of their size, one run of the pair unless --runs,
 * no `cdk synth` comparison).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Layout } from './bench-apps';
import { cdkSynth, plainProject } from './bench-cdk-synth';
import { costTable, median, phaseRows, table } from './bench-format';
import { Case, CaseResult } from './bench-measure';

const ROOT = join(__dirname, '..');
/** The packs in the order the tables show them. */
const PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'AiGovernance'];
/** The synth-time target: governed x 50 with the packs at most this many times plain x 50 without. */
const TARGET_RATIO = 2.0;
const PAIR_SIZE = 50;

const log = (s: string) => process.stderr.write(`${s}\n`);
const print = (s = '') => process.stdout.write(`${s}\n`);

function child<T>(arg: string): T {
  const r = spawnSync(process.execPath, [...process.execArgv, join(__dirname, 'bench-measure.ts'), arg], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (r.status !== 0 || !line) {
    throw new Error(`bench case ${arg} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  }
  return JSON.parse(line.slice('BENCH-RESULT '.length)) as T;
}

function measure(c: Case, label: string): CaseResult {
  const r = child<CaseResult>(JSON.stringify(c));
  log(`  ${label}: ${r.failure ?? `${r.seconds.toFixed(2)} s`}`);
  return r;
}

/** `0`, or `2 E / 1 W` (unacknowledged errors and warnings); `-` when the pack did not run. */
function findings(r: CaseResult, pack: string): string {
  const p = r.packs[pack];
  if (p === undefined) {
    return '-';
  }
  return p.errors + p.warnings === 0 ? '0' : [p.errors ? `${p.errors} E` : '', p.warnings ? `${p.warnings} W` : ''].filter(Boolean).join(' / ');
}

function layoutRow(label: string, r: CaseResult): (string | number)[] {
  if (r.failure !== undefined) {
    const brief = r.failure.length > 80 ? `${r.failure.slice(0, 77)}...` : r.failure;
    return [label, '-', '-', brief.replace(/\|/g, '\\|'), '', '', '', ...PACKS.map(() => ''), ''];
  }
  const bytes = r.stacks.reduce((t, s) => t + s.bytes, 0);
  const counts = r.stacks.map((s) => s.resources);
  const list = counts.length > 6 ? `${counts.slice(0, 6).join(', ')}, ... (${counts.length})` : counts.join(', ');
  return [
    label, r.endpoints, r.stacks.length, r.seconds.toFixed(1), Math.max(...counts), list,
    (bytes / 1024 / Math.max(1, r.endpoints)).toFixed(1), ...PACKS.map((p) => findings(r, p)), r.enforcers,
  ];
}

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  // --quick measures the pair once unless --runs says otherwise.
  const pairRuns = quick && runsAt < 0 ? 1 : runs;
  const started = performance.now();
  const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`;
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  log(`machine: ${machine}; ${pairRuns} run(s) of the pair${quick ? '; quick' : ''}`);

  log('capacity of one stack ...');
  const cap = child<{ endpoints: number; resources: number; tried: string[] }>('--capacity');
  log(`  ${cap.tried.join('; ')}`);

  log('fleet layouts ...');
  const packs = { checks: 'packs', builtin: true } as const;
  const scale = quick ? 5 : 25;
  const layouts: [string, Layout, number, number][] = [
    [`(a) one stack, as many as fit`, 'single', cap.endpoints, 1],
    [`(b) foundation stack + 4 endpoint stacks of ${scale}`, 'foundation-stack', 4 * scale, 4],
    [`(c) parent with foundation + 4 nested stacks of ${scale}`, 'nested', 4 * scale, 4],
    [`(d) ${quick ? 40 : 200} endpoints across 8 stacks`, 'spread', quick ? 40 : 200, 8],
  ];
  const layoutResults: (readonly [string, CaseResult])[] = [];
  for (const [label, layout, endpoints, stacks] of layouts) {
    const r = measure({ layout, endpoints, stacks, ...packs }, label);
    layoutResults.push([label, r]);
    // A layout whose stacks exceed CloudFormation's limit is measured again with as many endpoints a stack as fit.
    if (layout !== 'single' && /greater than allowed maximum/.test(r.failure ?? '') && endpoints / stacks > cap.endpoints) {
      const refit = `${label.replace(/^\((\w)\).*/, '($1\')')} the same with ${cap.endpoints} a stack (${stacks * cap.endpoints} endpoints)`;
      layoutResults.push([refit, measure({ layout, endpoints: stacks * cap.endpoints, stacks, ...packs }, refit)]);
    }
  }

  log(`the pair, governed x ${PAIR_SIZE} and plain x ${PAIR_SIZE} ...`);
  const pairCases: [string, Case][] = [
    ['plain', { layout: 'plain', endpoints: PAIR_SIZE, checks: 'none', builtin: true }],
    ['governed', { layout: 'governed', endpoints: PAIR_SIZE, perStack: cap.endpoints, ...packs }],
  ];
  const pair = new Map<string, CaseResult[]>();
  for (let run = 1; run <= pairRuns; run++) {
    for (const [name, c] of pairCases) {
      pair.set(name, [...(pair.get(name) ?? []), measure(c, `run ${run}: ${name} x ${PAIR_SIZE}`)]);
    }
  }
  log('one and ten governed endpoints, for the per-endpoint figures ...');
  const one = measure({ layout: 'single', endpoints: 1, checks: 'none', builtin: false }, 'governed x 1');
  const ten = measure({ layout: 'single', endpoints: 10, checks: 'none', builtin: false }, 'governed x 10');

  print(`Measured ${date} on ${machine}: \`npm run bench${quick ? ' -- --quick' : ''}\`.`);
  print();
  print('### Fleet layouts');
  print();
  print('Each app: HIGH-tier endpoints with every default on; the four compliance packs and AiGovernance registered, the governance');
  print('report written, CDK\'s built-in CloudFormation validation on (the default). Findings: unacknowledged errors (E) and warnings (W).');
  print('Enforcers: Lambda functions running the kill-switch enforcer bundle.');
  print();
  print(table(['layout', 'endpoints', 'stacks', 'synth s', 'max resources/stack', 'resources per stack', 'template KiB/endpoint', ...PACKS, 'enforcers'],
    layoutResults.map(([label, r]) => layoutRow(label, r))));
  print();
  for (const [label, r] of layoutResults.filter(([, x]) => x.failure !== undefined)) {
    print(`- ${label}: ${r.failure}`);
  }
  print(`- one stack holds at most **${cap.endpoints}** governed endpoints (${cap.resources} resources; ${cap.endpoints + 1} exceed CloudFormation's 500). Synthesized: ${cap.tried.join('; ')}.`);
  if (one.failure === undefined && ten.failure === undefined) {
    const res = (r: CaseResult) => r.stacks.reduce((t, s) => t + s.resources, 0);
    const kib = (r: CaseResult) => r.stacks.reduce((t, s) => t + s.bytes, 0) / 1024;
    const perType = Object.entries(ten.resourceTypes).map(([t, k]) => [t, (k - (one.resourceTypes[t] ?? 0)) / 9] as const)
      .filter(([, k]) => k > 0).sort((a, b) => b[1] - a[1]).map(([t, k]) => `${k} ${t.replace('AWS::', '')}`).join(', ');
    print(`- each further endpoint adds ${((res(ten) - res(one)) / 9).toFixed(1)} resources and ${((kib(ten) - kib(one)) / 9).toFixed(1)} KiB of template (${perType}); ` +
      `a stack's shared parts: ${(res(one) - (res(ten) - res(one)) / 9).toFixed(0)} resources, ${(kib(one) - (kib(ten) - kib(one)) / 9).toFixed(1)} KiB.`);
  }
  print();

  const med = (name: string, f: (r: CaseResult) => number) => median((pair.get(name) ?? []).filter((r) => r.failure === undefined).map(f));
  const gov = med('governed', (r) => r.seconds);
  const pl = med('plain', (r) => r.seconds);
  print(`### Synth time: governed x ${PAIR_SIZE} against plain x ${PAIR_SIZE} (median of ${pairRuns}, each run in its own process)`);
  print();
  const builtinOf = (name: string) => med(name, (r) => r.phases['built-in CloudFormation validation'] ?? 0);
  const pairRows = pairCases.map(([name, c]) => {
    const rs = pair.get(name)!;
    const bad = rs.find((r) => r.failure !== undefined);
    const s = med(name, (r) => r.seconds);
    return bad ? [name, bad.failure!, '-', '-', '-', '-', '-'] : [
      `${name} x ${PAIR_SIZE}${c.checks === 'packs' ? ' (5 packs, report)' : ' (L1, no packs)'}`, s.toFixed(2), (s / pl).toFixed(2),
      builtinOf(name).toFixed(2), med(name, (r) => r.phases['built-in CloudFormation validation: engine start'] ?? 0).toFixed(2), rs[0].stacks.length, (rs[0].stacks.reduce((t, x) => t + x.bytes, 0) / 1024).toFixed(0),
    ];
  });
  print(table(['app', 'synth s', 'x plain', 'built-in CloudFormation validation s', 'of which its engine start s', 'stacks', 'template KiB'], pairRows));
  print();
  print(`- ratio governed / plain: **${(gov / pl).toFixed(2)}x** (target <= ${TARGET_RATIO.toFixed(1)}x: ${gov / pl <= TARGET_RATIO ? 'met' : 'missed'}); ` +
    `without the time in CDK's built-in CloudFormation validation: ${((gov - builtinOf('governed')) / (pl - builtinOf('plain'))).toFixed(2)}x`);
  const govRuns = (pair.get('governed') ?? []).filter((r) => r.failure === undefined);
  if (govRuns.length > 0) {
    const packRuns = PACKS.map((p) => `${p} ${govRuns[0].packs[p]?.runs ?? 0}`).join(', ');
    print(`- times each pack judged the app in one synth: ${packRuns} (the governance report reuses the packs' results)`);
    print();
    // The phases of the run with the median time, so that the rows add up to its total.
    const mid = [...govRuns].sort((a, b) => a.seconds - b.seconds)[Math.floor((govRuns.length - 1) / 2)];
    print(`### Where the time goes: governed x ${PAIR_SIZE} (the run with the median time, ${mid.seconds.toFixed(2)} s)`);
    print();
    print(table(['phase', 'seconds', 'share'], phaseRows(mid.phases, mid.seconds)
      .map(([label, s]) => [label, s.toFixed(2), `${((100 * s) / mid.seconds).toFixed(0)}%`])));
  }
  print();

  if (!quick) {
    log('cdk synth comparison ...');
    const plainDir = plainProject();
    const exampleTimes: number[] = [];
    const plainTimes: number[] = [];
    // One run each: the whole command takes long (the plain app type-checks), and the pair above is the target.
    const synthRuns = 1;
    try {
      for (let i = 0; i < synthRuns; i++) {
        exampleTimes.push(cdkSynth(ROOT, mkdtempSync(join(tmpdir(), 'example-out-'))));
        plainTimes.push(cdkSynth(plainDir, mkdtempSync(join(tmpdir(), 'plain-out-'))));
        log(`  run ${i + 1}: example ${exampleTimes[i].toFixed(2)} s, plain ${plainTimes[i].toFixed(2)} s`);
      }
    } finally {
      rmSync(plainDir, { recursive: true, force: true });
    }
    const ex = median(exampleTimes);
    const pc = median(plainTimes);
    print(`### \`npx cdk synth\`, whole command (${synthRuns} run)`);
    print();
    print(table(['app', 'seconds', 'ratio'], [
      ['example app: 1 governed endpoint, 5 packs, report (transpile-only ts-node)', ex.toFixed(2), (ex / pc).toFixed(2)],
      ['plain cdk-init-style app: 1 L1 endpoint, no packs (type-checking ts-node)', pc.toFixed(2), '1.00'],
    ]));
    print();
  }
  if (one.failure === undefined) {
    print('### Monthly cost that governance adds to one HIGH-tier endpoint');
    print();
    print(costTable(one));
    print();
  }
  print(`benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main();
