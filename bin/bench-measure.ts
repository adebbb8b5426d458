/**
 * One `npm run bench` measurement, run in its own process: build an app (see bench-apps.ts), synthesize it, and
 * say how long each phase took, what the templates hold, what each pack found and how many kill-switch enforcer
 * functions the app has. Benchmark code, not library code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, AssetStaging, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AppShape, buildApp } from './bench-apps';
import { AiGovernanceChecks } from '../lib/nag/ai-governance-checks';
import { GovernanceReport } from '../lib/report/governance-report';

const ROOT = join(__dirname, '..');
/** The directory name of the kill-switch enforcer's bundle (build/handlers/<name>). */
const ENFORCER_BUNDLE = 'kill-switch-enforcer';

/** One measurement. */
export interface Case extends AppShape {
  /** `packs`: the four compliance packs and AiGovernance registered, and the governance report, as the example app. */
  readonly checks: 'none' | 'packs';
  /** CDK's built-in CloudFormation validation (on by default in every app). */
  readonly builtin: boolean;
}

/** What one stack's template holds. */
export interface StackFigures {
  readonly name: string;
  readonly resources: number;
  readonly bytes: number;
}

/** Unacknowledged findings of one pack, and how many times it judged the app during the synth. */
export interface PackFigures {
  readonly errors: number;
  readonly warnings: number;
  readonly runs: number;
}

/** The result of one measurement. */
export interface CaseResult {
  /** Building the construct tree plus `app.synth()`, modules already loaded. */
  readonly seconds: number;
  /** Where the time went, in seconds, in the order it is spent. */
  readonly phases: Record<string, number>;
  readonly stacks: StackFigures[];
  readonly endpoints: number;
  readonly packs: Record<string, PackFigures>;
  readonly enforcers: number;
  readonly resourceTypes: Record<string, number>;
  readonly alarmMetrics: number;
  readonly maxRssMb: number;
  /** The first line of the error when synth failed for another reason than the packs' findings. */
  readonly failure?: string;
}

/** Time spent in `obj[name]`, added to `into[key]` (calls made inside another timed call are counted in both). */
function timeMethod(obj: object, name: string, into: Record<string, number>, key: string): void {
  const target = obj as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  target[name] = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      into[key] = (into[key] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
}

/** A module of aws-cdk-lib that its package exports do not expose (for timing only; missing ones are skipped). */
function cdkInternal(path: string): object | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(join(ROOT, 'node_modules', 'aws-cdk-lib', 'core', 'lib', path));
  } catch {
    return undefined;
  }
}

/** Lambda functions whose code is the kill-switch enforcer's bundle. */
export function countEnforcers(app: IConstruct): number {
  const functions = new Set<IConstruct>();
  for (const c of app.node.findAll()) {
    if (c instanceof AssetStaging && basename(c.sourcePath) === ENFORCER_BUNDLE) {
      // Stage -> Code asset -> Function.
      const fn = c.node.scope?.node.scope;
      if (fn) {
        functions.add(fn);
      }
    }
  }
  return functions.size;
}

/** Findings of a pack's report that nothing acknowledges, by severity. */
export function countFindings(report: PolicyValidationPluginReport): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const v of report.violations) {
    if (v.severity === 'warning') {
      warnings += v.violatingResources.length;
    } else {
      errors += v.violatingResources.length;
    }
  }
  return { errors, warnings };
}

function failed(failure: string, t0: number): CaseResult {
  return {
    seconds: (performance.now() - t0) / 1000, phases: {}, stacks: [], endpoints: 0, packs: {}, enforcers: 0, resourceTypes: {}, alarmMetrics: 0,
    maxRssMb: process.resourceUsage().maxRSS / 1024, failure,
  };
}

