import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the package ships, built from source when missing or older than it, so that tests run the shipped code:
 * the esbuild bundles of the Lambda handlers and the compiled CLI binary.
 */
export const ROOT = join(__dirname, '..', '..');

/** The newest modification time of a file, or of any file below a folder. */
function newestMtime(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? Math.max(0, ...readdirSync(path).map((f) => newestMtime(join(path, f)))) : s.mtimeMs;
}

/** True when an output is missing or older than any of its sources. */
function stale(outputs: string[], sources: string[]): boolean {
  const newest = Math.max(...sources.map(newestMtime));
  return outputs.some((o) => !existsSync(o) || statSync(o).mtimeMs < newest);
}

/** The shipped esbuild bundle of a handler. */
export function bundlePath(handler: 'kill-switch-enforcer' | 'approval-gate'): string {
  return join(ROOT, 'build', 'handlers', handler, 'index.js');
}

/** Rebuild the handler bundles (`bin/bundle-handlers.mjs`) when one is missing or older than its sources. */
export function ensureBundles(): void {
  const bundles = [bundlePath('kill-switch-enforcer'), bundlePath('approval-gate')];
  if (stale(bundles, [join(ROOT, 'lib', 'handlers'), join(ROOT, 'lib', 'policy')])) {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'bundle-handlers.mjs')]);
  }
}

/** The package.json fields the CLI binary is checked against. */
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

/** The CLI binary package.json exposes, compiled by `npm run build`'s TypeScript step when missing or older than its sources. */
export function ensureCliBuilt(): string {
  const bin = join(ROOT, PACKAGE.bin['governed-endpoint']);
  if (stale([bin], [join(ROOT, 'bin', 'cli.ts'), join(ROOT, 'lib', 'cli'), join(ROOT, 'lib', 'policy')])) {
    const config = ['tsconfig.build.json', 'tsconfig.json'].map((f) => join(ROOT, f)).find((f) => existsSync(f))!;
    // tsc emits even when another file of the project does not type-check; the binary is what is tested.
    spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { cwd: ROOT, stdio: 'ignore' });
  }
  return bin;
}
