/**
 * Synth benchmark (`npm run bench`): what governance costs at synth time and per month.
 *
 * 1. App-only synth of N = 1, 10, 50 governed endpoints (HIGH tier, every default on) and of N plain L1
 *    endpoints (CfnModel + CfnEndpointConfig + CfnEndpoint), each with and without the four cdk-nag packs.
 *    Each measurement runs in its own child process (memory is per case); the timer covers building the
 *    construct tree and `app.synth()` (validation included), after the modules are loaded.
 * 2. `npx cdk synth` of the example app (cdk.json) against a plain `cdk init`-style app: ts-node with type
 *    checking, one L1 endpoint, no packs.
 * 3. The list-price monthly cost of what governance adds to one endpoint, next to the instances' own cost.
 *
 * Options: --runs <n> (default 3), --quick (N = 1 and 10 only, one cdk-synth run each).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
const ROOT = join(__dirname, '..');
/** Governed endpoints go into one stack until it holds this many resources (CloudFormation's limit is 500). */
const STACK_RESOURCE_BUDGET = 450;

interface Case {
  readonly kind: 'governed' | 'plain';
  readonly n: number;
  readonly nag: boolean;
  /** CDK's built-in CloudFormation validation (on by default in every app since aws-cdk-lib 2.2xx). */
  readonly builtin: boolean;
}

interface CaseResult {
  readonly seconds: number;
  readonly loadSeconds: number;
  readonly resources: number;
  readonly templateBytes: number;
  readonly stacks: number;
  readonly maxStackResources: number;
  readonly maxStackBytes: number;
  readonly maxRssMb: number;
  readonly validationFailed: boolean;
  readonly resourceTypes: Record<string, number>;
  readonly alarmMetrics: number;
}

// ---------------------------------------------------------------------------------------------
// Child: one measurement
// ---------------------------------------------------------------------------------------------

