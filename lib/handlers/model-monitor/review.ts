/**
 * The scheduled review: on the daily tick, an endpoint whose review period (`reviewEveryDays`, counted from its
 * creation) ended since the previous tick gets a reminder on its alert topic with the facts a reviewer needs.
 * Stateless: the tick is "the first after a multiple" when `creation + k * period` lies in `(now - 1 day, now]`.
 */
import { KillSwitchState } from '../../policy/kill-switch-protocol';
import { MonitoringConfig, MonitoringPrefixes } from '../../policy/monitoring-protocol';
import { Deadline, eachBounded } from '../shared/deadline';
import { errorText } from '../shared/log';
import { DescribeAlarmsCommand, GetParameterHistoryCommand } from './aws';
import { allPages, call, MonitorContext } from './context';
import { ReviewAlarm, ReviewDriftPoint, ReviewFacts, ReviewPause } from '../../policy/review-summary';
import { listObjects, readText } from './window';

const DAY_MS = 86_400_000;
/** How far back the drift trend looks for reports (the last `maxTrendReports` of them are read). */
const TREND_DAYS = 7;

/** Whether a review is due at `now` and, if so, when the period under review started. */
export function reviewDue(now: Date, createdAt: Date, everyDays: number, tickMs = DAY_MS): { due: boolean; periodStart: Date } {
  const period = everyDays * DAY_MS;
  if (everyDays <= 0) {
    return { due: false, periodStart: createdAt };
  }
  const k = Math.floor((now.getTime() - createdAt.getTime()) / period);
  const multiple = createdAt.getTime() + k * period;
  return { due: k >= 1 && now.getTime() - multiple < tickMs, periodStart: new Date(Math.max(createdAt.getTime(), multiple - period)) };
}

/** The facts of one endpoint's review, each part read on its own: a part that fails is listed as unavailable. */
export async function gatherReviewFacts(cfg: MonitoringConfig, periodStart: Date, ctx: MonitorContext, deadline: Deadline): Promise<ReviewFacts> {
  const unavailable: string[] = [];
  const part = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      unavailable.push(`${what}: ${errorText(err)}`);
      return fallback;
    }
  };
  const [alarmsInAlarm, pauses, driftTrend] = await Promise.all([
    part('alarms in ALARM', () => alarmsOf(cfg.endpointName, ctx, deadline), [] as ReviewAlarm[]),
    part(`pauses (history of ${cfg.killSwitchParameter})`, () => pausesSince(cfg.killSwitchParameter, periodStart, ctx, deadline), [] as ReviewPause[]),
    cfg.features.length === 0
      ? Promise.resolve((unavailable.push('drift trend: not monitored (the endpoint has no monitoring configuration)'), [] as ReviewDriftPoint[]))
      : part('drift trend (monitoring reports)', () => driftTrendOf(cfg, ctx, deadline), [] as ReviewDriftPoint[]),
  ]);
  return {
    endpointName: cfg.endpointName, owner: cfg.owner, purpose: cfg.purpose, riskTier: cfg.riskTier, reviewEveryDays: cfg.reviewEveryDays,
    periodStart: periodStart.toISOString(), generatedAt: ctx.now().toISOString(), alarmsInAlarm, pauses, driftTrend, driftThreshold: cfg.driftThreshold, unavailable,
  };
}

/** Alarms in ALARM on a metric with the endpoint's `EndpointName` dimension (metric-math alarms included). */
export async function alarmsOf(endpointName: string, ctx: MonitorContext, deadline: Deadline): Promise<ReviewAlarm[]> {
  const found: ReviewAlarm[] = [];
  const onEndpoint = (dims: { Name?: string; Value?: string }[] | undefined) => (dims ?? []).some((d) => d.Name === 'EndpointName' && d.Value === endpointName);
  await allPages('DescribeAlarms', ctx.bounds.maxListPages,
    (token) => call(ctx, 'DescribeAlarms', deadline, (abortSignal) => ctx.clients.cloudwatch.send(new DescribeAlarmsCommand({
      StateValue: 'ALARM', AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: token,
    }), { abortSignal })),
    (page) => page.NextToken || undefined,
    (page) => {
      for (const a of page.MetricAlarms ?? []) {
        if (onEndpoint(a.Dimensions) || (a.Metrics ?? []).some((m) => onEndpoint(m.MetricStat?.Metric?.Dimensions))) {
          found.push({ name: a.AlarmName ?? '?', reason: a.StateReason, since: a.StateUpdatedTimestamp?.toISOString() });
        }
      }
    });
  return found;
}

/** PAUSED versions of the kill-switch parameter written since `since`, oldest first. */
export async function pausesSince(parameter: string, since: Date, ctx: MonitorContext, deadline: Deadline): Promise<ReviewPause[]> {
  const found: ReviewPause[] = [];
  await allPages('GetParameterHistory', ctx.bounds.maxListPages,
    (token) => call(ctx, 'GetParameterHistory', deadline, (abortSignal) => ctx.clients.ssm.send(new GetParameterHistoryCommand({ Name: parameter, MaxResults: 50, NextToken: token }), { abortSignal })),
    (page) => page.NextToken || undefined,
    (page) => {
      for (const p of page.Parameters ?? []) {
        const at = p.LastModifiedDate instanceof Date ? p.LastModifiedDate : undefined;
        if (p.Value === KillSwitchState.PAUSED && at && at.getTime() >= since.getTime()) {
          found.push({ version: p.Version ?? 0, at: at.toISOString(), by: p.LastModifiedUser, reason: p.Description });
        }
      }
    });
  return found.sort((a, b) => a.version - b.version);
}

/** The last reports' drift figures (regular windows only), oldest first. */
export async function driftTrendOf(cfg: MonitoringConfig, ctx: MonitorContext, deadline: Deadline): Promise<ReviewDriftPoint[]> {
  const prefix = `${MonitoringPrefixes.MONITORING}${cfg.endpointName}/reports/`;
  // Keys sort by time: list from a few days back, so the listing stays a page or two whatever the endpoint's age.
  const from = new Date(ctx.now().getTime() - TREND_DAYS * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '/');
  const { objects } = await listObjects(cfg.bucket, prefix, ctx, deadline, { startAfter: `${prefix}${from}` });
  const recent = objects.filter((o) => /\/\d\d-\d\d\.json$/.test(o.key)).slice(-ctx.bounds.maxTrendReports);
  const reads = await eachBounded(recent, ctx.bounds.objectConcurrency, (o) => readText(cfg.bucket, o.key, ctx.bounds.maxDocumentBytes, ctx, deadline));
  const points: ReviewDriftPoint[] = [];
  reads.forEach((read, i) => {
    if (read.status === 'rejected') {
      throw read.reason;
    }
    if (read.value) {
      const r = JSON.parse(read.value.text) as { window?: { start?: string }; recordsAnalysed?: number; analysis?: { maxFeatureDrift?: number; predictionDrift?: number } };
      points.push({ windowStart: r.window?.start ?? recent[i].key, records: r.recordsAnalysed ?? 0, maxFeatureDrift: r.analysis?.maxFeatureDrift, predictionDrift: r.analysis?.predictionDrift });
    }
  });
  return points;
}
