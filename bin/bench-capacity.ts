/**
 * Capacity benchmark (`npm run bench:capacity`): how many governed endpoints (HIGH tier, every default on) fit in
 * one stack, found by synthesizing stacks until n fits CloudFormation's 500-resource limit and n + 1 does not (the
 * same search `npm run bench` reports).
 */
import { capacity } from './bench-measure';

const result = capacity();
for (const line of result.tried) {
  console.log(`${line.replace(/^(\d+):/, '$1 endpoints:')}`);
}
console.log(`at most ${result.endpoints} governed endpoints fit in one stack (${result.resources} resources)`);