function runCase(c: Case): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const sagemaker = require('aws-cdk-lib/aws-sagemaker') as typeof import('aws-cdk-lib/aws-sagemaker');
  const nag = require('cdk-nag') as typeof import('cdk-nag');
  const lib = c.kind === 'governed' ? require('../lib') as typeof import('../lib') : undefined;
  const example = require('./example-stack') as typeof import('./example-stack');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loadSeconds = performance.now() / 1000;

  const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
  const t0 = performance.now();
  // The governed app runs with the project's cdk.json context (it turns on CDK's own validation report);
  // without packs, neither app gets validation context.
  const context = c.nag ? JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context : {};
  const app = new cdk.App({ outdir, context, analyticsReporting: false, builtinCloudFormationValidation: c.builtin });
  const stacks = [new cdk.Stack(app, 'Bench0')];
  for (let i = 0; i < c.n; i++) {
    let stack = stacks[stacks.length - 1];
    // CloudFormation allows 500 resources a stack: start another stack (with its own foundation) when one is full.
    if (lib && stack.node.findAll().filter(cdk.CfnResource.isCfnResource).length > STACK_RESOURCE_BUDGET) {
      stack = new cdk.Stack(app, `Bench${stacks.length}`);
      stacks.push(stack);
    }
    if (lib) {
      new lib.GovernedEndpoint(stack, `Endpoint${i}`, {
        model: lib.ModelSource.fromArtifact({
          image: lib.ModelImage.fromUri(example.DEFAULT_IMAGE_URI),
          artifact: lib.ModelArtifact.fromS3Url(example.DEFAULT_MODEL_DATA_URL),
        }),
        governance: { owner: 'fraud-ml@example.com', purpose: `scoring model ${i}`, riskTier: lib.RiskTier.HIGH },
        instanceType: 'ml.m5.large',
        initialInstanceCount: 2,
      });
    } else {
      const model = new sagemaker.CfnModel(stack, `Model${i}`, {
        executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
        primaryContainer: { image: example.DEFAULT_IMAGE_URI, modelDataUrl: example.DEFAULT_MODEL_DATA_URL },
      });
      const config = new sagemaker.CfnEndpointConfig(stack, `Config${i}`, {
        productionVariants: [{ variantName: 'primary', modelName: model.attrModelName, instanceType: 'ml.m5.large', initialInstanceCount: 2, initialVariantWeight: 1 }],
      });
      new sagemaker.CfnEndpoint(stack, `Endpoint${i}`, { endpointConfigName: config.attrEndpointConfigName });
    }
  }
  if (c.nag) {
    cdk.Validations.of(app).addPlugins(
      new nag.AwsSolutionsChecks(app), new nag.NIST80053R5Checks(app), new nag.HIPAASecurityChecks(app), new nag.PCIDSS321Checks(app),
    );
  }
  let validationFailed = false;
  try {
    app.synth();
  } catch (e) {
    // Plain L1 endpoints fail the packs; the templates are written before validation runs.
    if (!/Validation failed/.test(String((e as Error).message))) {
      throw e;
    }
    validationFailed = true;
  }
  const seconds = (performance.now() - t0) / 1000;
  // Without the report context a failed validation only sets the exit code.
  validationFailed ||= process.exitCode === 1;
  process.exitCode = 0;

  const resourceTypes: Record<string, number> = {};
  let alarmMetrics = 0;
  let resourceCount = 0;
  let templateBytes = 0;
  let maxStackResources = 0;
  let maxStackBytes = 0;
  for (const stack of stacks) {
    const text = readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8');
    const resources = Object.values(JSON.parse(text).Resources as Record<string, { Type: string; Properties?: { Metrics?: { MetricStat?: unknown }[] } }>);
    resourceCount += resources.length;
    templateBytes += Buffer.byteLength(text);
    maxStackResources = Math.max(maxStackResources, resources.length);
    maxStackBytes = Math.max(maxStackBytes, Buffer.byteLength(text));
    for (const r of resources) {
      resourceTypes[r.Type] = (resourceTypes[r.Type] ?? 0) + 1;
      if (r.Type === 'AWS::CloudWatch::Alarm') {
        alarmMetrics += r.Properties?.Metrics ? r.Properties.Metrics.filter((m) => m.MetricStat).length : 1;
      }
    }
  }
  rmSync(outdir, { recursive: true, force: true });
  const result: CaseResult = {
    seconds, loadSeconds, resources: resourceCount, templateBytes, stacks: stacks.length, maxStackResources, maxStackBytes,
    maxRssMb: process.resourceUsage().maxRSS / 1024, validationFailed, resourceTypes, alarmMetrics,
  };
  process.stdout.write(`\nBENCH-RESULT ${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Parent: run the cases, the cdk synth comparison and the cost table
// ---------------------------------------------------------------------------------------------

function measure(c: Case): CaseResult {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--case', JSON.stringify(c)], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (child.status !== 0 || !line) {
    throw new Error(`case ${JSON.stringify(c)} failed (exit ${child.status}):\n${child.stderr.slice(-4000)}`);
  }
  return JSON.parse(line.slice('BENCH-RESULT '.length));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** Wall time of `npx cdk synth` in `cwd`, in seconds. */
function cdkSynth(cwd: string, outdir: string): number {
  const t0 = performance.now();
  const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir], { cwd, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    throw new Error(`npx cdk synth in ${cwd} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-4000)}`);
  }
  return s;
}

/** A plain `cdk init app --language typescript`-style project: ts-node with type checking, one L1 endpoint. */
function plainProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plain-cdk-'));
  mkdirSync(join(dir, 'bin'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'plain-endpoint', version: '0.1.0', bin: { app: 'bin/app.js' } }, null, 2));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/app.ts' }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2020', module: 'commonjs', lib: ['es2020', 'dom'], declaration: true, strict: true, noImplicitAny: true,
      strictNullChecks: true, noImplicitThis: true, alwaysStrict: true, noUnusedLocals: false, noUnusedParameters: false,
      noImplicitReturns: true, noFallthroughCasesInSwitch: false, inlineSourceMap: true, inlineSources: true,
      experimentalDecorators: true, strictPropertyInitialization: false, typeRoots: ['./node_modules/@types'],
    },
    exclude: ['node_modules', 'cdk.out'],
  }, null, 2));
  writeFileSync(join(dir, 'bin', 'app.ts'), `#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';

