/**
 * `governed-endpoint review <endpoint>` run in-process against mocked AWS clients (aws-sdk-client-mock): what it
 * reads (tags, monitoring configuration, alarms in ALARM, kill-switch history, monitoring reports), what it prints
 * (the review reminder's text, or facts and summary as JSON), what it lists as unavailable, and its exit codes.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { CLI_CONNECTION_TIMEOUT_MS, CLI_REQUEST_TIMEOUT_MS, createS3Client } from '../../lib/cli/aws';
import { run } from '../../lib/cli/main';
import { ReviewBounds, reviewPeriodStart, ReviewReport } from '../../lib/cli/review';
import { reviewSummary } from '../../lib/policy/review-summary';

const sm = mockClient(SageMakerClient);
const ssm = mockClient(SSMClient);
const cw = mockClient(CloudWatchClient);
const s3 = mockClient(S3Client);

const ENDPOINT = 'fraud-scoring';
const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/fraud-scoring';
const KILL_SWITCH = '/governed-endpoint/fraud-scoring/kill-switch';
const CONFIG = '/governed-endpoint/fraud-scoring/monitoring';
const BUCKET = 'evidence-bucket';
const JANE = 'arn:aws:sts::123456789012:assumed-role/operator/jane';
const CREATED = new Date('2030-01-01T06:00:00Z');
/** Day 100 of a 90-day review interval: the current period started on day 90 (2030-04-01T06:00Z). */
const NOW = Date.parse('2030-04-11T12:00:00Z');
const PERIOD_START = '2030-04-01T06:00:00.000Z';

const error = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: {} });
/** An object body as the SDK returns it (only `transformToString` is read). */
const body = (text: string) => ({ transformToString: async () => text });

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, {
    clients: () => ({ sagemaker: new SageMakerClient({ region: 'eu-west-1' }), ssm: new SSMClient({ region: 'eu-west-1' }), cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }) }),
    s3: () => new S3Client({ region: 'eu-west-1' }),
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    interactive: false,
    color: false,
    sleep: async () => undefined,
    now: () => NOW,
  });
  return { code, stdout: out, stderr: err };
}

const governanceTags = [
  { Key: 'governance:owner', Value: 'fraud-ml@example.com' },
  { Key: 'governance:purpose', Value: 'card fraud scoring' },
  { Key: 'governance:risk-tier', Value: 'HIGH' },
  { Key: 'governance:kill-switch-parameter', Value: KILL_SWITCH },
];
const config = { version: 1, endpointName: ENDPOINT, bucket: BUCKET, reviewEveryDays: 90, driftThreshold: 0.2, killSwitchParameter: KILL_SWITCH, owner: 'x', purpose: 'y', riskTier: 'HIGH' };
const dims = (endpoint: string) => [{ Name: 'EndpointName', Value: endpoint }];
const version = (v: number, value: string, at: string, description: string) => ({ Name: KILL_SWITCH, Version: v, Value: value, LastModifiedDate: new Date(at), LastModifiedUser: JANE, Description: description });
const reportKey = (day: string, hhmm: string, suffix = '') => `monitoring/${ENDPOINT}/reports/${day}/${hhmm}${suffix}.json`;
const report = (start: string, maxFeatureDrift: number, predictionDrift: number) => JSON.stringify({ window: { start }, recordsAnalysed: 1000, analysis: { maxFeatureDrift, predictionDrift } });

