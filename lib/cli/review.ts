/**
 * `governed-endpoint review <endpoint>`: the scheduled-review summary the model monitor sends the owner, read from
 * AWS on demand. The endpoint must exist (else exit 3); every other part (tags, monitoring configuration, alarms in
 * ALARM, pauses, drift trend) is read on its own, and a part that cannot be read is listed in `unavailable` rather
 * than reported as empty. Missing credentials still end the command (exit 4).
 */
import { DescribeAlarmsCommand, DescribeAlarmsCommandOutput } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, GetParameterHistoryCommand, GetParameterHistoryCommandOutput } from '@aws-sdk/client-ssm';
import { GovernanceTags, reviewIntervalDays, RISK_TIERS, RiskTier } from '../policy/governance';
import { KillSwitchState } from '../policy/kill-switch-protocol';
import { MONITORING_CONFIG_TAG, MonitoringPrefixes } from '../policy/monitoring-protocol';
import { ReviewAlarm, ReviewDriftPoint, ReviewFacts, ReviewPause, reviewSummary, ReviewSummary } from '../policy/review-summary';
import { CliClients } from './aws';
import { classify, ExitCode } from './errors';
import { describeEndpoint, endpointTags, parameterOf } from './endpoint';

const DAY_MS = 86_400_000;

/** Bounds of the reads, so the command's work stays small whatever the account holds. */
export const ReviewBounds = {
  /** Pages of DescribeAlarms (100 alarms each), GetParameterHistory (50 versions each) and ListObjectsV2 (1,000 keys each). */
  maxPages: 20,
  /** Days of monitoring reports listed for the drift trend. */
  trendDays: 7,
  /** Reports read for the drift trend (the newest ones). */
  maxTrendReports: 24,
  /** Reports read at the same time. */
  reportConcurrency: 8,
  /** Bytes read from one report (a ranged GetObject). */
  maxReportBytes: 8 * 1024 * 1024,
} as const;

/** What `review` reports: the facts and the summary the owner's reminder carries. */
export interface ReviewReport {
  readonly endpoint: string;
  /** The endpoint carries a monitoring configuration that could be read. */
  readonly monitored: boolean;
  readonly monitoringConfigParameter?: string;
  readonly killSwitchParameter: string;
  readonly facts: ReviewFacts;
  readonly summary: ReviewSummary;
}

/** The clients `review` reads with. */
export interface ReviewClients extends CliClients {
  readonly s3: S3Client;
}

/** The parts of a monitoring configuration `review` uses. */
interface ReviewConfig {
  readonly bucket: string;
  readonly reviewEveryDays: number;
  readonly driftThreshold?: number;
  readonly killSwitchParameter?: string;
  readonly owner?: string;
  readonly purpose?: string;
  readonly riskTier?: string;
}

/**
 * Start of the period under review at `now`: the start of the current period (`creation + k * everyDays`), except on
 * the day a period ends, when it is the start of the period that ended, so the text matches the reminder sent that day.
 */
export function reviewPeriodStart(now: Date, createdAt: Date, everyDays: number): Date {
  if (!(everyDays > 0) || now.getTime() <= createdAt.getTime()) {
    return createdAt;
  }
  const period = everyDays * DAY_MS;
  const k = Math.floor((now.getTime() - createdAt.getTime()) / period);
  const current = createdAt.getTime() + k * period;
  return new Date(k >= 1 && now.getTime() - current < DAY_MS ? current - period : current);
}

