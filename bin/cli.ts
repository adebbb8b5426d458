#!/usr/bin/env node
/**
 * `governed-endpoint`: the operator CLI. `governed-endpoint --help` lists the commands and exit codes.
 */
import { run } from '../lib/cli/main';

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (err) => {
  process.stderr.write(`unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
