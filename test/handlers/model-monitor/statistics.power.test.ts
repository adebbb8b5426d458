/**
 * The drift test's power and false-alarm rate at the monitor's defaults: 10,000 sampled records per window,
 * 10 quantile bins, PSI threshold 0.2, against a baseline of 10,000 records of a standard normal feature.
 */
import { MonitoringLimits } from '../../../lib/policy/monitoring-protocol';
import { compare, numericReference } from '../../../lib/handlers/model-monitor/statistics';
import { seededRandom } from '../../../lib/handlers/model-monitor/sample';

const RUNS = 100;
const N = MonitoringLimits.defaultSampleSize;

/** Standard normal draws (Box-Muller) from a seeded uniform generator. */
function normals(random: () => number, n: number, shift = 0): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out.push(r * Math.cos(2 * Math.PI * v) + shift, r * Math.sin(2 * Math.PI * v) + shift);
  }
  return out.slice(0, n);
}

function flaggedRuns(shift: number, seedBase: number): { flagged: number; psis: number[] } {
  let flagged = 0;
  const psis: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const random = seededRandom(seedBase + run);
    const reference = numericReference(normals(random, N), MonitoringLimits.defaultBins);
    const { psi } = compare(reference, normals(random, N, shift));
    psis.push(psi);
    if (psi > MonitoringLimits.defaultDriftThreshold) flagged += 1;
  }
  return { flagged, psis };
}

describe('drift detection at the default sample size, bins and threshold', () => {
  test('GIVEN the defaults THEN they are 10,000 records, 10 bins and PSI 0.2', () => {
    expect([N, MonitoringLimits.defaultBins, MonitoringLimits.defaultDriftThreshold]).toEqual([10_000, 10, 0.2]);
  });

  test('GIVEN a feature shifted by 0.5 standard deviations WHEN 100 seeded windows are compared THEN at least 99 are flagged', () => {
    const { flagged, psis } = flaggedRuns(0.5, 1_000);
    expect(flagged).toBeGreaterThanOrEqual(99);
    // The binned PSI of a 0.5 SD normal shift is about 0.24 (the unbinned Jeffreys divergence is 0.25).
    const median = [...psis].sort((a, b) => a - b)[RUNS / 2];
    expect(median).toBeGreaterThan(0.22);
    expect(median).toBeLessThan(0.26);
  });

  test('GIVEN identical distributions WHEN 100 seeded windows are compared THEN at most 1 is flagged', () => {
    const { flagged, psis } = flaggedRuns(0, 50_000);
    expect(flagged).toBeLessThanOrEqual(1);
    // Sampling noise alone: about (bins - 1) * (1/n + 1/m) = 0.0018 on average.
    expect(Math.max(...psis)).toBeLessThan(0.02);
  });
});
