/**
 * Bounded time and independence: a slow snapshot never holds the pause back past its bound, one endpoint's
 * hang never delays another's pause, and malformed input fails loudly. Virtual time (fake timers), the real
 * default bounds. Runs against the source and the bundle.
 */
import {
  deployed, ENDPOINT, ENFORCER_VARIANTS, operator, parameterOf, RETRY, settle, TARGET, targetOf, useSimulatedEnforcer,
} from '../helpers/simulated-aws';

const PARAMETER = parameterOf(ENDPOINT);
const ALARM_ARN = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fraud-scoring-5xx-error-rate';
const changeEvent = (targets: unknown[] = [TARGET]) => ({
  kind: 'event',
  event: { id: 'evt-1', source: 'aws.ssm', 'detail-type': 'Parameter Store Change', detail: { name: PARAMETER, operation: 'Update' } },
  targets,
});
const alarmRecord = (message: string) => ({ EventSource: 'aws:sns', Sns: { Message: message } });
const alarm = (fields: Record<string, unknown> = {}) => JSON.stringify({
  AlarmName: 'fraud-scoring-5xx-error-rate', AlarmArn: ALARM_ARN, NewStateValue: 'ALARM', NewStateReason: 'Threshold Crossed', StateChangeTime: '2030-01-09T10:00:00.000+0000', ...fields,
});

