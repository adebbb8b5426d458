import {
  PSI_EPSILON,
  binOf,
  categoricalReference,
  compare,
  numericReference,
  psiOf,
  type NumericReference,
} from '../../../lib/handlers/model-monitor/statistics';

const ONE_TO_TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** A second formula for PSI, as Jeffreys' divergence: KL(a||e) + KL(e||a), equal to the PSI when no share is floored. */
function jeffreys(e: number[], a: number[]): number {
  return e.reduce((s, ei, i) => s + a[i] * Math.log(a[i] / ei) + ei * Math.log(ei / a[i]), 0);
}

describe('binOf', () => {
  test('GIVEN edges [2, 4] THEN values at an edge fall in the lower bin and values above all edges in the last', () => {
    expect([1, 2, 2.01, 4, 5].map((v) => binOf([2, 4], v))).toEqual([0, 0, 1, 1, 2]);
    expect(binOf([], 42)).toBe(0);
  });
});

describe('numericReference', () => {
  test('GIVEN 1..10 and 5 bins WHEN built THEN edges are the interpolated quintiles (2.8, 4.6, 6.4, 8.2) with 20% in each bin', () => {
    const ref = numericReference(ONE_TO_TEN, 5);
    // Linear interpolation between order statistics: position (n - 1) * p = 1.8 for p = 0.2 -> 2 + 0.8 * (3 - 2).
    ref.edges.forEach((edge, i) => expect(edge).toBeCloseTo([2.8, 4.6, 6.4, 8.2][i], 12));
    expect(ref.edges).toHaveLength(4);
    expect(ref.proportions).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(ref).toMatchObject({ kind: 'numeric', missingRate: 0, count: 10, mean: 5.5 });
  });

  test('GIVEN missing and non-finite values WHEN built THEN they count as missing and bins use present values only', () => {
    const ref = numericReference([...ONE_TO_TEN, null, Number.NaN], 5);
    expect(ref.missingRate).toBeCloseTo(2 / 12, 12);
    expect(ref.count).toBe(12);
    expect(ref.proportions).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
  });

  test('GIVEN heavy ties WHEN built THEN duplicate edges collapse and no bin is empty by construction', () => {
    expect(numericReference([1, 1, 1, 1, 2], 4)).toMatchObject({ edges: [1], proportions: [0.8, 0.2] });
    expect(numericReference([5, 5, 5], 10)).toMatchObject({ edges: [], proportions: [1] });
  });

  test('GIVEN no present value WHEN built THEN the reference has one empty bin and the missing rate', () => {
    expect(numericReference([null, null], 10)).toEqual({ kind: 'numeric', edges: [], proportions: [0], missingRate: 1, count: 2 });
    expect(numericReference([], 10)).toEqual({ kind: 'numeric', edges: [], proportions: [0], missingRate: 0, count: 0 });
  });
});

describe('categoricalReference', () => {
  test('GIVEN more categories than kept WHEN built THEN the most frequent are kept and the rest is "other"', () => {
    const ref = categoricalReference(['a', 'b', 'a', 'c', null, 'a', 'b'], 2);
    expect(ref.categories).toEqual(['a', 'b']);
    expect(ref.proportions[0]).toBeCloseTo(3 / 6, 12);
    expect(ref.proportions[1]).toBeCloseTo(2 / 6, 12);
    expect(ref.proportions[2]).toBeCloseTo(1 / 6, 12);
    expect(ref.missingRate).toBeCloseTo(1 / 7, 12);
    expect(ref.count).toBe(7);
  });

  test('GIVEN equally frequent categories WHEN fewer are kept THEN the tie breaks by name, so the result is stable', () => {
    expect(categoricalReference(['y', 'x'], 1).categories).toEqual(['x']);
    expect(categoricalReference(['x', 'y'], 1).categories).toEqual(['x']);
  });
});

describe('psiOf', () => {
  test('GIVEN positive shares THEN PSI equals Jeffreys divergence computed independently', () => {
    const e = [0.1, 0.2, 0.3, 0.4];
    const a = [0.25, 0.25, 0.25, 0.25];
    expect(psiOf(e, a)).toBeCloseTo(jeffreys(e, a), 12);
    expect(psiOf(e, e)).toBe(0);
  });

  test('GIVEN a bin empty in the window THEN its share is floored at the documented epsilon', () => {
    expect(PSI_EPSILON).toBe(1e-4);
    // (0.0001 - 0.1) * ln(0.0001 / 0.1) + (0.9 - 0.9) * ...
    expect(psiOf([0.1, 0.9], [0, 0.9])).toBeCloseTo((1e-4 - 0.1) * Math.log(1e-4 / 0.1), 12);
    expect(psiOf([0.1, 0.9], [0, 0.9])).toBeCloseTo(0.69, 2);
    expect(psiOf([0, 1], [0, 1])).toBe(0);
  });
});

