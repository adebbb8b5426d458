/**
 * The enforcer finds the endpoints it serves by their tags: `governance:foundation=<its foundation>` from the
 * Resource Groups Tagging API on a reconcile and a parameter change, and the endpoint's own tags on a state change.
 * What it cannot find with certainty fails the invocation and is enforced on no guess. Simulated AWS
 * (aws-sdk-client-mock), virtual time, the production retry policy; then real clients against a server that never
 * answers. The source and the bundle.
 */
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import {
  BUCKET, deployed, endpointArn, ENFORCER_VARIANTS, faultError, operator, parameterOf, RETRY, settle, TOPIC, useSimulatedEnforcer,
} from '../helpers/simulated-aws';
import { STUB_CLIENT, StubServer } from '../helpers/stub-server';

const FOUNDATION = 'payments';
const FOUNDATION_TAG = 'governance:foundation';
const PARAMETER_TAG = 'governance:kill-switch-parameter';
const ENV_KEYS = ['GOVERNANCE_FOUNDATION', 'EVIDENCE_BUCKET', 'ALERT_TOPIC_ARN'] as const;
const ssmResource = (parameter: string) => `arn:aws:ssm:eu-west-1:123456789012:parameter${parameter}`;

const reconcile = () => ({ kind: 'reconcile' });
const parameterChange = (parameter: string, resources: string[] = [ssmResource(parameter)]) => ({
  kind: 'event',
  event: { id: 'evt-1', source: 'aws.ssm', 'detail-type': 'Parameter Store Change', account: '123456789012', region: 'eu-west-1', resources, detail: { name: parameter, operation: 'Update' } },
});
const stateChange = (name: string) => ({
  kind: 'event',
  event: { id: 'evt-2', source: 'aws.sagemaker', 'detail-type': 'SageMaker Endpoint State Change', account: '123456789012', region: 'eu-west-1', resources: [endpointArn(name)], detail: { EndpointName: name, EndpointStatus: 'IN_SERVICE' } },
});

