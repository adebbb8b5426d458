/**
 * The model monitor when AWS fails: S3 denials and 5xx, throttling, calls that hang, a missing baseline, a malformed
 * configuration. Each ends in a published metric and an alert, the other endpoints are still served, and the
 * invocation fails after all of them were handled. Runs against the source and the bundle.
 */
import {
  aggregateOf, BUCKET, baselineCsv, captureHour, configOf, ENDPOINT, FOUNDATION, lcg, MONITOR_VARIANTS, NOW, TOPIC, MonitorModule, useSimulatedMonitor,
} from './fixture';

const OTHER = 'churn';
const captureKey = (name: string) => `data-capture/${name}/AllTraffic/2030/03/10/09/p.jsonl`;
const err = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

beforeAll(() => {
  process.env.RETRY_BASE_DELAY_MS = '1';
  process.env.RETRY_MAX_DELAY_MS = '2';
});

describe.each(MONITOR_VARIANTS)('model monitor (%s) faults', (_variant, load) => {
  const sim = useSimulatedMonitor(load);
  const run = (bounds: Partial<MonitorModule['DEFAULT_BOUNDS']> = {}) => sim.mod.createHandler({
    now: () => NOW, random: lcg(3), bounds: { ...sim.mod.DEFAULT_BOUNDS, ...bounds },
    clients: sim.clients(),
  })({ kind: 'window', foundation: FOUNDATION });
  const alerts = () => sim.aws.published().map((p) => p.Subject);

  beforeEach(() => {
    for (const name of [ENDPOINT, OTHER]) {
      sim.aws.endpoint(name, configOf(name));
      sim.aws.put(BUCKET, `baselines/${name}.csv`, baselineCsv(1000, 0, 1));
      sim.aws.put(BUCKET, captureKey(name), captureHour(200, '2030-03-10T09:00:00Z', 0, 2));
    }
  });

  test('GIVEN S3 denies reading one endpoint\'s capture WHEN the tick runs THEN MonitorFailed=1 and an alert for it, the other is analysed, and the invocation fails', async () => {
    sim.aws.s3.on(sim.aws.sdk.GetObjectCommand, { Key: captureKey(ENDPOINT) }).rejects(err('AccessDenied', 403, 'Access Denied'));
    await expect(run()).rejects.toMatchObject({ name: 'InvocationFailed', message: expect.stringContaining(`${ENDPOINT}: `) });
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 1 });
    expect(aggregateOf(sim.logs, ENDPOINT)).not.toHaveProperty('RecordsAnalysed');
    // AND a failure flag at 1 is a metric (the monitor-health alarm's)
    const failed = aggregateOf(sim.logs, ENDPOINT)! as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
    expect(failed._aws.CloudWatchMetrics[0].Metrics.map((x) => x.Name)).toContain('MonitorFailed');
    expect(alerts()).toEqual([`[model monitor] ${ENDPOINT}: monitoring failed`]);
    expect(sim.aws.published()[0].Message).toContain('AccessDenied');
    expect(aggregateOf(sim.logs, OTHER)).toMatchObject({ MonitorFailed: 0, RecordsAnalysed: 200 });
    expect(sim.aws.object(`monitoring/${OTHER}/reports/2030/03/10/09-00.json`)).toBeDefined();
  });

  test('GIVEN S3 answers 503 then succeeds WHEN the tick runs THEN the read is retried and the window analysed', async () => {
    const ok = sim.aws.object(captureKey(ENDPOINT))!;
    sim.aws.s3.on(sim.aws.sdk.GetObjectCommand, { Key: captureKey(ENDPOINT) })
      .rejectsOnce(err('ServiceUnavailable', 503))
      .resolves({ Body: { transformToString: async () => ok } as never, ContentLength: ok.length });
    const result = await run();
    expect(result.outcomes.map((o) => o.action)).toEqual(['analysed', 'analysed']);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 0, RecordsAnalysed: 200 });
  });

  test('GIVEN listing the capture is throttled past every retry WHEN the tick runs THEN MonitorFailed=1 and an alert', async () => {
    sim.aws.s3.on(sim.aws.sdk.ListObjectsV2Command, { Prefix: `data-capture/${ENDPOINT}/` }).rejects(err('SlowDown', 503, 'Please reduce your request rate.'));
    await expect(run()).rejects.toThrow(/SlowDown/);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 1 });
    expect(sim.aws.s3.commandCalls(sim.aws.sdk.ListObjectsV2Command, { Prefix: `data-capture/${ENDPOINT}/` }).length).toBe(6);
    expect(alerts()).toContain(`[model monitor] ${ENDPOINT}: monitoring failed`);
  });

  test('GIVEN a capture read that never answers WHEN the tick runs THEN the attempt is abandoned, MonitorFailed=1 and an alert, and the other endpoint is analysed', async () => {
    sim.aws.s3.on(sim.aws.sdk.GetObjectCommand, { Key: captureKey(ENDPOINT) }).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(run({ objectAttemptTimeoutMs: 100, endpointMs: 3_000, reportReserveMs: 1_000 })).rejects.toThrow(ENDPOINT);
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 1 });
    expect(alerts()).toEqual([`[model monitor] ${ENDPOINT}: monitoring failed`]);
    expect(aggregateOf(sim.logs, OTHER)).toMatchObject({ MonitorFailed: 0, RecordsAnalysed: 200 });
  });

  test('GIVEN the baseline dataset is missing WHEN the tick runs THEN BaselineUnavailable=1 and an alert, never a silent skip', async () => {
    sim.aws.objects.delete(`${BUCKET}/baselines/${ENDPOINT}.csv`);
    await expect(run()).rejects.toThrow(/baseline dataset .* could not be read/);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ BaselineUnavailable: 1 });
    expect(alerts()).toEqual([`[model monitor] ${ENDPOINT}: baseline unavailable`]);
    expect(sim.aws.published()[0].Message).toContain(`s3://${BUCKET}/baselines/${ENDPOINT}.csv`);
    expect(aggregateOf(sim.logs, OTHER)).toMatchObject({ BaselineUnavailable: 0, RecordsAnalysed: 200 });
  });

  test('GIVEN a stored baseline that is not a baseline WHEN the tick runs THEN BaselineUnavailable=1 and an alert', async () => {
    await run();
    const [cached] = sim.aws.keys(`monitoring/${ENDPOINT}/baseline/`);
    sim.aws.put(BUCKET, cached, '{"not":"a baseline"}');
    sim.logs.length = 0;
    await expect(run()).rejects.toThrow(ENDPOINT);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ BaselineUnavailable: 1 });
    expect(alerts()).toEqual([`[model monitor] ${ENDPOINT}: baseline unavailable`]);
  });

  test('GIVEN a malformed configuration WHEN the tick runs THEN MonitorFailed=1 and an alert naming the bad fields, and the other endpoint is analysed', async () => {
    sim.aws.parameters.set(`/governed-endpoint/${ENDPOINT}/monitoring`, JSON.stringify({ ...configOf(), windowMinutes: 1, features: [] }));
    await expect(run()).rejects.toThrow(/windowMinutes must be a whole number in \[5, 1440\], got 1/);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 1 });
    expect(sim.aws.published()).toEqual([expect.objectContaining({ TopicArn: TOPIC, Subject: `[model monitor] ${ENDPOINT}: monitoring configuration unusable` })]);
    expect(sim.aws.published()[0].Message).toContain('features must be a list of 1 to 100 features');
    expect(aggregateOf(sim.logs, OTHER)).toMatchObject({ MonitorFailed: 0 });
  });

  test('GIVEN a configuration that is not JSON WHEN the tick runs THEN MonitorFailed=1 is published and the invocation fails', async () => {
    sim.aws.parameters.set(`/governed-endpoint/${ENDPOINT}/monitoring`, '{oops');
    await expect(run()).rejects.toThrow(/not JSON/);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 1 });
    expect(sim.logs.some((l) => l.includes('"level":"ERROR"') && l.includes('no alert topic'))).toBe(true);
  });

  test('GIVEN an empty baseline dataset WHEN the tick runs THEN BaselineUnavailable=1 and an alert that says there was nothing to build it from', async () => {
    sim.aws.put(BUCKET, `baselines/${ENDPOINT}.csv`, '');
    await expect(run()).rejects.toThrow(/no valid records to build the baseline/);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ BaselineUnavailable: 1 });
    expect(alerts()).toEqual([`[model monitor] ${ENDPOINT}: baseline unavailable`]);
  });

  test('GIVEN an endpoint named in mixed case with a broken configuration WHEN the tick runs THEN MonitorFailed=1 carries the name as written, not as the ARN lower-cases it', async () => {
    sim.aws.endpoint('FraudScoringV2', '[]');
    await expect(run()).rejects.toThrow(/FraudScoringV2: .*not a JSON object/);
    expect(aggregateOf(sim.logs, 'FraudScoringV2')).toMatchObject({ MonitorFailed: 1 });
  });

  test('GIVEN the report cannot be written WHEN the tick runs THEN the figures are still published with MonitorFailed=1, and an alert', async () => {
    sim.aws.s3.on(sim.aws.sdk.PutObjectCommand, { Key: `monitoring/${ENDPOINT}/reports/2030/03/10/09-00.json` }).rejects(err('AccessDenied', 403));
    await expect(run()).rejects.toThrow(/report could not be written/);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 1, RecordsAnalysed: 200 });
    expect(alerts()).toEqual([`[model monitor] ${ENDPOINT}: monitoring failed`]);
  });

  test('GIVEN the alert topic refuses the alert WHEN a window fails THEN the metric is still published and the failure is logged', async () => {
    sim.aws.s3.on(sim.aws.sdk.GetObjectCommand, { Key: captureKey(ENDPOINT) }).rejects(err('AccessDenied', 403));
    sim.aws.sns.on(sim.aws.sdk.PublishCommand).rejects(err('AuthorizationError', 403));
    await expect(run()).rejects.toThrow(/failure alert could not be sent/);
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 1 });
  });

  test('GIVEN discovery is denied WHEN the tick runs THEN the invocation fails loudly', async () => {
    sim.aws.tagging.on(sim.aws.sdk.GetResourcesCommand).rejects(err('AccessDeniedException', 400));
    await expect(run()).rejects.toThrow(/AccessDeniedException/);
  });
});
