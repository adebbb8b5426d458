import { mockClient } from 'aws-sdk-client-mock';
import { deploymentDescription } from '../../lib/policy/kill-switch-protocol';
import { bundlePath, ensureBundles } from './builds';

type HandlerModule = typeof import('../../lib/handlers/kill-switch-enforcer');
export type EnforcerModule = HandlerModule;
type Sdk = HandlerModule['sdk'];

/** The enforcer as source and as the shipped bundle, for `describe.each`. */
export const ENFORCER_VARIANTS: [string, () => HandlerModule][] = [
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['source', () => require('../../lib/handlers/kill-switch-enforcer') as HandlerModule],
  ['esbuild bundle', () => {
    ensureBundles();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(bundlePath('kill-switch-enforcer')) as HandlerModule;
  }],
];

export const ENDPOINT = 'fraud-scoring';
export const REGION_ACCOUNT = 'eu-west-1:123456789012';
export const endpointArn = (name: string) => `arn:aws:sagemaker:${REGION_ACCOUNT}:endpoint/${name}`;
export const parameterOf = (name: string) => `/governed-endpoint/${name}/kill-switch`;
export const TOPIC = `arn:aws:sns:${REGION_ACCOUNT}:alerts`;
export const BUCKET = 'evidence-bucket';
export const targetOf = (name: string) => ({ endpoint: name, endpointArn: endpointArn(name), parameter: parameterOf(name), bucket: BUCKET, topic: TOPIC });
export const TARGET = targetOf(ENDPOINT);
export const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/oncall/alice';
export const DEPLOYER = 'arn:aws:sts::123456789012:assumed-role/cdk-cfn-exec-role/AWSCloudFormation';
export const ENFORCER = 'arn:aws:sts::123456789012:assumed-role/enforcer/fn';
export const TAG = 'governance:kill-switch';
/** The enforcer's production retry policy (the environment's may differ between test files). */
export const RETRY = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };

/** One stored version of a parameter, as `GetParameterHistory` returns it. */
export interface Version {
  readonly Version: number;
  readonly Value: string;
  readonly Description?: string;
  readonly LastModifiedUser?: string;
}
export const deployed = (Version: number, endpoint = ENDPOINT): Version => ({ Version, Value: 'ACTIVE', Description: deploymentDescription(endpoint), LastModifiedUser: DEPLOYER });
export const operator = (Version: number, Value: string, why = 'INC-42'): Version => ({ Version, Value, Description: why, LastModifiedUser: OPERATOR });

/** How a call fails. */
export type Fault = 'denied' | 'throttled' | 'server' | 'hang' | 'parameter-not-found' | 'endpoint-not-found';

