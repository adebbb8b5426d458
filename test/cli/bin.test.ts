/**
 * The built `governed-endpoint` binary, run as a user runs it (a separate Node.js process, no AWS credentials,
 * no region): what package.json exposes, the help, the version, and how it exits without AWS. The commands'
 * behaviour against AWS is tested in-process in test/cli/cli.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ensureCliBuilt, PACKAGE } from '../helpers/builds';

describe('GIVEN the built governed-endpoint binary, with credentials and region cleared so nothing can reach AWS', () => {
  let bin: string;
  beforeAll(() => {
    bin = ensureCliBuilt();
    expect(existsSync(bin)).toBe(true);
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1' },
    timeout: 60_000,
  });

  test('WHEN package.json is read THEN it exposes the binary, which starts with a node shebang', () => {
    expect(PACKAGE.bin).toEqual({ 'governed-endpoint': 'dist/bin/cli.js' });
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('WHEN run with --help THEN it lists the commands, the global options and the exit codes, and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const text of ['Usage: governed-endpoint', 'status [options] <endpoint>', 'pause [options] <endpoint>', 'resume [options] <endpoint>',
      'watch [options] <endpoint>', '--region <region>', '--profile <profile>', '--json', 'Exit codes:', '7  rollout rolled back or failed (watch)']) {
      expect(r.stdout).toContain(text);
    }
  });

  test('WHEN run with pause --help THEN it documents --reason, the wait and its timeout', () => {
    const r = cli('pause', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--reason <text> +why: recorded as the parameter version's description/);
    expect(r.stdout).toMatch(/--timeout <seconds>[\s\S]*\(default: 120\)/);
    expect(r.stdout).toContain('--no-wait');
  });

  test('WHEN run with --version THEN it prints the package version', () => {
    expect(cli('--version').stdout.trim()).toBe(PACKAGE.version);
  });

  test('WHEN a command runs without a region THEN it says how to give one and exits 2', () => {
    const r = cli('status', 'fraud-scoring');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('No AWS region: pass --region or set AWS_REGION');
  });

  test('WHEN a command runs with a region but without credentials THEN it says how to sign in and exits 4', () => {
    const r = cli('status', 'fraud-scoring', '--region', 'eu-west-1');
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('No AWS credentials found');
  });
});
