import { chiSquaredDistributionTable, mean } from 'simple-statistics';
import {
  DEFAULT_BYTES_PER_RECORD,
  OVERSAMPLE_FACTOR,
  Reservoir,
  planObjectSample,
  seededRandom,
} from '../../../lib/handlers/model-monitor/sample';

/** Whether counts over k cells are consistent with equal chances: Pearson's statistic below the 1% critical value. */
function uniformAtOnePercent(counts: number[]): boolean {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  const stat = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  const table = chiSquaredDistributionTable as unknown as Record<number, Record<string, number>>;
  return stat < table[counts.length - 1]['0.01'];
}

describe('seededRandom', () => {
  test('GIVEN one seed WHEN drawn twice THEN the sequences are equal, and another seed differs', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  test('GIVEN 100,000 draws THEN all lie in [0, 1) with mean 0.5 to within 0.01', () => {
    const r = seededRandom(7);
    const xs = Array.from({ length: 100_000 }, () => r());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.01);
  });
});

describe('Reservoir', () => {
  test('GIVEN fewer items than the capacity WHEN offered THEN all are kept in order and counted', () => {
    const r = new Reservoir<number>(10, seededRandom(1));
    [1, 2, 3].forEach((x) => r.offer(x));
    expect(r.items()).toEqual([1, 2, 3]);
    expect(r.seen).toBe(3);
  });

  test('GIVEN a long stream WHEN sampled THEN the capacity bounds the sample and every item is seen', () => {
    const r = new Reservoir<number>(100, seededRandom(2));
    for (let i = 0; i < 50_000; i += 1) r.offer(i);
    expect(r.items()).toHaveLength(100);
    expect(new Set(r.items()).size).toBe(100);
    expect(r.seen).toBe(50_000);
  });

  test('GIVEN 20,000 seeded runs over 10 items with capacity 3 WHEN counted THEN each item is kept equally often (chi-squared, p > 0.01)', () => {
    const counts = new Array<number>(10).fill(0);
    const random = seededRandom(3);
    for (let run = 0; run < 20_000; run += 1) {
      const r = new Reservoir<number>(3, random);
      for (let i = 0; i < 10; i += 1) r.offer(i);
      for (const x of r.items()) counts[x] += 1;
    }
    // Each item is kept with probability 3/10: 6,000 times expected. Compare with the uniform distribution.
    expect(uniformAtOnePercent(counts)).toBe(true);
    for (const c of counts) expect(Math.abs(c - 6000)).toBeLessThan(400);
  });

  test('GIVEN a negative capacity THEN construction fails naming the value', () => {
    expect(() => new Reservoir<number>(-1)).toThrow(/-1/);
  });
});

describe('planObjectSample', () => {
  const objects = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, size: 2 * 1024 * 1024 }));

  test('GIVEN many objects WHEN planned THEN reading stops once the estimated records reach the oversampled sample size', () => {
    const plan = planObjectSample(objects, 10_000, seededRandom(1), { bytesPerRecordHint: 512 });
    // 2 MiB / 512 B = 4,096 records per object; 100,000 wanted -> 25 objects (the 25th reaches it).
    expect(OVERSAMPLE_FACTOR * 10_000).toBe(100_000);
    expect(plan).toHaveLength(Math.ceil(100_000 / 4096));
    expect(new Set(plan.map((o) => o.key)).size).toBe(plan.length);
  });

  test('GIVEN a byte cap WHEN planned THEN the plan never passes it but always holds one object', () => {
    const plan = planObjectSample(objects, 100_000, seededRandom(1), { maxBytes: 10 * 1024 * 1024 });
    expect(plan.reduce((s, o) => s + o.size, 0)).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(plan).toHaveLength(5);
    expect(planObjectSample([{ key: 'big', size: 99e9 }], 10, seededRandom(1), { maxBytes: 1 })).toEqual([{ key: 'big', size: 99e9 }]);
  });

  test('GIVEN no hint WHEN planned THEN the default bytes per record is used', () => {
    const plan = planObjectSample(objects, 1000, seededRandom(5));
    expect(plan).toHaveLength(Math.ceil((1000 * OVERSAMPLE_FACTOR) / ((2 * 1024 * 1024) / DEFAULT_BYTES_PER_RECORD)));
  });

  test('GIVEN empty objects and an empty window THEN the plan skips them and may be empty', () => {
    expect(planObjectSample([{ key: 'a', size: 0 }], 10, seededRandom(1))).toEqual([]);
    expect(planObjectSample([], 10, seededRandom(1))).toEqual([]);
  });

  test('GIVEN 5,000 seeded plans of 2 of 10 objects THEN each object is chosen equally often (chi-squared, p > 0.01)', () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ key: String(i), size: 1000 }));
    const counts = new Array<number>(10).fill(0);
    const random = seededRandom(9);
    for (let run = 0; run < 5000; run += 1) {
      // The byte cap (2 objects) binds before the wanted records do.
      for (const o of planObjectSample(ten, 1000, random, { maxBytes: 2000 })) counts[Number(o.key)] += 1;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(uniformAtOnePercent(counts)).toBe(true);
    expect(uniformAtOnePercent([1500, 900, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 600])).toBe(false);
  });
});
