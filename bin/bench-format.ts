/**
 * Formatting for `npm run bench`: Markdown tables, medians, and the list-price monthly cost of what governance adds
 * to one endpoint. Benchmark code, not library code.
 */
import { CaseResult } from './bench-measure';

/**
 * Where the synth time of one app went, in seconds, from the timed phases of a measurement: the pack rows count each
 * pack wherever it ran (in the governance report or in CDK's validation).
 */
export function phaseRows(phases: Record<string, number>, seconds: number): [string, number][] {
  const get = (k: string) => phases[k] ?? 0;
  const packNames = [...new Set(Object.keys(phases).filter((k) => k.startsWith('pack ')).map((k) => k.replace(/^pack /, '').replace(/ \(in the report\)$/, '')))];
  const packs = packNames.map((name) => [name, get(`pack ${name}`), get(`pack ${name} (in the report)`)] as const);
  const inReport = packs.reduce((t, p) => t + p[2], 0);
  const inValidation = packs.reduce((t, p) => t + p[1], 0);
  const report = get('governance report (with its pack runs)');
  const validation = get('validation (all plugins)');
  const builtin = get('built-in CloudFormation validation');
  const engineStart = get('built-in CloudFormation validation: engine start');
  const synth = get('app.synth()');
  return [
    ['construct build (the app\'s constructors)', get('construct build')],
    ['aws-cdk-lib: aspects, references, templates (synth minus the rows below)', synth - report - validation],
    ['aws-cdk-lib: built-in CloudFormation validation, engine start (rules of the resource types used)', engineStart],
    ['aws-cdk-lib: built-in CloudFormation validation, template checks', builtin - engineStart],
    ...packs.map(([name, v, r]) => [`cdk-nag pack ${name}`, v + r] as [string, number]),
    ['governance report (without the packs it runs)', report - inReport],
    ['validation bookkeeping (plugin reports, construct paths)', validation - builtin - inValidation],
    ['total (build + synth)', seconds],
  ];
}

/** The median of `xs` (NaN for none). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A Markdown table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

// us-east-1 on-demand list prices (USD) used by the cost table; update them here when AWS changes them.
const PRICES = {
  mlM5LargeHour: 0.115,
  alarmMetricMonth: 0.10,
  dashboardMonth: 3.00,
  kmsKeyMonth: 1.00,
  kmsPer10kRequests: 0.03,
  s3GbMonth: 0.023,
  s3Per1kPuts: 0.005,
  lambdaPerMillionRequests: 0.20,
  lambdaGbSecond: 0.0000166667,
  ssmStandardParameterMonth: 0,
  customMetricMonth: 0.30,
  s3Per1kGets: 0.0004,
} as const;
const HOURS_PER_MONTH = 730;
const TRAFFIC = {
  requestsPerMonth: 1_000_000,
  capturedKbPerRequest: 3.5, // 2 KB request + 1 KB response + capture metadata, JSON captured as text
  capturePutsPerMonth: 2 * 60 * HOURS_PER_MONTH, // one capture object per instance per minute with traffic
  reconcileInvocationsPerMonth: 12 * HOURS_PER_MONTH, // a 5-minute reconcile schedule
  enforcerGbSeconds: 0.256 * 0.5, // the enforcer: 256 MB for 0.5 s per invocation
  monitorWindowsPerMonth: HOURS_PER_MONTH, // hourly windows
  monitorWindowGbSeconds: 1.024 * 5, // 1024 MB for 5 s per analysed window (npm run bench:monitor: 2.4-2.7 s for 1,000,000 records)
  monitorTicksPerMonth: 4 * HOURS_PER_MONTH + 30, // the 15-minute hypercare tick and the daily review tick, each short when idle
  monitorTickGbSeconds: 1.024 * 0.5,
  hypercareWindowsPerMonth: 4 * 24 * 7, // one deployment a month: 7 days of 15-minute windows (HIGH tier)
  // Capture objects read per window: every object of the hour while traffic is below the sample (10,000 records).
  monitorGetsPerMonth: 2 * 60 * HOURS_PER_MONTH,
  killSwitchMetrics: 1, // Paused; FailClosed and Enforcements only while they are 1
  monitorMetrics: 5, // RecordsAnalysed, MaxFeatureDrift, DriftedFeatureShare, PredictionDrift, InvalidRecordRate
} as const;

/** Lambda's price for `runs` invocations of `gbSeconds` each. */
function lambda(runs: number, gbSeconds: number): number {
  return runs * (PRICES.lambdaPerMillionRequests / 1e6 + gbSeconds * PRICES.lambdaGbSecond);
}

