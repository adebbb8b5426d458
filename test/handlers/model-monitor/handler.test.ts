/**
 * The model monitor against a simulated account (aws-sdk-client-mock), as source and as the shipped bundle: what it
 * reads, publishes and writes for a window of an endpoint's data capture.
 */
import {
  aggregateOf, BUCKET, baselineCsv, captureHour, configOf, ENDPOINT, FOUNDATION, lcg, metricLines, MONITOR_VARIANTS, NOW, TOPIC, useSimulatedMonitor,
} from './fixture';

const HOUR = 'data-capture/fraud-scoring/AllTraffic/2030/03/10/09/';
const REPORT = 'monitoring/fraud-scoring/reports/2030/03/10/09-00.json';

beforeAll(() => {
  process.env.RETRY_BASE_DELAY_MS = '1';
  process.env.RETRY_MAX_DELAY_MS = '2';
});

describe.each(MONITOR_VARIANTS)('model monitor (%s) window tick', (_variant, load) => {
  const sim = useSimulatedMonitor(load);
  const run = (input: object = { kind: 'window', foundation: FOUNDATION }) =>
    sim.mod.createHandler({ now: () => NOW, random: lcg(7), clients: sim.clients() })(input);

  beforeEach(() => {
    sim.aws.put(BUCKET, 'baselines/fraud-scoring.csv', baselineCsv(5000, 0, 1));
  });

  test('GIVEN capture whose amounts shifted by one standard deviation WHEN the window tick runs THEN drift metrics and a report show it', async () => {
    sim.aws.endpoint(ENDPOINT, configOf());
    sim.aws.put(BUCKET, `${HOUR}part-1.jsonl`, captureHour(600, '2030-03-10T09:00:00Z', 1, 2, 'a'));
    sim.aws.put(BUCKET, `${HOUR}part-2.jsonl`, captureHour(400, '2030-03-10T09:00:00Z', 1, 3, 'b'));

    const result = await run();

    const m = aggregateOf(sim.logs, ENDPOINT)!;
    expect(m).toMatchObject({ RecordsAnalysed: 1000, RecordsSeen: 1000, MonitorFailed: 0, BaselineUnavailable: 0, InvalidRecordRate: 0, DriftedFeatureShare: 0.5 });
    expect(m.MaxFeatureDrift as number).toBeGreaterThan(0.2);
    expect((m._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]).toMatchObject({ Namespace: 'GovernedEndpoint/Monitoring', Dimensions: [['EndpointName']] });
    // AND the billed metrics are the aggregate figures: RecordsSeen and the failure flags at 0 stay fields of the log line
    const names = (m._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0].Metrics.map((x) => x.Name).sort();
    expect(names).toEqual(['DriftedFeatureShare', 'InvalidRecordRate', 'MaxFeatureDrift', 'RecordsAnalysed']);
    const report = JSON.parse(sim.aws.object(REPORT)!);
    expect(report).toMatchObject({
      schema: 'governed-endpoint/model-monitor-report/1', endpointName: ENDPOINT, window: { start: '2030-03-10T09:00:00.000Z', end: '2030-03-10T10:00:00.000Z' },
      sampleSize: 1000, recordsAnalysed: 1000, analysis: { records: 1000, features: { amount: { drifted: true }, channel: { drifted: false } } },
    });
    expect(report.baseline.id).toMatch(/^[0-9a-f]{64}$/);
    expect(result.outcomes).toEqual([expect.objectContaining({ endpoint: ENDPOINT, action: 'analysed', recordsAnalysed: 1000, baselineId: report.baseline.id, reportKey: REPORT })]);
    expect(sim.aws.published()).toEqual([]);
  });

  test('GIVEN capture like the baseline WHEN the window tick runs THEN no feature is flagged', async () => {
    sim.aws.endpoint(ENDPOINT, configOf());
    sim.aws.put(BUCKET, `${HOUR}part-1.jsonl`, captureHour(1000, '2030-03-10T09:00:00Z', 0, 4));
    await run();
    const m = aggregateOf(sim.logs, ENDPOINT)!;
    expect(m.DriftedFeatureShare).toBe(0);
    expect(m.MaxFeatureDrift as number).toBeLessThan(0.1);
  });

  test('GIVEN a dataset baseline WHEN two windows run THEN the statistics are computed once and cached under a key of the dataset ETag', async () => {
    sim.aws.endpoint(ENDPOINT, configOf());
    await run();
    await run();
    const datasetReads = sim.aws.s3.commandCalls(sim.aws.sdk.GetObjectCommand).filter((c) => c.args[0].input.Key === 'baselines/fraud-scoring.csv');
    expect(datasetReads).toHaveLength(1);
    const cached = sim.aws.keys('monitoring/fraud-scoring/baseline/');
    expect(cached).toEqual([expect.stringMatching(/^monitoring\/fraud-scoring\/baseline\/[0-9a-f]{64}\.json$/)]);
    // WHEN the dataset is uploaded again THEN a new ETag computes new statistics
    sim.aws.put(BUCKET, 'baselines/fraud-scoring.csv', baselineCsv(5000, 0, 9));
    await run();
    expect(sim.aws.keys('monitoring/fraud-scoring/baseline/')).toHaveLength(2);
  });

  test('GIVEN an empty window WHEN the tick runs THEN RecordsAnalysed 0 is published, with no drift figures and no alert', async () => {
    sim.aws.endpoint(ENDPOINT, configOf());
    const result = await run();
    const m = aggregateOf(sim.logs, ENDPOINT)!;
    expect(m).toMatchObject({ RecordsAnalysed: 0, MonitorFailed: 0, BaselineUnavailable: 0 });
    expect(m).not.toHaveProperty('MaxFeatureDrift');
    expect(JSON.parse(sim.aws.object(REPORT)!)).toMatchObject({ recordsAnalysed: 0, recordsSeen: 0 });
    expect(result.outcomes[0]).toMatchObject({ action: 'analysed', recordsAnalysed: 0 });
    expect(sim.aws.published()).toEqual([]);
  });

  test('GIVEN more records than the sample size, some outside the window and some unreadable WHEN the tick runs THEN it analyses a bounded sample of the window', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { sampleSize: 100 }));
    sim.aws.put(BUCKET, `${HOUR}part-1.jsonl`, captureHour(500, '2030-03-10T09:00:00Z', 0, 5));
    // records of another window (08:xx) filed late under 09, and lines that are not capture records
    sim.aws.put(BUCKET, `${HOUR}part-2.jsonl`, [captureHour(50, '2030-03-10T08:00:00Z', 0, 6, 'old'), 'not json', '{"captureData":{}}'].join('\n'));
    await run();
    const m = aggregateOf(sim.logs, ENDPOINT)!;
    expect(m.RecordsSeen).toBe(502);
    expect((m.RecordsAnalysed as number) + (m.InvalidRecordRate as number) * 100).toBeCloseTo(100, 5);
    expect(m.RecordsAnalysed as number).toBeLessThanOrEqual(100);
  });

  test('GIVEN perFeatureMetrics WHEN the tick runs THEN each feature gets a FeatureDrift metric with a Feature dimension, and none without it', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { perFeatureMetrics: true }));
    sim.aws.endpoint('churn', configOf('churn'));
    sim.aws.put(BUCKET, 'baselines/churn.csv', baselineCsv(1000, 0, 1));
    for (const name of [ENDPOINT, 'churn']) {
      sim.aws.put(BUCKET, `data-capture/${name}/AllTraffic/2030/03/10/09/p.jsonl`, captureHour(300, '2030-03-10T09:00:00Z', 0, 8));
    }
    await run();
    const perFeature = metricLines(sim.logs).filter((l) => l.Feature !== undefined);
    expect(perFeature.map((l) => [l.EndpointName, l.Feature])).toEqual([[ENDPOINT, 'amount'], [ENDPOINT, 'channel']]);
    expect(perFeature[0]).toHaveProperty('FeatureDrift');
    expect((perFeature[0]._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0].Dimensions).toEqual([['EndpointName', 'Feature']]);
  });

  test('GIVEN ground truth with a label delay WHEN the tick runs THEN labels of the earlier window are joined and quality is published', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { groundTruth: { problemType: 'BINARY_CLASSIFICATION', labelDelayHours: 2, positiveLabel: '1', scoreThreshold: 0.5 } }));
    // predictions of 07:00-08:00 and labels for half of them: label 1 exactly when the score was >= 0.5 (a perfect model)
    const lines = captureHour(200, '2030-03-10T07:00:00Z', 0, 10, 'p').split('\n');
    sim.aws.put(BUCKET, 'data-capture/fraud-scoring/AllTraffic/2030/03/10/07/p.jsonl', lines.join('\n'));
    const labels = lines.slice(0, 100).map((l) => {
      const r = JSON.parse(l);
      return JSON.stringify({ inferenceId: r.eventMetadata.inferenceId, label: Number(r.captureData.endpointOutput.data) >= 0.5 ? 1 : 0 });
    });
    sim.aws.put(BUCKET, 'ground-truth/fraud-scoring/2030/03/10/07/labels.jsonl', labels.join('\n'));
    await run();
    const m = aggregateOf(sim.logs, ENDPOINT)!;
    expect(m).toMatchObject({ LabelledRecords: 100, Accuracy: 1 });
    expect(JSON.parse(sim.aws.object(REPORT)!).quality).toMatchObject({ count: 100, labels: 100, window: { start: '2030-03-10T07:00:00.000Z' } });
  });

  test('GIVEN a warm-up baseline WHEN the endpoint is younger than the warm-up THEN it only records, and after it THEN it builds the baseline once from the warm-up capture', async () => {
    const created = new Date('2030-03-09T09:00:00Z');
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { baseline: { kind: 'warmup', days: 1 } }), { created });
    sim.aws.put(BUCKET, `${HOUR}p.jsonl`, captureHour(300, '2030-03-10T09:00:00Z', 0, 11));
    sim.aws.put(BUCKET, 'data-capture/fraud-scoring/AllTraffic/2030/03/09/09/p.jsonl', captureHour(300, '2030-03-09T09:00:00Z', 0, 12, 'w'));
    // WHEN the endpoint is not yet a day old
    sim.aws.endpoints.set(ENDPOINT, { ...sim.aws.endpoints.get(ENDPOINT)!, created: new Date('2030-03-09T10:30:00Z') });
    const early = await run();
    expect(early.outcomes[0]).toMatchObject({ action: 'warming-up', recordsAnalysed: 300 });
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ RecordsAnalysed: 300, BaselineUnavailable: 0 });
    expect(aggregateOf(sim.logs, ENDPOINT)).not.toHaveProperty('MaxFeatureDrift');
    expect(JSON.parse(sim.aws.object(REPORT)!)).toMatchObject({ baseline: null, warmingUpUntil: '2030-03-10T10:30:00.000Z' });
    // WHEN it is more than a day old
    sim.aws.endpoints.set(ENDPOINT, { ...sim.aws.endpoints.get(ENDPOINT)!, created });
    sim.logs.length = 0;
    const later = await run();
    expect(later.outcomes[0]).toMatchObject({ action: 'analysed' });
    expect(sim.aws.keys('monitoring/fraud-scoring/baseline/')).toEqual(['monitoring/fraud-scoring/baseline/warmup-2030-03-09T09-00-00-000Z.json']);
    expect(JSON.parse(sim.aws.object('monitoring/fraud-scoring/baseline/warmup-2030-03-09T09-00-00-000Z.json')!)).toMatchObject({ records: 300 });
    expect(aggregateOf(sim.logs, ENDPOINT)!.MaxFeatureDrift as number).toBeLessThan(0.2);
  });

  test('GIVEN a four-hour window WHEN the hourly tick runs between its ends THEN it is not analysed', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { windowMinutes: 240 }));
    const result = await run();
    expect(result.outcomes[0]).toMatchObject({ action: 'window-not-due' });
    expect(sim.aws.keys('monitoring/')).toEqual([]);
  });

  test('GIVEN an input that is not a monitor input WHEN invoked THEN it fails loudly', async () => {
    await expect(run({ kind: 'sometimes', foundation: FOUNDATION })).rejects.toThrow(/unrecognised monitor input/);
    expect(sim.logs.some((l) => l.includes('"level":"ERROR"'))).toBe(true);
  });

  test('GIVEN endpoints of the foundation WHEN discovering THEN it asks for tagged SageMaker endpoints of that foundation only', async () => {
    sim.aws.endpoint(ENDPOINT, configOf());
    await run();
    expect(sim.aws.tagging.commandCalls(sim.aws.sdk.GetResourcesCommand)[0].args[0].input).toMatchObject({
      ResourceTypeFilters: ['sagemaker:endpoint'],
      TagFilters: [{ Key: 'governance:foundation', Values: [FOUNDATION] }, { Key: 'governance:monitoring-config' }],
    });
    expect(sim.aws.published().map((p) => p.TopicArn)).not.toContain(TOPIC);
  });
});