/** Build and synthesize the app of `c`, timing each phase. */
export function runCase(c: Case): CaseResult {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  // The packs run with the project's cdk.json context, as the example app does.
  const context = c.checks === 'packs' ? JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context : {};
  const app = new App({ outdir, context, analyticsReporting: false, builtinCloudFormationValidation: c.builtin });
  let stacks: Stack[];
  try {
    stacks = buildApp(app, c);
  } catch (e) {
    return failed(`construction fails: ${String((e as Error).message).split('\n')[0].slice(0, 300)}`, t0);
  }
  const packs: NagPack[] = [];
  let reporting = false;
  const lastReports = new Map<string, PolicyValidationPluginReport>();
  const runs = new Map<string, number>();
  if (c.checks === 'packs') {
    packs.push(new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app), new PCIDSS321Checks(app), new AiGovernanceChecks(app));
    for (const pack of packs) {
      const name = pack.readPackName;
      const validateScope = pack.validateScope.bind(pack);
      pack.validateScope = (scope: IConstruct) => {
        const t = performance.now();
        try {
          const report = validateScope(scope);
          lastReports.set(name, report);
          runs.set(name, (runs.get(name) ?? 0) + 1);
          return report;
        } finally {
          const key = reporting ? `pack ${name} (in the report)` : `pack ${name}`;
          phases[key] = (phases[key] ?? 0) + (performance.now() - t) / 1000;
        }
      };
    }
    Validations.of(app).addPlugins(...packs);
    new GovernanceReport(app, 'GovernanceReport', { packs });
  }
  phases['construct build'] = (performance.now() - t0) / 1000;

  const synthesis = cdkInternal('private/synthesis-validation.js');
  // Findings fail the synth from inside validation, after the templates are written; any other error is a failed synth.
  let validating = false;
  if (synthesis) {
    timeMethod(synthesis, 'validateTemplates', phases, 'validation (all plugins)');
    const validateTemplates = (synthesis as Record<string, (...args: unknown[]) => unknown>).validateTemplates;
    (synthesis as Record<string, unknown>).validateTemplates = (...args: unknown[]) => {
      validating = true;
      return validateTemplates(...args);
    };
  }
  const cfnPlugin = cdkInternal('validation/cloudformation-validate-plugin.js') as
    { CloudFormationValidatePlugin?: { _singletonInstance(): object } } | undefined;
  if (cfnPlugin?.CloudFormationValidatePlugin) {
    const plugin = cfnPlugin.CloudFormationValidatePlugin._singletonInstance();
    timeMethod(plugin, 'validate', phases, 'built-in CloudFormation validation');
    if (typeof (plugin as Record<string, unknown>).initializeEngine === 'function') {
      timeMethod(plugin, 'initializeEngine', phases, 'built-in CloudFormation validation: engine start');
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const reportModule = require('../lib/report/report-document') as Record<string, (...args: unknown[]) => unknown>;
  const buildReport = reportModule.buildGovernanceReport;
  reportModule.buildGovernanceReport = (...args: unknown[]) => {
    reporting = true;
    try {
      return buildReport(...args);
    } finally {
      reporting = false;
    }
  };
  timeMethod(reportModule, 'buildGovernanceReport', phases, 'governance report (with its pack runs)');

  let failure: string | undefined;
  const s0 = performance.now();
  try {
    app.synth();
  } catch (e) {
    const message = String((e as Error).message);
    if (!validating) {
      failure = `synth fails: ${message.split('\n')[0].slice(0, 300)}`;
    }
  }
  phases['app.synth()'] = (performance.now() - s0) / 1000;
  const seconds = (performance.now() - t0) / 1000;
  process.exitCode = 0;

  const figures: StackFigures[] = [];
  const resourceTypes: Record<string, number> = {};
  let alarmMetrics = 0;
  if (failure === undefined) {
    for (const stack of stacks) {
      const text = readFileSync(join(outdir, stack.templateFile), 'utf8');
      const resources = Object.values(JSON.parse(text).Resources ?? {}) as { Type: string; Properties?: { Metrics?: { MetricStat?: unknown }[] } }[];
      figures.push({ name: stack.node.path, resources: resources.length, bytes: Buffer.byteLength(text) });
      for (const r of resources) {
        resourceTypes[r.Type] = (resourceTypes[r.Type] ?? 0) + 1;
        if (r.Type === 'AWS::CloudWatch::Alarm') {
          alarmMetrics += r.Properties?.Metrics ? r.Properties.Metrics.filter((m) => m.MetricStat).length : 1;
        }
      }
    }
  }
  rmSync(outdir, { recursive: true, force: true });
  const packFigures: Record<string, PackFigures> = {};
  for (const [name, report] of lastReports) {
    packFigures[name] = { ...countFindings(report), runs: runs.get(name) ?? 0 };
  }
  return {
    seconds, phases, stacks: figures, endpoints: resourceTypes['AWS::SageMaker::Endpoint'] ?? 0, packs: packFigures,
    enforcers: countEnforcers(app), resourceTypes, alarmMetrics, maxRssMb: process.resourceUsage().maxRSS / 1024, failure,
  };
}

/**
 * The largest number of governed endpoints one stack holds (CloudFormation allows 500 resources), found by
 * synthesizing: start from what the resources of 1 and 2 endpoints predict, then step until n fits and n + 1 does not.
 */
export function capacity(): { endpoints: number; resources: number; tried: string[] } {
  const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
  const resourcesOf = (n: number): number | undefined => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bench-capacity-')), context, analyticsReporting: false, builtinCloudFormationValidation: false });
    buildApp(app, { layout: 'single', endpoints: n });
    try {
      return Object.keys(app.synth().getStackByName('Models').template.Resources).length;
    } catch (e) {
      if (/TooManyResources|greater than allowed maximum/i.test(String((e as Error).message))) {
        return undefined;
      }
      throw e;
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  };
  const tried: string[] = [];
  const known = new Map<number, number | undefined>();
  const attempt = (n: number) => {
    if (!known.has(n)) {
      const r = resourcesOf(n);
      known.set(n, r);
      tried.push(`${n}: ${r === undefined ? 'too many resources' : `${r} resources`}`);
    }
    return known.get(n);
  };
  const one = attempt(1)!;
  const two = attempt(2)!;
  let n = Math.max(1, Math.floor((500 - (one - (two - one))) / (two - one)));
  let r = attempt(n);
  while (r === undefined && n > 1) {
    r = attempt(--n);
  }
  for (;;) {
    const more = attempt(n + 1);
    if (more === undefined) {
      return { endpoints: n, resources: r!, tried };
    }
    n++;
    r = more;
  }
}

if (require.main === module) {
  const arg = process.argv[2];
  const result = arg === '--capacity' ? capacity() : runCase(JSON.parse(arg) as Case);
  process.stdout.write(`\nBENCH-RESULT ${JSON.stringify(result)}\n`);
}
