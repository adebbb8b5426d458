import { createHash } from 'node:crypto';
import type { MonitoringConfig } from '../../../lib/policy/monitoring-protocol';
import {
  analyseWindow,
  baselineFromObservations,
  baselineId,
  baselineMismatch,
  canonicalJson,
  parseReferenceDataset,
} from '../../../lib/handlers/model-monitor/baseline';
import type { Observation } from '../../../lib/handlers/model-monitor/types';

function config(overrides: Partial<MonitoringConfig> = {}): MonitoringConfig {
  return {
    version: 1,
    endpointName: 'fraud',
    bucket: 'evidence',
    inputFormat: 'CSV',
    outputFormat: 'CSV',
    features: [
      { name: 'amount', kind: 'numeric', csvIndex: 0 },
      { name: 'country', kind: 'categorical', csvIndex: 1 },
    ],
    prediction: { kind: 'numeric', csvIndex: 0 },
    baseline: { kind: 'dataset', s3Uri: 's3://b/train.csv', format: 'CSV' },
    windowMinutes: 60,
    sampleSize: 10_000,
    driftThreshold: 0.2,
    perFeatureMetrics: false,
    hypercareHours: 0,
    reviewEveryDays: 0,
    owner: 'o',
    purpose: 'p',
    riskTier: 'HIGH',
    killSwitchParameter: '/k',
    alertTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts',
    ...overrides,
  };
}

const CFG = config();

/** 100 observations: amount 1..100, country cycling FR/DE/IT/ES, prediction amount / 100. */
function observations(shift = 0, countries = ['FR', 'DE', 'IT', 'ES']): Observation[] {
  return Array.from({ length: 100 }, (_, i) => ({
    features: { amount: i + 1 + shift, country: countries[i % countries.length] },
    prediction: (i + 1) / 100,
    joinId: `e-${i}`,
  }));
}