/** The monthly cost table, from the resources of one governed endpoint in its own stack. */
export function costTable(one: CaseResult): string {
  const types = one.resourceTypes;
  const instances = 2 * HOURS_PER_MONTH * PRICES.mlM5LargeHour;
  const capturedGb = (TRAFFIC.requestsPerMonth * TRAFFIC.capturedKbPerRequest) / 1024 / 1024;
  const functions = types['AWS::Lambda::Function'] ?? 0;
  const rows: [string, string, number][] = [
    ['CloudWatch alarms', `${types['AWS::CloudWatch::Alarm'] ?? 0} alarms, ${one.alarmMetrics} alarm metrics x $${PRICES.alarmMetricMonth.toFixed(2)}`, one.alarmMetrics * PRICES.alarmMetricMonth],
    ['CloudWatch dashboard', `${types['AWS::CloudWatch::Dashboard'] ?? 0} x $${PRICES.dashboardMonth.toFixed(2)} (the first 3 of an account are free)`, (types['AWS::CloudWatch::Dashboard'] ?? 0) * PRICES.dashboardMonth],
    ['KMS key (one per foundation, shared by its endpoints)', `${types['AWS::KMS::Key'] ?? 0} x $${PRICES.kmsKeyMonth.toFixed(2)}`, (types['AWS::KMS::Key'] ?? 0) * PRICES.kmsKeyMonth],
    ['KMS requests for data capture', `${TRAFFIC.capturePutsPerMonth} objects x $${PRICES.kmsPer10kRequests}/10k (upper bound; bucket keys cut it)`, (TRAFFIC.capturePutsPerMonth / 10_000) * PRICES.kmsPer10kRequests],
    ['Data capture PUTs into the evidence store', `${TRAFFIC.capturePutsPerMonth} x $${PRICES.s3Per1kPuts}/1k`, (TRAFFIC.capturePutsPerMonth / 1000) * PRICES.s3Per1kPuts],
    ['Data capture storage, month 1', `${capturedGb.toFixed(2)} GB written, ${(capturedGb / 2).toFixed(2)} GB-month held`, (capturedGb / 2) * PRICES.s3GbMonth],
    ['SSM parameters (kill switch, monitoring, the foundation\'s references)', `${types['AWS::SSM::Parameter'] ?? 0} standard parameter(s)`, 0],
    ['Kill-switch enforcer (one per foundation)', `${TRAFFIC.reconcileInvocationsPerMonth} runs x 256 MB x 0.5 s`,
      functions >= 1 ? lambda(TRAFFIC.reconcileInvocationsPerMonth, TRAFFIC.enforcerGbSeconds) : 0],
    ['Model monitor (one per foundation)', `${TRAFFIC.monitorWindowsPerMonth} windows x 1024 MB x 5 s, ${TRAFFIC.monitorTicksPerMonth} other ticks x 0.5 s, ` +
      `${TRAFFIC.hypercareWindowsPerMonth} hypercare windows x 5 s`, functions >= 2
      ? lambda(TRAFFIC.monitorWindowsPerMonth + TRAFFIC.hypercareWindowsPerMonth, TRAFFIC.monitorWindowGbSeconds) + lambda(TRAFFIC.monitorTicksPerMonth, TRAFFIC.monitorTickGbSeconds) : 0],
    ['Monitor reads of data capture (S3 GET and KMS decrypt)', `${TRAFFIC.monitorGetsPerMonth} objects x ($${PRICES.s3Per1kGets}/1k + $${PRICES.kmsPer10kRequests}/10k)`,
      functions >= 2 ? (TRAFFIC.monitorGetsPerMonth / 1000) * PRICES.s3Per1kGets + (TRAFFIC.monitorGetsPerMonth / 10_000) * PRICES.kmsPer10kRequests : 0],
    ['Custom metrics (embedded metric format)', `${TRAFFIC.killSwitchMetrics} kill-switch + ${TRAFFIC.monitorMetrics} monitor metrics x $${PRICES.customMetricMonth.toFixed(2)}, ` +
      `+ the monitor's ${TRAFFIC.monitorMetrics} during 7 days of hypercare`,
    (TRAFFIC.killSwitchMetrics + (functions >= 2 ? TRAFFIC.monitorMetrics * (1 + 7 / 30) : 0)) * PRICES.customMetricMonth],
    ['Log group (KMS, 1-year retention)', 'SageMaker writes these logs anyway; retention caps what is kept', 0],
  ];
  const added = rows.reduce((s, r) => s + r[2], 0);
  const month12 = added - rows[5][2] + capturedGb * 11.5 * PRICES.s3GbMonth;
  // In a fleet, the dashboard is shared by the endpoints of a stack and the key and functions by a foundation's.
  const shared = rows[1][2] + rows[2][2] + rows[7][2] + rows[8][2];
  const inStackOf10 = added - shared + shared / 10;
  const out = [
    `Region us-east-1, on-demand list prices in USD. Traffic: ${TRAFFIC.requestsPerMonth.toLocaleString('en-US')} requests a month, 100% captured (HIGH tier),`,
    `${TRAFFIC.capturedKbPerRequest} KB captured per request. Endpoint: 2 x ml.m5.large at $${PRICES.mlM5LargeHour}/h x ${HOURS_PER_MONTH} h.`,
    '',
    table(['item', 'basis', 'USD / month'], rows.map((r) => [r[0], r[1], r[2].toFixed(2)])),
    '',
    table(['', 'USD / month', 'share of instance cost'], [
      ['endpoint instances (2 x ml.m5.large)', instances.toFixed(2), '100.0%'],
      ['governance added, month 1', added.toFixed(2), `${((100 * added) / instances).toFixed(1)}%`],
      ['governance added, month 12 (12 months of capture held)', month12.toFixed(2), `${((100 * month12) / instances).toFixed(1)}%`],
      ['governance added, month 1, one of 10 endpoints sharing a stack and foundation', inStackOf10.toFixed(2), `${((100 * inStackOf10) / instances).toFixed(1)}%`],
    ]),
  ];
  return out.join('\n');
}
