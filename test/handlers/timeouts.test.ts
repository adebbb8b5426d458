/**
 * A call that never answers is really abandoned: real SDK clients (source and bundle) against a local server
 * that accepts requests and never answers, with small timeouts, so the real waiting stays well under a second.
 */
import { bundlePath, ensureBundles } from '../helpers/builds';
import { ENFORCER_VARIANTS, EnforcerModule } from '../helpers/simulated-aws';
import { STUB_CLIENT, StubServer } from '../helpers/stub-server';

type GateModule = typeof import('../../lib/handlers/approval-gate');

const PARAMETER = '/governed-endpoint/fraud-scoring/kill-switch';
const ENDPOINT_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/fraud-scoring';
const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/7';

/** The time `promise` took to settle, and how; gives up (as an error) after `guardMs` so a regression fails fast. */
async function timed<T>(promise: Promise<T>, guardMs = 2_000): Promise<{ ms: number; value?: T; error?: Error }> {
  const start = Date.now();
  let guard: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => { guard = setTimeout(() => reject(new Error(`still waiting after ${guardMs} ms`)), guardMs); });
  return Promise.race([promise, gaveUp]).then(
    (value) => ({ ms: Date.now() - start, value }),
    (error: Error) => ({ ms: Date.now() - start, error }),
  ).finally(() => clearTimeout(guard));
}

beforeEach(() => {
  for (const level of ['log', 'error', 'warn'] as const) {
    jest.spyOn(console, level).mockImplementation(() => undefined);
  }
});
afterEach(() => jest.restoreAllMocks());

describe.each(ENFORCER_VARIANTS)('kill-switch enforcer against a server that never answers (%s)', (_variant, load) => {
  let mod: EnforcerModule;
  let stub: StubServer;
  beforeAll(async () => {
    mod = load();
    stub = await StubServer.start((r) => {
      if (r.target === 'AmazonSSM.GetParameterHistory') {
        return { status: 200, body: JSON.stringify({ Parameters: [{ Name: PARAMETER, Type: 'String', Value: 'PAUSED', Version: 2, Description: 'INC-42', LastModifiedDate: 1893456000 }] }) };
      }
      if (r.target === 'SageMaker.AddTags') {
        return { status: 200, body: '{"Tags":[]}' };
      }
      return undefined; // ListTags and everything else: accepted, never answered
    });
  });
  afterAll(() => stub.stop());
  beforeEach(() => stub.received.splice(0));

  test('GIVEN the clients\' own timeouts only, WHEN a call gets no answer, THEN the HTTP handler abandons it with a TimeoutError after the request timeout', async () => {
    const clients = mod.sdk.createClients({ ...STUB_CLIENT, endpoint: stub.url, connectionTimeoutMs: 200, requestTimeoutMs: 150 });
    try {
      const { ms, error } = await timed(clients.sagemaker.send(new mod.sdk.ListTagsCommand({ ResourceArn: ENDPOINT_ARN })));
      expect(error?.name).toBe('TimeoutError');
      expect(ms).toBeGreaterThanOrEqual(140);
      expect(ms).toBeLessThan(900);
      expect(stub.received.map((r) => r.target)).toEqual(['SageMaker.ListTags']);
    } finally {
      clients.sagemaker.destroy();
    }
  });

  test('GIVEN a request timeout without throwOnRequestTimeout, THEN the HTTP handler keeps waiting past it (which is why the clients set it)', async () => {
    const client = new mod.sdk.SageMakerClient({ ...STUB_CLIENT, endpoint: stub.url, maxAttempts: 1, requestHandler: { requestTimeout: 100 } });
    try {
      const outcome = await Promise.race([
        client.send(new mod.sdk.ListTagsCommand({ ResourceArn: ENDPOINT_ARN })).then(() => 'answered', () => 'rejected'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 400)),
      ]);
      expect(outcome).toBe('still waiting');
    } finally {
      client.destroy();
    }
  });

  test('GIVEN the enforcer, WHEN ListTags never answers, THEN the endpoint is paused within the read bound and the invocation fails loudly', async () => {
    // Clients with no request timeout at all: only the enforcer's own per-attempt deadline can end the hang.
    const clients = mod.sdk.createClients({ ...STUB_CLIENT, endpoint: stub.url, connectionTimeoutMs: 200, requestTimeoutMs: 0 });
    const bounds = { ...mod.DEFAULT_BOUNDS, attemptTimeoutMs: 120, readMs: 300, tagWriteMs: 300, notifyMs: 200, endpointMs: 1_500, graceMs: 100 };
    try {
      const handler = mod.createHandler({ clients, bounds, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      const { ms, error } = await timed(handler({ kind: 'reconcile', targets: [{ endpoint: 'fraud-scoring', endpointArn: ENDPOINT_ARN, parameter: PARAMETER }] }));
      expect(error?.message).toMatch(/fraud-scoring: the endpoint's tags could not be read \(TimeoutError: ListTags did not finish within \d+ ms/);
      const targets = stub.received.map((r) => r.target);
      expect(targets.filter((t) => t === 'SageMaker.ListTags')).toHaveLength(2);
      expect(targets).toContain('SageMaker.AddTags');
      expect(targets).not.toContain('SageMaker.DeleteTags');
      expect(JSON.parse(stub.received.find((r) => r.target === 'SageMaker.AddTags')!.body)).toEqual({ ResourceArn: ENDPOINT_ARN, Tags: [{ Key: 'governance:kill-switch', Value: 'PAUSED' }] });
      expect(ms).toBeLessThan(900);
    } finally {
      Object.values(clients).forEach((c) => c.destroy());
    }
  });
});

describe.each<[string, () => GateModule]>([
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['source', () => require('../../lib/handlers/approval-gate') as GateModule],
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['esbuild bundle', () => { ensureBundles(); return require(bundlePath('approval-gate')) as GateModule; }],
])('approval gate against a SageMaker that never answers (%s)', (_variant, load) => {
  let gate: GateModule;
  let sagemaker: StubServer;
  let cloudformation: StubServer;
  beforeAll(async () => {
    gate = load();
    sagemaker = await StubServer.start(() => undefined);
    cloudformation = await StubServer.start(() => ({ status: 200 }));
  });
  afterAll(() => Promise.all([sagemaker.stop(), cloudformation.stop()]));

  test('GIVEN DescribeModelPackage never answers, THEN the gate answers FAILED to CloudFormation within its check bound', async () => {
    const bounds = { ...gate.DEFAULT_GATE_BOUNDS, requestTimeoutMs: 100, attemptTimeoutMs: 150, checkMs: 400 };
    const client = gate.createClient(bounds, { ...STUB_CLIENT, endpoint: sagemaker.url });
    try {
      const handler = gate.createHandler({ client, bounds });
      const event = {
        RequestType: 'Create', ResponseURL: `${cloudformation.url}/response`, StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'Gate',
        ResourceProperties: { ModelPackageArn: PACKAGE },
      };
      const { ms, error } = await timed(handler(event));
      expect(error).toBeUndefined();
      expect(ms).toBeLessThan(900);
      expect(sagemaker.received.length).toBeGreaterThanOrEqual(1);
      const [answer] = cloudformation.received;
      expect(answer.method).toBe('PUT');
      expect(JSON.parse(answer.body)).toMatchObject({ Status: 'FAILED', RequestId: 'req-1', Reason: expect.stringMatching(/Could not read model package .*TimeoutError.*failing closed/) });
    } finally {
      client.destroy();
    }
  });
});
