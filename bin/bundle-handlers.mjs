#!/usr/bin/env node
// Bundles every Lambda handler under lib/handlers/<name>/index.ts into build/handlers/<name>/index.js (see
// bin/bundle.mjs, which also bundles the CLI). Runs on `npm ci` (prepare) so that `npx cdk synth` of the example
// app works from a fresh clone; tests and benchmarks call it when a bundle is stale.
import { bundleHandlers } from './bundle.mjs';

const names = await bundleHandlers();
console.log(`bundled ${names.length} handler(s): ${names.join(', ') || 'none'}`);
