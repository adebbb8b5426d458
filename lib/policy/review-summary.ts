/**
 * The scheduled-review summary: pure data and formatting, with no AWS SDK and no imports, so the monitor's
 * reminder and the operator CLI (`governed-endpoint review`) print the same text from the same facts.
 */

/** An alarm of the endpoint that is in ALARM. */
export interface ReviewAlarm {
  readonly name: string;
  readonly reason?: string;
  readonly since?: string;
}

/** A pause of the endpoint: a PAUSED version of its kill-switch parameter. */
export interface ReviewPause {
  readonly version: number;
  readonly at?: string;
  readonly by?: string;
  readonly reason?: string;
}

/** One window of the drift trend, from its report. */
export interface ReviewDriftPoint {
  readonly windowStart: string;
  readonly records: number;
  readonly maxFeatureDrift?: number;
  readonly predictionDrift?: number;
}

/** What a reviewer needs about one endpoint. */
export interface ReviewFacts {
  readonly endpointName: string;
  readonly owner: string;
  readonly purpose: string;
  readonly riskTier: string;
  readonly reviewEveryDays: number;
  /** Start of the period under review (the previous review, or the endpoint's creation). */
  readonly periodStart: string;
  readonly generatedAt: string;
  readonly alarmsInAlarm: ReviewAlarm[];
  readonly pauses: ReviewPause[];
  /** Oldest first. */
  readonly driftTrend: ReviewDriftPoint[];
  readonly driftThreshold?: number;
  /** Parts that could not be read (the summary says so rather than reporting nothing). */
  readonly unavailable: string[];
}

/** The reminder's subject and text. */
export interface ReviewSummary {
  readonly subject: string;
  readonly text: string;
}

const fmt = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));

/** The review reminder for `facts`: who owns the endpoint, what it is for, and what happened since the last review. */
export function reviewSummary(facts: ReviewFacts): ReviewSummary {
  const lines: string[] = [
    `Scheduled review of ${facts.endpointName} (every ${facts.reviewEveryDays} days).`,
    '',
    `Owner:     ${facts.owner}`,
    `Purpose:   ${facts.purpose}`,
    `Risk tier: ${facts.riskTier}`,
    `Period:    ${facts.periodStart} to ${facts.generatedAt}`,
    '',
    `Alarms in ALARM now: ${facts.alarmsInAlarm.length === 0 ? 'none' : facts.alarmsInAlarm.length}`,
    ...facts.alarmsInAlarm.map((a) => `  - ${a.name}${a.since ? ` (since ${a.since})` : ''}${a.reason ? `: ${a.reason}` : ''}`),
    `Pauses in the period: ${facts.pauses.length === 0 ? 'none' : facts.pauses.length}`,
    ...facts.pauses.map((p) => `  - version ${p.version}${p.at ? ` at ${p.at}` : ''}${p.by ? ` by ${p.by}` : ''}${p.reason ? `: ${p.reason}` : ''}`),
  ];
  const drifts = facts.driftTrend.map((d) => d.maxFeatureDrift).filter((x): x is number => typeof x === 'number');
  lines.push(`Drift trend (max feature PSI, last ${facts.driftTrend.length} windows${facts.driftThreshold !== undefined ? `, threshold ${facts.driftThreshold}` : ''}): ` +
    (drifts.length === 0 ? 'no compared windows' : `highest ${fmt(Math.max(...drifts))}, latest ${fmt(drifts[drifts.length - 1])}`));
  lines.push(...facts.driftTrend.map((d) => `  - ${d.windowStart}: max feature PSI ${fmt(d.maxFeatureDrift)}, prediction PSI ${fmt(d.predictionDrift)}, ${d.records} records`));
  if (facts.unavailable.length > 0) {
    lines.push('', 'Could not be read (check by hand):', ...facts.unavailable.map((u) => `  - ${u}`));
  }
  lines.push('', 'Confirm the owner and purpose are still right, that the alarms and pauses were followed up, and whether the model needs retraining or retirement.');
  return { subject: `Review due: ${facts.endpointName} (${facts.riskTier})`, text: lines.join('\n') };
}
