/**
 * The text the CLI prints: the human form of each command's result (aligned labels, coloured when colours are
 * on), the JSON form for scripts, and the error. Pure functions of their input; `output.ts` decides where the
 * text goes.
 */
import { createColors } from 'picocolors';
import { KillSwitchState } from '../policy/kill-switch-protocol';
import { CliError } from './errors';
import { ReviewReport } from './review';
import { StatusReport } from './status';
import { SwitchResult } from './switch';
import { WatchResult } from './watch';

/** Colour functions; every one returns its input unchanged when colours are off. */
export type Colors = ReturnType<typeof createColors>;

/** Colour functions that colour only when `enabled` (a terminal, and no NO_COLOR). */
export function colors(enabled: boolean): Colors {
  return createColors(enabled);
}

/** A result as the one JSON document `--json` prints. */
export function formatJson(value: object): string {
  return JSON.stringify(value, null, 2);
}

/** An error as `--json` prints it: its exit code, message and details under `error`. */
export function formatErrorJson(e: CliError): string {
  return formatJson({ error: { exitCode: e.exitCode, message: e.message, ...e.details } });
}

/** An error as a person reads it. */
export function formatError(e: CliError, c: Colors): string {
  return `${c.red('error')} ${e.message}`;
}

/** The human form of `status`: one labelled block per part (kill switch, variants, rollout, alarms). */
export function formatStatus(r: StatusReport, c: Colors): string {
  const ks = r.killSwitch;
  const state = ks.value === KillSwitchState.PAUSED ? c.red(c.bold('PAUSED')) : ks.value === KillSwitchState.ACTIVE ? c.green('ACTIVE') : c.red(String(ks.value));
  const pad = (label: string) => `  ${label.padEnd(13)}`;
  const cont = ' '.repeat(15);
  const lines = [
    `${c.bold(r.endpoint)}  ${r.status ?? 'unknown'}${r.failureReason ? `  ${c.red(r.failureReason)}` : ''}`,
    `${pad('kill switch')}${state}  (endpoint tag: ${ks.endpointTag ?? 'none'}${ks.enforced ? '' : c.yellow(', NOT yet enforced')})`,
    `${cont}parameter ${ks.parameter}, version ${ks.version ?? '?'}`,
    `${cont}changed ${ks.changedAt ?? '?'} by ${ks.changedBy ?? '?'}`,
  ];
  if (ks.reason) {
    lines.push(`${cont}reason: ${ks.reason}`);
  }
  r.variants.forEach((v, i) => lines.push(`${i === 0 ? pad('variants') : cont}${v.name}  weight ${v.weight ?? '?'}  instances ${v.instances ?? '?'}` +
    (v.desiredInstances !== undefined && v.desiredInstances !== v.instances ? ` -> ${v.desiredInstances}` : '')));
  if (r.rollout.inProgress) {
    lines.push(`${pad('rollout')}${c.yellow('in progress')}${r.rollout.targetConfig ? ` to ${r.rollout.targetConfig}` : ''}${r.rollout.startedAt ? ` since ${r.rollout.startedAt}` : ''}`);
    for (const s of r.rollout.stages) {
      lines.push(`${cont}${s.variant}: weight ${s.currentWeight ?? '?'} -> ${s.desiredWeight ?? '?'}${s.status?.length ? `  [${s.status.join(', ')}]` : ''}`);
    }
  } else {
    lines.push(`${pad('rollout')}none in progress${r.rollout.policy ? ` (policy: ${r.rollout.policy})` : ''}`);
  }
  if (Array.isArray(r.alarms)) {
    if (r.alarms.length === 0) {
      lines.push(`${pad('alarms')}none found`);
    }
    r.alarms.forEach((a, i) => lines.push(`${i === 0 ? pad('alarms') : cont}${(a.state === 'ALARM' ? c.red : a.state === 'OK' ? c.green : c.yellow)(a.state.padEnd(17))} ${a.name}`));
  } else {
    lines.push(`${pad('alarms')}${c.yellow(`could not be read: ${r.alarms.error}`)}`);
  }
  return lines.join('\n');
}

/** The human form of `pause` and `resume`: what changed, in which parameter version, and when the tag followed. */
export function formatSwitch(r: SwitchResult): string {
  const what = r.changed ? `${r.endpoint} ${r.state === KillSwitchState.PAUSED ? 'paused' : 'resumed'}` : `${r.endpoint} was already ${r.state}`;
  const enforced = r.enforcedAfterSeconds !== undefined ? `; endpoint tag reflects it after ${r.enforcedAfterSeconds}s` : '; not waiting for the endpoint tag';
  return `${what} (${r.parameter}${r.version !== undefined ? ` version ${r.version}` : ''})${enforced}`;
}

/** The human form of `watch`'s outcome. */
export function formatWatch(r: WatchResult, c: Colors): string {
  return r.outcome === 'no-rollout'
    ? `${r.endpoint}: no rollout in progress (${r.status}, serving ${r.endpointConfig})`
    : `${c.green('rollout finished')}: ${r.endpoint} is ${r.status} on ${r.endpointConfig} after ${r.seconds}s`;
}

/** One line of `watch`'s progress, stamped with the time it was seen. */
export function formatWatchLine(at: number, line: string): string {
  return `${new Date(at).toISOString()}  ${line}`;
}

/**
 * The human form of `review`: the same text as the owner's review reminder, after a line saying whether the endpoint
 * is monitored and, when parts could not be read, how many (their list ends the text).
 */
export function formatReview(r: ReviewReport, c: Colors): string {
  const monitoring = r.monitored ? `monitored (${r.monitoringConfigParameter})` : c.yellow('not monitored');
  const missing = r.facts.unavailable.length > 0 ? `; ${c.yellow(`${r.facts.unavailable.length} part(s) could not be read`)}` : '';
  return `${c.bold(r.endpoint)}  ${monitoring}${missing}\n\n${r.summary.text}`;
}
