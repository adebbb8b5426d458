/**
 * The scheduled review: which daily tick sends the reminder, what the reminder says, and where its facts come from
 * (alarms in ALARM, pauses from the kill-switch history, the drift trend from the reports).
 */
import { reviewDue } from '../../../lib/handlers/model-monitor/review';
import { ReviewFacts, reviewSummary } from '../../../lib/policy/review-summary';
import { arnOf, BUCKET, configOf, ENDPOINT, FOUNDATION, lcg, MONITOR_VARIANTS, TOPIC, useSimulatedMonitor } from './fixture';

const at = (iso: string) => new Date(iso);
const CREATED = at('2030-01-01T06:00:00Z');

describe('reviewDue', () => {
  test('GIVEN a 30-day review WHEN the first daily tick after day 30 runs THEN a review is due for the period since creation', () => {
    expect(reviewDue(at('2030-01-31T07:00:00Z'), CREATED, 30)).toEqual({ due: true, periodStart: CREATED });
  });

  test('GIVEN a 30-day review WHEN the ticks of the days before and after run THEN none is due', () => {
    expect(reviewDue(at('2030-01-31T05:59:59Z'), CREATED, 30).due).toBe(false);
    expect(reviewDue(at('2030-02-01T06:00:00Z'), CREATED, 30).due).toBe(false);
  });

  test('GIVEN daily ticks for a year WHEN the period is 30 days THEN exactly one reminder per period, each covering the previous period', () => {
    const due = Array.from({ length: 365 }, (_, d) => at(new Date(Date.parse('2030-01-01T09:30:00Z') + d * 86_400_000).toISOString()))
      .map((now) => reviewDue(now, CREATED, 30)).filter((r) => r.due);
    expect(due).toHaveLength(12);
    expect(due[1].periodStart).toEqual(at('2030-01-31T06:00:00Z'));
  });

  test('GIVEN no review interval WHEN any tick runs THEN none is due', () => {
    expect(reviewDue(at('2031-01-01T00:00:00Z'), CREATED, 0).due).toBe(false);
  });
});

describe('reviewSummary', () => {
  const facts: ReviewFacts = {
    endpointName: ENDPOINT, owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: 'HIGH', reviewEveryDays: 90,
    periodStart: '2030-01-01T06:00:00.000Z', generatedAt: '2030-04-01T07:00:00.000Z',
    alarmsInAlarm: [{ name: 'fraud-scoring-feature-drift', reason: 'Threshold Crossed: 2 out of the last 3 datapoints', since: '2030-03-31T10:00:00.000Z' }],
    pauses: [{ version: 4, at: '2030-02-03T10:00:00.000Z', by: 'arn:aws:sts::123456789012:assumed-role/operator/jane', reason: 'INC-42' }],
    driftTrend: [{ windowStart: '2030-03-31T09:00:00.000Z', records: 1000, maxFeatureDrift: 0.05 }, { windowStart: '2030-03-31T10:00:00.000Z', records: 1000, maxFeatureDrift: 0.31, predictionDrift: 0.02 }],
    driftThreshold: 0.2, unavailable: [],
  };

  test('GIVEN the facts of a review WHEN summarised THEN the text names owner, purpose, tier, alarms, pauses and the drift trend', () => {
    const s = reviewSummary(facts);
    expect(s.subject).toBe('Review due: fraud-scoring (HIGH)');
    for (const part of ['Owner:     fraud-ml@example.com', 'Purpose:   card fraud scoring', 'Risk tier: HIGH', 'Alarms in ALARM now: 1', '  - fraud-scoring-feature-drift (since 2030-03-31T10:00:00.000Z)',
      'Pauses in the period: 1', 'version 4 at 2030-02-03T10:00:00.000Z by arn:aws:sts::123456789012:assumed-role/operator/jane: INC-42', 'highest 0.310, latest 0.310']) {
      expect(s.text).toContain(part);
    }
    expect(s.text).not.toContain('Could not be read');
  });

  test('GIVEN parts that could not be read WHEN summarised THEN the text says so instead of reporting none', () => {
    const s = reviewSummary({ ...facts, alarmsInAlarm: [], unavailable: ['alarms in ALARM: AccessDenied'] });
    expect(s.text).toContain('Could not be read (check by hand):\n  - alarms in ALARM: AccessDenied');
  });
});

