/**
 * A simulated AWS account for the model monitor's handler tests: an in-memory evidence bucket behind the S3 client,
 * tagged endpoints, configuration parameters, alarms and a topic, all through aws-sdk-client-mock on the classes the
 * module under test runs (the source's, or the shipped bundle's own copy of the SDK).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { MonitoringConfig } from '../../../lib/policy/monitoring-protocol';

export type MonitorModule = typeof import('../../../lib/handlers/model-monitor');
type Sdk = MonitorModule['sdk'];

const ROOT = join(__dirname, '..', '..', '..');
export const MONITOR_BUNDLE = join(ROOT, 'build', 'handlers', 'model-monitor', 'index.js');

function newest(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f)))) : s.mtimeMs;
}

/** Rebuild the handler bundles when the monitor's bundle is missing or older than the handler or policy sources. */
export function ensureMonitorBundle(): string {
  const sources = Math.max(newest(join(ROOT, 'lib', 'handlers')), newest(join(ROOT, 'lib', 'policy')));
  if (!existsSync(MONITOR_BUNDLE) || statSync(MONITOR_BUNDLE).mtimeMs < sources) {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'bundle-handlers.mjs')]);
  }
  return MONITOR_BUNDLE;
}

/** The monitor as source and as the shipped bundle, for `describe.each`. */
export const MONITOR_VARIANTS: [string, () => MonitorModule][] = [
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['source', () => require('../../../lib/handlers/model-monitor') as MonitorModule],
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['esbuild bundle', () => require(ensureMonitorBundle()) as MonitorModule],
];

export const FOUNDATION = 'platform';
export const BUCKET = 'evidence-bucket';
export const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alerts';
export const ENDPOINT = 'fraud-scoring';
export const arnOf = (name: string) => `arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${name}`;
export const configParameter = (name: string) => `/governed-endpoint/${name}/monitoring`;
/** 10:07 UTC: with the capture settling lag, the hourly window analysed is 09:00-10:00. */
export const NOW = new Date('2030-03-10T10:07:00Z');

/** A configuration: two CSV features and a numeric score, a CSV dataset baseline. */
export function configOf(name = ENDPOINT, overrides: Partial<MonitoringConfig> = {}): MonitoringConfig {
  return {
    version: 1, endpointName: name, bucket: BUCKET, inputFormat: 'CSV', outputFormat: 'CSV',
    features: [{ name: 'amount', kind: 'numeric', csvIndex: 0 }, { name: 'channel', kind: 'categorical', csvIndex: 1 }],
    prediction: { kind: 'numeric', csvIndex: 0 },
    baseline: { kind: 'dataset', s3Uri: `s3://${BUCKET}/baselines/${name}.csv`, format: 'CSV' },
    windowMinutes: 60, sampleSize: 1000, driftThreshold: 0.2, perFeatureMetrics: false,
    hypercareHours: 0, reviewEveryDays: 0, owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: 'HIGH',
    killSwitchParameter: `/governed-endpoint/${name}/kill-switch`, alertTopicArn: TOPIC,
    ...overrides,
  };
}

/** Deterministic uniform numbers (a linear congruential generator), so samples and data are reproducible. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `n` normal values (Box-Muller) of the given mean and standard deviation. */
export function normals(n: number, mean: number, sd: number, random: () => number): number[] {
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/** One data-capture line (CSV payloads). */
export function captureLine(amount: number | string, channel: string, score: number, time: string, id: string): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: `${amount},${channel}`, encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: `${score}\n`, encoding: 'CSV' },
    },
    eventMetadata: { eventId: `evt-${id}`, inferenceId: `inf-${id}`, inferenceTime: time },
    eventVersion: '0',
  });
}

/** `n` capture lines spread over the hour starting at `hourStart`, amounts ~ N(mean, 1). */
export function captureHour(n: number, hourStart: string, mean: number, seed: number, idPrefix = 'r'): string {
  const random = lcg(seed);
  const amounts = normals(n, mean, 1, random);
  const t0 = Date.parse(hourStart);
  return amounts.map((a, i) => captureLine(a.toFixed(4), random() < 0.7 ? 'web' : 'pos', Number((random()).toFixed(4)),
    new Date(t0 + Math.floor((i * 3_600_000) / n)).toISOString(), `${idPrefix}${i}`)).join('\n');
}

/** A CSV baseline dataset: amounts ~ N(mean, 1), channels 70% web. */
export function baselineCsv(n: number, mean: number, seed: number): string {
  const random = lcg(seed);
  return normals(n, mean, 1, random).map((a) => `${a.toFixed(4)},${random() < 0.7 ? 'web' : 'pos'}`).join('\n');
}

