/**
 * Fault injection: whatever AWS answers (or does not), the enforcer never removes a pause it cannot justify,
 * and every unknown ends with the endpoint paused and a loud failure. Runs against the source and the bundle.
 */
import {
  deployed, ENDPOINT, ENFORCER_VARIANTS, Fault, operator, parameterOf, RETRY, settle, SimulatedAws, TARGET, targetOf, useSimulatedEnforcer,
} from '../helpers/simulated-aws';

const PARAMETER = parameterOf(ENDPOINT);
const changeEvent = () => ({
  kind: 'event',
  event: { id: 'evt-1', time: '2030-01-09T10:00:00Z', source: 'aws.ssm', 'detail-type': 'Parameter Store Change', detail: { name: PARAMETER, operation: 'Update' } },
  targets: [TARGET, targetOf('churn')],
});
const reconcile = () => ({ kind: 'reconcile', targets: [TARGET] });

/** Ways a tag read can fail; each leaves the endpoint's tags unknown. */
const TAG_READ_FAULTS: [string, (aws: SimulatedAws) => void][] = [
  ['is denied (AccessDenied)', (aws) => aws.fail('ListTags', 'denied')],
  ['is throttled past the retries', (aws) => aws.fail('ListTags', 'throttled')],
  ['fails with a 5xx', (aws) => aws.fail('ListTags', 'server')],
  ['never answers', (aws) => aws.fail('ListTags', 'hang')],
  ['fails on page 2 of 3', (aws) => { aws.tagPageSize = 1; aws.fail('ListTags', 'throttled', { when: (input) => input.NextToken === 'p1' }); }],
  ['never ends (page tokens repeat)', (aws) => { aws.tagPagesLoop = true; }],
];

/** Ways a parameter read can fail; each leaves the parameter's value unknown. */
const PARAMETER_READ_FAULTS: [string, (aws: SimulatedAws) => void, RegExp][] = [
  ['is denied (AccessDenied)', (aws) => aws.fail('GetParameterHistory', 'denied'), /AccessDeniedException/],
  ['was deleted (ParameterNotFound)', (aws) => aws.parameters.delete(PARAMETER), /ParameterNotFound/],
  ['is throttled past the retries', (aws) => aws.fail('GetParameterHistory', 'throttled'), /ThrottlingException/],
  ['fails with a 5xx', (aws) => aws.fail('GetParameterHistory', 'server'), /InternalFailure/],
  ['never answers', (aws) => aws.fail('GetParameterHistory', 'hang'), /TimeoutError/],
  ['fails on its second page', (aws) => { aws.historyPageSize = 1; aws.fail('GetParameterHistory', 'server', { when: (input) => input.NextToken !== undefined }); }, /InternalFailure/],
];

