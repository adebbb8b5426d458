/**
 * Finding the work: the foundation's monitored endpoints (by tag, with the Resource Groups Tagging API) and each
 * endpoint's configuration (the JSON in the SSM parameter its `governance:monitoring-config` tag names), checked
 * field by field before anything is analysed.
 */
import { GovernanceTags } from '../../policy/governance';
import { ENDPOINT_NAME_TAG, endpointNameOfArn, FOUNDATION_TAG, KILL_SWITCH_PARAMETER_TAG } from '../../policy/kill-switch-protocol';
import { MONITORING_CONFIG_TAG, MonitorEnvironment, MonitoringConfig, MonitoringLimits } from '../../policy/monitoring-protocol';
import { Deadline } from '../shared/deadline';
import { GetParameterCommand, GetResourcesCommand } from './aws';
import { isValidJsonPath } from './capture';
import { allPages, call, MonitorContext } from './context';

/** A monitored endpoint as its tags describe it. */
export interface MonitoredEndpoint {
  readonly endpointName: string;
  readonly endpointArn: string;
  /** The SSM parameter holding its configuration ('' for an endpoint reviewed only). */
  readonly configParameter: string;
  /** For an endpoint that is not monitored but has a review interval: its tags, which stand in for the configuration. */
  readonly reviewOnly?: Readonly<Record<string, string>>;
}

/**
 * The foundation's endpoints that have a review interval (`governance:review-every-days`) but no monitoring
 * configuration: the daily review tick reminds their owners too, from their tags.
 */
export async function discoverReviewOnly(foundation: string, ctx: MonitorContext, deadline: Deadline): Promise<MonitoredEndpoint[]> {
  const found: MonitoredEndpoint[] = [];
  await allPages('GetResources', ctx.bounds.maxListPages,
    (token) => call(ctx, 'GetResources', deadline, (abortSignal) => ctx.clients.tagging.send(new GetResourcesCommand({
      ResourceTypeFilters: ['sagemaker:endpoint'],
      TagFilters: [{ Key: FOUNDATION_TAG, Values: [foundation] }, { Key: GovernanceTags.REVIEW_EVERY_DAYS }],
      ResourcesPerPage: 100,
      PaginationToken: token,
    }), { abortSignal })),
    (page) => page.PaginationToken || undefined,
    (page) => {
      for (const r of page.ResourceTagMappingList ?? []) {
        const tags = Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        if (tags[MONITORING_CONFIG_TAG] !== undefined) {
          continue; // monitored: its configuration drives its review
        }
        const arn = r.ResourceARN ?? '';
        found.push({ endpointName: tags[ENDPOINT_NAME_TAG] || endpointNameOfArn(arn), endpointArn: arn, configParameter: '', reviewOnly: tags });
      }
    });
  return found.sort((a, b) => a.endpointName.localeCompare(b.endpointName));
}

/**
 * The configuration of an endpoint reviewed only, from its tags and the monitor's environment; a {@link ConfigInvalid}
 * when the review interval is not a whole number of days or no alert topic is known.
 */
export function reviewOnlyConfig(endpoint: MonitoredEndpoint, env: Record<string, string | undefined> = process.env): MonitoringConfig {
  const tags = endpoint.reviewOnly ?? {};
  const days = Number(tags[GovernanceTags.REVIEW_EVERY_DAYS]);
  const topic = env[MonitorEnvironment.ALERT_TOPIC_ARN] ?? '';
  const problems = [
    ...(Number.isInteger(days) && days >= 1 ? [] : [`tag ${GovernanceTags.REVIEW_EVERY_DAYS} is "${tags[GovernanceTags.REVIEW_EVERY_DAYS]}", not a whole number of days`]),
    ...(topic ? [] : [`the monitor has no ${MonitorEnvironment.ALERT_TOPIC_ARN} to send the reminder to`]),
  ];
  if (problems.length > 0) {
    throw new ConfigInvalid(endpoint.endpointName, problems, topic || undefined);
  }
  return {
    version: 1, endpointName: endpoint.endpointName, bucket: env[MonitorEnvironment.EVIDENCE_BUCKET] ?? '', inputFormat: 'CSV', outputFormat: 'CSV',
    features: [], prediction: { kind: 'numeric', csvIndex: 0 }, baseline: { kind: 'warmup', days: 0 }, windowMinutes: MonitoringLimits.defaultWindowMinutes,
    sampleSize: 0, driftThreshold: MonitoringLimits.defaultDriftThreshold, perFeatureMetrics: false, hypercareHours: 0, reviewEveryDays: days,
    owner: tags[GovernanceTags.OWNER] ?? 'unknown', purpose: tags[GovernanceTags.PURPOSE] ?? 'unknown', riskTier: tags[GovernanceTags.RISK_TIER] ?? 'unknown',
    killSwitchParameter: tags[KILL_SWITCH_PARAMETER_TAG] ?? '', alertTopicArn: topic,
  };
}

