#!/usr/bin/env node
// Keeps the repository's scripts out of the published package.json. In this repository `prepare` bundles the Lambda
// handlers on `npm ci`, so that `npx cdk synth` of the example app works from a fresh clone; a consumer installing
// the tarball must run nothing (the tarball already holds the bundles and the compiled code), and the other scripts
// name files the tarball does not ship. npm has no setting to publish a manifest without its scripts, so `prepack`
// strips them and `postpack` puts the original back (npm runs `postpack` from the manifest it read before `prepack`):
//   node bin/pack-manifest.mjs strip     package.json -> package.json.prepack (copy), then drop `scripts`
//   node bin/pack-manifest.mjs restore   package.json.prepack -> package.json (no-op when there is no copy)
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const backup = join(root, 'package.json.prepack');

const what = process.argv[2];
if (what === 'strip') {
  if (existsSync(backup)) {
    console.error('package.json.prepack exists: an earlier pack was interrupted. Keep the right package.json, delete the other, and pack again.');
    process.exit(1);
  }
  copyFileSync(manifest, backup);
  const pkg = JSON.parse(readFileSync(backup, 'utf8'));
  delete pkg.scripts;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (what === 'restore') {
  if (existsSync(backup)) renameSync(backup, manifest);
} else {
  console.error(`usage: node bin/pack-manifest.mjs strip|restore (got "${what ?? ''}")`);
  process.exit(2);
}
