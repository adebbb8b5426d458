/**
 * One endpoint's work for one tick: read and check its configuration, then analyse a window (`window` and
 * `hypercare` ticks) or send its review reminder (`review` ticks). Every failure ends in a published metric
 * (MonitorFailed, BaselineUnavailable) and an alert on the endpoint's topic, and the endpoint is reported as failed
 * (`EndpointFailed`) so the invocation fails after every endpoint was handled.
 */
import { MonitoringConfig, MonitoringSchedules, MonitorInput } from '../../policy/monitoring-protocol';
import { Deadline, withTimeout } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { DescribeEndpointCommand } from './aws';
import { analyseWindow, baselineMismatch } from './baseline';
import { BaselineState, BaselineUnavailable, loadBaseline } from './baseline-store';
import { CAPTURE_SETTLE_MS } from './bounds';
import { extractObservation } from './capture';
import { call, MonitorContext } from './context';
import { ConfigInvalid, MonitoredEndpoint, parseConfig, readConfigText, reviewOnlyConfig } from './discover';
import { hypercareTick } from './hypercare';
import { readLabels } from './labels';
import { AlertKind, notify } from './notify';
import { joinLabels, qualityMetrics } from './quality';
import { emitFailureMetrics, emitWindowMetrics, reportKey, Schedule, writeReport } from './report';
import { gatherReviewFacts, reviewDue } from './review';
import { reviewSummary } from '../../policy/review-summary';
import { Observation, QualityMetrics, WindowAnalysis } from './types';
import { alignedWindow, sampleWindow, shiftWindow, windowDue, WindowSample } from './window';

/** What was done for one endpoint. */
export interface Outcome {
  readonly endpoint: string;
  readonly kind: MonitorInput['kind'];
  readonly action: 'analysed' | 'warming-up' | 'window-not-due' | 'not-in-hypercare' | 'review-sent' | 'review-not-due' | 'failed';
  readonly window?: { readonly start: string; readonly end: string };
  readonly recordsAnalysed?: number;
  readonly baselineId?: string;
  readonly reportKey?: string;
  readonly alerts: AlertKind[];
  readonly problems: string[];
}

/** An endpoint whose work failed; `outcome` says what was still done (metrics, alerts). */
export class EndpointFailed extends Error {
  constructor(public readonly outcome: Outcome) {
    super(outcome.problems.join('; '));
    this.name = 'EndpointFailed';
  }
}

/** Serve one endpoint within `deadline` (the last `reportReserveMs` of it kept for metrics, report and alerts). */
export async function serveEndpoint(endpoint: MonitoredEndpoint, kind: MonitorInput['kind'], ctx: MonitorContext, deadline: Deadline): Promise<Outcome> {
  const schedule: Schedule = kind === 'hypercare' ? 'hypercare' : 'window';
  let cfg: MonitoringConfig;
  try {
    cfg = endpoint.reviewOnly !== undefined
      ? reviewOnlyConfig(endpoint)
      : parseConfig(endpoint.endpointName, await readConfigText(endpoint, ctx, deadline.shortenedBy(ctx.bounds.reportReserveMs)));
  } catch (err) {
    const problem = errorText(err);
    emitFailureMetrics(endpoint.endpointName, schedule, ctx.now());
    const topic = err instanceof ConfigInvalid ? err.alertTopicArn : undefined;
    const sent = await notify(topic, endpoint.endpointName, 'failure', `${endpoint.endpointName}: monitoring configuration unusable`,
      [`The monitor could not use the configuration of ${endpoint.endpointName} (parameter ${endpoint.configParameter}).`, '', problem], ctx, deadline);
    throw new EndpointFailed({ endpoint: endpoint.endpointName, kind, action: 'failed', alerts: sent ? ['failure'] : [], problems: [problem] });
  }
  return kind === 'review' ? review(cfg, ctx, deadline) : analyse(cfg, kind, ctx, deadline);
}

interface EndpointTimes {
  readonly createdAt?: Date;
  readonly deployedAt?: Date;
}

async function describeTimes(cfg: MonitoringConfig, ctx: MonitorContext, deadline: Deadline): Promise<EndpointTimes> {
  const out = await call(ctx, 'DescribeEndpoint', deadline, (abortSignal) => ctx.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: cfg.endpointName }), { abortSignal }));
  return { createdAt: out.CreationTime, deployedAt: out.LastModifiedTime ?? out.CreationTime };
}