describe.each(ENFORCER_VARIANTS)('kill-switch enforcer time bounds (%s)', (_variant, load) => {
  const sim = useSimulatedEnforcer(load);
  const { aws } = sim;
  const run = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => settle(sim.mod.createHandler({ retry: RETRY })(event, context));

  describe('the evidence snapshot is bounded', () => {
    test('GIVEN a pause, WHEN the snapshot write never answers, THEN the tag is set once the snapshot bound has passed, and the alert says the snapshot is late', async () => {
      aws.endpoint(ENDPOINT);
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
      aws.fail('PutObject', 'hang');
      const { error, value } = await run(changeEvent());
      // THEN the tag is set, no later than the snapshot bound (plus its grace) after the start
      const [addTags] = aws.done('AddTags');
      expect(addTags.at).toBeGreaterThanOrEqual(sim.mod.DEFAULT_BOUNDS.snapshotMs - sim.mod.DEFAULT_BOUNDS.attemptTimeoutMs);
      expect(addTags.at).toBeLessThanOrEqual(sim.mod.DEFAULT_BOUNDS.snapshotMs + sim.mod.DEFAULT_BOUNDS.graceMs);
      // AND the alert says the evidence is late; a late snapshot alone does not fail the invocation
      expect(error).toBeUndefined();
      expect(aws.published()[0].Message).toMatch(/Evidence snapshot LATE: not written within 15000 ms .*paused without waiting for it/);
      expect(value?.outcomes).toEqual([expect.objectContaining({ action: 'paused', snapshot: expect.objectContaining({ late: true }) })]);
    });

    test('GIVEN a pause, WHEN a Describe never answers, THEN a partial snapshot is still written within the bound, and the tag follows', async () => {
      aws.endpoint(ENDPOINT);
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
      aws.fail('DescribeEndpointConfig', 'hang');
      await run(changeEvent());
      const [put] = aws.done('PutObject');
      const body = JSON.parse(put.input.Body);
      expect(body).toMatchObject({ incomplete: true, endpoint: { EndpointName: ENDPOINT }, endpointConfig: { error: expect.stringMatching(/TimeoutError|DeadlineExceeded/) } });
      expect(aws.done('AddTags')[0].at).toBeLessThanOrEqual(sim.mod.DEFAULT_BOUNDS.snapshotMs + sim.mod.DEFAULT_BOUNDS.graceMs);
      expect(aws.published()[0].Message).toMatch(/Evidence: s3:\/\/.*snapshot\.json \(incomplete: some Describe calls did not answer within the bound\)/);
    });

    test('GIVEN a model-package endpoint, THEN the snapshot describes the package without the model card\'s content (no kms:Decrypt needed)', async () => {
      aws.endpoint(ENDPOINT);
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
      await run(changeEvent());
      expect(aws.done('DescribeModelPackage').map((c) => c.input)).toEqual([{ ModelPackageName: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/7', IncludedData: 'MetadataOnly' }]);
    });
  });

  describe('endpoints are enforced independently', () => {
    test('GIVEN a reconcile of ten endpoints, WHEN three hang on every call and one is denied, THEN the other six are paused within a second, and the run fails naming only the four', async () => {
      const names = Array.from({ length: 10 }, (_, i) => `endpoint-${i}`);
      const hanging = new Set(['endpoint-0', 'endpoint-1', 'endpoint-2']);
      for (const name of names) {
        aws.endpoint(name);
        aws.parameter(parameterOf(name), deployed(1, name), operator(2, 'PAUSED'));
      }
      const ofHanging = (input: any) => [...hanging].some((n) => JSON.stringify(input).includes(n));
      aws.fail('ListTags', 'hang', { when: ofHanging });
      aws.fail('GetParameterHistory', 'hang', { when: ofHanging });
      aws.fail('AddTags', 'hang', { when: ofHanging });
      aws.fail('AddTags', 'denied', { when: (input) => input.ResourceArn.endsWith('/endpoint-3') });
      const { error, ms } = await run({ kind: 'reconcile', targets: names.map(targetOf) });
      // THEN the six healthy endpoints were tagged within the first second, while three slots hung
      const tagged = aws.done('AddTags');
      expect(tagged.map((c) => c.input.ResourceArn.split('/')[1]).sort()).toEqual(['endpoint-4', 'endpoint-5', 'endpoint-6', 'endpoint-7', 'endpoint-8', 'endpoint-9']);
      expect(Math.max(...tagged.map((c) => c.at))).toBeLessThan(1_000);
      // AND the run failed at the end, naming exactly the endpoints that failed
      const failed = [...(error?.message ?? '').matchAll(/(endpoint-\d): /g)].map((m) => m[1]).sort();
      expect(failed).toEqual(['endpoint-0', 'endpoint-1', 'endpoint-2', 'endpoint-3']);
      // AND it ended within one endpoint's deadline, inside the function's timeout
      expect(ms).toBeLessThanOrEqual(sim.mod.DEFAULT_BOUNDS.endpointMs + sim.mod.DEFAULT_BOUNDS.graceMs);
    });

    test('GIVEN an event that matches two endpoints, WHEN the first hangs, THEN the second is paused at once', async () => {
      const twin = { ...targetOf('fraud-scoring-b'), parameter: PARAMETER };
      aws.endpoint(ENDPOINT);
      aws.endpoint('fraud-scoring-b');
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
      aws.fail('ListTags', 'hang', { when: (input) => input.ResourceArn === TARGET.endpointArn });
      aws.fail('AddTags', 'hang', { when: (input) => input.ResourceArn === TARGET.endpointArn });
      const { error } = await run(changeEvent([TARGET, twin]));
      expect(aws.done('AddTags').map((c) => [c.input.ResourceArn, c.at < 1_000])).toEqual([[twin.endpointArn, true]]);
      expect(error?.message).toMatch(/failed for fraud-scoring: /);
      expect(error?.message).not.toMatch(/fraud-scoring-b: /);
    });

    test('GIVEN too little time left in the invocation, THEN no endpoint is started, and the run fails saying so', async () => {
      aws.endpoint(ENDPOINT);
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
      const { error } = await run({ kind: 'reconcile', targets: [TARGET] }, { getRemainingTimeInMillis: () => sim.mod.DEFAULT_BOUNDS.invocationReserveMs + 1_000 });
      expect(error?.message).toMatch(/fraud-scoring: not enforced: only 1000 ms were left in this invocation/);
      expect(aws.calls).toEqual([]);
    });
  });

  describe('auto-pause handles each parameter independently', () => {
    test('GIVEN an alarm that pauses two endpoints, WHEN the first parameter hangs, THEN the second is paused at once, and the run fails naming the first', async () => {
      const other = parameterOf('churn');
      aws.alarmTags.set(ALARM_ARN, [{ Key: 'governance:auto-pause:fraud-scoring', Value: PARAMETER }, { Key: 'governance:auto-pause:churn', Value: other }]);
      aws.parameter(PARAMETER, deployed(1));
      aws.parameter(other, deployed(1, 'churn'));
      aws.fail('GetParameter', 'hang', { when: (input) => input.Name === PARAMETER });
      aws.fail('PutParameter', 'hang', { when: (input) => input.Name === PARAMETER });
      const { error } = await run({ Records: [alarmRecord(alarm())] });
      expect(aws.done('PutParameter').map((c) => [c.input.Name, c.input.Value, c.at < 1_000])).toEqual([[other, 'PAUSED', true]]);
      expect(error?.message).toMatch(new RegExp(`auto-pause by alarm fraud-scoring-5xx-error-rate failed for ${PARAMETER}: `));
    });

    test('GIVEN a parameter that cannot be read, THEN the alarm still writes PAUSED to it', async () => {
      aws.alarmTags.set(ALARM_ARN, [{ Key: 'governance:auto-pause:fraud-scoring', Value: PARAMETER }]);
      aws.parameter(PARAMETER, deployed(1));
      aws.fail('GetParameter', 'throttled');
      const { error } = await run({ Records: [alarmRecord(alarm())] });
      expect(error).toBeUndefined();
      expect(aws.newestVersion(PARAMETER)).toMatchObject({ Value: 'PAUSED', Description: expect.stringMatching(/^Auto-pause: alarm fraud-scoring-5xx-error-rate entered ALARM/) });
    });
  });

  describe('malformed input fails loudly and touches nothing', () => {
    test.each<[string, unknown]>([
      ['an empty object', {}],
      ['null', null],
      ['a string', 'reconcile'],
      ['a number', 42],
      ['a reconcile whose targets are not a list', { kind: 'reconcile', targets: { endpoint: 'x' } }],
      ['an event without the event', { kind: 'event', targets: [TARGET] }],
      ['an unknown kind', { kind: 'pause-everything', targets: [TARGET] }],
      ['an SNS event without records', { Records: [] }],
      ['records that are not SNS records', { Records: [{ eventSource: 'aws:sqs', body: '{}' }] }],
    ])('GIVEN %s, THEN the invocation fails as unrecognised input', async (_what, input) => {
      const { error } = await run(input);
      expect(error?.message).toMatch(/^unrecognised enforcer input: /);
      expect(aws.calls).toEqual([]);
    });

    test.each<[string, string, RegExp]>([
      ['a message that is not JSON', 'ALARM fraud-scoring', /not a CloudWatch alarm notification \(not JSON\)/],
      ['JSON without a state', JSON.stringify({ hello: 'world' }), /not a CloudWatch alarm notification \(no NewStateValue\)/],
      ['JSON that is not an object', '"ALARM"', /not a CloudWatch alarm notification \(no NewStateValue\)/],
      ['an ALARM without the alarm ARN', alarm({ AlarmArn: undefined }), /carries no AlarmArn/],
    ])('GIVEN an auto-pause notification with %s, THEN the invocation fails, and the other records are still handled', async (_what, message, reason) => {
      aws.alarmTags.set(ALARM_ARN, [{ Key: 'governance:auto-pause:fraud-scoring', Value: PARAMETER }]);
      aws.parameter(PARAMETER, deployed(1));
      const { error } = await run({ Records: [alarmRecord(message), alarmRecord(alarm())] });
      expect(error?.message).toMatch(reason);
      expect(error?.message).toMatch(/alarm notification 1 of 2/);
      expect(aws.newestVersion(PARAMETER)?.Value).toBe('PAUSED');
    });

    test('GIVEN a reconcile with one malformed target, THEN the valid target is still enforced, and the run fails naming the malformed one', async () => {
      aws.endpoint(ENDPOINT);
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
      const { error } = await run({ kind: 'reconcile', targets: [{ endpoint: 'no-arn', parameter: '/p' }, TARGET] });
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(error?.message).toMatch(/target 1: malformed target \{"endpoint":"no-arn","parameter":"\/p"\}/);
    });

    test('GIVEN an event whose detail is not an object, THEN it matches nothing and changes nothing', async () => {
      const { error, value } = await run({ kind: 'event', event: { id: 'e', detail: 'PAUSED' }, targets: [TARGET] });
      expect(error).toBeUndefined();
      expect(value?.outcomes).toEqual([]);
      expect(aws.calls).toEqual([]);
    });
  });
});