describe.each(MONITOR_VARIANTS)('model monitor (%s) review tick', (_variant, load) => {
  const sim = useSimulatedMonitor(load);
  const run = (now: string) => sim.mod.createHandler({ now: () => at(now), random: lcg(1), clients: sim.clients() })({ kind: 'review', foundation: FOUNDATION });

  beforeEach(() => {
    sim.aws.endpoint(ENDPOINT, configOf(ENDPOINT, { reviewEveryDays: 30 }), { created: CREATED });
    const dims = (name: string) => [{ Name: 'EndpointName', Value: name }, { Name: 'VariantName', Value: 'AllTraffic' }];
    sim.aws.alarms = [
      { AlarmName: 'fraud-scoring-5xx', Dimensions: dims(ENDPOINT), StateReason: 'Threshold Crossed', StateUpdatedTimestamp: at('2030-03-02T05:00:00Z') },
      { AlarmName: 'fraud-scoring-monitor-silent', Metrics: [{ Id: 'm', MetricStat: { Metric: { Dimensions: [{ Name: 'EndpointName', Value: ENDPOINT }] } } }] },
      { AlarmName: 'churn-5xx', Dimensions: dims('churn') },
    ];
    sim.aws.histories.set(`/governed-endpoint/${ENDPOINT}/kill-switch`, [
      { Version: 1, Value: 'PAUSED', LastModifiedDate: at('2030-01-20T00:00:00Z'), Description: 'before the period' },
      { Version: 2, Value: 'ACTIVE', LastModifiedDate: at('2030-01-21T00:00:00Z') },
      { Version: 3, Value: 'PAUSED', LastModifiedDate: at('2030-02-10T00:00:00Z'), LastModifiedUser: 'operator', Description: 'INC-42: scores drift' },
    ]);
    for (const [hour, drift] of [['08', 0.04], ['09', 0.27]] as const) {
      sim.aws.put(BUCKET, `monitoring/${ENDPOINT}/reports/2030/03/02/${hour}-00.json`, JSON.stringify({ window: { start: `2030-03-02T${hour}:00:00.000Z` }, recordsAnalysed: 500, analysis: { maxFeatureDrift: drift } }));
    }
    sim.aws.put(BUCKET, `monitoring/${ENDPOINT}/reports/2030/03/02/09-00.hypercare.json`, JSON.stringify({ analysis: { maxFeatureDrift: 9 } }));
  });

  test('GIVEN a 30-day review WHEN the first tick after day 60 runs THEN the owner gets the reminder with the period\'s alarms, pauses and drift trend', async () => {
    const result = await run('2030-03-02T07:00:00Z');
    expect(result.outcomes).toEqual([expect.objectContaining({ endpoint: ENDPOINT, action: 'review-sent', alerts: ['review'] })]);
    const [msg] = sim.aws.published();
    expect(msg).toMatchObject({ TopicArn: TOPIC, Subject: '[model monitor] Review due: fraud-scoring (HIGH)' });
    expect(msg.Message).toContain('Owner:     fraud-ml@example.com');
    expect(msg.Message).toContain('Alarms in ALARM now: 2');
    expect(msg.Message).toContain('fraud-scoring-5xx');
    expect(msg.Message).toContain('fraud-scoring-monitor-silent');
    expect(msg.Message).not.toContain('churn-5xx');
    expect(msg.Message).toContain('Pauses in the period: 1');
    expect(msg.Message).toContain('version 3 at 2030-02-10T00:00:00.000Z by operator: INC-42: scores drift');
    expect(msg.Message).toContain('highest 0.270, latest 0.270');
    expect(msg.Message).toContain('2030-03-02T08:00:00.000Z: max feature PSI 0.040');
    expect(sim.aws.cloudwatch.commandCalls(sim.aws.sdk.DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ StateValue: 'ALARM' });
  });

  describe('GIVEN an endpoint of the foundation that is not monitored but has a review interval', () => {
    const saved = process.env.ALERT_TOPIC_ARN;
    beforeEach(() => {
      process.env.ALERT_TOPIC_ARN = TOPIC;
      const monitored = { ResourceARN: arnOf(ENDPOINT), Tags: [{ Key: 'governance:foundation', Value: FOUNDATION }, { Key: 'governance:monitoring-config', Value: `/governed-endpoint/${ENDPOINT}/monitoring` }] };
      const reviewOnly = {
        ResourceARN: arnOf('churnscoring'),
        Tags: [
          { Key: 'governance:foundation', Value: FOUNDATION }, { Key: 'governance:review-every-days', Value: '30' }, { Key: 'governance:endpoint-name', Value: 'ChurnScoring' },
          { Key: 'governance:owner', Value: 'churn@example.com' }, { Key: 'governance:purpose', Value: 'churn scoring' }, { Key: 'governance:risk-tier', Value: 'LOW' },
          { Key: 'governance:kill-switch-parameter', Value: '/governed-endpoint/ChurnScoring/kill-switch' },
        ],
      };
      // The tag index answers each filter: the review tick asks for monitored endpoints, then for endpoints with a review interval.
      sim.aws.tagging.on(sim.aws.sdk.GetResourcesCommand).callsFake((input: { TagFilters: { Key: string }[] }) => ({
        ResourceTagMappingList: input.TagFilters.some((f) => f.Key === 'governance:review-every-days') ? [monitored, reviewOnly] : [monitored],
      }));
      sim.aws.sagemaker.on(sim.aws.sdk.DescribeEndpointCommand).callsFake((input: { EndpointName: string }) =>
        ({ EndpointName: input.EndpointName, EndpointStatus: 'InService', CreationTime: CREATED, LastModifiedTime: CREATED }));
    });
    afterEach(() => (saved === undefined ? delete process.env.ALERT_TOPIC_ARN : (process.env.ALERT_TOPIC_ARN = saved)));

    test('WHEN its review is due THEN its owner gets the reminder from its tags on the foundation\'s topic, saying it is not monitored', async () => {
      const result = await run('2030-03-02T07:00:00Z');
      expect(result.outcomes.map((o) => [o.endpoint, o.action])).toEqual([[ENDPOINT, 'review-sent'], ['ChurnScoring', 'review-sent']]);
      const msg = sim.aws.published().find((m) => m.Subject.includes('ChurnScoring'))!;
      expect(msg).toMatchObject({ TopicArn: TOPIC, Subject: '[model monitor] Review due: ChurnScoring (LOW)' });
      expect(msg.Message).toContain('Owner:     churn@example.com');
      expect(msg.Message).toContain('drift trend: not monitored');
      // AND the monitored endpoint is reviewed once, from its configuration
      expect(sim.aws.published().filter((m) => m.Subject.includes(ENDPOINT))).toHaveLength(1);
    });

    test('WHEN the monitor has no alert topic in its environment THEN that reminder fails loudly: the invocation fails naming it', async () => {
      delete process.env.ALERT_TOPIC_ARN;
      await expect(run('2030-03-02T07:00:00Z')).rejects.toThrow(/ChurnScoring: .*no ALERT_TOPIC_ARN/);
    });
  });

  test('GIVEN a 30-day review WHEN a tick between reviews runs THEN nothing is sent', async () => {
    const result = await run('2030-03-05T07:00:00Z');
    expect(result.outcomes[0]).toMatchObject({ action: 'review-not-due' });
    expect(sim.aws.published()).toEqual([]);
  });

  test('GIVEN the alarms cannot be read WHEN the review is due THEN the reminder is still sent and says what could not be read', async () => {
    sim.aws.cloudwatch.on(sim.aws.sdk.DescribeAlarmsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    await run('2030-03-02T07:00:00Z');
    expect(sim.aws.published()[0].Message).toContain('Could not be read (check by hand):\n  - alarms in ALARM: AccessDenied: denied');
  });

  test('GIVEN the reminder cannot be sent WHEN the review is due THEN MonitorFailed=1 is published and the invocation fails', async () => {
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((l: string) => { lines.push(l); });
    sim.aws.sns.on(sim.aws.sdk.PublishCommand).rejects(Object.assign(new Error('denied'), { name: 'AuthorizationError', $metadata: { httpStatusCode: 403 } }));
    await expect(run('2030-03-02T07:00:00Z')).rejects.toThrow(/review reminder could not be sent/);
    expect(lines.some((l) => l.includes('"MonitorFailed":1'))).toBe(true);
  });
});
