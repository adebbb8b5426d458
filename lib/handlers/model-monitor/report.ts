/**
 * What the monitor publishes for a window: CloudWatch metrics in embedded metric format (CloudWatch Logs turns the
 * log line into metrics, so the function needs no `cloudwatch:PutMetricData`), and the per-window JSON report in
 * the evidence bucket (`monitoring/<endpoint>/reports/yyyy/mm/dd/hh-mm.json`, named after the window's start).
 */
import {
  HYPERCARE_SCHEDULE, MONITORING_METRIC_NAMESPACE, MonitoringMetrics as M, MonitoringPrefixes, SCHEDULE_DIMENSION,
} from '../../policy/monitoring-protocol';
import { Deadline } from '../shared/deadline';
import { PutObjectCommand } from './aws';
import { call, MonitorContext } from './context';
import { QualityMetrics, WindowAnalysis } from './types';
import { Window } from './window';

/** Which schedule a window belongs to: hypercare metrics carry an extra dimension, so they never feed the window alarms. */
export type Schedule = 'window' | 'hypercare';

/** The figures of one endpoint's window; absent ones are not published (no datapoint rather than a made-up 0). */
export interface WindowFigures {
  readonly recordsAnalysed: number;
  readonly recordsSeen?: number;
  readonly analysis?: WindowAnalysis;
  readonly baselineUnavailable: boolean;
  readonly monitorFailed: boolean;
  readonly quality?: QualityMetrics;
  readonly perFeatureMetrics: boolean;
}

/** One EMF line per dimension set: the endpoint's aggregate metrics, and each feature's drift when asked for. */
export function emitWindowMetrics(endpointName: string, schedule: Schedule, f: WindowFigures, at: Date): void {
  const a = f.analysis;
  const values: Record<string, number | undefined> = {
    [M.RECORDS_ANALYSED]: f.recordsAnalysed,
    [M.RECORDS_SEEN]: f.recordsSeen,
    [M.BASELINE_UNAVAILABLE]: f.baselineUnavailable ? 1 : 0,
    [M.MONITOR_FAILED]: f.monitorFailed ? 1 : 0,
    ...(a && a.records > 0 ? {
      [M.MAX_FEATURE_DRIFT]: a.maxFeatureDrift, [M.DRIFTED_FEATURE_SHARE]: a.driftedFeatureShare, [M.PREDICTION_DRIFT]: a.predictionDrift,
    } : {}),
    ...(a && a.records + a.invalid > 0 ? { [M.INVALID_RECORD_RATE]: a.invalidRecordRate } : {}),
    ...(f.quality ? {
      [M.LABELLED_RECORDS]: f.quality.count, [M.ACCURACY]: f.quality.accuracy, [M.PRECISION]: f.quality.precision, [M.RECALL]: f.quality.recall,
      [M.F1]: f.quality.f1, [M.MAE]: f.quality.mae, [M.RMSE]: f.quality.rmse,
    } : {}),
  };
  emit(endpointName, schedule, {}, values, at);
  if (f.perFeatureMetrics && a && a.records > 0) {
    for (const [feature, c] of Object.entries(a.features)) {
      emit(endpointName, schedule, { Feature: feature }, { [M.FEATURE_DRIFT]: c.psi }, at);
    }
  }
}

/** Only the failure metrics, for an endpoint that could not be analysed at all. */
export function emitFailureMetrics(endpointName: string, schedule: Schedule, at: Date, baselineUnavailable = false): void {
  emit(endpointName, schedule, {}, { [M.MONITOR_FAILED]: 1, [M.BASELINE_UNAVAILABLE]: baselineUnavailable ? 1 : undefined }, at);
}

function emit(endpointName: string, schedule: Schedule, extra: Record<string, string>, values: Record<string, number | undefined>, at: Date): void {
  const present = Object.entries(values).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]));
  if (present.length === 0) {
    return;
  }
  const dims: Record<string, string> = { EndpointName: endpointName, ...extra, ...(schedule === 'hypercare' ? { [SCHEDULE_DIMENSION]: HYPERCARE_SCHEDULE } : {}) };
  // Every custom metric is billed while it is published: RecordsSeen, and the failure flags while they are 0, are
  // fields of the log line only (the report and the log keep them; the monitor-health alarm reads a missing flag as 0).
  const metric = ([name, value]: [string, number]) => name !== M.RECORDS_SEEN && !((name === M.MONITOR_FAILED || name === M.BASELINE_UNAVAILABLE) && value === 0);
  console.log(JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [{
        Namespace: MONITORING_METRIC_NAMESPACE,
        Dimensions: [Object.keys(dims)],
        Metrics: present.filter(metric).map(([Name]) => ({ Name, Unit: Name === M.RECORDS_ANALYSED || Name === M.LABELLED_RECORDS ? 'Count' : 'None' })),
      }],
    },
    ...dims,
    ...Object.fromEntries(present),
  }));
}

/** `monitoring/<endpoint>/reports/yyyy/mm/dd/hh-mm.json` for the window's start (`hh-mm.hypercare.json` for hypercare ticks). */
export function reportKey(endpointName: string, window: Window, schedule: Schedule): string {
  const iso = window.start.toISOString();
  const day = iso.slice(0, 10).replace(/-/g, '/');
  return `${MonitoringPrefixes.MONITORING}${endpointName}/reports/${day}/${iso.slice(11, 13)}-${iso.slice(14, 16)}${schedule === 'hypercare' ? '.hypercare' : ''}.json`;
}

/** The report's schema name, so readers (the review, auditors) can tell versions apart. */
export const REPORT_SCHEMA = 'governed-endpoint/model-monitor-report/1';

/** Write one window's report; returns its key. */
export async function writeReport(bucket: string, key: string, report: Record<string, unknown>, ctx: MonitorContext, deadline: Deadline): Promise<string> {
  await call(ctx, 'PutObject', deadline, (abortSignal) => ctx.clients.s3.send(new PutObjectCommand({
    Bucket: bucket, Key: key, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256', Body: JSON.stringify({ schema: REPORT_SCHEMA, ...report }, null, 2),
  }), { abortSignal }));
  return key;
}