export interface Published { TopicArn: string; Subject: string; Message: string }

/** The simulated account and the mocks over the module's SDK classes. */
export class SimulatedAccount {
  public readonly objects = new Map<string, { body: string; etag: string }>();
  public readonly parameters = new Map<string, string>();
  public readonly histories = new Map<string, { Version: number; Value: string; LastModifiedDate: Date; LastModifiedUser?: string; Description?: string }[]>();
  public readonly endpoints = new Map<string, { created: Date; modified: Date; configParameter: string }>();
  public alarms: object[] = [];
  public readonly mocks: ReturnType<typeof mockClient>[];
  public readonly s3: ReturnType<typeof mockClient>;
  public readonly sns: ReturnType<typeof mockClient>;
  public readonly tagging: ReturnType<typeof mockClient>;
  public readonly ssm: ReturnType<typeof mockClient>;
  public readonly sagemaker: ReturnType<typeof mockClient>;
  public readonly cloudwatch: ReturnType<typeof mockClient>;
  private etags = 0;

  constructor(public readonly sdk: Sdk) {
    this.s3 = mockClient(sdk.S3Client);
    this.sns = mockClient(sdk.SNSClient);
    this.tagging = mockClient(sdk.ResourceGroupsTaggingAPIClient);
    this.ssm = mockClient(sdk.SSMClient);
    this.sagemaker = mockClient(sdk.SageMakerClient);
    this.cloudwatch = mockClient(sdk.CloudWatchClient);
    this.mocks = [this.s3, this.sns, this.tagging, this.ssm, this.sagemaker, this.cloudwatch];
  }

  /** Forget every object, parameter and call; install the default behaviour. */
  public reset(): void {
    this.mocks.forEach((m) => m.reset());
    this.objects.clear();
    this.parameters.clear();
    this.histories.clear();
    this.endpoints.clear();
    this.alarms = [];
    const { sdk } = this;
    this.tagging.on(sdk.GetResourcesCommand).callsFake(() => ({
      ResourceTagMappingList: [...this.endpoints].map(([name, e]) => ({
        ResourceARN: arnOf(name.toLowerCase()),
        Tags: [{ Key: 'governance:foundation', Value: FOUNDATION }, { Key: 'governance:monitoring-config', Value: e.configParameter }],
      })),
    }));
    this.ssm.on(sdk.GetParameterCommand).callsFake((input: { Name: string }) => {
      if (!this.parameters.has(input.Name)) {
        throw Object.assign(new Error(`Parameter ${input.Name} not found.`), { name: 'ParameterNotFound', $metadata: { httpStatusCode: 400 } });
      }
      return { Parameter: { Name: input.Name, Type: 'String', Value: this.parameters.get(input.Name) } };
    });
    this.ssm.on(sdk.GetParameterHistoryCommand).callsFake((input: { Name: string }) => ({ Parameters: this.histories.get(input.Name) ?? [] }));
    this.sagemaker.on(sdk.DescribeEndpointCommand).callsFake((input: { EndpointName: string }) => {
      const e = this.endpoints.get(input.EndpointName);
      if (!e) {
        throw Object.assign(new Error(`Could not find endpoint ${input.EndpointName}.`), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      }
      return { EndpointName: input.EndpointName, EndpointStatus: 'InService', CreationTime: e.created, LastModifiedTime: e.modified };
    });
    this.cloudwatch.on(sdk.DescribeAlarmsCommand).callsFake(() => ({ MetricAlarms: this.alarms }));
    this.sns.on(sdk.PublishCommand).resolves({ MessageId: 'm-1' });
    this.s3.on(sdk.ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string; Delimiter?: string; StartAfter?: string }) => {
      const prefix = input.Prefix ?? '';
      const keys = [...this.objects.keys()].filter((k) => k.startsWith(`${input.Bucket}/${prefix}`)).map((k) => k.slice(input.Bucket.length + 1))
        .filter((k) => !input.StartAfter || k > input.StartAfter).sort();
      if (input.Delimiter) {
        const common = [...new Set(keys.map((k) => k.slice(prefix.length)).filter((rest) => rest.includes(input.Delimiter!))
          .map((rest) => `${prefix}${rest.slice(0, rest.indexOf(input.Delimiter!) + 1)}`))];
        return { CommonPrefixes: common.map((Prefix) => ({ Prefix })), Contents: keys.filter((k) => !k.slice(prefix.length).includes(input.Delimiter!)).map((Key) => this.listed(input.Bucket, Key)), IsTruncated: false };
      }
      return { Contents: keys.map((Key) => this.listed(input.Bucket, Key)), IsTruncated: false };
    });
    this.s3.on(sdk.HeadObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
      const o = this.objects.get(`${input.Bucket}/${input.Key}`);
      if (!o) {
        throw Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
      }
      return { ETag: o.etag, ContentLength: Buffer.byteLength(o.body) };
    });
    this.s3.on(sdk.GetObjectCommand).callsFake((input: { Bucket: string; Key: string; Range?: string }) => {
      const o = this.objects.get(`${input.Bucket}/${input.Key}`);
      if (!o) {
        throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      }
      const bytes = Buffer.from(o.body);
      const m = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? '');
      if (m && bytes.length === 0) {
        throw Object.assign(new Error('The requested range is not satisfiable'), { name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
      }
      const part = m ? bytes.subarray(Number(m[1]), Number(m[2]) + 1) : bytes;
      return {
        ETag: o.etag, ContentLength: part.length, ContentRange: m ? `bytes ${m[1]}-${Number(m[1]) + part.length - 1}/${bytes.length}` : undefined,
        Body: { transformToString: async () => part.toString('utf-8') },
      };
    });
    this.s3.on(sdk.PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string }) => {
      this.put(input.Bucket, input.Key, String(input.Body));
      return { ETag: this.objects.get(`${input.Bucket}/${input.Key}`)!.etag };
    });
  }

  public put(bucket: string, key: string, body: string): void {
    this.objects.set(`${bucket}/${key}`, { body, etag: `"etag-${++this.etags}"` });
  }

  public object(key: string, bucket = BUCKET): string | undefined {
    return this.objects.get(`${bucket}/${key}`)?.body;
  }

  public keys(prefix: string, bucket = BUCKET): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1)).sort();
  }

  /** A monitored endpoint with its configuration parameter (raw text, to test malformed ones). */
  public endpoint(name: string, config: MonitoringConfig | string, times: { created?: Date; modified?: Date } = {}): void {
    const created = times.created ?? new Date('2030-01-01T00:00:00Z');
    this.endpoints.set(name, { created, modified: times.modified ?? created, configParameter: configParameter(name) });
    this.parameters.set(configParameter(name), typeof config === 'string' ? config : JSON.stringify(config));
  }

  public published(): Published[] {
    return this.sns.commandCalls(this.sdk.PublishCommand).map((c) => c.args[0].input as unknown as Published);
  }

  private listed(bucket: string, key: string) {
    return { Key: key, Size: Buffer.byteLength(this.objects.get(`${bucket}/${key}`)!.body) };
  }
}