/** Every endpoint tagged for the foundation's monitor (every page, up to the bound; throws when a page fails). */
export async function discoverEndpoints(foundation: string, ctx: MonitorContext, deadline: Deadline): Promise<MonitoredEndpoint[]> {
  const found: MonitoredEndpoint[] = [];
  await allPages('GetResources', ctx.bounds.maxListPages,
    (token) => call(ctx, 'GetResources', deadline, (abortSignal) => ctx.clients.tagging.send(new GetResourcesCommand({
      ResourceTypeFilters: ['sagemaker:endpoint'],
      TagFilters: [{ Key: FOUNDATION_TAG, Values: [foundation] }, { Key: MONITORING_CONFIG_TAG }],
      ResourcesPerPage: 100,
      PaginationToken: token,
    }), { abortSignal })),
    (page) => page.PaginationToken || undefined,
    (page) => {
      for (const r of page.ResourceTagMappingList ?? []) {
        const arn = r.ResourceARN ?? '';
        const parameter = r.Tags?.find((t) => t.Key === MONITORING_CONFIG_TAG)?.Value ?? '';
        found.push({ endpointName: nameOf(arn, parameter), endpointArn: arn, configParameter: parameter });
      }
    });
  return found.sort((a, b) => a.endpointName.localeCompare(b.endpointName));
}

/**
 * The endpoint's name as written: SageMaker lower-cases names in ARNs (`arn:...:endpoint/<name>`), while the default
 * configuration parameter (`/governed-endpoint/<name>/monitoring`) keeps the case the metrics' dimension uses.
 */
function nameOf(arn: string, parameter: string): string {
  const fromArn = endpointNameOfArn(arn);
  const m = /^\/governed-endpoint\/([^/]+)\/monitoring$/.exec(parameter);
  return m && m[1].toLowerCase() === fromArn.toLowerCase() ? m[1] : fromArn;
}

/** The configuration's JSON text, read from its parameter. */
export async function readConfigText(endpoint: MonitoredEndpoint, ctx: MonitorContext, deadline: Deadline): Promise<string> {
  if (!endpoint.configParameter) {
    throw new ConfigInvalid(endpoint.endpointName, [`tag ${MONITORING_CONFIG_TAG} is empty: it must name the configuration parameter`]);
  }
  const out = await call(ctx, 'GetParameter', deadline, (abortSignal) => ctx.clients.ssm.send(new GetParameterCommand({ Name: endpoint.configParameter }), { abortSignal }));
  return out.Parameter?.Value ?? '';
}

/** A configuration that is not a valid {@link MonitoringConfig}; `alertTopicArn` when the text still named one. */
export class ConfigInvalid extends Error {
  constructor(endpointName: string, public readonly problems: string[], public readonly alertTopicArn?: string) {
    super(`monitoring configuration of ${endpointName} is invalid: ${problems.join('; ')}`);
    this.name = 'ConfigInvalid';
  }
}

/** The configuration in `text`, or a {@link ConfigInvalid} naming every field that is wrong. */
export function parseConfig(endpointName: string, text: string): MonitoringConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigInvalid(endpointName, [`not JSON (${(err as Error).message})`]);
  }
  if (!isObject(doc)) {
    throw new ConfigInvalid(endpointName, ['not a JSON object']);
  }
  const problems = configProblems(doc);
  if (problems.length > 0) {
    throw new ConfigInvalid(endpointName, problems, typeof doc.alertTopicArn === 'string' ? doc.alertTopicArn : undefined);
  }
  return doc as unknown as MonitoringConfig;
}