/** Read the review facts of `endpointName` and summarise them. */
export async function review(clients: ReviewClients, endpointName: string, options: { region?: string; now: () => number }): Promise<ReviewReport> {
  const endpoint = await describeEndpoint(clients, endpointName, options.region);
  const now = new Date(options.now());
  const unavailable: string[] = [];
  const part = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      const e = classify(err);
      if (e.exitCode === ExitCode.NO_CREDENTIALS) {
        throw err;
      }
      unavailable.push(`${what}: ${e.message.split('\n')[0]}`);
      return fallback;
    }
  };

  const tags = await part('endpoint tags', () => endpointTags(clients, endpoint.EndpointArn!), new Map<string, string>());
  const configParameter = tags.get(MONITORING_CONFIG_TAG);
  const config = configParameter
    ? await part(`monitoring configuration (${configParameter})`, () => readConfig(clients, configParameter), undefined)
    : undefined;
  if (!configParameter) {
    unavailable.push(`drift trend: not monitored (the endpoint has no ${MONITORING_CONFIG_TAG} tag)`);
  }
  const tagged = (key: string, fromConfig: string | undefined) => tags.get(key) || fromConfig || '(not tagged)';
  const riskTier = tagged(GovernanceTags.RISK_TIER, config?.riskTier);
  const everyDays = config?.reviewEveryDays ?? intervalOf(tags.get(GovernanceTags.REVIEW_EVERY_DAYS), riskTier, unavailable);
  const createdAt = endpoint.CreationTime ?? now;
  const periodStart = reviewPeriodStart(now, createdAt, everyDays);
  const killSwitchParameter = parameterOf(endpointName, tags, config?.killSwitchParameter);

  const [alarmsInAlarm, pauses, driftTrend] = await Promise.all([
    part('alarms in ALARM', () => alarmsOf(clients, endpointName, unavailable), [] as ReviewAlarm[]),
    part(`pauses (history of ${killSwitchParameter})`, () => pausesSince(clients, killSwitchParameter, periodStart, unavailable), [] as ReviewPause[]),
    config ? part('drift trend (monitoring reports)', () => driftTrendOf(clients.s3, config.bucket, endpointName, now, unavailable), [] as ReviewDriftPoint[]) : [],
  ]);
  const facts: ReviewFacts = {
    endpointName,
    owner: tagged(GovernanceTags.OWNER, config?.owner),
    purpose: tagged(GovernanceTags.PURPOSE, config?.purpose),
    riskTier,
    reviewEveryDays: everyDays,
    periodStart: periodStart.toISOString(),
    generatedAt: now.toISOString(),
    alarmsInAlarm,
    pauses,
    driftTrend,
    driftThreshold: config?.driftThreshold,
    unavailable,
  };
  return { endpoint: endpointName, monitored: config !== undefined, monitoringConfigParameter: configParameter, killSwitchParameter, facts, summary: reviewSummary(facts) };
}

/** Days between reviews of an unmonitored endpoint: its tag, else its tier's default (0 and a note when neither is known). */
function intervalOf(tag: string | undefined, riskTier: string, unavailable: string[]): number {
  const days = Number(tag);
  if (tag !== undefined && Number.isInteger(days) && days > 0) {
    return days;
  }
  if ((RISK_TIERS as readonly string[]).includes(riskTier)) {
    return reviewIntervalDays(riskTier as RiskTier);
  }
  unavailable.push(`review interval: no valid ${GovernanceTags.REVIEW_EVERY_DAYS} or ${GovernanceTags.RISK_TIER} tag (the period is counted from the endpoint's creation)`);
  return 0;
}

async function readConfig(clients: CliClients, name: string): Promise<ReviewConfig> {
  const out = await clients.ssm.send(new GetParameterCommand({ Name: name }));
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(out.Parameter?.Value ?? '') as Record<string, unknown>;
  } catch {
    throw new Error('the parameter does not hold JSON');
  }
  const str = (k: string) => (typeof doc?.[k] === 'string' && doc[k] !== '' ? doc[k] as string : undefined);
  const num = (k: string) => (typeof doc?.[k] === 'number' && Number.isFinite(doc[k]) ? doc[k] as number : undefined);
  const bucket = str('bucket');
  const reviewEveryDays = num('reviewEveryDays');
  if (!bucket || reviewEveryDays === undefined || !Number.isInteger(reviewEveryDays) || reviewEveryDays < 0) {
    throw new Error('the configuration has no valid bucket or reviewEveryDays');
  }
  return {
    bucket, reviewEveryDays, driftThreshold: num('driftThreshold'), killSwitchParameter: str('killSwitchParameter'),
    owner: str('owner'), purpose: str('purpose'), riskTier: str('riskTier'),
  };
}

/** Pages of a listing, at most {@link ReviewBounds.maxPages}; true when more were left unread. */
async function pages<T>(read: (token: string | undefined) => Promise<T>, next: (page: T) => string | undefined, each: (page: T) => void): Promise<boolean> {
  let token: string | undefined;
  for (let page = 1; page <= ReviewBounds.maxPages; page++) {
    const out = await read(token);
    each(out);
    const following = next(out);
    if (!following || following === token) {
      return false;
    }
    token = following;
  }
  return true;
}

