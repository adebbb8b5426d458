#!/usr/bin/env node
// Bundles the code the package runs outside a CDK app with esbuild, so that the package has no runtime
// dependencies beyond its peers and synth needs neither Docker nor a bundler at run time:
//   handlers  every Lambda handler lib/handlers/<name>/index.ts -> build/handlers/<name>/index.js
//   cli       the operator CLI bin/cli.ts -> dist/bin/cli.js (the `governed-endpoint` binary), one file
// `node bin/bundle.mjs` builds both; `node bin/bundle.mjs handlers` or `... cli` builds one.
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Settings both kinds of bundle share. */
const common = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Prefer the ES-module builds of dependencies: the AWS SDK v3 then tree-shakes to what the code imports
  // (for the kill-switch enforcer: 1.4 MB -> 0.6 MB, module load about 3x faster).
  mainFields: ['module', 'main'],
  // The SDK loads `node:http`/`node:https` with `await import(...)`. In a CommonJS bundle that becomes
  // `Promise.resolve().then(() => require(...))`: the same modules, loaded without the ES module loader, so the
  // bundle also runs where only `require` is available (for example the handler tests' module sandbox).
  supported: { 'dynamic-import': false },
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};

/** Write to a temporary file and rename, so a test or synth reading the bundle never sees half a file. */
function writeAtomically(outputFiles, mode) {
  for (const file of outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, file.path);
  }
}

/** Bundles every handler; returns their names. */
export async function bundleHandlers() {
  const handlersDir = join(root, 'lib', 'handlers');
  const names = existsSync(handlersDir)
    ? readdirSync(handlersDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(handlersDir, d.name, 'index.ts')))
      .map((d) => d.name)
    : [];
  for (const name of names) {
    const result = await build({ ...common, entryPoints: [join(handlersDir, name, 'index.ts')], outfile: join(root, 'build', 'handlers', name, 'index.js') });
    writeAtomically(result.outputFiles);
  }
  return names;
}

/** Bundles the CLI into one executable file (the entry's `#!/usr/bin/env node` line is kept); returns its path. */
export async function bundleCli() {
  const outfile = join(root, 'dist', 'bin', 'cli.js');
  const result = await build({ ...common, entryPoints: [join(root, 'bin', 'cli.ts')], outfile });
  writeAtomically(result.outputFiles, 0o755);
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const what = process.argv[2] ?? 'all';
  if (!['all', 'handlers', 'cli'].includes(what)) {
    console.error(`usage: node bin/bundle.mjs [all|handlers|cli] (got "${what}")`);
    process.exit(2);
  }
  if (what !== 'cli') {
    const names = await bundleHandlers();
    console.log(`bundled ${names.length} handler(s): ${names.join(', ') || 'none'}`);
  }
  if (what !== 'handlers') {
    console.log(`bundled the CLI: ${(await bundleCli()).slice(root.length + 1)}`);
  }
}