beforeEach(() => {
  sm.reset();
  ssm.reset();
  cw.reset();
  s3.reset();
  sm.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointArn: ARN, EndpointStatus: 'InService', CreationTime: CREATED });
  sm.on(ListTagsCommand).resolves({ Tags: [...governanceTags, { Key: 'governance:monitoring-config', Value: CONFIG }] });
  ssm.on(GetParameterCommand, { Name: CONFIG }).resolves({ Parameter: { Name: CONFIG, Value: JSON.stringify(config) } });
  ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [
    version(3, 'PAUSED', '2030-02-03T10:00:00Z', 'INC-41'),
    version(4, 'ACTIVE', '2030-02-03T12:00:00Z', 'fixed'),
    version(5, 'PAUSED', '2030-04-05T09:00:00Z', 'INC-42'),
    version(6, 'ACTIVE', '2030-04-05T11:00:00Z', 'fixed'),
  ] });
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [
    { AlarmName: 'fraud-scoring-feature-drift', StateValue: 'ALARM', StateReason: 'Threshold Crossed', StateUpdatedTimestamp: new Date('2030-04-11T10:00:00Z'), Dimensions: dims(ENDPOINT) },
    { AlarmName: 'fraud-scoring-error-rate', StateValue: 'ALARM', Metrics: [{ Id: 'm1', MetricStat: { Metric: { MetricName: 'Invocation5XXErrors', Dimensions: dims(ENDPOINT) }, Period: 60, Stat: 'Sum' } }] },
    { AlarmName: 'other-endpoint-latency', StateValue: 'ALARM', Dimensions: dims('other-endpoint') },
  ] });
  s3.on(ListObjectsV2Command).resolves({ IsTruncated: false, Contents: [
    { Key: reportKey('2030/04/11', '10-00') }, { Key: reportKey('2030/04/11', '10-15', '.hypercare') }, { Key: reportKey('2030/04/11', '09-00') },
  ] });
  s3.on(GetObjectCommand, { Key: reportKey('2030/04/11', '09-00') }).resolves({ Body: body(report('2030-04-11T09:00:00.000Z', 0.05, 0.01)) } as never);
  s3.on(GetObjectCommand, { Key: reportKey('2030/04/11', '10-00') }).resolves({ Body: body(report('2030-04-11T10:00:00.000Z', 0.31, 0.02)) } as never);
});

describe('GIVEN a monitored HIGH-tier endpoint with alarms, pauses and monitoring reports', () => {
  test('WHEN review runs THEN it prints the reminder text: owner, purpose, tier, the endpoint\'s alarms in ALARM, pauses of the current period, the drift trend', async () => {
    const r = await cli('review', ENDPOINT, '--region', 'eu-west-1');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`fraud-scoring  monitored (${CONFIG})`);
    for (const part of ['Scheduled review of fraud-scoring (every 90 days).', 'Owner:     fraud-ml@example.com', 'Purpose:   card fraud scoring', 'Risk tier: HIGH',
      `Period:    ${PERIOD_START} to 2030-04-11T12:00:00.000Z`, 'Alarms in ALARM now: 2', '  - fraud-scoring-feature-drift (since 2030-04-11T10:00:00.000Z): Threshold Crossed',
      '  - fraud-scoring-error-rate', 'Pauses in the period: 1', `  - version 5 at 2030-04-05T09:00:00.000Z by ${JANE}: INC-42`,
      'Drift trend (max feature PSI, last 2 windows, threshold 0.2): highest 0.310, latest 0.310',
      '  - 2030-04-11T09:00:00.000Z: max feature PSI 0.050, prediction PSI 0.010, 1000 records']) {
      expect(r.stdout).toContain(part);
    }
    expect(r.stdout).not.toContain('other-endpoint-latency');
    expect(r.stdout).not.toContain('INC-41');
    expect(r.stdout).not.toContain('Could not be read');
  });

  test('WHEN review runs THEN every read is bounded: alarms in ALARM only, history and listing by page, reports from a week back by a ranged GetObject', async () => {
    await cli('review', ENDPOINT, '--region', 'eu-west-1');
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ StateValue: 'ALARM', MaxRecords: 100 });
    expect(ssm.commandCalls(GetParameterHistoryCommand)[0].args[0].input).toMatchObject({ Name: KILL_SWITCH, MaxResults: 50 });
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toMatchObject({
      Bucket: BUCKET, Prefix: `monitoring/${ENDPOINT}/reports/`, StartAfter: `monitoring/${ENDPOINT}/reports/2030/04/04`,
    });
    const reads = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(reads.map((i) => i.Key).sort()).toEqual([reportKey('2030/04/11', '09-00'), reportKey('2030/04/11', '10-00')]);
    expect(reads.every((i) => i.Range === `bytes=0-${ReviewBounds.maxReportBytes - 1}`)).toBe(true);
  });

  test('WHEN review runs with --json THEN it prints the facts and the summary, and the summary is the reminder of those facts', async () => {
    const r = await cli('review', ENDPOINT, '--json', '--region', 'eu-west-1');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ReviewReport;
    expect(doc).toMatchObject({ endpoint: ENDPOINT, monitored: true, monitoringConfigParameter: CONFIG, killSwitchParameter: KILL_SWITCH });
    expect(doc.facts).toEqual({
      endpointName: ENDPOINT, owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: 'HIGH', reviewEveryDays: 90,
      periodStart: PERIOD_START, generatedAt: '2030-04-11T12:00:00.000Z',
      alarmsInAlarm: [
        { name: 'fraud-scoring-feature-drift', reason: 'Threshold Crossed', since: '2030-04-11T10:00:00.000Z' },
        { name: 'fraud-scoring-error-rate' },
      ],
      pauses: [{ version: 5, at: '2030-04-05T09:00:00.000Z', by: JANE, reason: 'INC-42' }],
      driftTrend: [
        { windowStart: '2030-04-11T09:00:00.000Z', records: 1000, maxFeatureDrift: 0.05, predictionDrift: 0.01 },
        { windowStart: '2030-04-11T10:00:00.000Z', records: 1000, maxFeatureDrift: 0.31, predictionDrift: 0.02 },
      ],
      driftThreshold: 0.2, unavailable: [],
    });
    expect(doc.summary).toEqual(reviewSummary(doc.facts));
  });
});

