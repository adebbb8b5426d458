/**
 * Ground truth: labels the labelling pipeline uploads under `ground-truth/<endpoint>/yyyy/mm/dd/hh/` (JSON Lines,
 * one `{"inferenceId"|"eventId": ..., "label": ...}` per line, filed under the hour of the prediction). The monitor
 * joins the labels of the window that ended `labelDelayHours` ago with a uniform sample of that window's captured
 * predictions, so the quality metrics describe a uniform sample of the labelled predictions. Bounded: at most
 * `maxLabelBytes` of labels and `maxObjects` label objects are read per window.
 */
import { MonitoringConfig, MonitoringPrefixes } from '../../policy/monitoring-protocol';
import { Deadline, eachBounded } from '../shared/deadline';
import { MonitorContext } from './context';
import { parseLabelLine } from './quality';
import { Label } from './types';
import { hourPrefixes, listObjects, readText, Window } from './window';

/** The labels filed for the window's hours, and how many lines were not labels. */
export async function readLabels(cfg: MonitoringConfig, window: Window, ctx: MonitorContext, deadline: Deadline): Promise<{ labels: Label[]; invalid: number; truncated: boolean }> {
  const root = `${MonitoringPrefixes.GROUND_TRUTH}${cfg.endpointName}/`;
  const listed = await eachBounded(hourPrefixes(window), ctx.bounds.objectConcurrency, (hour) => listObjects(cfg.bucket, `${root}${hour}`, ctx, deadline));
  const objects = listed.flatMap((r) => {
    if (r.status === 'rejected') {
      throw r.reason;
    }
    return r.value.objects.filter((o) => o.size > 0);
  });
  let truncated = listed.some((r) => r.status === 'fulfilled' && r.value.truncated) || objects.length > ctx.bounds.maxObjects;
  const labels: Label[] = [];
  let invalid = 0;
  let budget = ctx.bounds.maxLabelBytes;
  const chosen = objects.slice(0, ctx.bounds.maxObjects);
  const reads = await eachBounded(chosen, ctx.bounds.objectConcurrency, async (o) => {
    const bytes = Math.min(ctx.bounds.maxObjectBytes, budget);
    if (bytes <= 0) {
      truncated = true;
      return;
    }
    budget -= Math.min(o.size, bytes);
    const read = await readText(cfg.bucket, o.key, bytes, ctx, deadline);
    truncated ||= read?.truncated ?? false;
    for (const line of (read?.text ?? '').split('\n')) {
      if (line.trim() === '') {
        continue;
      }
      const label = parseLabelLine(line);
      if (label) {
        labels.push(label);
      } else {
        invalid++;
      }
    }
  });
  const failed = reads.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
  return { labels, invalid, truncated };
}