describe('canonicalJson and baselineId', () => {
  test('GIVEN objects with keys in any order WHEN serialised THEN the text is the same, keys sorted at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  test('GIVEN statistics WHEN hashed THEN the id is the sha256 of their canonical JSON', () => {
    const stats = { features: { x: { kind: 'categorical' as const, categories: ['a'], proportions: [1, 0], missingRate: 0, count: 1 } }, records: 1 };
    const text = '{"features":{"x":{"categories":["a"],"count":1,"kind":"categorical","missingRate":0,"proportions":[1,0]}},"records":1}';
    expect(baselineId(stats)).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe('baselineFromObservations', () => {
  test('GIVEN observations WHEN a baseline is built THEN each feature has a reference of its kind and the id is stable', () => {
    const b = baselineFromObservations(observations(), CFG, 's3://b/train.csv', '2026-01-01T00:00:00Z');
    expect(b.features.amount).toMatchObject({ kind: 'numeric', count: 100, missingRate: 0 });
    expect((b.features.amount as { edges: number[] }).edges).toHaveLength(9);
    expect(b.features.country).toMatchObject({ kind: 'categorical', categories: ['DE', 'ES', 'FR', 'IT'], proportions: [0.25, 0.25, 0.25, 0.25, 0] });
    expect(b.prediction).toMatchObject({ kind: 'numeric', count: 100 });
    expect(b).toMatchObject({ source: 's3://b/train.csv', createdAt: '2026-01-01T00:00:00Z', records: 100 });
    expect(b.id).toMatch(/^[0-9a-f]{64}$/);
    // Same statistics from another source or time: same id. Other statistics: another id.
    expect(baselineFromObservations(observations(), CFG, 'elsewhere', 'later').id).toBe(b.id);
    expect(baselineFromObservations(observations(1), CFG, 's3://b/train.csv', '2026-01-01T00:00:00Z').id).not.toBe(b.id);
  });

  test('GIVEN no predictions WHEN a baseline is built THEN it has no prediction reference', () => {
    const obs = observations().map((o) => ({ ...o, prediction: null }));
    expect(baselineFromObservations(obs, CFG, 's', 't').prediction).toBeUndefined();
  });

  test('GIVEN text in a numeric feature WHEN a baseline is built THEN it counts as missing', () => {
    const obs: Observation[] = [
      { features: { amount: 1, country: 'FR' }, prediction: 0 },
      { features: { amount: 'oops', country: 'FR' }, prediction: 0 },
    ];
    expect(baselineFromObservations(obs, CFG, 's', 't').features.amount.missingRate).toBe(0.5);
  });
});

describe('parseReferenceDataset', () => {
  test('GIVEN CSV with a header row WHEN parsed THEN the header is skipped and short rows are invalid', () => {
    const csv = 'amount,country\n1.5,FR\n2,DE\n\n3\n4,"IT"\n';
    const { observations: obs, invalid } = parseReferenceDataset(csv, 'CSV', CFG);
    expect(obs.map((o) => o.features)).toEqual([
      { amount: 1.5, country: 'FR' },
      { amount: 2, country: 'DE' },
      { amount: 4, country: 'IT' },
    ]);
    expect(obs.every((o) => o.prediction === null)).toBe(true);
    expect(invalid).toBe(1);
  });

  test('GIVEN CSV without a header WHEN parsed THEN the first row is data', () => {
    expect(parseReferenceDataset('1,FR\n2,DE', 'CSV', CFG).observations).toHaveLength(2);
  });

  test('GIVEN text in a numeric column after the first row WHEN parsed THEN the row is kept for the baseline to count as missing', () => {
    const { observations: obs } = parseReferenceDataset('1,FR\nx,DE', 'CSV', CFG);
    expect(obs[1].features.amount).toBe('x');
  });

  test('GIVEN JSON Lines of inputs and of capture records WHEN parsed THEN both are read and bad lines counted', () => {
    const cfg = config({
      inputFormat: 'JSON',
      outputFormat: 'JSON',
      features: [
        { name: 'amount', kind: 'numeric', jsonPath: '$.amount' },
        { name: 'country', kind: 'categorical', jsonPath: '$.country' },
      ],
      prediction: { kind: 'numeric', jsonPath: '$.score' },
    });
    const capture = JSON.stringify({
      captureData: {
        endpointInput: { data: '{"amount": 9, "country": "PT"}', encoding: 'JSON' },
        endpointOutput: { data: '{"score": 0.4}', encoding: 'JSON' },
      },
      eventMetadata: { eventId: 'e-1' },
    });
    const text = ['{"amount": 1, "country": "FR"}', '{"amount": null}', 'not json', '{"amount": {"x": 1}}', capture, ''].join('\n');
    const { observations: obs, invalid } = parseReferenceDataset(text, 'JSONL', cfg);
    expect(obs.map((o) => [o.features, o.prediction])).toEqual([
      [{ amount: 1, country: 'FR' }, null],
      [{ amount: null, country: null }, null],
      [{ amount: 9, country: 'PT' }, 0.4],
    ]);
    expect(invalid).toBe(2);
  });

  test('GIVEN CSV for features declared by JSON path WHEN parsed THEN every row is invalid rather than misread', () => {
    const cfg = config({ features: [{ name: 'amount', kind: 'numeric', jsonPath: '$.amount' }] });
    expect(parseReferenceDataset('1\n2', 'CSV', cfg)).toEqual({ observations: [], invalid: 2 });
  });
});

describe('baselineMismatch', () => {
  const b = baselineFromObservations(observations(), CFG, 's', 't');

  test('GIVEN the configuration the baseline was built for THEN there is no mismatch', () => {
    expect(baselineMismatch(b, CFG)).toBeUndefined();
  });

  test('GIVEN a new feature or a changed kind THEN the mismatch names the feature', () => {
    expect(baselineMismatch(b, config({ features: [...CFG.features, { name: 'age', kind: 'numeric', csvIndex: 2 }] }))).toMatch(/feature age/);
    expect(baselineMismatch(b, config({ features: [{ name: 'country', kind: 'numeric', csvIndex: 1 }] }))).toMatch(/country as categorical/);
  });
});

describe('analyseWindow', () => {
  const b = baselineFromObservations(observations(), CFG, 's', 't');

  test('GIVEN the baseline traffic again WHEN analysed THEN nothing drifts', () => {
    const a = analyseWindow(observations(), 0, b, CFG);
    expect(a).toMatchObject({ baselineId: b.id, records: 100, invalid: 0, maxFeatureDrift: 0, driftedFeatureShare: 0, invalidRecordRate: 0, predictionDrift: 0 });
    expect(a.features.amount.drifted).toBe(false);
  });

  test('GIVEN one feature moved to unseen categories WHEN analysed THEN only it drifts and the share is 1 of 2', () => {
    const a = analyseWindow(observations(0, ['US', 'CA']), 25, b, CFG);
    expect(a.features.country.drifted).toBe(true);
    expect(a.features.amount.drifted).toBe(false);
    expect(a.driftedFeatureShare).toBe(0.5);
    expect(a.maxFeatureDrift).toBe(a.features.country.psi);
    expect(a.invalidRecordRate).toBe(25 / 125);
  });

  test('GIVEN a drift threshold WHEN a PSI equals it THEN it is not drift (strictly above flags)', () => {
    const a = analyseWindow(observations(0, ['US', 'CA']), 0, b, CFG);
    const psi = a.features.country.psi;
    expect(analyseWindow(observations(0, ['US', 'CA']), 0, b, config({ driftThreshold: psi })).features.country.drifted).toBe(false);
  });

  test('GIVEN an empty window WHEN analysed THEN nothing is flagged and rates are 0, not NaN', () => {
    const a = analyseWindow([], 0, b, CFG);
    expect(a).toMatchObject({ records: 0, maxFeatureDrift: 0, driftedFeatureShare: 0, invalidRecordRate: 0, predictionDrift: 0 });
    expect(analyseWindow([], 7, b, CFG).invalidRecordRate).toBe(1);
  });

  test('GIVEN a baseline without prediction statistics WHEN analysed THEN prediction drift is absent', () => {
    const noPrediction = baselineFromObservations(observations().map((o) => ({ ...o, prediction: null })), CFG, 's', 't');
    const a = analyseWindow(observations(), 0, noPrediction, CFG);
    expect(a.prediction).toBeUndefined();
    expect(a.predictionDrift).toBeUndefined();
  });
});