describe('GIVEN an endpoint without a monitoring configuration', () => {
  beforeEach(() => {
    sm.on(ListTagsCommand).resolves({ Tags: governanceTags });
  });

  test('WHEN review runs THEN it says "not monitored", still prints owner, tier, alarms and pauses, and reads no reports', async () => {
    const r = await cli('review', ENDPOINT, '--region', 'eu-west-1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fraud-scoring  not monitored');
    for (const part of ['Owner:     fraud-ml@example.com', 'Risk tier: HIGH', 'every 90 days', 'Alarms in ALARM now: 2', 'Pauses in the period: 1',
      'Drift trend (max feature PSI, last 0 windows): no compared windows', '  - drift trend: not monitored (the endpoint has no governance:monitoring-config tag)']) {
      expect(r.stdout).toContain(part);
    }
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  test('WHEN review runs with --json THEN monitored is false and the review interval is the tagged one', async () => {
    sm.on(ListTagsCommand).resolves({ Tags: [...governanceTags, { Key: 'governance:review-every-days', Value: '30' }] });
    const doc = JSON.parse((await cli('review', ENDPOINT, '--json', '--region', 'eu-west-1')).stdout) as ReviewReport;
    expect(doc.monitored).toBe(false);
    expect(doc.facts.reviewEveryDays).toBe(30);
    // Day 100 of 30-day periods: the fourth period started on day 90.
    expect(doc.facts.periodStart).toBe(PERIOD_START);
    expect(doc.facts.driftTrend).toEqual([]);
  });
});

describe('GIVEN parts of the review that cannot be read', () => {
  test('WHEN DescribeAlarms is denied and a report cannot be read THEN both are listed as unavailable, the rest is printed, and it exits 0', async () => {
    cw.on(DescribeAlarmsCommand).rejects(error('AccessDeniedException', 'User is not authorized to perform: cloudwatch:DescribeAlarms'));
    s3.on(GetObjectCommand, { Key: reportKey('2030/04/11', '10-00') }).rejects(error('InternalError', 'We encountered an internal error'));
    const r = await cli('review', ENDPOINT, '--json', '--region', 'eu-west-1');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ReviewReport;
    expect(doc.facts.unavailable).toEqual(expect.arrayContaining([
      expect.stringMatching(/^alarms in ALARM: Access denied: User is not authorized to perform: cloudwatch:DescribeAlarms$/),
      expect.stringMatching(/^drift trend \(monitoring reports\): InternalError: We encountered an internal error$/),
    ]));
    expect(doc.facts.unavailable).toHaveLength(2);
    expect(doc.facts.pauses).toHaveLength(1);
    expect(doc.summary.text).toContain('Could not be read (check by hand):\n  - ');
  });

  test('WHEN the monitoring configuration parameter is missing THEN it is listed as unavailable and the endpoint is reported not monitored', async () => {
    ssm.on(GetParameterCommand, { Name: CONFIG }).rejects(error('ParameterNotFound', 'ParameterNotFound'));
    const r = await cli('review', ENDPOINT, '--region', 'eu-west-1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not monitored; 1 part\(s\) could not be read/);
    expect(r.stdout).toContain(`  - monitoring configuration (${CONFIG}): ParameterNotFound`);
  });

  test('WHEN the alarms never stop paging THEN the listing stops at its bound and says the search was partial', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], NextToken: 'more' });
    cw.on(DescribeAlarmsCommand, { NextToken: 'more' }).resolves({ MetricAlarms: [], NextToken: 'still-more' });
    cw.on(DescribeAlarmsCommand, { NextToken: 'still-more' }).resolves({ MetricAlarms: [], NextToken: 'more' });
    const doc = JSON.parse((await cli('review', ENDPOINT, '--json', '--region', 'eu-west-1')).stdout) as ReviewReport;
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(ReviewBounds.maxPages);
    expect(doc.facts.unavailable).toEqual([`alarms in ALARM: only the first ${ReviewBounds.maxPages * 100} alarms in ALARM in the region were searched`]);
  });
});

