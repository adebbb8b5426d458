import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildApp, split } from '../../bin/bench-apps';
import { phaseRows } from '../../bin/bench-format';
import { countEnforcers, countFindings, runCase } from '../../bin/bench-measure';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';

/** A directory holding a handler bundle called `name` (the enforcer's is `kill-switch-enforcer`). */
function bundle(name: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-')), name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => {};\n');
  return dir;
}

function fn(scope: Stack, id: string, dir: string): lambda.Function {
  return new lambda.Function(scope, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(dir) });
}

/** The GovernedEndpoints of each stack of the app (nested stacks on their own), by stack path. */
function endpointsPerStack(app: App): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of app.node.findAll().filter((c): c is GovernedEndpoint => c instanceof GovernedEndpoint)) {
    const p = Stack.of(e).node.path;
    out[p] = (out[p] ?? 0) + 1;
  }
  return out;
}

describe('GIVEN endpoints to share out over stacks', () => {
  test.each([[200, 8], [10, 4], [3, 5], [25, 1]])('WHEN %i endpoints go into %i stacks THEN every endpoint is placed once and no two stacks differ by more than one', (total, groups) => {
    const sizes = split(total, groups);
    expect(sizes).toHaveLength(groups);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});

describe('GIVEN the fleet layouts at a small size', () => {
  test('WHEN (b) is built THEN a platform stack holds the one foundation and each endpoint stack uses it', () => {
    const app = new App();
    buildApp(app, { layout: 'foundation-stack', endpoints: 3, stacks: 2 });
    const foundations = app.node.findAll().filter((c) => c instanceof GovernanceFoundation);
    expect(foundations.map((f) => f.node.path)).toEqual(['Platform/GovernanceFoundation']);
    expect(endpointsPerStack(app)).toEqual({ Models0: 2, Models1: 1 });
  });

  test('WHEN (c) is built THEN the endpoints live in nested stacks under the stack holding the foundation', () => {
    const app = new App();
    buildApp(app, { layout: 'nested', endpoints: 4, stacks: 2 });
    const nested = app.node.findAll().filter((c) => c instanceof NestedStack);
    expect(nested.map((n) => n.node.path)).toEqual(['Platform/Models0', 'Platform/Models1']);
    expect(endpointsPerStack(app)).toEqual({ 'Platform/Models0': 2, 'Platform/Models1': 2 });
    expect(app.node.findAll().filter((c) => c instanceof GovernanceFoundation).map((f) => f.node.path)).toEqual(['Platform/GovernanceFoundation']);
  });

  test('WHEN (d) and the filled stacks of the pair are built THEN endpoints spread as asked', () => {
    const spread = new App();
    buildApp(spread, { layout: 'spread', endpoints: 5, stacks: 2 });
    expect(endpointsPerStack(spread)).toEqual({ Models0: 3, Models1: 2 });
    expect(spread.node.findAll().filter((c) => c instanceof GovernanceFoundation).map((f) => f.node.path)).toEqual(['Platform/GovernanceFoundation']);
    const filled = new App();
    buildApp(filled, { layout: 'governed', endpoints: 5, perStack: 2 });
    expect(Object.values(endpointsPerStack(filled))).toEqual([2, 2, 1]);
  });
});

describe('GIVEN an app with functions built from handler bundles', () => {
  test('WHEN the enforcers are counted THEN only functions whose code is the kill-switch enforcer bundle count', () => {
    const app = new App();
    const stack = new Stack(app, 'Functions');
    const enforcer = bundle('kill-switch-enforcer');
    fn(stack, 'EnforcerA', enforcer);
    fn(new Stack(app, 'Other'), 'EnforcerB', enforcer);
    fn(stack, 'Gate', bundle('approval-gate'));
    expect(countEnforcers(app)).toBe(2);
  });
});

describe('GIVEN a pack report', () => {
  test('WHEN its findings are counted THEN each violating resource counts once, as an error or a warning', () => {
    const resource = (p: string) => ({ constructPath: p, locations: [] });
    expect(countFindings({
      success: false,
      violations: [
        { ruleName: 'A-1', description: '', severity: 'error', violatingResources: [resource('x'), resource('y')] },
        { ruleName: 'A-2', description: '', severity: 'warning', violatingResources: [resource('x')] },
      ],
    })).toEqual({ errors: 2, warnings: 1 });
  });
});

describe('GIVEN the timed phases of a synth', () => {
  test('WHEN they are tabled THEN each pack counts wherever it ran and the rows without the total add up to it', () => {
    const phases = {
      'construct build': 1,
      'app.synth()': 9,
      'governance report (with its pack runs)': 2,
      'pack P (in the report)': 1.5,
      'validation (all plugins)': 5,
      'built-in CloudFormation validation': 4,
      'built-in CloudFormation validation: engine start': 3,
    };
    const rows = phaseRows(phases, 10);
    const byLabel = Object.fromEntries(rows);
    expect(byLabel['cdk-nag pack P']).toBeCloseTo(1.5);
    expect(byLabel['governance report (without the packs it runs)']).toBeCloseTo(0.5);
    expect(rows[rows.length - 1]).toEqual(['total (build + synth)', 10]);
    expect(rows.slice(0, -1).reduce((t, r) => t + r[1], 0)).toBeCloseTo(10);
  });
});

describe('GIVEN a measurement of plain L1 endpoints without packs', () => {
  test('WHEN it runs THEN it reports the stack, its resources and bytes, and neither packs nor enforcers', () => {
    const r = runCase({ layout: 'plain', endpoints: 2, checks: 'none', builtin: false });
    expect(r.failure).toBeUndefined();
    expect(r.endpoints).toBe(2);
    expect(r.stacks).toEqual([{ name: 'Plain', resources: 6, bytes: expect.any(Number) }]);
    expect(r.stacks[0].bytes).toBeGreaterThan(1000);
    expect(r.packs).toEqual({});
    expect(r.enforcers).toBe(0);
    expect(r.phases['construct build']).toBeGreaterThan(0);
  });
});