async function analyse(cfg: MonitoringConfig, kind: 'window' | 'hypercare', ctx: MonitorContext, deadline: Deadline): Promise<Outcome> {
  const schedule: Schedule = kind;
  const name = cfg.endpointName;
  const alerts: AlertKind[] = [];
  const problems: string[] = [];
  const work = deadline.shortenedBy(ctx.bounds.reportReserveMs);
  const alert = async (what: AlertKind, subject: string, lines: string[]) => {
    if (await notify(cfg.alertTopicArn, name, what, subject, lines, ctx, deadline)) {
      alerts.push(what);
    } else {
      problems.push(`the ${what} alert could not be sent to ${cfg.alertTopicArn}`);
    }
  };
  const interval = MonitoringSchedules.hypercareMinutes;
  const window = alignedWindow(ctx.now(), kind === 'hypercare' ? interval : cfg.windowMinutes, CAPTURE_SETTLE_MS);
  const span = { start: window.start.toISOString(), end: window.end.toISOString() };
  if (kind === 'window' && !windowDue(ctx.now(), window, MonitoringSchedules.windowMinutes, CAPTURE_SETTLE_MS)) {
    return { endpoint: name, kind, action: 'window-not-due', window: span, alerts, problems };
  }
  let times: EndpointTimes = {};
  let baseline: BaselineState | undefined;
  let baselineProblem: string | undefined;
  let sample: WindowSample | undefined;
  let analysis: WindowAnalysis | undefined;
  let quality: (QualityMetrics & { labels: number; invalidLabels: number; window: { start: string; end: string } }) | undefined;
  let recordsAnalysed = 0;
  try {
    await withTimeout(`analysis of ${name}`, work.remaining() + ctx.bounds.graceMs, async () => {
      if (kind === 'hypercare' || cfg.baseline.kind === 'warmup') {
        times = await describeTimes(cfg, ctx, work);
      }
      if (kind === 'hypercare') {
        const tick = hypercareTick(ctx.now(), times.deployedAt ?? new Date(0), cfg.hypercareHours, interval);
        if (tick.started) {
          await alert('hypercare-started', `${name}: hypercare started`, [`${name} was deployed at ${times.deployedAt?.toISOString()}.`,
            `The monitor analyses it every ${interval} minutes until ${tick.endsAt.toISOString()} (${cfg.hypercareHours} hours).`]);
        }
        if (tick.ended) {
          await alert('hypercare-ended', `${name}: hypercare ended`, [`Hypercare of ${name} ended at ${tick.endsAt.toISOString()}; regular windows of ${cfg.windowMinutes} minutes continue.`]);
        }
        if (!tick.active) {
          return;
        }
      }
      try {
        baseline = await loadBaseline(cfg, times.createdAt, ctx, work);
        const mismatch = baseline.kind === 'ready' ? baselineMismatch(baseline.baseline, cfg) : undefined;
        if (mismatch) {
          throw new BaselineUnavailable(mismatch);
        }
      } catch (err) {
        if (!(err instanceof BaselineUnavailable)) {
          throw err;
        }
        baseline = undefined;
        baselineProblem = err.message;
        return;
      }
      sample = await sampleWindow(cfg.bucket, name, window, cfg.sampleSize, ctx, work);
      const { observations, invalid } = observe(sample, cfg);
      recordsAnalysed = observations.length;
      if (baseline.kind === 'ready') {
        analysis = analyseWindow(observations, invalid, baseline.baseline, cfg);
      }
      if (cfg.groundTruth && kind === 'window') {
        const labelled = shiftWindow(window, cfg.groundTruth.labelDelayHours);
        const [labels, past] = await Promise.all([
          readLabels(cfg, labelled, ctx, work),
          cfg.groundTruth.labelDelayHours === 0 ? Promise.resolve(observations) : sampleWindow(cfg.bucket, name, labelled, cfg.sampleSize, ctx, work).then((s) => observe(s, cfg).observations),
        ]);
        const metrics = qualityMetrics(joinLabels(past, labels.labels), cfg.groundTruth);
        quality = { ...metrics, labels: labels.labels.length, invalidLabels: labels.invalid, window: { start: labelled.start.toISOString(), end: labelled.end.toISOString() } };
      }
    });
  } catch (err) {
    problems.push(`analysis failed: ${errorText(err)}`);
    log('ERROR', `analysis of ${name} failed`, { endpoint: name, window: span, error: errorText(err) });
  }
  const state = baseline as BaselineState | undefined;
  const skipped = kind === 'hypercare' && !state && !baselineProblem && problems.length === 0 && !sample;
  if (skipped) {
    return { endpoint: name, kind, action: 'not-in-hypercare', alerts, problems };
  }
  let key: string | undefined;
  if (problems.length === 0 && !baselineProblem) {
    try {
      key = await writeReport(cfg.bucket, reportKey(name, window, schedule), {
        endpointName: name, schedule, window: span, generatedAt: ctx.now().toISOString(),
        baseline: state?.kind === 'ready' ? { id: state.baseline.id, source: state.baseline.source, key: state.key, records: state.baseline.records } : null,
        warmingUpUntil: state?.kind === 'warmingUp' ? state.until.toISOString() : undefined,
        sampleSize: cfg.sampleSize, recordsSeen: sample?.seen ?? 0, recordsAnalysed,
        capture: sample ? { variants: sample.variants, objectsListed: sample.objectsListed, objectsRead: sample.objectsRead, bytesRead: sample.bytesRead, truncated: sample.truncated } : undefined,
        analysis, quality,
      }, ctx, deadline);
    } catch (err) {
      problems.push(`report could not be written: ${errorText(err)}`);
    }
  }
  emitWindowMetrics(name, schedule, {
    recordsAnalysed: sample ? recordsAnalysed : NaN, recordsSeen: sample?.seen, analysis, quality,
    baselineUnavailable: baselineProblem !== undefined, monitorFailed: problems.length > 0, perFeatureMetrics: cfg.perFeatureMetrics,
  }, ctx.now());
  if (baselineProblem) {
    await alert('baseline-unavailable', `${name}: baseline unavailable`, [`The window ${span.start} to ${span.end} of ${name} was not compared: no baseline.`, '', baselineProblem]);
  }
  if (problems.length > 0) {
    await alert('failure', `${name}: monitoring failed`, [`The monitor could not analyse ${name} for ${span.start} to ${span.end}.`, '', ...problems]);
  }
  const outcome: Outcome = {
    endpoint: name, kind, action: problems.length > 0 || baselineProblem ? 'failed' : state?.kind === 'warmingUp' ? 'warming-up' : 'analysed',
    window: span, recordsAnalysed: sample ? recordsAnalysed : undefined, baselineId: state?.kind === 'ready' ? state.baseline.id : undefined,
    reportKey: key, alerts, problems: baselineProblem ? [baselineProblem, ...problems] : problems,
  };
  if (outcome.action === 'failed') {
    throw new EndpointFailed(outcome);
  }
  return outcome;
}