/** The EMF metric lines among the captured log lines: the dimensions and values of each. */
export function metricLines(logs: string[]): Record<string, unknown>[] {
  return logs.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The aggregate metric line of an endpoint (no Feature dimension), for the regular windows or for hypercare. */
export function aggregateOf(logs: string[], endpoint: string, schedule?: 'hypercare'): Record<string, unknown> | undefined {
  return metricLines(logs).find((m) => m.EndpointName === endpoint && m.Feature === undefined && m.Schedule === schedule);
}

/** The simulated account, the module under test and the captured log lines of one `describe` block. */
export interface SimulatedMonitor {
  readonly mod: MonitorModule;
  readonly aws: SimulatedAccount;
  /** The lines the monitor logged in the current test (its EMF metrics among them). */
  readonly logs: string[];
  /** Clients for the simulated account (region and credentials of a test, never real ones). */
  clients(): ReturnType<MonitorModule['sdk']['createClients']>;
}

/**
 * Load the monitor with `load` once for the block, simulate the account, and before each test forget the account's
 * state and capture the log lines; restore the mocks after each test and the block.
 */
export function useSimulatedMonitor(load: () => MonitorModule): SimulatedMonitor {
  const state = { logs: [] as string[] } as { mod: MonitorModule; aws: SimulatedAccount; logs: string[] };
  beforeAll(() => {
    state.mod = load();
    state.aws = new SimulatedAccount(state.mod.sdk);
  });
  afterAll(() => state.aws.mocks.forEach((m) => m.restore()));
  beforeEach(() => {
    state.aws.reset();
    state.logs = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { state.logs.push(line); });
    jest.spyOn(console, 'error').mockImplementation((line: string) => { state.logs.push(line); });
  });
  afterEach(() => jest.restoreAllMocks());
  return {
    get mod() { return state.mod; },
    get aws() { return state.aws; },
    get logs() { return state.logs; },
    clients: () => state.mod.sdk.createClients({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  };
}