function configProblems(c: Record<string, unknown>): string[] {
  const p: string[] = [];
  const L = MonitoringLimits;
  const str = (k: string, optional = false) => (c[k] === undefined && optional) || (typeof c[k] === 'string' && c[k] !== '') || p.push(`${k} must be a non-empty string, got ${show(c[k])}`);
  const num = (k: string, min: number, max: number, whole = false) => (typeof c[k] === 'number' && c[k] >= min && c[k] <= max && (!whole || Number.isInteger(c[k]))) ||
    p.push(`${k} must be a ${whole ? 'whole ' : ''}number in [${min}, ${max}], got ${show(c[k])}`);
  if (c.version !== 1) p.push(`version must be 1, got ${show(c.version)}`);
  ['endpointName', 'bucket', 'owner', 'purpose', 'riskTier', 'killSwitchParameter', 'alertTopicArn'].forEach((k) => str(k));
  for (const k of ['inputFormat', 'outputFormat']) {
    if (c[k] !== 'CSV' && c[k] !== 'JSON') p.push(`${k} must be CSV or JSON, got ${show(c[k])}`);
  }
  num('windowMinutes', L.minWindowMinutes, L.maxWindowMinutes, true);
  num('sampleSize', L.minSampleSize, L.maxSampleSize, true);
  num('driftThreshold', Number.MIN_VALUE, 10);
  num('hypercareHours', 0, 24 * 366);
  num('reviewEveryDays', 0, 3660, true);
  if (typeof c.perFeatureMetrics !== 'boolean') p.push(`perFeatureMetrics must be true or false, got ${show(c.perFeatureMetrics)}`);
  if (!Array.isArray(c.features) || c.features.length === 0 || c.features.length > L.maxFeatures) {
    p.push(`features must be a list of 1 to ${L.maxFeatures} features, got ${show(c.features)}`);
  } else {
    const names = new Set<string>();
    c.features.forEach((f: unknown, i: number) => {
      if (!isObject(f) || typeof f.name !== 'string' || f.name === '') {
        p.push(`features[${i}].name must be a non-empty string, got ${show(isObject(f) ? f.name : f)}`);
        return;
      }
      if (names.has(f.name)) p.push(`features[${i}].name ${show(f.name)} is declared twice`);
      names.add(f.name);
      p.push(...locationProblems(`features[${i}]`, f));
    });
  }
  if (!isObject(c.prediction)) {
    p.push(`prediction must be an object, got ${show(c.prediction)}`);
  } else {
    p.push(...locationProblems('prediction', c.prediction));
  }
  const b = c.baseline;
  if (!isObject(b) || !((b.kind === 'dataset' && typeof b.s3Uri === 'string' && /^s3:\/\/[^/]+\/.+/.test(b.s3Uri) && (b.format === 'CSV' || b.format === 'JSONL')) ||
    (b.kind === 'warmup' && typeof b.days === 'number' && b.days > 0 && b.days <= 366))) {
    p.push(`baseline must be {kind: 'dataset', s3Uri: 's3://bucket/key', format: 'CSV'|'JSONL'} or {kind: 'warmup', days: 1..366}, got ${show(b)}`);
  }
  const g = c.groundTruth;
  if (g !== undefined && (!isObject(g) || !['BINARY_CLASSIFICATION', 'MULTICLASS_CLASSIFICATION', 'REGRESSION'].includes(g.problemType as string) ||
    typeof g.labelDelayHours !== 'number' || g.labelDelayHours < 0 || g.labelDelayHours > 24 * 366)) {
    p.push(`groundTruth must be {problemType: BINARY_CLASSIFICATION|MULTICLASS_CLASSIFICATION|REGRESSION, labelDelayHours: 0..8784}, got ${show(g)}`);
  }
  return p;
}

function locationProblems(where: string, f: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (f.kind !== 'numeric' && f.kind !== 'categorical') p.push(`${where}.kind must be numeric or categorical, got ${show(f.kind)}`);
  const csv = f.csvIndex !== undefined;
  const json = f.jsonPath !== undefined;
  if (csv === json) p.push(`${where} must set exactly one of csvIndex and jsonPath`);
  if (csv && !(typeof f.csvIndex === 'number' && Number.isInteger(f.csvIndex) && f.csvIndex >= 0)) p.push(`${where}.csvIndex must be a whole number >= 0, got ${show(f.csvIndex)}`);
  if (json && !(typeof f.jsonPath === 'string' && isValidJsonPath(f.jsonPath))) p.push(`${where}.jsonPath must be a JSON path such as $.a.b[0], got ${show(f.jsonPath)}`);
  return p;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