describe.each(ENFORCER_VARIANTS)('kill-switch enforcer under faults (%s)', (_variant, load) => {
  const sim = useSimulatedEnforcer(load);
  const { aws, logs } = sim;
  const run = (event: unknown) => settle(sim.mod.createHandler({ retry: RETRY })(event));

  describe('a tag read that fails or is incomplete never removes a pause', () => {
    test.each(TAG_READ_FAULTS)('GIVEN a paused endpoint and an operator\'s resume, WHEN ListTags %s, THEN it stays paused, the alert says why, and the invocation fails', async (_what, inject) => {
      // GIVEN a paused endpoint whose operator has just written ACTIVE with a reason
      aws.endpoint(ENDPOINT, { 'governance:purpose': 'fraud', 'governance:kill-switch': 'PAUSED' });
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'), operator(3, 'ACTIVE', 'INC-42 fixed'));
      inject(aws);
      // WHEN the change event arrives
      const { error, ms } = await run(changeEvent());
      // THEN the pause tag was never removed, and is (re)applied
      expect(aws.callsOf('DeleteTags')).toEqual([]);
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(aws.done('AddTags').map((c) => c.input.Tags)).toEqual([[{ Key: 'governance:kill-switch', Value: 'PAUSED' }]]);
      // AND the invocation fails loudly, after the alert and an ERROR log line
      expect(error?.message).toMatch(/kill-switch enforcement failed for fraud-scoring: failed closed: .*tags could not be read/);
      expect(aws.published().map((p) => p.Subject)).toEqual(['[kill switch] fraud-scoring PAUSED (fail closed)']);
      expect(aws.published()[0].Message).toMatch(/tags could not be read .*the pause is kept or applied, never removed/);
      expect(logs).toContainEqual(expect.objectContaining({ level: 'ERROR', failClosed: true, tags: 'unknown' }));
      // AND all of it within the function's time
      expect(ms).toBeLessThan(sim.mod.DEFAULT_BOUNDS.invocationMs);
    });

    test.each(TAG_READ_FAULTS)('GIVEN an active endpoint and an operator\'s ACTIVE, WHEN ListTags %s, THEN the enforcer pauses it (fail closed) rather than guess', async (_what, inject) => {
      aws.endpoint(ENDPOINT, { 'governance:purpose': 'fraud' });
      aws.parameter(PARAMETER, deployed(1), operator(2, 'ACTIVE', 'go live'));
      inject(aws);
      const { error } = await run(reconcile());
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(aws.callsOf('DeleteTags')).toEqual([]);
      expect(error?.message).toMatch(/failed closed/);
    });
  });

  describe('the reproduction: a deployment re-creates the parameter (one version, ACTIVE) while the endpoint is paused', () => {
    test.each(TAG_READ_FAULTS)('WHEN ListTags %s, and then two reconciles read the tags, THEN the endpoint stays paused throughout and the decisions are announced', async (_what, inject) => {
      // GIVEN a paused endpoint whose parameter a deployment just re-created with the template's ACTIVE
      aws.endpoint(ENDPOINT, { 'governance:purpose': 'fraud', 'governance:kill-switch': 'PAUSED' });
      aws.parameter(PARAMETER, deployed(1));
      // WHEN the creation event arrives and the tags cannot be read
      inject(aws);
      const first = await run(changeEvent());
      // THEN the endpoint stays paused, the alert says so, and the invocation fails
      expect(first.error?.message).toMatch(/failed closed/);
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      // WHEN two later reconciles find ListTags working again
      aws.heal();
      aws.tagPagesLoop = false;
      const second = await run(reconcile());
      const third = await run(reconcile());
      // THEN both succeed, and the endpoint is still paused
      expect([second.error, third.error]).toEqual([undefined, undefined]);
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(aws.callsOf('DeleteTags')).toEqual([]);
      // AND PAUSED was written back over the deployment's ACTIVE, without the deployment marker
      expect(aws.newestVersion(PARAMETER)).toMatchObject({ Version: 2, Value: 'PAUSED', Description: expect.stringMatching(/^Restored by the kill-switch enforcer: a deployment \(re\)created the parameter/) });
      expect(aws.newestVersion(PARAMETER)!.Description).not.toContain('[set-by-deployment]');
      // AND every decision was announced: the fail-closed run, then the write back; the last run changed nothing
      expect(aws.published().map((p) => p.Subject)).toEqual(['[kill switch] fraud-scoring PAUSED (fail closed)', '[kill switch] fraud-scoring stays PAUSED']);
      expect(aws.published()[1].Message).toContain(`The enforcer wrote PAUSED back to ${PARAMETER}.`);
      expect(third.value?.outcomes).toEqual([expect.objectContaining({ action: 'unchanged', state: 'PAUSED', restored: undefined })]);
    });
  });

  describe('a parameter that cannot be read pauses', () => {
    test.each(PARAMETER_READ_FAULTS)('GIVEN an active endpoint, WHEN the parameter %s, THEN it is paused, the alert says why, and the invocation fails', async (_what, inject, reason) => {
      aws.endpoint(ENDPOINT);
      aws.parameter(PARAMETER, deployed(1), operator(2, 'ACTIVE', 'go live'));
      inject(aws);
      const { error } = await run(changeEvent());
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(error?.message).toMatch(/failed closed: the parameter could not be read/);
      expect(error?.message).toMatch(reason);
      expect(aws.published()[0]).toMatchObject({ Subject: '[kill switch] fraud-scoring PAUSED (fail closed)', Message: expect.stringMatching(reason) });
    });

    test.each(PARAMETER_READ_FAULTS)('GIVEN a paused endpoint, WHEN the parameter %s, THEN it stays paused and the alert says so', async (_what, inject) => {
      aws.endpoint(ENDPOINT, { 'governance:kill-switch': 'PAUSED' });
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'), operator(3, 'ACTIVE', 'resume'));
      inject(aws);
      const { error } = await run(reconcile());
      expect(aws.callsOf('DeleteTags')).toEqual([]);
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(error?.message).toMatch(/failed closed/);
      expect(aws.published().map((p) => p.Subject)).toEqual(['[kill switch] fraud-scoring stays PAUSED (fail closed)']);
    });

    test('GIVEN the parameter holds neither ACTIVE nor PAUSED, THEN the endpoint is paused and the invocation fails', async () => {
      aws.endpoint(ENDPOINT, { 'governance:kill-switch': 'PAUSED' });
      aws.parameter(PARAMETER, deployed(1), operator(2, 'STOP', 'typo'));
      const { error } = await run(reconcile());
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(error?.message).toMatch(/holds "STOP", which is neither ACTIVE nor PAUSED/);
    });
  });

  describe('pagination', () => {
    test('GIVEN the pause tag on page 3 of the tags and an operator\'s resume, THEN every page is read and the pause is lifted', async () => {
      aws.endpoint(ENDPOINT, { 'governance:purpose': 'fraud', 'governance:kill-switch': 'PAUSED' });
      aws.tagPageSize = 1;
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'), operator(3, 'ACTIVE', 'INC-42 fixed'));
      const { error, value } = await run(changeEvent());
      expect(error).toBeUndefined();
      expect(aws.done('ListTags').map((c) => c.input.NextToken)).toEqual([undefined, 'p1', 'p2']);
      expect(aws.tagOf(ENDPOINT)).toBeUndefined();
      expect(value?.outcomes).toEqual([expect.objectContaining({ action: 'resumed' })]);
      expect(aws.published().map((p) => p.Subject)).toEqual(['[kill switch] fraud-scoring RESUMED']);
    });

    test('GIVEN the newest parameter version on the second page of the history, THEN it is the one that decides', async () => {
      aws.endpoint(ENDPOINT);
      aws.historyPageSize = 2;
      aws.parameter(PARAMETER, deployed(1), operator(2, 'ACTIVE', 'go live'), operator(3, 'PAUSED', 'INC-43'));
      await run(changeEvent());
      expect(aws.done('GetParameterHistory')).toHaveLength(2);
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(aws.published()[0].Message).toContain('INC-43');
    });
  });

  describe('a failed write is loud and never unpauses', () => {
    test.each<[string, Fault]>([['denied', 'denied'], ['throttled past the retries', 'throttled'], ['failing with a 5xx', 'server'], ['never answering', 'hang']])(
      'GIVEN a pause, WHEN AddTags is %s, THEN the alert says invocations are NOT blocked yet and the invocation fails', async (_what, fault) => {
        aws.endpoint(ENDPOINT);
        aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
        aws.fail('AddTags', fault);
        const { error, ms } = await run(changeEvent());
        expect(error?.message).toMatch(/could not tag fraud-scoring PAUSED/);
        expect(aws.published().map((p) => p.Subject)).toEqual(['[kill switch] FAILED to pause fraud-scoring']);
        expect(aws.published()[0].Message).toMatch(/Invocations are NOT blocked yet/);
        expect(ms).toBeLessThan(sim.mod.DEFAULT_BOUNDS.endpointMs + sim.mod.DEFAULT_BOUNDS.graceMs);
      });

    test('GIVEN an operator\'s resume, WHEN DeleteTags fails, THEN the endpoint stays paused, the alert says so, and the invocation fails', async () => {
      aws.endpoint(ENDPOINT, { 'governance:kill-switch': 'PAUSED' });
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'), operator(3, 'ACTIVE', 'fixed'));
      aws.fail('DeleteTags', 'denied');
      const { error } = await run(changeEvent());
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(error?.message).toMatch(/could not remove the pause tag of fraud-scoring .*it stays paused/);
      expect(aws.published().map((p) => p.Subject)).toEqual(['[kill switch] FAILED to resume fraud-scoring']);
    });

    test('GIVEN a deployment\'s ACTIVE over a pause, WHEN writing PAUSED back fails, THEN the tag still pauses, the alert says the write back failed, and the invocation fails', async () => {
      aws.endpoint(ENDPOINT, { 'governance:kill-switch': 'PAUSED' });
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'), deployed(3));
      aws.fail('PutParameter', 'denied');
      const { error } = await run(changeEvent());
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(error?.message).toMatch(/writing PAUSED back to .* failed/);
      expect(aws.published()[0]).toMatchObject({ Subject: '[kill switch] fraud-scoring stays PAUSED', Message: expect.stringMatching(/Writing PAUSED back to .* FAILED: AccessDeniedException/) });
    });

    test('GIVEN a deployment\'s ACTIVE over a pause with the tag still present, THEN the write back is announced', async () => {
      aws.endpoint(ENDPOINT, { 'governance:kill-switch': 'PAUSED' });
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED', 'INC-42'), deployed(3));
      const { error, value } = await run(changeEvent());
      expect(error).toBeUndefined();
      expect(value?.outcomes).toEqual([expect.objectContaining({ action: 'unchanged', restored: true })]);
      expect(aws.published()).toEqual([expect.objectContaining({ Subject: '[kill switch] fraud-scoring stays PAUSED', Message: expect.stringContaining(`The enforcer wrote PAUSED back to ${PARAMETER}.`) })]);
    });

    test('GIVEN a pause, WHEN the alert cannot be published, THEN the endpoint is paused and the invocation fails, so the error alarm speaks instead', async () => {
      aws.endpoint(ENDPOINT);
      aws.parameter(PARAMETER, deployed(1), operator(2, 'PAUSED'));
      aws.fail('Publish', 'denied');
      const { error } = await run(changeEvent());
      expect(aws.tagOf(ENDPOINT)).toBe('PAUSED');
      expect(error?.message).toMatch(/the alert "fraud-scoring PAUSED" could not be published/);
      expect(logs).toContainEqual(expect.objectContaining({ level: 'ERROR', message: expect.stringMatching(/could not notify/) }));
    });
  });
});
