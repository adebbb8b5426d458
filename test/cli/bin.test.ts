import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const BIN = join(ROOT, pkg.bin['governed-endpoint']);
const SOURCES = [join(ROOT, 'bin', 'cli.ts'), join(ROOT, 'lib', 'cli'), join(ROOT, 'lib', 'policy')];

/** `npm run build`'s TypeScript step, when the built CLI is missing or older than its sources. */
function ensureBuilt(): void {
  const newest = Math.max(...SOURCES.flatMap((p) => statSync(p).isDirectory() ? readdirSync(p).map((f) => statSync(join(p, f)).mtimeMs) : [statSync(p).mtimeMs]));
  if (!existsSync(BIN) || statSync(BIN).mtimeMs < newest) {
    const config = ['tsconfig.build.json', 'tsconfig.json'].map((f) => join(ROOT, f)).find((f) => existsSync(f))!;
    // tsc emits even when another file of the project does not type-check; the binary is what is tested here.
    spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { cwd: ROOT, stdio: 'ignore' });
  }
  expect(existsSync(BIN)).toBe(true);
}

/** Run the built binary with credentials and region cleared, so nothing can reach AWS. */
function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1' },
    timeout: 60_000,
  });
}

describe('the built governed-endpoint binary', () => {
  beforeAll(ensureBuilt);

  test('is what package.json exposes, with a node shebang', () => {
    expect(pkg.bin).toEqual({ 'governed-endpoint': 'dist/bin/cli.js' });
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('--help lists the commands, the global options and the exit codes, and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const text of ['Usage: governed-endpoint', 'status [options] <endpoint>', 'pause [options] <endpoint>', 'resume [options] <endpoint>',
      'watch [options] <endpoint>', '--region <region>', '--profile <profile>', '--json', 'Exit codes:', '7  rollout rolled back or failed (watch)']) {
      expect(r.stdout).toContain(text);
    }
  });

  test('pause --help documents --reason, the wait and its timeout', () => {
    const r = cli('pause', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--reason <text> +why: recorded as the parameter version's description/);
    expect(r.stdout).toMatch(/--timeout <seconds>[\s\S]*\(default: 120\)/);
    expect(r.stdout).toContain('--no-wait');
  });

  test('--version prints the package version', () => {
    expect(cli('--version').stdout.trim()).toBe(pkg.version);
  });

  test('a usage error exits 2 before touching AWS', () => {
    const r = cli('pause', 'fraud-scoring');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("required option '--reason <text>' not specified");
  });

  test('without a region it says how to give one and exits 2', () => {
    const r = cli('status', 'fraud-scoring');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('No AWS region: pass --region or set AWS_REGION');
  });

  test('without credentials it says how to sign in and exits 4', () => {
    const r = cli('status', 'fraud-scoring', '--region', 'eu-west-1');
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('No AWS credentials found');
  });
});
