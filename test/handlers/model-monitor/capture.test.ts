import type { MonitoringConfig } from '../../../lib/policy/monitoring-protocol';
import {
  evaluateJsonPath,
  extractObservation,
  extractObservations,
  isValidJsonPath,
  observationOfLine,
  parseCaptureLine,
  parseCsvRows,
  type CaptureRecord,
} from '../../../lib/handlers/model-monitor/capture';

function config(overrides: Partial<MonitoringConfig> = {}): MonitoringConfig {
  return {
    version: 1,
    endpointName: 'fraud',
    bucket: 'evidence',
    inputFormat: 'CSV',
    outputFormat: 'CSV',
    features: [
      { name: 'amount', kind: 'numeric', csvIndex: 0 },
      { name: 'country', kind: 'categorical', csvIndex: 2 },
    ],
    prediction: { kind: 'numeric', csvIndex: 0 },
    baseline: { kind: 'warmup', days: 7 },
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

const JSON_CONFIG = config({
  inputFormat: 'JSON',
  outputFormat: 'JSON',
  features: [
    { name: 'amount', kind: 'numeric', jsonPath: '$.instances[0].amount' },
    { name: 'country', kind: 'categorical', jsonPath: "$.instances[0]['country code']" },
  ],
  prediction: { kind: 'categorical', jsonPath: '$.predictions[0].label' },
});

function captureLine(input: object | undefined, output: object | undefined, meta: object = { eventId: 'e-1' }): string {
  const captureData: Record<string, object> = {};
  if (input) captureData.endpointInput = { mode: 'INPUT', ...input };
  if (output) captureData.endpointOutput = { mode: 'OUTPUT', ...output };
  return JSON.stringify({ captureData, eventMetadata: meta, eventVersion: '0' });
}

describe('parseCaptureLine', () => {
  test('GIVEN the documented SageMaker record WHEN parsed THEN ids, time and both payloads are read', () => {
    const line = captureLine(
      { observedContentType: 'text/csv', data: '69,0,153.7', encoding: 'CSV' },
      { observedContentType: 'text/csv; charset=utf-8', data: '0.0254', encoding: 'CSV' },
      { eventId: 'e-1', inferenceId: 'i-1', inferenceTime: '2022-02-14T17:25:49Z' },
    );
    expect(parseCaptureLine(line)).toEqual({
      ok: true,
      record: {
        eventId: 'e-1',
        inferenceId: 'i-1',
        inferenceTime: '2022-02-14T17:25:49Z',
        input: { data: '69,0,153.7', encoding: 'CSV', observedContentType: 'text/csv' },
        output: { data: '0.0254', encoding: 'CSV', observedContentType: 'text/csv; charset=utf-8' },
      },
    });
  });

  test.each([
    ['an empty line', '   ', /empty/],
    ['text that is not JSON', '{"captureData": ', /not JSON/],
    ['JSON without captureData', '{"eventMetadata": {}}', /captureData/],
    ['a JSON array', '[1,2]', /captureData/],
    ['an input without data', captureLine({ encoding: 'CSV' }, undefined), /endpointInput/],
    ['an output with a numeric encoding', captureLine({ data: '1', encoding: 'CSV' }, { data: '1', encoding: 5 }), /endpointOutput/],
  ])('GIVEN %s WHEN parsed THEN it is rejected with a reason, not thrown', (_name, line, reason) => {
    const parsed = parseCaptureLine(line);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});

describe('isValidJsonPath and evaluateJsonPath', () => {
  test.each(['$.a', '$.a.b[0]', '$[2].x', "$['a b'].c", '$[10]', '$.snake_case-name', '$._x'])('GIVEN %s THEN it is a valid path', (p) => {
    expect(isValidJsonPath(p)).toBe(true);
  });

  test.each(['', '$', 'a.b', '$.', '$..a', '$.a[*]', '$.a[-1]', '$.1abc', "$['unterminated]", "$['']", '$["x"]', '$.a[0:2]', '$.a b', '$.$x'])(
    'GIVEN %j THEN it is not a valid path',
    (p) => {
      expect(isValidJsonPath(p)).toBe(false);
    },
  );

  test('GIVEN a nested document WHEN paths are evaluated THEN values are found and absent steps give undefined', () => {
    const doc = { a: { b: [10, { c: 'x' }] }, 'k y': 3 };
    expect(evaluateJsonPath(doc, '$.a.b[0]')).toBe(10);
    expect(evaluateJsonPath(doc, '$.a.b[1].c')).toBe('x');
    expect(evaluateJsonPath(doc, "$['k y']")).toBe(3);
    expect(evaluateJsonPath(doc, '$.a.b[2]')).toBeUndefined();
    expect(evaluateJsonPath(doc, '$.a.missing.c')).toBeUndefined();
    expect(evaluateJsonPath(doc, '$.a[0]')).toBeUndefined();
    expect(evaluateJsonPath(doc, '$.toString')).toBeUndefined();
    expect(evaluateJsonPath(doc, 'not a path')).toBeUndefined();
  });
});

describe('parseCsvRows', () => {
  test('GIVEN quoted fields, escaped quotes and a trailing newline WHEN split THEN fields match RFC 4180', () => {
    expect(parseCsvRows('1,"a, b","say ""hi"""\n')).toEqual([['1', 'a, b', 'say "hi"']]);
    expect(parseCsvRows('1,2\r\n3,4')).toEqual([['1', '2'], ['3', '4']]);
    expect(parseCsvRows('1,,3')).toEqual([['1', '', '3']]);
    expect(parseCsvRows('"open')).toBeUndefined();
  });
});

describe('extractObservation', () => {
  const record = (input: CaptureRecord['input'], output?: CaptureRecord['output'], ids: Partial<CaptureRecord> = {}): CaptureRecord => ({
    eventId: 'e-1',
    ...ids,
    input,
    output,
  });

  test('GIVEN a CSV record WHEN extracted THEN numeric and categorical features come from their columns and the prediction from the output', () => {
    const r = extractObservation(
      record({ data: '12.5,0,FR\n', encoding: 'CSV' }, { data: '0.91\n', encoding: 'CSV' }, { inferenceId: 'i-9', inferenceTime: 't' }),
      config(),
    );
    expect(r).toEqual({ ok: true, observation: { features: { amount: 12.5, country: 'FR' }, prediction: 0.91, joinId: 'i-9', time: 't' } });
  });

  test('GIVEN no inferenceId WHEN extracted THEN the join id is the eventId', () => {
    const r = extractObservation(record({ data: '1,0,FR', encoding: 'CSV' }), config());
    expect(r.ok && r.observation.joinId).toBe('e-1');
  });

  test('GIVEN empty cells and no output WHEN extracted THEN those values are missing (null), not invalid', () => {
    const r = extractObservation(record({ data: ',0, ', encoding: 'CSV' }), config());
    expect(r).toEqual({ ok: true, observation: { features: { amount: null, country: null }, prediction: null, joinId: 'e-1' } });
  });

  test('GIVEN text in a numeric column WHEN extracted THEN the text is kept for the comparison to count as invalid', () => {
    const r = extractObservation(record({ data: 'abc,0,FR', encoding: 'CSV' }), config());
    expect(r.ok && r.observation.features.amount).toBe('abc');
  });

  test('GIVEN a JSON record WHEN extracted THEN features and prediction come from their JSON paths', () => {
    const input = JSON.stringify({ instances: [{ amount: '7.25', 'country code': 'DE' }] });
    const output = JSON.stringify({ predictions: [{ label: 1 }] });
    const r = extractObservation(record({ data: input, encoding: 'JSON' }, { data: output, encoding: 'JSON' }), JSON_CONFIG);
    expect(r).toEqual({ ok: true, observation: { features: { amount: 7.25, country: 'DE' }, prediction: '1', joinId: 'e-1' } });
  });

  test('GIVEN BASE64 payloads WHEN extracted THEN they are decoded and read by their content type', () => {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    const input = { data: b64(JSON.stringify({ instances: [{ amount: 3, 'country code': 'IT' }] })), encoding: 'BASE64', observedContentType: 'application/json' };
    const output = { data: b64(JSON.stringify({ predictions: [{ label: 'fraud' }] })), encoding: 'BASE64', observedContentType: 'application/jsonlines' };
    const r = extractObservation(record(input, output), JSON_CONFIG);
    expect(r).toEqual({ ok: true, observation: { features: { amount: 3, country: 'IT' }, prediction: 'fraud', joinId: 'e-1' } });

    const csv = extractObservation(record({ data: b64('4,1,ES'), encoding: 'BASE64', observedContentType: 'text/csv' }), config());
    expect(csv.ok && csv.observation.features).toEqual({ amount: 4, country: 'ES' });
  });

  test.each([
    ['no input', record(undefined), config(), /no endpointInput/],
    ['a CSV row shorter than a declared column', record({ data: '1,2', encoding: 'CSV' }), config(), /column 2 is beyond/],
    ['two CSV rows in one record', record({ data: '1,0,FR\n2,0,DE', encoding: 'CSV' }), config(), /2 rows/],
    ['an unterminated CSV quote', record({ data: '"1,0,FR', encoding: 'CSV' }), config(), /quote/],
    ['JSON data declared as CSV', record({ data: '{"a":1}', encoding: 'JSON' }), config(), /JSON .* but CSV is declared/],
    ['a CSV content type declared as JSON', record({ data: 'MSww', encoding: 'BASE64', observedContentType: 'text/csv' }), JSON_CONFIG, /CSV .* but JSON is declared/],
    ['invalid base64', record({ data: '%%%', encoding: 'BASE64' }), config(), /not base64/],
    ['malformed JSON', record({ data: '{"instances": [', encoding: 'JSON' }), JSON_CONFIG, /not JSON/],
    ['an object where a value is expected', record({ data: '{"instances": [{"amount": {"v": 1}}]}', encoding: 'JSON' }), JSON_CONFIG, /amount is an object/],
    ['a malformed output', record({ data: '1,0,FR', encoding: 'CSV' }, { data: '"x', encoding: 'CSV' }), config(), /endpointOutput/],
  ])('GIVEN %s WHEN extracted THEN the record is invalid with a reason', (_name, rec, cfg, reason) => {
    const r = extractObservation(rec, cfg);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  test('GIVEN a JSON prediction without a path WHEN extracted THEN the whole output document is the prediction', () => {
    const cfg = { ...JSON_CONFIG, prediction: { kind: 'numeric' as const } };
    const r = extractObservation(record({ data: '{"instances": [{"amount": 2}]}', encoding: 'JSON' }, { data: '0.73', encoding: 'JSON' }), cfg);
    expect(r.ok && r.observation.prediction).toBe(0.73);
  });

  test('GIVEN a configuration with an unsupported JSON path WHEN extracted THEN the record is invalid naming the path', () => {
    const cfg = { ...JSON_CONFIG, features: [{ name: 'amount', kind: 'numeric' as const, jsonPath: '$..amount' }] };
    const r = extractObservation(record({ data: '{"amount": 2}', encoding: 'JSON' }), cfg);
    expect(!r.ok && r.reason).toMatch(/unsupported jsonPath \$\.\.amount/);
  });

  test('GIVEN a JSON payload without a feature WHEN extracted THEN that feature is missing', () => {
    const r = extractObservation(record({ data: '{"instances": [{"amount": 2}]}', encoding: 'JSON' }), JSON_CONFIG);
    expect(r.ok && r.observation.features).toEqual({ amount: 2, country: null });
  });

  test('GIVEN a capture line WHEN observationOfLine runs THEN it parses and extracts in one step', () => {
    const line = captureLine({ data: '5,0,PT', encoding: 'CSV' }, { data: '0.1', encoding: 'CSV' });
    expect(observationOfLine(line, config())).toEqual({ ok: true, observation: { features: { amount: 5, country: 'PT' }, prediction: 0.1, joinId: 'e-1' } });
    expect(observationOfLine('garbage', config()).ok).toBe(false);
  });
});

describe('extractObservations', () => {
  const batch = (input: string, output?: string): CaptureRecord => ({
    eventId: 'e-1',
    inferenceTime: 't',
    input: { data: input, encoding: 'CSV' },
    ...(output === undefined ? {} : { output: { data: output, encoding: 'CSV' } }),
  });

  test('GIVEN a CSV batch of three rows WHEN extracted THEN each row is an observation paired with its output row, without a join id', () => {
    const r = extractObservations(batch('1,0,FR\n2,0,DE\n3,0,IT\n', '0.1\n0.2\n0.3\n'), config());
    expect(r).toEqual({
      ok: true,
      observations: [
        { features: { amount: 1, country: 'FR' }, prediction: 0.1, time: 't' },
        { features: { amount: 2, country: 'DE' }, prediction: 0.2, time: 't' },
        { features: { amount: 3, country: 'IT' }, prediction: 0.3, time: 't' },
      ],
    });
  });

  test('GIVEN a single row WHEN extracted THEN it is the one observation of extractObservation, join id included', () => {
    const r = extractObservations(batch('1,0,FR', '0.5'), config());
    expect(r).toEqual({ ok: true, observations: [{ features: { amount: 1, country: 'FR' }, prediction: 0.5, joinId: 'e-1', time: 't' }] });
  });

  test('GIVEN a batch without output WHEN extracted THEN every prediction is missing', () => {
    const r = extractObservations(batch('1,0,FR\n2,0,DE'), config());
    expect(r.ok && r.observations.map((o) => o.prediction)).toEqual([null, null]);
  });

  test('GIVEN output rows that do not match the input rows WHEN extracted THEN the record is invalid', () => {
    const r = extractObservations(batch('1,0,FR\n2,0,DE', '0.1'), config());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/2 rows but endpointOutput 1/);
  });

  test('GIVEN a short row inside a batch WHEN extracted THEN the reason names the row', () => {
    const r = extractObservations(batch('1,0,FR\n2,0', '0.1\n0.2'), config());
    expect(!r.ok && r.reason).toMatch(/^row 2: feature country column 2/);
  });
});