describe('compare', () => {
  const quintiles = numericReference(ONE_TO_TEN, 5);

  test('GIVEN the baseline values again WHEN compared THEN PSI is 0 and the means agree', () => {
    const c = compare(quintiles, ONE_TO_TEN);
    expect(c).toEqual({ psi: 0, proportions: [0.2, 0.2, 0.2, 0.2, 0.2], missingRate: 0, invalidRate: 0, count: 10, mean: 5.5, baselineMean: 5.5 });
  });

  test('GIVEN values piled in the outer bins WHEN compared THEN PSI matches the hand-written sum', () => {
    const c = compare(quintiles, [1, 1, 1, 1, 1, 10, 10, 10, 10, 10]);
    const full = 2 * (0.5 - 0.2) * Math.log(0.5 / 0.2);
    const empty = 3 * (1e-4 - 0.2) * Math.log(1e-4 / 0.2);
    expect(c.psi).toBeCloseTo(full + empty, 10);
    expect(c.psi).toBeCloseTo(5.108, 3);
    expect(c.proportions).toEqual([0.5, 0, 0, 0, 0.5]);
  });

  test('GIVEN missing and wrong-kind values WHEN compared THEN they are counted apart and both fill the missing bin', () => {
    const c = compare(quintiles, [1, 'x', null, 10, Number.POSITIVE_INFINITY, null]);
    expect(c.missingRate).toBeCloseTo(2 / 6, 12);
    expect(c.invalidRate).toBeCloseTo(2 / 6, 12);
    expect(c.proportions).toEqual([0.5, 0, 0, 0, 0.5]);
    const expected = [0.2, 0.2, 0.2, 0.2, 0.2, 0];
    const actual = [1 / 6, 0, 0, 0, 1 / 6, 4 / 6];
    const floored = (xs: number[]) => xs.map((x) => Math.max(x, 1e-4));
    expect(c.psi).toBeCloseTo(jeffreys(floored(expected), floored(actual)), 10);
    expect(c.mean).toBe(5.5);
  });

  test('GIVEN a baseline with missing values WHEN the window has the same shares THEN PSI is 0', () => {
    const ref = numericReference([1, 2, null, 3, 4, null], 2);
    expect(compare(ref, [1, 2, null, 3, 4, null]).psi).toBeCloseTo(0, 12);
    expect(compare(ref, [1, 2, 3, 4]).psi).toBeGreaterThan(0.2);
  });

  test('GIVEN a categorical reference WHEN compared THEN unseen values go to "other" and PSI matches the hand-written sum', () => {
    const ref = categoricalReference(['a', 'a', 'b', 'b'], 2);
    const c = compare(ref, ['a', 'z', 'z', null]);
    expect(c.proportions[0]).toBeCloseTo(1 / 3, 12);
    expect(c.proportions[1]).toBe(0);
    expect(c.proportions[2]).toBeCloseTo(2 / 3, 12);
    expect(c.missingRate).toBe(0.25);
    const expected = [0.5, 0.5, 1e-4, 1e-4];
    const actual = [0.25, 1e-4, 0.5, 0.25];
    expect(c.psi).toBeCloseTo(jeffreys(expected, actual), 10);
    expect(c.mean).toBeUndefined();
  });

  test('GIVEN numbers in a categorical feature WHEN compared THEN they match categories by their text', () => {
    const ref = categoricalReference(['1', '2'], 5);
    expect(compare(ref, [1, 2]).psi).toBe(0);
  });

  test('GIVEN no values WHEN compared THEN PSI is 0 and nothing is divided by zero', () => {
    const c = compare(quintiles, []);
    expect(c).toMatchObject({ psi: 0, missingRate: 0, invalidRate: 0, count: 0, proportions: [0, 0, 0, 0, 0] });
    expect(c.mean).toBeUndefined();
  });

  test('GIVEN a reference without any value WHEN values arrive THEN PSI is large rather than NaN', () => {
    const empty: NumericReference = numericReference([null], 10);
    const c = compare(empty, [1, 2, 3]);
    expect(Number.isFinite(c.psi)).toBe(true);
    expect(c.psi).toBeGreaterThan(1);
  });
});
