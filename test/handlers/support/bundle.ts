import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
const SOURCES = [join(ROOT, 'lib', 'handlers'), join(ROOT, 'lib', 'policy')];

/** The shipped esbuild bundle of a handler. */
export function bundlePath(handler: 'kill-switch-enforcer' | 'approval-gate'): string {
  return join(ROOT, 'build', 'handlers', handler, 'index.js');
}

function newestMtime(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? Math.max(0, ...readdirSync(path).map((f) => newestMtime(join(path, f)))) : s.mtimeMs;
}

/** Rebuild the bundles when one is missing or older than its sources, so the deployed code is what is tested. */
export function ensureBundles(): void {
  const newest = Math.max(...SOURCES.map(newestMtime));
  const stale = (['kill-switch-enforcer', 'approval-gate'] as const).some((h) => !existsSync(bundlePath(h)) || statSync(bundlePath(h)).mtimeMs < newest);
  if (stale) {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'bundle-handlers.mjs')]);
  }
}
