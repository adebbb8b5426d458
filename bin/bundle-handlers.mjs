#!/usr/bin/env node
// Bundles every Lambda handler under lib/handlers/<name>/index.ts into build/handlers/<name>/index.js
// with esbuild, ahead of synth, so that synth needs neither Docker nor a bundler at run time.
// Runs on `npm ci` (prepare) and `npm run build`.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlersDir = join(root, 'lib', 'handlers');
const names = existsSync(handlersDir)
  ? readdirSync(handlersDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(handlersDir, d.name, 'index.ts')))
    .map((d) => d.name)
  : [];
for (const name of names) {
  await build({
    entryPoints: [join(handlersDir, name, 'index.ts')],
    outfile: join(root, 'build', 'handlers', name, 'index.js'),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
console.log(`bundled ${names.length} handler(s): ${names.join(', ') || 'none'}`);
