/**
 * Fault injection for the approval gate: it always answers CloudFormation, FAILED on any fault, within its
 * function's time, through a bounded and retried PUT. Runs against the source and the bundle.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import * as source from '../../lib/handlers/approval-gate';
import { bundlePath, ensureBundles } from '../helpers/builds';
import { faultError, settle, useFakeTimers } from '../helpers/simulated-aws';
import { StubServer } from '../helpers/stub-server';

type GateModule = typeof source;
const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/7';

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RequestType: 'Create', ResponseURL: 'https://example.invalid/response', StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'Gate',
    ResourceProperties: { ModelPackageArn: PACKAGE }, ...overrides,
  };
}

beforeAll(() => ensureBundles());
beforeEach(() => {
  for (const level of ['log', 'error', 'warn'] as const) {
    jest.spyOn(console, level).mockImplementation(() => undefined);
  }
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe.each<[string, () => GateModule]>([
  ['source', () => source],
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['esbuild bundle', () => require(bundlePath('approval-gate')) as GateModule],
])('approval gate under faults (%s)', (_variant, load) => {
  // The bundle carries its own copy of the SDK, so the client is passed in and matched by input.
  const sm = mockClient(SageMakerClient);
  beforeEach(() => sm.reset());
  afterAll(() => sm.restore());

  describe('the check fails closed within its bound', () => {
    test.each<[string, () => void, RegExp]>([
      ['is denied (AccessDenied)', () => sm.onAnyCommand().rejects(faultError('denied')), /AccessDeniedException: User is not authorized/],
      ['is throttled past the retries', () => sm.onAnyCommand().rejects(faultError('throttled')), /ThrottlingException/],
      ['fails with a 5xx', () => sm.onAnyCommand().rejects(faultError('server')), /InternalFailure/],
      ['never answers', () => sm.onAnyCommand().callsFake(() => new Promise(() => undefined)), /TimeoutError: DescribeModelPackage did not finish within/],
    ])('WHEN DescribeModelPackage %s, THEN the gate decides FAILED within the check budget', async (_what, arrange, reason) => {
      useFakeTimers();
      arrange();
      const gate = load();
      const { value, ms } = await settle(gate.decide(event() as unknown as source.GateEvent, new SageMakerClient({})), 100);
      expect(value).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(reason) });
      expect(value!.Reason).toMatch(/failing closed\.$/);
      expect(ms).toBeLessThanOrEqual(gate.DEFAULT_GATE_BOUNDS.checkMs);
    });
  });

  describe('the handler always answers CloudFormation', () => {
    let cloudformation: StubServer;
    beforeAll(async () => { cloudformation = await StubServer.start(() => ({ status: 200 })); });
    afterAll(() => cloudformation.stop());
    beforeEach(() => cloudformation.received.splice(0));
    const answered = () => cloudformation.received.map((r) => JSON.parse(r.body));
    const withUrl = (overrides: Record<string, unknown> = {}) => event({ ResponseURL: `${cloudformation.url}/response`, ...overrides });

    test('GIVEN a client that throws by itself, THEN the gate answers FAILED with the error', async () => {
      const broken = { send: () => { throw new TypeError('client exploded'); } } as unknown as SageMakerClient;
      await load().createHandler({ client: broken })(withUrl());
      expect(answered()).toEqual([expect.objectContaining({ Status: 'FAILED', RequestId: 'req-1', Reason: expect.stringMatching(/TypeError: client exploded.*failing closed/) })]);
    });

    test('GIVEN an event whose fields cannot even be read, THEN the gate still answers FAILED', async () => {
      const hostile = withUrl();
      Object.defineProperty(hostile, 'RequestType', { get: () => { throw new Error('unreadable'); } });
      await load().createHandler({ client: new SageMakerClient({}) })(hostile);
      expect(answered()).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringMatching(/The approval gate failed \(unreadable\); failing closed/) })]);
    });

    test.each<[string, Record<string, unknown>, RegExp]>([
      ['an unknown request type', { RequestType: 'Rollback' }, /Unexpected request type "Rollback"; failing closed/],
      ['no resource properties', { ResourceProperties: undefined }, /ModelPackageArn is missing/],
      ['an empty package ARN', { ResourceProperties: { ModelPackageArn: '' } }, /ModelPackageArn is missing/],
    ])('GIVEN %s, THEN the gate answers FAILED without calling SageMaker', async (_what, overrides, reason) => {
      await load().createHandler({ client: new SageMakerClient({}) })(withUrl(overrides));
      expect(answered()).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringMatching(reason) })]);
      expect(sm.calls()).toHaveLength(0);
    });

    test('GIVEN a Delete, THEN the gate answers SUCCESS even when SageMaker is down', async () => {
      sm.onAnyCommand().rejects(faultError('server'));
      await load().createHandler({ client: new SageMakerClient({}) })(withUrl({ RequestType: 'Delete', PhysicalResourceId: PACKAGE }));
      expect(answered()).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: PACKAGE })]);
    });

    test('GIVEN little time left in the invocation, THEN the check is cut short so the answer still fits', async () => {
      sm.onAnyCommand().callsFake(() => new Promise(() => undefined));
      const gate = load();
      const bounds = { ...gate.DEFAULT_GATE_BOUNDS, responseAttemptTimeoutMs: 100, responseAttempts: 2, responseBackoffMs: 10, reserveMs: 50 };
      // 300 ms left: the answer may need 2 x 100 + 10 ms, and the reserve 50 ms, so the check gets 40 ms
      const start = Date.now();
      await gate.createHandler({ client: new SageMakerClient({}), bounds })(withUrl(), { getRemainingTimeInMillis: () => 300 });
      expect(Date.now() - start).toBeLessThan(300);
      expect(answered()).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringMatching(/DescribeModelPackage did not finish within \d+ ms/) })]);
      // The budget is what is left of those 40 ms when the call starts (a millisecond may already have passed).
      const budget = Number(/within (\d+) ms/.exec(answered()[0].Reason)![1]);
      expect(budget).toBeGreaterThan(30);
      expect(budget).toBeLessThanOrEqual(40);
    });

    test.each<[string, unknown]>([['no ResponseURL', event({ ResponseURL: undefined })], ['a ResponseURL that is not a URL', event({ ResponseURL: 'nope' })], ['null', null]])(
      'GIVEN an event with %s, THEN the invocation fails loudly (there is nobody to answer)', async (_what, input) => {
        await expect(load().createHandler({ client: new SageMakerClient({}) })(input)).rejects.toThrow(/no ResponseURL, so CloudFormation cannot be answered/);
      });
  });

  describe('the answer is a bounded, retried PUT', () => {
    const small = (gate: GateModule) => ({ ...gate.DEFAULT_GATE_BOUNDS, responseAttemptTimeoutMs: 100, responseAttempts: 3, responseBackoffMs: 10 });
    const answer = { Status: 'FAILED' as const, Reason: 'not approved', PhysicalResourceId: PACKAGE, StackId: 's', RequestId: 'r', LogicalResourceId: 'Gate' };

    test('GIVEN a response URL that never answers, THEN each attempt is abandoned and the send fails after the last one', async () => {
      await StubServer.using(() => undefined, async (silent) => {
        const start = Date.now();
        await expect(load().send(`${silent.url}/r`, answer, small(load()))).rejects.toThrow(/could not deliver the FAILED response to CloudFormation \(attempt 3 of 3\): TimeoutError/);
        expect(silent.received).toHaveLength(3);
        expect(Date.now() - start).toBeLessThan(900);
      });
    });

    test('GIVEN a response URL that fails once with a 5xx, THEN the answer is delivered on the second attempt', async () => {
      let n = 0;
      await StubServer.using(() => ({ status: n++ === 0 ? 503 : 200 }), async (flaky) => {
        await load().send(`${flaky.url}/r`, answer, small(load()));
        expect(flaky.received.map((r) => JSON.parse(r.body).Status)).toEqual(['FAILED', 'FAILED']);
      });
    });

    test('GIVEN a response URL that refuses the answer (403), THEN it is not retried', async () => {
      await StubServer.using(() => ({ status: 403 }), async (expired) => {
        await expect(load().send(`${expired.url}/r`, answer, small(load()))).rejects.toThrow(/HTTP 403/);
        expect(expired.received).toHaveLength(1);
      });
    });

    test('GIVEN a very long reason, THEN the body stays under CloudFormation\'s 4,096-byte limit', async () => {
      await StubServer.using(() => ({ status: 200 }), async (ok) => {
        await load().send(`${ok.url}/r`, { ...answer, Reason: `Could not read model package (${'x'.repeat(10_000)})` });
        const [r] = ok.received;
        expect(Buffer.byteLength(r.body)).toBeLessThan(4_096);
        expect(JSON.parse(r.body).Reason).toMatch(/^Could not read model package \(x+\.\.\.$/);
      });
    });
  });
});