const app = new cdk.App();
const stack = new cdk.Stack(app, 'PlainEndpoint');
const model = new sagemaker.CfnModel(stack, 'Model', {
  executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
  primaryContainer: { image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker', modelDataUrl: 's3://governed-endpoint-example-artifacts/fraud-scoring/model.tar.gz' },
});
const config = new sagemaker.CfnEndpointConfig(stack, 'Config', {
  productionVariants: [{ variantName: 'primary', modelName: model.attrModelName, instanceType: 'ml.m5.large', initialInstanceCount: 2, initialVariantWeight: 1 }],
});
new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
`);
  return dir;
}

// us-east-1 on-demand list prices (USD) used by the cost table; update them here when AWS changes them.
const PRICES = {
  mlM5LargeHour: 0.115,
  alarmMetricMonth: 0.10,
  dashboardMonth: 3.00,
  kmsKeyMonth: 1.00,
  kmsPer10kRequests: 0.03,
  s3GbMonth: 0.023,
  s3Per1kPuts: 0.005,
  lambdaPerMillionRequests: 0.20,
  lambdaGbSecond: 0.0000166667,
  ssmStandardParameterMonth: 0,
} as const;
const HOURS_PER_MONTH = 730;
const TRAFFIC = {
  requestsPerMonth: 1_000_000,
  capturedKbPerRequest: 3.5, // 2 KB request + 1 KB response + capture metadata, JSON captured as text
  capturePutsPerMonth: 2 * 60 * HOURS_PER_MONTH, // one capture object per instance per minute with traffic
  reconcileInvocationsPerMonth: 12 * HOURS_PER_MONTH, // a 5-minute reconcile schedule, when a kill switch exists
  functionGbSeconds: 0.128 * 0.5, // 128 MB for 0.5 s per invocation
} as const;

function costTable(one: CaseResult): string {
  const types = one.resourceTypes;
  const instances = 2 * HOURS_PER_MONTH * PRICES.mlM5LargeHour;
  const capturedGb = (TRAFFIC.requestsPerMonth * TRAFFIC.capturedKbPerRequest) / 1024 / 1024;
  const functions = types['AWS::Lambda::Function'] ?? 0;
  const rows: [string, string, number][] = [
    ['CloudWatch alarms', `${types['AWS::CloudWatch::Alarm'] ?? 0} alarms, ${one.alarmMetrics} alarm metrics x $${PRICES.alarmMetricMonth.toFixed(2)}`, one.alarmMetrics * PRICES.alarmMetricMonth],
    ['CloudWatch dashboard', `${types['AWS::CloudWatch::Dashboard'] ?? 0} x $${PRICES.dashboardMonth.toFixed(2)} (the first 3 of an account are free)`, (types['AWS::CloudWatch::Dashboard'] ?? 0) * PRICES.dashboardMonth],
    ['KMS key (one per stack, shared by its endpoints)', `${types['AWS::KMS::Key'] ?? 0} x $${PRICES.kmsKeyMonth.toFixed(2)}`, (types['AWS::KMS::Key'] ?? 0) * PRICES.kmsKeyMonth],
    ['KMS requests for data capture', `${TRAFFIC.capturePutsPerMonth} objects x $${PRICES.kmsPer10kRequests}/10k (upper bound; bucket keys cut it)`, (TRAFFIC.capturePutsPerMonth / 10_000) * PRICES.kmsPer10kRequests],
    ['Data capture PUTs into the evidence store', `${TRAFFIC.capturePutsPerMonth} x $${PRICES.s3Per1kPuts}/1k`, (TRAFFIC.capturePutsPerMonth / 1000) * PRICES.s3Per1kPuts],
    ['Data capture storage, month 1', `${capturedGb.toFixed(2)} GB written, ${(capturedGb / 2).toFixed(2)} GB-month held`, (capturedGb / 2) * PRICES.s3GbMonth],
    ['SSM kill-switch parameter', `${types['AWS::SSM::Parameter'] ?? 0} standard parameter(s)`, 0],
    ['Functions (one per stack: kill-switch enforcer, approval gate)', functions
      ? `${functions} function(s), ${TRAFFIC.reconcileInvocationsPerMonth} runs x 128 MB x 0.5 s`
      : 'none in the template yet', functions * (TRAFFIC.reconcileInvocationsPerMonth * (PRICES.lambdaPerMillionRequests / 1e6 + TRAFFIC.functionGbSeconds * PRICES.lambdaGbSecond))],
    ['Log group (KMS, 1-year retention)', 'SageMaker writes these logs anyway; retention caps what is kept', 0],
  ];
  const added = rows.reduce((s, r) => s + r[2], 0);
  const month12 = added - rows[5][2] + capturedGb * 11.5 * PRICES.s3GbMonth;
  const out = [
    `Region us-east-1, on-demand list prices in USD. Traffic: ${TRAFFIC.requestsPerMonth.toLocaleString('en-US')} requests a month, 100% captured (HIGH tier),`,
    `${TRAFFIC.capturedKbPerRequest} KB captured per request. Endpoint: 2 x ml.m5.large at $${PRICES.mlM5LargeHour}/h x ${HOURS_PER_MONTH} h.`,
    '',
    table(['item', 'basis', 'USD / month'], rows.map((r) => [r[0], r[1], r[2].toFixed(2)])),
    '',
    table(['', 'USD / month', 'share of instance cost'], [
      ['endpoint instances (2 x ml.m5.large)', instances.toFixed(2), '100.0%'],
      ['governance added, month 1', added.toFixed(2), `${((100 * added) / instances).toFixed(1)}%`],
      ['governance added, month 12 (12 months of capture held)', month12.toFixed(2), `${((100 * month12) / instances).toFixed(1)}%`],
    ]),
  ];
  return out.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const sizes = quick ? [1, 10] : [1, 10, 50];
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);

  log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}; ${runs} runs per case`);
  const results = new Map<string, CaseResult[]>();
  const key = (c: Omit<Case, 'builtin'>, builtin = true) => `${c.kind}/${c.n}/${c.nag}/${builtin}`;
  for (let run = 0; run < runs; run++) {
    for (const n of sizes) {
      for (const kind of ['plain', 'governed'] as const) {
        for (const nag of [false, true]) {
          // Built-in validation off only where the targets need it: governed with packs, plain without.
          for (const builtin of (kind === 'governed') === nag ? [true, false] : [true]) {
            const c = { kind, n, nag, builtin };
            const r = measure(c);
            results.set(key(c, builtin), [...(results.get(key(c, builtin)) ?? []), r]);
            log(`  run ${run + 1}: ${kind} N=${n} ${nag ? 'with packs' : 'no packs'}, CDK validation ${builtin ? 'on' : 'off'}: ${r.seconds.toFixed(2)} s`);
          }
        }
      }
    }
  }
  const med = (c: Omit<Case, 'builtin'>, f: (r: CaseResult) => number, builtin = true) => median(results.get(key(c, builtin))!.map(f));

  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const plainNone = med({ kind: 'plain', n, nag: false }, (r) => r.seconds);
    const plainNoneOff = med({ kind: 'plain', n, nag: false }, (r) => r.seconds, false);
    for (const kind of ['plain', 'governed'] as const) {
      for (const nag of [false, true]) {
        const c = { kind, n, nag };
        const rs = results.get(key(c))!;
        const s = med(c, (r) => r.seconds);
        const offRuns = results.get(key(c, false));
        const off = offRuns ? median(offRuns.map((r) => r.seconds)) : undefined;
        rows.push([
          `${kind} x ${n}`, nag ? '4 packs' : 'none', s.toFixed(2), (s / plainNone).toFixed(2), off?.toFixed(2) ?? '-', off === undefined ? '-' : (off / plainNoneOff).toFixed(2),
          (rs[0].resources / n).toFixed(1), rs[0].resources, rs[0].stacks, (rs[0].templateBytes / 1024).toFixed(0),
          med(c, (r) => r.maxRssMb).toFixed(0), med(c, (r) => r.loadSeconds).toFixed(2),
          nag ? (rs[0].validationFailed ? 'fails' : 'passes') : '-',
        ]);
      }
    }
  }
  const print = (s = '') => process.stdout.write(`${s}\n`);
  print('## App-only synth (median of ' + runs + ' runs, each in its own process)');
  print();
  print('`synth s`: building the construct tree and `app.synth()`, modules already loaded. aws-cdk-lib runs its built-in');
  print('CloudFormation validation in every app unless `builtinCloudFormationValidation: false` (or `CDK_VALIDATION=false`);');
  print('its cost grows with template size, so it is measured both ways. `packs`: passes or fails the four cdk-nag packs.');
  print();
  print(table(['app', 'nag packs', 'synth s', 'x plain/none', 'synth s, CDK validation off', 'x plain/none (off)', 'resources/endpoint', 'resources', 'stacks', 'template KiB', 'peak RSS MiB', 'module load s', 'packs'], rows));
  print();
  const largest = sizes[sizes.length - 1];
  const govNag = med({ kind: 'governed', n: largest, nag: true }, (r) => r.seconds);
  const plainNone = med({ kind: 'plain', n: largest, nag: false }, (r) => r.seconds);
  const gov1 = med({ kind: 'governed', n: 1, nag: true }, (r) => r.seconds);
  const perEndpoint = (govNag - gov1) / (largest - 1);
  const oneStack = results.get(key({ kind: 'governed', n: largest, nag: true }))![0];
  const govNagOff = med({ kind: 'governed', n: largest, nag: true }, (r) => r.seconds, false);
  const plainNoneOff = med({ kind: 'plain', n: largest, nag: false }, (r) => r.seconds, false);
  print(`- governed x ${largest} with 4 packs / plain x ${largest} without: ${(govNag / plainNone).toFixed(2)}x with CDK's built-in CloudFormation validation on (the default), ` +
    `${(govNagOff / plainNoneOff).toFixed(2)}x with it off (target <= 2x)`);
  print(`- growth: ${perEndpoint.toFixed(3)} s per extra governed endpoint with packs (N=1: ${gov1.toFixed(2)} s, N=${largest}: ${govNag.toFixed(2)} s)`);
  // Per-endpoint and per-stack resources from the difference between N = 10 and N = 1 (one stack each).
  const one = results.get(key({ kind: 'governed', n: 1, nag: true }))![0];
  const ten = results.get(key({ kind: 'governed', n: 10, nag: true }))![0];
  const perEndpointResources = (ten.resources - one.resources) / 9;
  const sharedResources = one.resources - perEndpointResources;
  const perEndpointKiB = (ten.maxStackBytes - one.maxStackBytes) / 9 / 1024;
  const sharedKiB = one.maxStackBytes / 1024 - perEndpointKiB;
  const fitByCount = Math.floor((500 - sharedResources) / perEndpointResources);
  const fitByBytes = Math.floor((1024 - sharedKiB) / perEndpointKiB);
  print(`- ${largest} governed endpoints: ${oneStack.resources} resources in ${oneStack.stacks} stack(s) (a new stack starts past ${STACK_RESOURCE_BUDGET} resources); ` +
    `largest stack ${oneStack.maxStackResources} resources, ${(oneStack.maxStackBytes / 1024).toFixed(0)} KiB (CloudFormation limits: 500 resources, 1 MiB)`);
  print(`- a stack holds ${sharedResources} shared resources (${sharedKiB.toFixed(0)} KiB) plus ${perEndpointResources} (${perEndpointKiB.toFixed(1)} KiB) per endpoint: ` +
    `at most ${Math.min(fitByCount, fitByBytes)} governed endpoints fit in one stack (${fitByCount} by resource count, ${fitByBytes} by template size)`);
  const perType = Object.entries(ten.resourceTypes)
    .map(([t, k]) => [t, (k - (one.resourceTypes[t] ?? 0)) / 9] as [string, number])
    .filter(([, k]) => k > 0).sort((a, b) => b[1] - a[1]).map(([t, k]) => `${k} ${t.replace('AWS::', '')}`).join(', ');
  const sharedTypes = Object.entries(one.resourceTypes)
    .map(([t, k]) => [t, k - ((ten.resourceTypes[t] ?? 0) - k) / 9] as [string, number])
    .filter(([, k]) => k > 0).map(([t, k]) => `${k} ${t.replace('AWS::', '')}`).join(', ');
  print(`- per governed endpoint: ${perType}`);
  print(`- shared per stack: ${sharedTypes}`);
  print();

  log('cdk synth comparison ...');
  const plainDir = plainProject();
  const synthRuns = quick ? 1 : runs;
  const exampleTimes: number[] = [];
  const plainTimes: number[] = [];
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
  const pl = median(plainTimes);
  print(`## \`npx cdk synth\`, whole command (median of ${synthRuns})`);
  print();
  print(table(['app', 'seconds', 'ratio'], [
    ['example app: 1 governed endpoint, 4 packs (transpile-only ts-node)', ex.toFixed(2), (ex / pl).toFixed(2)],
    ['plain cdk-init-style app: 1 L1 endpoint, no packs (type-checking ts-node)', pl.toFixed(2), '1.00'],
  ]));
  print();
  print(`- target: example <= plain: ${ex <= pl ? 'met' : 'missed'}`);
  print();
  print('## Monthly cost that governance adds to one HIGH-tier endpoint');
  print();
  print(costTable(results.get(key({ kind: 'governed', n: 1, nag: false }))![0]));
  print();
  print(`benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[2] === '--case') {
  runCase(JSON.parse(process.argv[3]) as Case);
} else {
  main();
}