describe('GIVEN an endpoint that cannot be reviewed at all', () => {
  test('WHEN the endpoint does not exist THEN it says so and exits 3', async () => {
    sm.on(DescribeEndpointCommand).rejects(error('ValidationException', 'Could not find endpoint "nope".'));
    const r = await cli('review', 'nope', '--region', 'eu-west-1');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Endpoint nope not found in eu-west-1');
    expect(r.stdout).toBe('');
  });

  test('WHEN there are no credentials THEN it exits 4, even if the first failing read is one of the parts', async () => {
    sm.on(ListTagsCommand).rejects(error('CredentialsProviderError', 'Could not load credentials from any providers'));
    const r = await cli('review', ENDPOINT, '--json', '--region', 'eu-west-1');
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { exitCode: 4 } });
  });
});

describe('reviewPeriodStart', () => {
  const day = (n: number, hour = 12) => new Date(CREATED.getTime() + n * 86_400_000 + (hour - 6) * 3_600_000);

  test('GIVEN a 90-day interval WHEN inside the first period THEN the period starts at creation', () => {
    expect(reviewPeriodStart(day(45), CREATED, 90)).toEqual(CREATED);
  });

  test('GIVEN a 90-day interval WHEN on the day a period ended THEN the period is the one that ended (as in the reminder sent that day)', () => {
    expect(reviewPeriodStart(day(90), CREATED, 90)).toEqual(CREATED);
  });

  test('GIVEN a 90-day interval WHEN after the first day of the second period THEN the period starts at day 90', () => {
    expect(reviewPeriodStart(day(91), CREATED, 90)).toEqual(day(90, 6));
  });

  test('GIVEN no interval WHEN asked THEN the period starts at creation', () => {
    expect(reviewPeriodStart(day(400), CREATED, 0)).toEqual(CREATED);
  });
});

test('GIVEN the CLI\'s S3 client, WHEN a call hangs THEN it is bounded like the other clients, with the given region and profile', async () => {
  const client = createS3Client({ region: 'eu-central-1', profile: 'ops' });
  expect(await client.config.region()).toBe('eu-central-1');
  expect((client.config as { profile?: string }).profile).toBe('ops');
  const handler = client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
  expect(await handler.configProvider).toMatchObject({
    connectionTimeout: CLI_CONNECTION_TIMEOUT_MS, requestTimeout: CLI_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true, socketTimeout: CLI_REQUEST_TIMEOUT_MS,
  });
});