describe.each(ENFORCER_VARIANTS)('kill-switch enforcer discovery by tags (%s)', (_variant, load) => {
  const sim = useSimulatedEnforcer(load);
  const { aws } = sim;
  let tagging: ReturnType<typeof mockClient>;
  /** The GetResources requests, in order. */
  let requests: any[];
  /** Endpoints per GetResources page. */
  let pageSize: number;
  /** The tag index has not caught up yet: GetResources finds nothing. */
  let indexLags: boolean;
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  /** An endpoint of `foundation` whose kill switch is `parameter` (both as tags), paused by an operator. */
  const governed = (name: string, options: { foundation?: string; parameter?: string | null; value?: string } = {}) => {
    const parameter = options.parameter === undefined ? parameterOf(name) : options.parameter;
    aws.endpoint(name, { [FOUNDATION_TAG]: options.foundation ?? FOUNDATION, ...(parameter === null ? {} : { [PARAMETER_TAG]: parameter }) });
    if (parameter !== null && !aws.parameters.has(parameter)) {
      aws.parameter(parameter, deployed(1, name), operator(2, options.value ?? 'PAUSED'));
    }
  };
  const run = (event: unknown, options: Record<string, unknown> = {}) => settle(sim.mod.createHandler({ retry: RETRY, ...options })(event));
  const touched = () => aws.calls.map((c) => c.op);
  const tagged = () => aws.done('AddTags').map((c) => c.input.ResourceArn);

  beforeAll(() => {
    tagging = mockClient(sim.mod.sdk.ResourceGroupsTaggingAPIClient);
  });
  afterAll(() => tagging.restore());

  beforeEach(() => {
    ENV_KEYS.forEach((k) => { saved[k] = process.env[k]; });
    process.env.GOVERNANCE_FOUNDATION = FOUNDATION;
    process.env.EVIDENCE_BUCKET = BUCKET;
    process.env.ALERT_TOPIC_ARN = TOPIC;
    requests = [];
    pageSize = 100;
    indexLags = false;
    tagging.reset();
    // The tag index over the simulated endpoints: every tag filter must match (any of its values), paged by `pageSize`.
    tagging.on(sim.mod.sdk.GetResourcesCommand).callsFake((input: any) => {
      requests.push(input);
      const matching = indexLags ? [] : [...aws.tags].filter(([, tags]) => (input.TagFilters ?? []).every((f: any) => f.Values.includes(tags.get(f.Key))));
      const start = input.PaginationToken ? Number(input.PaginationToken.slice(1)) : 0;
      const next = start + pageSize;
      return {
        ResourceTagMappingList: matching.slice(start, next).map(([arn, tags]) => ({ ResourceARN: arn, Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) })),
        PaginationToken: next < matching.length ? `t${next}` : '',
      };
    });
  });
  afterEach(() => {
    ENV_KEYS.forEach((k) => (saved[k] === undefined ? delete process.env[k] : (process.env[k] = saved[k])));
  });

  describe('GIVEN a reconcile tick without targets', () => {
    test('WHEN the foundation has endpoints on several pages THEN every page is read and each endpoint is enforced with the parameter its tag names, the bucket and topic of the environment', async () => {
      pageSize = 2;
      governed('fraud-scoring', { parameter: '/governed-endpoint/renamed-switch/kill-switch' });
      governed('churn');
      governed('credit-limit');
      governed('ads-ranking', { foundation: 'marketing' });
      const { error, value } = await run(reconcile());
      expect(error).toBeUndefined();
      // THEN the tagging API was asked for the foundation's SageMaker endpoints, page after page
      expect(requests).toEqual([
        expect.objectContaining({ ResourceTypeFilters: ['sagemaker:endpoint'], TagFilters: [{ Key: FOUNDATION_TAG, Values: [FOUNDATION] }], PaginationToken: undefined }),
        expect.objectContaining({ ResourceTypeFilters: ['sagemaker:endpoint'], TagFilters: [{ Key: FOUNDATION_TAG, Values: [FOUNDATION] }], PaginationToken: 't2' }),
      ]);
      // AND each endpoint of the foundation was paused after reading the parameter its own tag names
      expect(tagged().sort()).toEqual(['churn', 'credit-limit', 'fraud-scoring'].map(endpointArn));
      expect(aws.done('GetParameterHistory').map((c) => c.input.Name).sort()).toEqual(
        ['/governed-endpoint/churn/kill-switch', '/governed-endpoint/credit-limit/kill-switch', '/governed-endpoint/renamed-switch/kill-switch']);
      expect(value?.outcomes.map((o: any) => [o.endpoint, o.action]).sort()).toEqual([['churn', 'paused'], ['credit-limit', 'paused'], ['fraud-scoring', 'paused']]);
      // AND the evidence and the alerts went where the environment says
      expect(new Set(aws.done('PutObject').map((c) => c.input.Bucket))).toEqual(new Set([BUCKET]));
      expect(aws.done('Publish').map((c) => c.input.TopicArn)).toEqual([TOPIC, TOPIC, TOPIC]);
      // AND the endpoint of another foundation was not touched
      expect(aws.calls.filter((c) => JSON.stringify(c.input).includes('ads-ranking'))).toEqual([]);
    });

    test('WHEN an endpoint named with capitals is found by its lower-case ARN THEN it is enforced under the name its tag holds, the dimension of its metrics', async () => {
      aws.endpoint('fraudscoring', { [FOUNDATION_TAG]: FOUNDATION, [PARAMETER_TAG]: '/governed-endpoint/FraudScoring/kill-switch', 'governance:endpoint-name': 'FraudScoring' });
      aws.parameter('/governed-endpoint/FraudScoring/kill-switch', deployed(1, 'FraudScoring'), operator(2, 'PAUSED'));
      const { error, value } = await run(reconcile());
      expect(error).toBeUndefined();
      expect(value?.outcomes.map((o: any) => [o.endpoint, o.action])).toEqual([['FraudScoring', 'paused']]);
      expect(tagged()).toEqual([endpointArn('fraudscoring')]);
    });

    test('WHEN endpoints of several foundations fill any number of pages THEN exactly the endpoints of this foundation are enforced, each once', async () => {
      const fleetOf = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), ours: fc.boolean() }), { selector: (e) => e.name, maxLength: 12 });
      await fc.assert(fc.asyncProperty(fleetOf, fc.integer({ min: 1, max: 5 }), async (endpoints, size) => {
        aws.reset();
        requests = [];
        pageSize = size;
        endpoints.forEach((e) => governed(e.name, { foundation: e.ours ? FOUNDATION : 'marketing' }));
        const { error } = await run(reconcile());
        const ours = endpoints.filter((e) => e.ours).map((e) => endpointArn(e.name)).sort();
        expect(error).toBeUndefined();
        expect(tagged().sort()).toEqual(ours);
        expect(requests).toHaveLength(Math.max(1, Math.ceil(ours.length / size)));
      }), { numRuns: 25 });
    });

    test('WHEN the handler is given a fleet THEN that fleet is served rather than the environment\'s, with its bucket and topic', async () => {
      const fleet = { foundation: 'risk', bucket: 'risk-evidence', topic: 'arn:aws:sns:eu-west-1:123456789012:risk-alerts' };
      governed('fraud-scoring', { foundation: 'risk' });
      governed('churn');
      const { error } = await run(reconcile(), { fleet });
      expect(error).toBeUndefined();
      expect(requests[0].TagFilters).toEqual([{ Key: FOUNDATION_TAG, Values: ['risk'] }]);
      expect(tagged()).toEqual([endpointArn('fraud-scoring')]);
      expect(aws.done('PutObject').map((c) => c.input.Bucket)).toEqual(['risk-evidence']);
      expect(aws.done('Publish').map((c) => c.input.TopicArn)).toEqual([fleet.topic]);
    });

    test('WHEN an endpoint carries no parameter tag THEN it fails closed: it is paused, the alert says why, and the invocation fails', async () => {
      governed('fraud-scoring', { parameter: null });
      governed('churn', { value: 'ACTIVE' });
      const { error } = await run(reconcile());
      expect(tagged()).toEqual([endpointArn('fraud-scoring')]);
      expect(aws.published()).toEqual([expect.objectContaining({ Subject: '[kill switch] fraud-scoring PAUSED (fail closed)' })]);
      expect(aws.published()[0].Message).toMatch(/carries no governance:kill-switch-parameter tag/);
      expect(error?.message).toMatch(/kill-switch enforcement failed for fraud-scoring: failed closed: .*carries no governance:kill-switch-parameter tag/);
      expect(error?.outcomes).toEqual(expect.arrayContaining([expect.objectContaining({ endpoint: 'fraud-scoring', action: 'paused', failClosed: true })]));
    });

    test('WHEN GetResources repeats an earlier page token THEN the invocation fails and nothing is enforced on a partial list', async () => {
      governed('fraud-scoring');
      tagging.on(sim.mod.sdk.GetResourcesCommand).callsFake((input: any) => {
        requests.push(input);
        return { ResourceTagMappingList: [{ ResourceARN: endpointArn('fraud-scoring'), Tags: [] }], PaginationToken: 'same' };
      });
      const { error } = await run(reconcile());
      expect(error?.message).toMatch(/discovery of the endpoints of foundation payments failed: .*page token of an earlier page again/);
      expect(requests).toHaveLength(2);
      expect(touched()).toEqual([]);
    });

    test.each([
      ['throttling outlasts the retries', 'throttled' as const, RETRY.attempts],
      ['permission is denied', 'denied' as const, 1],
    ])('WHEN %s on GetResources THEN the invocation fails and nothing is enforced', async (_case, fault, attempts) => {
      governed('fraud-scoring');
      tagging.on(sim.mod.sdk.GetResourcesCommand).callsFake((input: any) => {
        requests.push(input);
        throw faultError(fault);
      });
      const { error } = await run(reconcile());
      expect(error?.message).toMatch(new RegExp(`discovery of the endpoints of foundation payments failed: .*${faultError(fault).name}`));
      expect(requests).toHaveLength(attempts);
      expect(touched()).toEqual([]);
      expect(sim.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', foundation: FOUNDATION }));
    });

    test('WHEN GetResources never answers THEN the invocation fails within the read budget and nothing is enforced', async () => {
      governed('fraud-scoring');
      tagging.on(sim.mod.sdk.GetResourcesCommand).callsFake(() => new Promise(() => undefined));
      const { error, ms } = await run(reconcile());
      expect(error?.message).toMatch(/discovery of the endpoints of foundation payments failed/);
      expect(ms).toBeLessThanOrEqual(sim.mod.DEFAULT_BOUNDS.readMs + sim.mod.DEFAULT_BOUNDS.graceMs);
      expect(touched()).toEqual([]);
    });

    test('WHEN one of two discovered endpoints hangs THEN the other is paused at once, and the run fails naming only the first', async () => {
      governed('fraud-scoring');
      governed('churn');
      aws.fail('ListTags', 'hang', { when: (input) => input.ResourceArn === endpointArn('fraud-scoring') });
      aws.fail('AddTags', 'hang', { when: (input) => input.ResourceArn === endpointArn('fraud-scoring') });
      const { error } = await run(reconcile());
      expect(aws.done('AddTags').map((c) => [c.input.ResourceArn, c.at < 1_000])).toEqual([[endpointArn('churn'), true]]);
      expect(error?.message).toMatch(/failed for fraud-scoring: /);
      expect(error?.message).not.toMatch(/churn: /);
    });
  });

  describe('GIVEN a kill-switch parameter change', () => {
    test('WHEN it arrives THEN only the endpoints tagged with this foundation and that parameter are enforced', async () => {
      const shared = parameterOf('fraud-scoring');
      governed('fraud-scoring');
      governed('fraud-scoring-b', { parameter: shared });
      governed('churn');
      governed('ads-ranking', { foundation: 'marketing', parameter: shared });
      const { error } = await run(parameterChange(shared));
      expect(error).toBeUndefined();
      expect(requests).toEqual([expect.objectContaining({
        ResourceTypeFilters: ['sagemaker:endpoint'], TagFilters: [{ Key: FOUNDATION_TAG, Values: [FOUNDATION] }, { Key: PARAMETER_TAG, Values: [shared] }],
      })]);
      expect(tagged().sort()).toEqual([endpointArn('fraud-scoring'), endpointArn('fraud-scoring-b')]);
      // AND neither the other foundation's endpoint on the same parameter, nor the foundation's other endpoint, was touched
      expect(aws.calls.filter((c) => /ads-ranking|churn/.test(JSON.stringify(c.input)))).toEqual([]);
    });

    test('WHEN the tag index has not caught up and the name is a default one THEN the endpoint it names is enforced, its own tags saying it is ours', async () => {
      indexLags = true;
      governed('fraud-scoring');
      const { error, value } = await run(parameterChange(parameterOf('fraud-scoring')));
      expect(error).toBeUndefined();
      expect(aws.done('ListTags')[0].input.ResourceArn).toBe(endpointArn('fraud-scoring'));
      expect(tagged()).toEqual([endpointArn('fraud-scoring')]);
      expect(value?.outcomes).toEqual([expect.objectContaining({ endpoint: 'fraud-scoring', action: 'paused' })]);
    });

    test('WHEN the tag index has not caught up and the event names no ARN THEN the account and region of the event make the endpoint ARN', async () => {
      indexLags = true;
      governed('fraud-scoring');
      const { error } = await run(parameterChange(parameterOf('fraud-scoring'), []));
      expect(error).toBeUndefined();
      expect(tagged()).toEqual([endpointArn('fraud-scoring')]);
    });

    test.each<[string, () => void]>([
      ['belongs to another foundation', () => governed('fraud-scoring', { foundation: 'marketing' })],
      ['is switched by another parameter', () => governed('fraud-scoring', { parameter: '/governed-endpoint/other/kill-switch' })],
      ['carries no foundation tag', () => aws.endpoint('fraud-scoring', { [PARAMETER_TAG]: parameterOf('fraud-scoring') })],
      ['does not exist', () => undefined],
    ])('WHEN the tag index has not caught up and the endpoint of the default name %s THEN nothing is enforced and the invocation succeeds', async (_case, arrange) => {
      indexLags = true;
      arrange();
      aws.parameter(parameterOf('fraud-scoring'), deployed(1), operator(2, 'PAUSED'));
      const { error, value } = await run(parameterChange(parameterOf('fraud-scoring')));
      expect(error).toBeUndefined();
      expect(value?.outcomes).toEqual([]);
      expect(touched()).toEqual(['ListTags']);
    });

    test('WHEN no endpoint is tagged with a parameter of a custom name THEN nothing is read beyond the tag index', async () => {
      governed('fraud-scoring');
      const { error, value } = await run(parameterChange('/governed-endpoint/team/fraud/kill-switch'));
      expect(error).toBeUndefined();
      expect(value?.outcomes).toEqual([]);
      expect(requests).toHaveLength(1);
      expect(touched()).toEqual([]);
    });
  });

  describe('GIVEN an endpoint state change', () => {
    test('WHEN the endpoint is tagged with this foundation THEN it is enforced with the parameter its tag names', async () => {
      governed('fraud-scoring', { parameter: '/governed-endpoint/renamed-switch/kill-switch' });
      const { error, value } = await run(stateChange('fraud-scoring'));
      expect(error).toBeUndefined();
      expect(requests).toEqual([]);
      expect(aws.done('GetParameterHistory').map((c) => c.input.Name)).toEqual(['/governed-endpoint/renamed-switch/kill-switch']);
      expect(tagged()).toEqual([endpointArn('fraud-scoring')]);
      expect(aws.done('Publish').map((c) => c.input.TopicArn)).toEqual([TOPIC]);
      expect(value?.outcomes).toEqual([expect.objectContaining({ endpoint: 'fraud-scoring', action: 'paused' })]);
    });

    test('WHEN the endpoint is ours but carries no parameter tag THEN it fails closed: it is paused and the invocation fails', async () => {
      governed('fraud-scoring', { parameter: null });
      const { error } = await run(stateChange('fraud-scoring'));
      expect(tagged()).toEqual([endpointArn('fraud-scoring')]);
      expect(error?.message).toMatch(/failed for fraud-scoring: failed closed: .*carries no governance:kill-switch-parameter tag/);
    });

    test.each<[string, () => void]>([
      ['belongs to another foundation', () => governed('fraud-scoring', { foundation: 'marketing' })],
      ['carries no foundation tag', () => aws.endpoint('fraud-scoring', { [PARAMETER_TAG]: parameterOf('fraud-scoring') })],
      ['is gone (ValidationException: could not find)', () => undefined],
    ])('WHEN the endpoint %s THEN it is ignored, and the invocation succeeds', async (_case, arrange) => {
      arrange();
      const { error, value } = await run(stateChange('fraud-scoring'));
      expect(error).toBeUndefined();
      expect(value?.outcomes).toEqual([]);
      expect(touched()).toEqual(['ListTags']);
    });

    test('WHEN SageMaker answers ResourceNotFound THEN the endpoint is ignored, and the invocation succeeds', async () => {
      const gone = Object.assign(new Error('Resource not found'), { name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } });
      const send = jest.fn(async () => { throw gone; });
      const clients = { ssm: { send }, sagemaker: { send }, s3: { send }, sns: { send }, cloudwatch: { send }, tagging: { send } };
      const { error, value } = await run(stateChange('fraud-scoring'), { clients });
      expect(error).toBeUndefined();
      expect(value?.outcomes).toEqual([]);
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0]).toEqual([expect.any(sim.mod.sdk.ListTagsCommand), expect.anything()]);
    });

    test('WHEN its tags cannot be read THEN the invocation fails, so it is retried, rather than ignoring a possibly governed endpoint', async () => {
      governed('fraud-scoring');
      aws.fail('ListTags', 'denied');
      const { error } = await run(stateChange('fraud-scoring'));
      expect(error?.message).toMatch(/discovery of the endpoints of foundation payments failed: AccessDeniedException/);
      expect(tagged()).toEqual([]);
    });
  });

  describe('GIVEN a function without a foundation', () => {
    test.each<[string, unknown]>([
      ['a reconcile tick', reconcile()],
      ['a parameter change', parameterChange(parameterOf('fraud-scoring'))],
      ['an endpoint state change', stateChange('fraud-scoring')],
    ])('WHEN %s arrives without targets THEN the invocation fails saying the foundation is missing, and nothing is read or enforced', async (_case, event) => {
      delete process.env.GOVERNANCE_FOUNDATION;
      governed('fraud-scoring');
      const { error } = await run(event);
      expect(error?.message).toMatch(/the enforcer has no GOVERNANCE_FOUNDATION in its environment/);
      expect(requests).toEqual([]);
      expect(touched()).toEqual([]);
    });

    test('WHEN an operator names the targets THEN they are enforced without discovery', async () => {
      delete process.env.GOVERNANCE_FOUNDATION;
      governed('fraud-scoring');
      const target = { endpoint: 'fraud-scoring', endpointArn: endpointArn('fraud-scoring'), parameter: parameterOf('fraud-scoring'), bucket: BUCKET, topic: TOPIC };
      const { error } = await run({ kind: 'reconcile', targets: [target] });
      expect(error).toBeUndefined();
      expect(requests).toEqual([]);
      expect(tagged()).toEqual([endpointArn('fraud-scoring')]);
    });
  });
});