/** The sampled lines' observations; unparseable lines and records that do not fit the schema are counted as invalid. */
function observe(sample: WindowSample, cfg: MonitoringConfig): { observations: Observation[]; invalid: number } {
  const observations: Observation[] = [];
  let invalid = 0;
  for (const line of sample.lines) {
    const x = line.ok ? extractObservation(line.record, cfg) : undefined;
    if (x?.ok) {
      observations.push(x.observation);
    } else {
      invalid++;
    }
  }
  return { observations, invalid };
}

async function review(cfg: MonitoringConfig, ctx: MonitorContext, deadline: Deadline): Promise<Outcome> {
  const base = { endpoint: cfg.endpointName, kind: 'review' as const };
  if (cfg.reviewEveryDays <= 0) {
    return { ...base, action: 'review-not-due', alerts: [], problems: [] };
  }
  const work = deadline.shortenedBy(ctx.bounds.reportReserveMs);
  const problems: string[] = [];
  try {
    const { createdAt } = await describeTimes(cfg, ctx, work);
    const due = reviewDue(ctx.now(), createdAt ?? ctx.now(), cfg.reviewEveryDays);
    if (!due.due) {
      return { ...base, action: 'review-not-due', alerts: [], problems };
    }
    const facts = await withTimeout(`review facts of ${cfg.endpointName}`, work.remaining() + ctx.bounds.graceMs, () => gatherReviewFacts(cfg, due.periodStart, ctx, work));
    const summary = reviewSummary(facts);
    if (await notify(cfg.alertTopicArn, cfg.endpointName, 'review', summary.subject, [summary.text], ctx, deadline)) {
      return { ...base, action: 'review-sent', alerts: ['review'], problems: facts.unavailable };
    }
    problems.push(`the review reminder could not be sent to ${cfg.alertTopicArn}`);
  } catch (err) {
    problems.push(`review failed: ${errorText(err)}`);
  }
  emitFailureMetrics(cfg.endpointName, 'window', ctx.now());
  const sent = await notify(cfg.alertTopicArn, cfg.endpointName, 'failure', `${cfg.endpointName}: review reminder failed`, ['The scheduled review reminder could not be prepared or sent.', '', ...problems], ctx, deadline);
  throw new EndpointFailed({ ...base, action: 'failed', alerts: sent ? ['failure'] : [], problems });
}
