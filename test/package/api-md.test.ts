/**
 * API.md is the API reference jsii-docgen generates from the jsii assembly. This test compiles the library with jsii
 * in a scratch folder (so the working tree's dist/ and .jsii are left alone), regenerates the reference, and fails
 * when the committed API.md differs: run `npm run build` (jsii, then `npm run docgen`) and commit API.md.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('GIVEN the committed API.md', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'api-md-'));
    for (const path of ['package.json', 'tsconfig.jsii.json', 'README.md', 'lib', 'constructs']) {
      cpSync(join(ROOT, path), join(scratch, path), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const tool = (name: string, ...args: string[]) => spawnSync(join(ROOT, 'node_modules', '.bin', name), args, { cwd: scratch, encoding: 'utf8', timeout: 300_000 });

  test('WHEN the library is compiled by jsii and the reference regenerated THEN jsii reports no error and API.md is unchanged', () => {
    const jsii = tool('jsii');
    expect({ status: jsii.status, errors: `${jsii.stdout}${jsii.stderr}`.split('\n').filter((l) => /error JSII|error TS/.test(l)) })
      .toEqual({ status: 0, errors: [] });
    const docgen = tool('jsii-docgen', '-o', 'API.md');
    expect(docgen.status).toBe(0);
    const regenerated = readFileSync(join(scratch, 'API.md'), 'utf8');
    const committed = readFileSync(join(ROOT, 'API.md'), 'utf8');
    // Compare line by line so a failure names the first differing line rather than printing 400 kB.
    const a = committed.split('\n');
    const b = regenerated.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    expect(first === -1 && a.length === b.length ? 'current' : `stale from line ${first + 1}: ${JSON.stringify(a[first])} vs ${JSON.stringify(b[first])}`).toBe('current');
  }, 600_000); // jsii and jsii-docgen take about 20 s on an idle 2-core machine, minutes on a busy one
});