describe.each(ENFORCER_VARIANTS)('kill-switch enforcer discovery against a tagging API that never answers (%s)', (_variant, load) => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await StubServer.start(() => undefined);
  });
  afterAll(() => stub.stop());
  beforeEach(() => {
    for (const level of ['log', 'error', 'warn'] as const) {
      jest.spyOn(console, level).mockImplementation(() => undefined);
    }
  });
  afterEach(() => jest.restoreAllMocks());

  test('GIVEN real clients without a request timeout, WHEN GetResources hangs, THEN the enforcer abandons it within the read bound and fails, having enforced nothing', async () => {
    const mod = load();
    const clients = mod.sdk.createClients({ ...STUB_CLIENT, endpoint: stub.url, connectionTimeoutMs: 200, requestTimeoutMs: 0 });
    const bounds = { ...mod.DEFAULT_BOUNDS, attemptTimeoutMs: 120, readMs: 300, graceMs: 100 };
    try {
      const handler = mod.createHandler({ clients, bounds, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, fleet: { foundation: FOUNDATION } });
      const start = Date.now();
      const error = await handler(reconcile()).then(() => undefined, (err: Error) => err);
      expect(Date.now() - start).toBeLessThan(900);
      expect(error?.message).toMatch(/discovery of the endpoints of foundation payments failed: TimeoutError: GetResources did not finish within \d+ ms/);
      expect(stub.received.map((r) => r.target)).toEqual(['ResourceGroupsTaggingAPI_20170126.GetResources', 'ResourceGroupsTaggingAPI_20170126.GetResources']);
    } finally {
      Object.values(clients).forEach((c) => c.destroy());
    }
  });
});
