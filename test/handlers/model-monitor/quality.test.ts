import type { GroundTruthSpec } from '../../../lib/policy/monitoring-protocol';
import { joinLabels, parseLabelLine, qualityMetrics } from '../../../lib/handlers/model-monitor/quality';
import type { Observation } from '../../../lib/handlers/model-monitor/types';

const BINARY: GroundTruthSpec = { problemType: 'BINARY_CLASSIFICATION', labelDelayHours: 24 };
const pairs = (xs: [number | string, number | string][]) => xs.map(([prediction, label]) => ({ prediction, label }));

describe('parseLabelLine', () => {
  test('GIVEN the documented label shape WHEN parsed THEN inferenceId is preferred over eventId', () => {
    expect(parseLabelLine('{"inferenceId": "i-1", "eventId": "e-1", "label": 1}')).toEqual({ joinId: 'i-1', label: 1 });
    expect(parseLabelLine('{"eventId": "e-1", "label": "fraud"}')).toEqual({ joinId: 'e-1', label: 'fraud' });
  });

  test("GIVEN SageMaker's ground-truth record WHEN parsed THEN its eventId and data are read (CSV and JSON)", () => {
    const csv = '{"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata": {"eventId": "i-7"}, "eventVersion": "0"}';
    const json = '{"groundTruthData": {"data": "0.5", "encoding": "JSON"}, "eventMetadata": {"eventId": "i-8"}, "eventVersion": "0"}';
    expect(parseLabelLine(csv)).toEqual({ joinId: 'i-7', label: '1' });
    expect(parseLabelLine(json)).toEqual({ joinId: 'i-8', label: 0.5 });
  });

  test.each([
    ['an empty line', ''],
    ['not JSON', 'label=1'],
    ['no id', '{"label": 1}'],
    ['an empty id', '{"eventId": "", "label": 1}'],
    ['no label', '{"eventId": "e"}'],
    ['a label object', '{"eventId": "e", "label": {"a": 1}}'],
    ['a blank label', '{"eventId": "e", "label": "  "}'],
    ['ground truth without an id', '{"groundTruthData": {"data": "1", "encoding": "CSV"}}'],
    ['ground truth with malformed JSON data', '{"groundTruthData": {"data": "[", "encoding": "JSON"}, "eventMetadata": {"eventId": "e"}}'],
  ])('GIVEN %s WHEN parsed THEN it is not a label', (_name, line) => {
    expect(parseLabelLine(line)).toBeUndefined();
  });
});

describe('joinLabels', () => {
  test('GIVEN predictions and labels WHEN joined THEN pairs follow the join id, skip missing predictions and take the first label of an id', () => {
    const obs: Observation[] = [
      { features: {}, prediction: 1, joinId: 'a' },
      { features: {}, prediction: 0, joinId: 'b' },
      { features: {}, prediction: null, joinId: 'c' },
      { features: {}, prediction: 1 },
      { features: {}, prediction: 1, joinId: 'unlabelled' },
    ];
    const labels = [
      { joinId: 'b', label: 1 },
      { joinId: 'a', label: 1 },
      { joinId: 'a', label: 0 },
      { joinId: 'c', label: 1 },
    ];
    expect(joinLabels(obs, labels)).toEqual(pairs([[1, 1], [0, 1]]));
  });
});

describe('qualityMetrics', () => {
  test('GIVEN binary labels WHEN measured THEN metrics match the hand-counted confusion matrix', () => {
    // tp = 3, fp = 1, fn = 2, tn = 4 -> accuracy 0.7, precision 0.75, recall 0.6, F1 = 2 * 0.75 * 0.6 / 1.35.
    const data = pairs([
      [1, 1], [1, 1], [1, 1],
      [1, 0],
      [0, 1], [0, 1],
      [0, 0], [0, 0], [0, 0], [0, 0],
    ]);
    const m = qualityMetrics(data, BINARY);
    expect(m.count).toBe(10);
    expect(m.accuracy).toBeCloseTo(0.7, 12);
    expect(m.precision).toBeCloseTo(0.75, 12);
    expect(m.recall).toBeCloseTo(0.6, 12);
    expect(m.f1).toBeCloseTo(0.9 / 1.35, 12);
  });

  test('GIVEN scores and a threshold WHEN measured THEN scores at or above it are positive', () => {
    const m = qualityMetrics(pairs([[0.9, '1'], [0.5, 0], [0.49, 1], [0.1, 0]]), { ...BINARY, scoreThreshold: 0.5 });
    // predicted positive: 0.9, 0.5 -> tp 1, fp 1, fn 1, tn 1.
    expect(m).toEqual({ count: 4, accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  test('GIVEN text classes and a positive label WHEN measured THEN classes compare as text', () => {
    const m = qualityMetrics(pairs([['fraud', 'fraud'], ['ok', 'fraud'], ['ok', 'ok']]), { ...BINARY, positiveLabel: 'fraud' });
    expect(m).toEqual({ count: 3, accuracy: 2 / 3, precision: 1, recall: 0.5, f1: 2 / 3 });
  });

  test('GIVEN "1", 1 and "1.0" WHEN compared THEN they are one class', () => {
    expect(qualityMetrics(pairs([['1.0', 1], [1, '1']]), BINARY)).toMatchObject({ accuracy: 1, precision: 1, recall: 1 });
  });

  test('GIVEN no positive prediction WHEN measured THEN precision and F1 are absent, not NaN', () => {
    const m = qualityMetrics(pairs([[0, 1], [0, 0]]), BINARY);
    expect(m).toEqual({ count: 2, accuracy: 0.5, recall: 0 });
  });

  test('GIVEN three classes WHEN measured THEN precision, recall and F1 are macro averages of the per-class values', () => {
    // Classes a, b, c. Pairs (prediction, label): (a,a) (a,a) (b,a) (b,b) (c,b) (c,c).
    // a: tp 2, predicted 2, actual 3 -> P 1, R 2/3; b: tp 1, predicted 2, actual 2 -> P 1/2, R 1/2; c: tp 1, predicted 2, actual 1 -> P 1/2, R 1.
    const data = pairs([['a', 'a'], ['a', 'a'], ['b', 'a'], ['b', 'b'], ['c', 'b'], ['c', 'c']]);
    const m = qualityMetrics(data, { problemType: 'MULTICLASS_CLASSIFICATION', labelDelayHours: 1 });
    const f1 = (p: number, r: number) => (2 * p * r) / (p + r);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.precision).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(m.recall).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 12);
    expect(m.f1).toBeCloseTo((f1(1, 2 / 3) + f1(0.5, 0.5) + f1(0.5, 1)) / 3, 12);
  });

  test('GIVEN regression values WHEN measured THEN MAE and RMSE match the hand-computed errors and text pairs are skipped', () => {
    // errors: +1, -2, +3 -> MAE 2, RMSE sqrt(14 / 3).
    const m = qualityMetrics(pairs([[2, 1], ['3', 5], [7, '4'], ['n/a', 1]]), { problemType: 'REGRESSION', labelDelayHours: 1 });
    expect(m.count).toBe(3);
    expect(m.mae).toBeCloseTo(2, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(14 / 3), 12);
  });

  test('GIVEN no pairs WHEN measured THEN only the count (0) is given', () => {
    expect(qualityMetrics([], BINARY)).toEqual({ count: 0 });
    expect(qualityMetrics([], { problemType: 'REGRESSION', labelDelayHours: 1 })).toEqual({ count: 0 });
    expect(qualityMetrics([], { problemType: 'MULTICLASS_CLASSIFICATION', labelDelayHours: 1 })).toEqual({ count: 0 });
  });
});
