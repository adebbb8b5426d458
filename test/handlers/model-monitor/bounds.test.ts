/**
 * The work per window does not grow with traffic: listing stops at its page bound, at most `maxObjects` objects and
 * `maxWindowBytes` bytes are read, and an object longer than `maxObjectBytes` is read in part, ending at a whole
 * line. Runs against the source and the bundle.
 */
import { aggregateOf, BUCKET, baselineCsv, captureHour, configOf, ENDPOINT, FOUNDATION, lcg, MONITOR_VARIANTS, NOW, MonitorModule, useSimulatedMonitor } from './fixture';

const HOUR = 'data-capture/fraud-scoring/AllTraffic/2030/03/10/09/';
const REPORT = 'monitoring/fraud-scoring/reports/2030/03/10/09-00.json';

describe.each(MONITOR_VARIANTS)('model monitor (%s) bounds', (_variant, load) => {
  const sim = useSimulatedMonitor(load);
  const run = (bounds: Partial<MonitorModule['DEFAULT_BOUNDS']>) => sim.mod.createHandler({
    now: () => NOW, random: lcg(5), bounds: { ...sim.mod.DEFAULT_BOUNDS, ...bounds },
    clients: sim.clients(),
  })({ kind: 'window', foundation: FOUNDATION });

  beforeEach(() => {
    sim.aws.put(BUCKET, 'baselines/fraud-scoring.csv', baselineCsv(1000, 0, 1));
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { sampleSize: 100 }));
  });

  test('GIVEN 300 capture objects WHEN the tick runs with a bound of 20 objects THEN it reads at most 20 of them', async () => {
    for (let i = 0; i < 300; i++) {
      sim.aws.put(BUCKET, `${HOUR}part-${String(i).padStart(3, '0')}.jsonl`, captureHour(5, '2030-03-10T09:00:00Z', 0, i, `o${i}-`));
    }
    await run({ maxObjects: 20 });
    const reads = sim.aws.s3.commandCalls(sim.aws.sdk.GetObjectCommand).filter((c) => String(c.args[0].input.Key).startsWith(HOUR));
    expect(reads.length).toBeLessThanOrEqual(20);
    expect(reads.length).toBeGreaterThan(0);
    const report = JSON.parse(sim.aws.object(REPORT)!);
    expect(report.capture).toMatchObject({ objectsListed: 300, objectsRead: reads.length });
    expect(aggregateOf(sim.logs, ENDPOINT)!.RecordsAnalysed).toBe(Math.min(100, reads.length * 5));
  });

  test('GIVEN an object longer than the per-object bound WHEN it is read THEN only its first bytes are fetched and the cut line is dropped, not counted invalid', async () => {
    const text = captureHour(50, '2030-03-10T09:00:00Z', 0, 1);
    sim.aws.put(BUCKET, `${HOUR}big.jsonl`, text);
    const bound = 3_000;
    await run({ maxObjectBytes: bound });
    expect(sim.aws.s3.commandCalls(sim.aws.sdk.GetObjectCommand, { Key: `${HOUR}big.jsonl` })[0].args[0].input.Range).toBe(`bytes=0-${bound - 1}`);
    const whole = text.slice(0, bound).split('\n').length - 1;
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ RecordsAnalysed: whole, RecordsSeen: whole, InvalidRecordRate: 0 });
    expect(JSON.parse(sim.aws.object(REPORT)!).capture).toMatchObject({ truncated: true });
  });

  test('GIVEN a listing whose pages never end WHEN the tick runs THEN listing stops at the page bound and the report says the capture was cut short', async () => {
    sim.aws.put(BUCKET, `${HOUR}p.jsonl`, captureHour(5, '2030-03-10T09:00:00Z', 0, 1));
    let page = 0;
    sim.aws.s3.on(sim.aws.sdk.ListObjectsV2Command, { Prefix: HOUR }).callsFake(() => ({ Contents: [], IsTruncated: true, NextContinuationToken: `t${++page}` }));
    await run({ maxListPages: 3 });
    expect(sim.aws.s3.commandCalls(sim.aws.sdk.ListObjectsV2Command, { Prefix: HOUR })).toHaveLength(3);
    expect(JSON.parse(sim.aws.object(REPORT)!).capture).toMatchObject({ truncated: true, objectsListed: 0 });
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ RecordsAnalysed: 0, MonitorFailed: 0 });
  });

  test('GIVEN more endpoints than the bound WHEN the tick runs THEN the extra ones get MonitorFailed=1 and the invocation fails', async () => {
    sim.aws.endpoint('zz-extra', configOf('zz-extra'));
    sim.aws.put(BUCKET, 'baselines/zz-extra.csv', baselineCsv(100, 0, 1));
    await expect(run({ maxEndpoints: 1 })).rejects.toThrow(/zz-extra: not served, the foundation has more than 1 monitored endpoints/);
    expect(aggregateOf(sim.logs, 'zz-extra')).toMatchObject({ MonitorFailed: 1 });
    expect(aggregateOf(sim.logs, ENDPOINT)).toMatchObject({ MonitorFailed: 0 });
  });
});
