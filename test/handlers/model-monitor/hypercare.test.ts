/**
 * Hypercare: after each deployment the monitor also analyses 15-minute windows for `hypercareHours`, and says on the
 * alert topic when hypercare starts and ends, working everything out from the endpoint's times (no stored state).
 */
import { hypercareTick } from '../../../lib/handlers/model-monitor/hypercare';
import {
  aggregateOf, BUCKET, baselineCsv, captureHour, configOf, ENDPOINT, FOUNDATION, lcg, MONITOR_VARIANTS, useSimulatedMonitor,
} from './fixture';

const at = (iso: string) => new Date(iso);

describe('hypercareTick', () => {
  const deployed = at('2030-03-10T10:05:00Z');

  test('GIVEN a deployment at 10:05 WHEN the 10:15 tick runs (a little late) THEN hypercare starts and is active', () => {
    expect(hypercareTick(at('2030-03-10T10:15:20Z'), deployed, 24, 15)).toEqual({ active: true, started: true, ended: false, endsAt: at('2030-03-11T10:05:00Z') });
  });

  test('GIVEN a deployment at 10:05 WHEN the following ticks run THEN hypercare is active and not announced again', () => {
    for (const tick of ['2030-03-10T10:30:00Z', '2030-03-10T18:00:00Z', '2030-03-11T10:00:00Z']) {
      expect(hypercareTick(at(tick), deployed, 24, 15)).toMatchObject({ active: true, started: false, ended: false });
    }
  });

  test('GIVEN 24 hours of hypercare WHEN the first tick after its end runs THEN it ends, once', () => {
    expect(hypercareTick(at('2030-03-11T10:15:00Z'), deployed, 24, 15)).toMatchObject({ active: true, started: false, ended: true });
    expect(hypercareTick(at('2030-03-11T10:30:00Z'), deployed, 24, 15)).toMatchObject({ active: false, started: false, ended: false });
  });

  test('GIVEN every tick of a day WHEN a deployment happens at any minute THEN exactly one tick announces the start and one the end', () => {
    for (let minute = 0; minute < 60; minute += 7) {
      const d = new Date(Date.parse('2030-03-10T10:00:00Z') + minute * 60_000);
      const ticks = Array.from({ length: 4 * 30 }, (_, i) => hypercareTick(new Date(Date.parse('2030-03-10T09:00:00Z') + i * 15 * 60_000), d, 6, 15));
      expect(ticks.filter((t) => t.started)).toHaveLength(1);
      expect(ticks.filter((t) => t.ended)).toHaveLength(1);
    }
  });

  test('GIVEN no hypercare (0 hours) WHEN a tick follows a deployment THEN nothing happens', () => {
    expect(hypercareTick(at('2030-03-10T10:15:00Z'), deployed, 0, 15)).toMatchObject({ active: false, started: false, ended: false });
  });
});

describe.each(MONITOR_VARIANTS)('model monitor (%s) hypercare tick', (_variant, load) => {
  const sim = useSimulatedMonitor(load);
  const run = (now: string) => sim.mod.createHandler({ now: () => at(now), random: lcg(1), clients: sim.clients() })({ kind: 'hypercare', foundation: FOUNDATION });

  beforeEach(() => {
    sim.aws.put(BUCKET, 'baselines/fraud-scoring.csv', baselineCsv(1000, 0, 1));
    sim.aws.put(BUCKET, 'data-capture/fraud-scoring/AllTraffic/2030/03/10/10/p.jsonl', captureHour(400, '2030-03-10T10:00:00Z', 0, 2));
  });

  test('GIVEN an endpoint deployed at 10:05 with 24 hours of hypercare WHEN the 10:20 tick runs THEN it says hypercare started and analyses 10:00-10:15 apart from the hourly windows', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { hypercareHours: 24 }), { created: at('2030-01-01T00:00:00Z'), modified: at('2030-03-10T10:05:00Z') });
    const result = await run('2030-03-10T10:20:10Z');
    expect(sim.aws.published().map((p) => p.Subject)).toEqual([`[model monitor] ${ENDPOINT}: hypercare started`]);
    expect(sim.aws.published()[0].Message).toContain('until 2030-03-11T10:05:00.000Z');
    expect(result.outcomes[0]).toMatchObject({ action: 'analysed', window: { start: '2030-03-10T10:00:00.000Z', end: '2030-03-10T10:15:00.000Z' }, alerts: ['hypercare-started'] });
    // a quarter of the hour's 400 records fall in the window
    expect(aggregateOf(sim.logs, ENDPOINT, 'hypercare')).toMatchObject({ RecordsAnalysed: 100, Schedule: 'hypercare' });
    expect(aggregateOf(sim.logs, ENDPOINT)).toBeUndefined();
    expect(sim.aws.keys('monitoring/fraud-scoring/reports/')).toEqual(['monitoring/fraud-scoring/reports/2030/03/10/10-00.hypercare.json']);
  });

  test('GIVEN an endpoint deployed 8 days ago with 7 days of hypercare WHEN a tick runs THEN nothing is read or said', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { hypercareHours: 168 }), { modified: at('2030-03-02T10:00:00Z') });
    const result = await run('2030-03-10T10:20:00Z');
    expect(result.outcomes[0]).toMatchObject({ action: 'not-in-hypercare', alerts: [] });
    expect(sim.aws.published()).toEqual([]);
    expect(sim.aws.s3.commandCalls(sim.aws.sdk.ListObjectsV2Command)).toHaveLength(0);
  });

  test('GIVEN hypercare that ended at 10:05 WHEN the 10:15 tick runs THEN it says hypercare ended', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { hypercareHours: 168 }), { modified: at('2030-03-03T10:05:00Z') });
    const result = await run('2030-03-10T10:15:00Z');
    expect(sim.aws.published().map((p) => p.Subject)).toEqual([`[model monitor] ${ENDPOINT}: hypercare ended`]);
    expect(result.outcomes[0].alerts).toEqual(['hypercare-ended']);
  });

  test('GIVEN the hypercare notice cannot be sent WHEN the tick runs THEN the invocation fails with MonitorFailed=1', async () => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { hypercareHours: 24 }), { modified: at('2030-03-10T10:05:00Z') });
    sim.aws.sns.on(sim.aws.sdk.PublishCommand).rejects(Object.assign(new Error('denied'), { name: 'AuthorizationError', $metadata: { httpStatusCode: 403 } }));
    await expect(run('2030-03-10T10:20:00Z')).rejects.toThrow(/hypercare-started alert could not be sent/);
    expect(aggregateOf(sim.logs, ENDPOINT, 'hypercare')).toMatchObject({ MonitorFailed: 1 });
  });
});