export function faultError(fault: Exclude<Fault, 'hang'>): Error {
  switch (fault) {
    case 'denied': return Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    case 'throttled': return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    case 'server': return Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    case 'parameter-not-found': return Object.assign(new Error('Parameter not found'), { name: 'ParameterNotFound', $metadata: { httpStatusCode: 400 } });
    case 'endpoint-not-found': return Object.assign(new Error('Could not find endpoint'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  }
}

export type Op = 'ListTags' | 'AddTags' | 'DeleteTags' | 'GetParameterHistory' | 'GetParameter' | 'PutParameter' | 'Publish' | 'PutObject' |
  'DescribeEndpoint' | 'DescribeEndpointConfig' | 'DescribeModel' | 'DescribeModelPackage' | 'ListTagsForResource';

interface Rule {
  readonly op: Op;
  readonly fault: Fault;
  remaining: number;
  readonly when?: (input: any) => boolean;
}

/** One call the enforcer made, when (virtual ms since `reset`) and how it ended. */
export interface Call {
  readonly op: Op;
  readonly input: any;
  readonly at: number;
  /** The injected fault, or the name of the error the simulated service answered with. */
  readonly fault?: string;
  /** The answer, when the call succeeded. */
  readonly output?: any;
}

/**
 * A small model of the AWS state the enforcer reads and writes (endpoint tags, parameter histories, alarm tags),
 * served through aws-sdk-client-mock with paging, and with faults injected per operation.
 */
export class SimulatedAws {
  public readonly tags = new Map<string, Map<string, string>>();
  public readonly parameters = new Map<string, Version[]>();
  public readonly alarmTags = new Map<string, { Key: string; Value: string }[]>();
  public tagPageSize = 100;
  public historyPageSize = 50;
  /** A ListTags whose pages never end: every page carries the same NextToken. */
  public tagPagesLoop = false;
  public calls: Call[] = [];
  private rules: Rule[] = [];
  private t0 = 0;
  private mocks: ReturnType<typeof mockClient>[] = [];
  private sdk!: Sdk;

  /** A simulation serving the clients of `sdk`; without it, call `attach` once the enforcer is loaded. */
  constructor(sdk?: Sdk) {
    if (sdk) {
      this.attach(sdk);
    }
  }

  /** Serve the clients of `sdk` (the bundle carries its own copy of the SDK: mock the very classes it runs). */
  public attach(sdk: Sdk): void {
    this.sdk = sdk;
    this.mocks = [mockClient(sdk.SageMakerClient), mockClient(sdk.SSMClient), mockClient(sdk.S3Client), mockClient(sdk.SNSClient), mockClient(sdk.CloudWatchClient)];
  }

  /** Forget all state, faults and calls; serve the operations again. */
  public reset(): void {
    this.tags.clear();
    this.parameters.clear();
    this.alarmTags.clear();
    this.tagPageSize = 100;
    this.historyPageSize = 50;
    this.tagPagesLoop = false;
    this.calls = [];
    this.rules = [];
    this.t0 = Date.now();
    const [sm, ssm, s3, sns, cw] = this.mocks;
    this.mocks.forEach((m) => m.reset());
    const sdk = this.sdk;
    sm.on(sdk.ListTagsCommand).callsFake((input) => this.serve('ListTags', input, () => this.listTags(input)));
    sm.on(sdk.AddTagsCommand).callsFake((input) => this.serve('AddTags', input, () => {
      input.Tags.forEach((t: { Key: string; Value: string }) => this.endpointTags(input.ResourceArn).set(t.Key, t.Value));
      return {};
    }));
    sm.on(sdk.DeleteTagsCommand).callsFake((input) => this.serve('DeleteTags', input, () => {
      input.TagKeys.forEach((k: string) => this.endpointTags(input.ResourceArn).delete(k));
      return {};
    }));
    sm.on(sdk.DescribeEndpointCommand).callsFake((input) => this.serve('DescribeEndpoint', input, () => ({ EndpointName: input.EndpointName, EndpointConfigName: 'config-1', EndpointStatus: 'InService' })));
    sm.on(sdk.DescribeEndpointConfigCommand).callsFake((input) => this.serve('DescribeEndpointConfig', input, () => ({ EndpointConfigName: 'config-1', ProductionVariants: [{ VariantName: 'primary', ModelName: 'model-1' }] })));
    sm.on(sdk.DescribeModelCommand).callsFake((input) => this.serve('DescribeModel', input, () => ({ ModelName: 'model-1', PrimaryContainer: { ModelPackageName: `arn:aws:sagemaker:${REGION_ACCOUNT}:model-package/fraud/7` } })));
    sm.on(sdk.DescribeModelPackageCommand).callsFake((input) => this.serve('DescribeModelPackage', input, () => ({ ModelPackageArn: input.ModelPackageName, ModelApprovalStatus: 'Approved' })));
    ssm.on(sdk.GetParameterHistoryCommand).callsFake((input) => this.serve('GetParameterHistory', input, () => this.history(input)));
    ssm.on(sdk.GetParameterCommand).callsFake((input) => this.serve('GetParameter', input, () => {
      const versions = this.parameters.get(input.Name);
      if (!versions || versions.length === 0) {
        throw faultError('parameter-not-found');
      }
      return { Parameter: { Name: input.Name, Value: versions[versions.length - 1].Value } };
    }));
    ssm.on(sdk.PutParameterCommand).callsFake((input) => this.serve('PutParameter', input, () => {
      const versions = this.parameters.get(input.Name) ?? [];
      const Version = (versions[versions.length - 1]?.Version ?? 0) + 1;
      this.parameters.set(input.Name, [...versions, { Version, Value: input.Value, Description: input.Description, LastModifiedUser: ENFORCER }]);
      return { Version };
    }));
    s3.on(sdk.PutObjectCommand).callsFake((input) => this.serve('PutObject', input, () => ({})));
    sns.on(sdk.PublishCommand).callsFake((input) => this.serve('Publish', input, () => ({ MessageId: `m-${this.calls.length}` })));
    cw.on(sdk.ListTagsForResourceCommand).callsFake((input) => this.serve('ListTagsForResource', input, () => ({ Tags: this.alarmTags.get(input.ResourceARN) ?? [] })));
  }

  /** Stop mocking (after all tests of a variant). */
  public restore(): void {
    this.mocks.forEach((m) => m.restore());
  }

  /** An endpoint that exists, with these tags (the owner tag is always there). */
  public endpoint(name: string, tags: Record<string, string> = {}): void {
    this.tags.set(endpointArn(name), new Map([['governance:owner', 'fraud-ml@example.com'], ...Object.entries(tags)]));
  }

  /** A parameter with these versions (oldest first). */
  public parameter(name: string, ...versions: Version[]): void {
    this.parameters.set(name, versions);
  }

  /** Make the next `times` matching calls of `op` fail with `fault` (every call when `times` is omitted). */
  public fail(op: Op, fault: Fault, options: { times?: number; when?: (input: any) => boolean } = {}): void {
    this.rules.push({ op, fault, remaining: options.times ?? Infinity, when: options.when });
  }

  /** Serve every call again. */
  public heal(): void {
    this.rules = [];
  }

  public tagOf(name: string): string | undefined {
    return this.tags.get(endpointArn(name))?.get(TAG);
  }

  public callsOf(op: Op): Call[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** The calls that succeeded. */
  public done(op: Op): Call[] {
    return this.callsOf(op).filter((c) => c.fault === undefined);
  }

  public published(): { Subject: string; Message: string }[] {
    return this.done('Publish').map((c) => c.input);
  }

  public newestVersion(name: string): Version | undefined {
    const v = this.parameters.get(name);
    return v?.[v.length - 1];
  }

  private endpointTags(arn: string): Map<string, string> {
    const tags = this.tags.get(arn);
    if (!tags) {
      throw faultError('endpoint-not-found');
    }
    return tags;
  }

  private serve(op: Op, input: any, answer: () => unknown): unknown {
    const rule = this.rules.find((r) => r.op === op && r.remaining > 0 && (!r.when || r.when(input)));
    const at = Date.now() - this.t0;
    if (!rule) {
      try {
        const output = answer();
        this.calls.push({ op, input, at, output });
        return output;
      } catch (err) {
        this.calls.push({ op, input, at, fault: (err as Error).name });
        throw err;
      }
    }
    rule.remaining--;
    this.calls.push({ op, input, at, fault: rule.fault });
    if (rule.fault === 'hang') {
      return new Promise(() => undefined);
    }
    throw faultError(rule.fault);
  }

  private listTags(input: { ResourceArn: string; NextToken?: string }): unknown {
    const all = [...this.endpointTags(input.ResourceArn)].map(([Key, Value]) => ({ Key, Value }));
    if (this.tagPagesLoop) {
      return { Tags: all.slice(0, 1), NextToken: 'p1' };
    }
    return page(all, input.NextToken, this.tagPageSize, 'Tags');
  }

  private history(input: { Name: string; NextToken?: string }): unknown {
    const versions = this.parameters.get(input.Name);
    if (!versions || versions.length === 0) {
      throw faultError('parameter-not-found');
    }
    return page(versions.map((v) => ({ Name: input.Name, Type: 'String', ...v })), input.NextToken, this.historyPageSize, 'Parameters');
  }
}

function page<T>(items: T[], token: string | undefined, size: number, key: string): Record<string, unknown> {
  const index = token ? Number(token.slice(1)) : 0;
  const next = index + 1;
  return { [key]: items.slice(index * size, next * size), NextToken: next * size < items.length ? `p${next}` : undefined };
}

/**
 * Drive a promise to completion under fake timers, advancing virtual time in steps of `stepMs` (the precision
 * of the time returned); returns its value or error and the virtual time it took. Every path of the handlers is
 * bounded, so this always ends.
 */
export async function settle<T>(promise: Promise<T>, stepMs = 250): Promise<{ value?: T; error?: Error & { outcomes?: any[] }; ms: number }> {
  const start = Date.now();
  let result: { value?: T; error?: Error & { outcomes?: any[] }; ms: number } | undefined;
  promise.then(
    (value) => { result = { value, ms: Date.now() - start }; },
    (error) => { result = { error, ms: Date.now() - start }; },
  );
  for (let i = 0; i < 10_000 && result === undefined; i++) {
    await jest.advanceTimersByTimeAsync(stepMs);
  }
  if (result === undefined) {
    throw new Error(`the handler did not settle within ${(10_000 * stepMs) / 1000} virtual seconds`);
  }
  return result;
}

/** Fake timers that leave the microtask queue alone (the SDK mocks answer through promises). */
export function useFakeTimers(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
}

/** Silence the handler's log lines and keep them for assertions (parsed JSON), in `lines` when given. */
export function captureLogs(lines: Record<string, any>[] = []): Record<string, any>[] {
  const keep = (line: unknown) => {
    try {
      lines.push(JSON.parse(String(line)));
    } catch {
      lines.push({ raw: String(line) });
    }
  };
  jest.spyOn(console, 'log').mockImplementation(keep);
  jest.spyOn(console, 'error').mockImplementation(keep);
  jest.spyOn(console, 'warn').mockImplementation(keep);
  return lines;
}

/** The enforcer under test and the simulated AWS around it. */
export interface SimulatedEnforcer {
  /** The enforcer module (source or bundle), loaded before the first test. */
  readonly mod: EnforcerModule;
  readonly aws: SimulatedAws;
  /** The current test's log lines (parsed JSON). */
  readonly logs: Record<string, any>[];
}

/**
 * For every test of the enclosing `describe`: the enforcer that `load` returns, a simulated AWS around it with
 * a fresh state, virtual time (fake timers) and captured logs; real timers and mocks are restored afterwards.
 */
export function useSimulatedEnforcer(load: () => EnforcerModule): SimulatedEnforcer {
  const aws = new SimulatedAws();
  const logs: Record<string, any>[] = [];
  let mod: EnforcerModule | undefined;
  beforeAll(() => {
    mod = load();
    aws.attach(mod.sdk);
  });
  afterAll(() => aws.restore());
  beforeEach(() => {
    useFakeTimers();
    logs.length = 0;
    captureLogs(logs);
    aws.reset();
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
  return {
    aws,
    logs,
    get mod(): EnforcerModule {
      if (!mod) {
        throw new Error('the enforcer is loaded before the first test: use it inside a test or hook');
      }
      return mod;
    },
  };
}