/** Alarms in ALARM on a metric with the endpoint's `EndpointName` dimension (metric-math alarms included). */
async function alarmsOf(clients: CliClients, endpointName: string, unavailable: string[]): Promise<ReviewAlarm[]> {
  const found: ReviewAlarm[] = [];
  const onEndpoint = (dims: { Name?: string; Value?: string }[] | undefined) => (dims ?? []).some((d) => d.Name === 'EndpointName' && d.Value === endpointName);
  const more = await pages<DescribeAlarmsCommandOutput>(
    (token) => clients.cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM', AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: token })),
    (page) => page.NextToken || undefined,
    (page) => {
      for (const a of page.MetricAlarms ?? []) {
        if (onEndpoint(a.Dimensions) || (a.Metrics ?? []).some((m) => onEndpoint(m.MetricStat?.Metric?.Dimensions))) {
          found.push({ name: a.AlarmName ?? '?', reason: a.StateReason, since: a.StateUpdatedTimestamp?.toISOString() });
        }
      }
    });
  if (more) {
    unavailable.push(`alarms in ALARM: only the first ${ReviewBounds.maxPages * 100} alarms in ALARM in the region were searched`);
  }
  return found;
}

/** PAUSED versions of the kill-switch parameter written since `since`, oldest first. */
async function pausesSince(clients: CliClients, parameter: string, since: Date, unavailable: string[]): Promise<ReviewPause[]> {
  const found: ReviewPause[] = [];
  const more = await pages<GetParameterHistoryCommandOutput>(
    (token) => clients.ssm.send(new GetParameterHistoryCommand({ Name: parameter, MaxResults: 50, NextToken: token })),
    (page) => page.NextToken || undefined,
    (page) => {
      for (const p of page.Parameters ?? []) {
        const at = p.LastModifiedDate instanceof Date ? p.LastModifiedDate : undefined;
        if (p.Value === KillSwitchState.PAUSED && at && at.getTime() >= since.getTime()) {
          found.push({ version: p.Version ?? 0, at: at.toISOString(), by: p.LastModifiedUser, reason: p.Description });
        }
      }
    });
  if (more) {
    unavailable.push(`pauses: only the first ${ReviewBounds.maxPages * 50} versions of ${parameter} were read`);
  }
  return found.sort((a, b) => a.version - b.version);
}

/** The newest reports' drift figures (regular windows only, `hh-mm.json`), oldest first. */
async function driftTrendOf(s3: S3Client, bucket: string, endpointName: string, now: Date, unavailable: string[]): Promise<ReviewDriftPoint[]> {
  const prefix = `${MonitoringPrefixes.MONITORING}${endpointName}/reports/`;
  // Keys sort by time: listing from a few days back keeps it to a page or two whatever the endpoint's age.
  const from = new Date(now.getTime() - ReviewBounds.trendDays * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '/');
  const keys: string[] = [];
  const more = await pages(
    (token) => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: `${prefix}${from}`, ContinuationToken: token, MaxKeys: 1000 })),
    (page) => (page.IsTruncated ? page.NextContinuationToken : undefined),
    (page) => keys.push(...(page.Contents ?? []).map((o) => o.Key ?? '').filter((k) => /\/\d\d-\d\d\.json$/.test(k))),
  );
  if (more) {
    unavailable.push(`drift trend: more than ${ReviewBounds.maxPages * 1000} keys under s3://${bucket}/${prefix} since ${from}; the newest reports may be missing`);
  }
  const recent = keys.sort().slice(-ReviewBounds.maxTrendReports);
  const points: ReviewDriftPoint[] = [];
  for (let i = 0; i < recent.length; i += ReviewBounds.reportConcurrency) {
    points.push(...await Promise.all(recent.slice(i, i + ReviewBounds.reportConcurrency).map((key) => readReport(s3, bucket, key))));
  }
  return points;
}

async function readReport(s3: S3Client, bucket: string, key: string): Promise<ReviewDriftPoint> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${ReviewBounds.maxReportBytes - 1}` }));
  const text = out.Body ? await out.Body.transformToString('utf-8') : '';
  let r: { window?: { start?: string }; recordsAnalysed?: number; analysis?: { maxFeatureDrift?: number; predictionDrift?: number } };
  try {
    r = JSON.parse(text) as typeof r;
  } catch {
    throw new Error(`report ${key} is not JSON (or larger than ${ReviewBounds.maxReportBytes} bytes)`);
  }
  return { windowStart: r.window?.start ?? key, records: r.recordsAnalysed ?? 0, maxFeatureDrift: r.analysis?.maxFeatureDrift, predictionDrift: r.analysis?.predictionDrift };
}
