/**
 * Runs the generated-configuration property over batches with fast-check, keeps a tally across the tests of a file,
 * and on failure names the seed that replays it (`FC_SEED=<seed> npx jest <file>`).
 */
import * as fs from 'fs';
import * as fc from 'fast-check';
import { Bias, endpointConfig } from './endpoint-configs';
import { Batch, checkBatch, Failure } from './property-batch';

/** Configurations per app: spread over two stacks, each well under CloudFormation's 500 resources. */
export const BATCH_SIZE = 25;

/** What the runs of a test file checked. */
export class Tally {
  public configurations = 0;
  public accepted = 0;
  public refused = 0;
  /** Every prop named in a refusal. */
  public readonly refusedProps = new Set<string>();
}

/** Batches of `BATCH_SIZE` configurations over two stacks; `bias.refusals` also turns Object Lock off on explicit foundations. */
export function batches(bias: Bias): fc.Arbitrary<Batch> {
  return fc.record({
    stacks: fc.array(fc.record({ explicitFoundationObjectLock: fc.integer({ min: 0, max: 99 }).map((n) => n >= bias.refusals * 100) }),
      { minLength: 2, maxLength: 2 }),
    endpoints: fc.array(endpointConfig(bias), { minLength: BATCH_SIZE, maxLength: BATCH_SIZE }),
  });
}

/**
 * Check `runs` generated batches; throws with the seed and the failing configurations when one fails.
 * `FC_SEED` replays a failing run; `PROPERTY_FAILURES=<file>` also writes every failure of it as JSON.
 */
export function checkGeneratedBatches(bias: Bias, runs: number, tally: Tally): void {
  let last: Failure[] = [];
  const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
  const details = fc.check(fc.property(batches(bias), (batch) => {
    const result = checkBatch(batch);
    tally.configurations += batch.endpoints.length;
    tally.accepted += result.accepted;
    tally.refused += result.refused;
    result.refusedProps.forEach((p) => tally.refusedProps.add(p));
    last = result.failures;
    return result.failures.length === 0;
  }), { numRuns: runs, seed, endOnFailure: true });
  if (!details.failed) {
    return;
  }
  if (process.env.PROPERTY_FAILURES) {
    fs.writeFileSync(process.env.PROPERTY_FAILURES, JSON.stringify(last, undefined, 1));
  }
  throw new Error(`Property failed with seed ${details.seed} (replay: FC_SEED=${details.seed}):\n` +
    (last.length > 0 ? describeFailures(last) : String(details.errorInstance)));
}

function describeFailures(failures: Failure[]): string {
  const shown = failures.slice(0, 5).map((f) => `- ${f.index === undefined ? 'shared resources' : `configuration ${f.index}`}: ${f.problem}` +
    (f.config ? `\n  ${JSON.stringify(f.config)}` : ''));
  return `${failures.length} problem(s):\n${shown.join('\n')}${failures.length > 5 ? `\n... and ${failures.length - 5} more` : ''}`;
}
