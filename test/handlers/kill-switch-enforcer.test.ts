/**
 * The kill-switch enforcer against mocked AWS clients (aws-sdk-client-mock): what it reads, writes and
 * announces for each change of the parameter, as source and as the shipped bundle.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { DEPLOYMENT_MARKER } from '../../lib/policy/kill-switch-protocol';
import {
  BUCKET, deployed as deployedVersion, ENDPOINT, ENFORCER_VARIANTS, EnforcerModule as HandlerModule, OPERATOR, operator as operatorVersion, parameterOf, TARGET, targetOf, TOPIC,
} from '../helpers/simulated-aws';

const ENDPOINT_ARN = TARGET.endpointArn;
const PARAMETER = parameterOf(ENDPOINT);
const OTHER = targetOf('churn');
const ALARM_ARN = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fraud-scoring-5xx-error-rate';

const modifiedOn = (version: number) => ({ LastModifiedDate: new Date(`2030-01-0${version}T00:00:00Z`) });
const deployed = (version: number) => ({ ...deployedVersion(version), ...modifiedOn(version) });
const operator = (version: number, value: string, why: string) => ({ ...operatorVersion(version, value, why), ...modifiedOn(version) });
const changeEvent = (name = PARAMETER) => ({
  kind: 'event',
  event: { id: 'evt-1', time: '2030-01-09T10:00:00Z', source: 'aws.ssm', 'detail-type': 'Parameter Store Change', detail: { name, operation: 'Update' } },
  targets: [TARGET, OTHER],
});
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const denied = (what = 'not authorized') => Object.assign(new Error(`User is ${what}`), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });

beforeAll(() => {
  process.env.RETRY_BASE_DELAY_MS = '1';
  process.env.RETRY_MAX_DELAY_MS = '2';
});

describe.each(ENFORCER_VARIANTS)('kill-switch enforcer (%s) with mocked AWS clients', (_variant, load) => {
  let mod: HandlerModule;
  let sdk: HandlerModule['sdk'];
  let sm: ReturnType<typeof mockClient>;
  let ssm: ReturnType<typeof mockClient>;
  let s3: ReturnType<typeof mockClient>;
  let sns: ReturnType<typeof mockClient>;
  let cw: ReturnType<typeof mockClient>;
  let logs: string[];
  /** The endpoint's tags as SageMaker would hold them: AddTags/DeleteTags change what ListTags returns. */
  let endpointTags: Map<string, string>;

  beforeAll(() => {
    // The bundle carries its own copy of the SDK: mock the very classes it runs.
    mod = load();
    sdk = mod.sdk;
    sm = mockClient(sdk.SageMakerClient);
    ssm = mockClient(sdk.SSMClient);
    s3 = mockClient(sdk.S3Client);
    sns = mockClient(sdk.SNSClient);
    cw = mockClient(sdk.CloudWatchClient);
  });
  afterAll(() => [sm, ssm, s3, sns, cw].forEach((m) => m.restore()));

  beforeEach(() => {
    [sm, ssm, s3, sns, cw].forEach((m) => m.reset());
    logs = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
    jest.spyOn(console, 'error').mockImplementation((line: string) => { logs.push(line); });
    endpointTags = new Map([['governance:owner', 'fraud-ml@example.com']]);
    sm.on(sdk.ListTagsCommand).callsFake(() => ({ Tags: [...endpointTags].map(([Key, Value]) => ({ Key, Value })) }));
    sm.on(sdk.AddTagsCommand).callsFake((input: any) => { input.Tags.forEach((t: any) => endpointTags.set(t.Key, t.Value)); return {}; });
    sm.on(sdk.DeleteTagsCommand).callsFake((input: any) => { input.TagKeys.forEach((k: string) => endpointTags.delete(k)); return {}; });
    sm.on(sdk.DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointArn: ENDPOINT_ARN, EndpointConfigName: 'config-1', EndpointStatus: 'InService' });
    sm.on(sdk.DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'config-1', ProductionVariants: [{ VariantName: 'primary', ModelName: 'model-1' }] });
    sm.on(sdk.DescribeModelCommand).resolves({ ModelName: 'model-1', PrimaryContainer: { ModelPackageName: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/7' } });
    sm.on(sdk.DescribeModelPackageCommand).resolves({ ModelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/7', ModelApprovalStatus: 'Approved' });
    s3.on(sdk.PutObjectCommand).resolves({});
    sns.on(sdk.PublishCommand).resolves({ MessageId: 'm-1' });
    ssm.on(sdk.PutParameterCommand).resolves({ Version: 9 });
  });
  afterEach(() => jest.restoreAllMocks());

  const history = (...versions: object[]) => ssm.on(sdk.GetParameterHistoryCommand).resolves({ Parameters: versions.map((v) => ({ Name: PARAMETER, Type: 'String', ...v })) });
  const published = () => sns.commandCalls(sdk.PublishCommand).map((c) => c.args[0].input as { Subject: string; Message: string; TopicArn: string });
  const snapshots = () => s3.commandCalls(sdk.PutObjectCommand).map((c) => c.args[0].input as { Bucket: string; Key: string; Body: string; ChecksumAlgorithm?: string });

  describe('GIVEN an endpoint whose kill switch goes from ACTIVE to PAUSED', () => {
    test('WHEN the change event arrives THEN it writes the evidence snapshot, then tags the endpoint PAUSED, then notifies', async () => {
      // GIVEN an operator has just written PAUSED
      history(deployed(1), operator(2, 'PAUSED', 'INC-42: scores drift after feature change'));
      // WHEN the parameter-change event arrives
      const result = await mod.handler(changeEvent());
      // THEN the endpoint carries the pause tag
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
      expect(sm.commandCalls(sdk.AddTagsCommand)[0].args[0].input).toEqual({ ResourceArn: ENDPOINT_ARN, Tags: [{ Key: 'governance:kill-switch', Value: 'PAUSED' }] });
      // AND the snapshot was written before the tag
      const put = s3.commandCalls(sdk.PutObjectCommand)[0];
      expect(put.calledBefore(sm.commandCalls(sdk.AddTagsCommand)[0])).toBe(true);
      // AND it holds the Describe* output of endpoint, config, model and package, the parameter version and a timestamp
      const [snapshot] = snapshots();
      expect(snapshot.Bucket).toBe(BUCKET);
      expect(snapshot.Key).toMatch(/^kill-switch\/fraud-scoring\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\/snapshot\.json$/);
      expect(snapshot.ChecksumAlgorithm).toBe('SHA256');
      const body = JSON.parse(snapshot.Body);
      expect(body).toMatchObject({
        endpointName: ENDPOINT,
        decision: { state: 'PAUSED', failClosed: false },
        parameter: { name: PARAMETER, version: { version: 2, value: 'PAUSED', lastModifiedUser: OPERATOR, description: 'INC-42: scores drift after feature change' } },
        endpoint: { EndpointName: ENDPOINT, EndpointConfigName: 'config-1' },
        endpointConfig: { EndpointConfigName: 'config-1' },
        models: [{ ModelName: 'model-1' }],
        modelPackages: [{ ModelApprovalStatus: 'Approved' }],
        trigger: { type: 'Parameter Store Change', id: 'evt-1' },
      });
      expect(Date.parse(body.takenAt)).not.toBeNaN();
      // AND the alert topic hears about it, with the reason and where the evidence is
      expect(published()).toEqual([expect.objectContaining({ TopicArn: TOPIC, Subject: '[kill switch] fraud-scoring PAUSED' })]);
      expect(published()[0].Message).toContain('INC-42: scores drift after feature change');
      expect(published()[0].Message).toContain(`s3://${BUCKET}/${snapshot.Key}`);
      expect(result.outcomes).toEqual([expect.objectContaining({ endpoint: ENDPOINT, action: 'paused', failClosed: false })]);
    });

    test('WHEN the change event arrives THEN only the endpoint whose parameter changed is touched', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      await mod.handler(changeEvent());
      expect(sm.commandCalls(sdk.ListTagsCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([ENDPOINT_ARN]);
      expect(ssm.commandCalls(sdk.GetParameterHistoryCommand).map((c) => c.args[0].input.Name)).toEqual([PARAMETER]);
    });

    test('WHEN the endpoint reports a state change THEN the pause is re-applied to that endpoint', async () => {
      // GIVEN a paused parameter and an endpoint whose tag a deployment removed
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      // WHEN SageMaker reports the endpoint's state change after the update
      await mod.handler({ kind: 'event', event: { id: 'e2', source: 'aws.sagemaker', 'detail-type': 'SageMaker Endpoint State Change', detail: { EndpointName: ENDPOINT, EndpointStatus: 'IN_SERVICE' } }, targets: [TARGET, OTHER] });
      // THEN the tag is back
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
    });
  });

  describe('GIVEN a paused endpoint whose operator writes ACTIVE', () => {
    test('WHEN the change event arrives THEN it removes the tag, records the resume and notifies, without a snapshot', async () => {
      endpointTags.set('governance:kill-switch', 'PAUSED');
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'), operator(3, 'ACTIVE', 'INC-42 fixed: model v15 deployed'));
      const result = await mod.handler(changeEvent());
      expect(endpointTags.has('governance:kill-switch')).toBe(false);
      expect(sm.commandCalls(sdk.DeleteTagsCommand)[0].args[0].input).toEqual({ ResourceArn: ENDPOINT_ARN, TagKeys: ['governance:kill-switch'] });
      expect(sm.commandCalls(sdk.AddTagsCommand)).toHaveLength(0);
      expect(snapshots().map((s) => s.Key)).toEqual([expect.stringMatching(/^kill-switch\/fraud-scoring\/.*\/resume\.json$/)]);
      expect(published()).toEqual([expect.objectContaining({ Subject: '[kill switch] fraud-scoring RESUMED' })]);
      expect(published()[0].Message).toContain('INC-42 fixed: model v15 deployed');
      expect(result.outcomes).toEqual([expect.objectContaining({ action: 'resumed', state: 'ACTIVE' })]);
    });
  });

  describe('GIVEN an endpoint already in its state (idempotence)', () => {
    test('WHEN the same pause event arrives twice THEN it tags, snapshots and notifies once', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      await mod.handler(changeEvent());
      const second = await mod.handler(changeEvent());
      expect(sm.commandCalls(sdk.AddTagsCommand)).toHaveLength(1);
      expect(snapshots()).toHaveLength(1);
      expect(published()).toHaveLength(1);
      expect(second.outcomes).toEqual([expect.objectContaining({ action: 'unchanged', state: 'PAUSED' })]);
    });

    test('WHEN an ACTIVE endpoint without the tag is reconciled again and again THEN it is left alone', async () => {
      history(deployed(1));
      for (let i = 0; i < 3; i++) {
        await mod.handler({ kind: 'reconcile', targets: [TARGET] });
      }
      expect(sm.commandCalls(sdk.AddTagsCommand)).toHaveLength(0);
      expect(sm.commandCalls(sdk.DeleteTagsCommand)).toHaveLength(0);
      expect(published()).toHaveLength(0);
      expect(snapshots()).toHaveLength(0);
    });
  });

  describe('GIVEN AWS calls that fail', () => {
    test('WHEN they are throttled THEN they are retried with backoff until they succeed', async () => {
      ssm.on(sdk.GetParameterHistoryCommand)
        .rejectsOnce(throttled())
        .resolves({ Parameters: [deployed(1), operator(2, 'PAUSED', 'INC-42')].map((v) => ({ Name: PARAMETER, ...v })) });
      let addTagsCalls = 0;
      sm.on(sdk.AddTagsCommand).callsFake(() => {
        addTagsCalls++;
        if (addTagsCalls <= 2) {
          throw throttled();
        }
        endpointTags.set('governance:kill-switch', 'PAUSED');
        return {};
      });
      await mod.handler(changeEvent());
      expect(ssm.commandCalls(sdk.GetParameterHistoryCommand)).toHaveLength(2);
      expect(addTagsCalls).toBe(3);
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
      expect(logs.filter((l) => l.includes('retrying'))).toHaveLength(3);
    });

    test('WHEN permission is denied THEN the call is not retried', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      sm.on(sdk.AddTagsCommand).rejects(denied());
      await expect(mod.handler(changeEvent())).rejects.toThrow(/fraud-scoring: could not tag fraud-scoring PAUSED \(AccessDeniedException/);
      expect(sm.commandCalls(sdk.AddTagsCommand)).toHaveLength(1);
    });
  });

  describe('GIVEN a parameter that cannot be trusted (fail closed)', () => {
    test.each([
      ['the parameter cannot be read', () => ssm.on(sdk.GetParameterHistoryCommand).rejects(denied()), /could not be read \(AccessDeniedException/],
      ['the parameter was deleted', () => ssm.on(sdk.GetParameterHistoryCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' })), /ParameterNotFound/],
      ['the parameter holds an unknown value', () => history(deployed(1), operator(2, 'STOP', 'typo')), /holds "STOP", which is neither ACTIVE nor PAUSED/],
      ['throttling outlasts the retries', () => ssm.on(sdk.GetParameterHistoryCommand).rejects(throttled()), /ThrottlingException/],
    ])('WHEN %s THEN the endpoint is paused, the log and the alert say so, and the invocation fails', async (_case, arrange, reason) => {
      arrange();
      // WHEN the change event arrives
      const failure = await mod.handler(changeEvent()).then(() => undefined, (err: Error & { outcomes?: unknown[] }) => err);
      // THEN the endpoint is paused
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
      // AND the invocation fails loudly, naming the endpoint and why, with what it did
      expect(failure?.message).toMatch(/kill-switch enforcement failed for fraud-scoring: failed closed: /);
      expect(failure?.message).toMatch(reason);
      expect(failure?.outcomes).toEqual([expect.objectContaining({ action: 'paused', failClosed: true })]);
      // AND the log and the alert say so
      const logged = logs.map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((l) => l.failClosed === true);
      expect(logged).toMatchObject({ level: 'ERROR', state: 'PAUSED', reason: expect.stringMatching(reason) });
      expect(published()[0].Subject).toBe('[kill switch] fraud-scoring PAUSED (fail closed)');
      expect(published()[0].Message).toMatch(/FAILED CLOSED/);
      expect(published()[0].Message).toMatch(reason);
    });
  });

  describe('GIVEN a pause whose evidence snapshot fails', () => {
    test('WHEN the snapshot cannot be written THEN it still pauses, and the alert says the evidence is missing', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      s3.on(sdk.PutObjectCommand).rejects(denied('not allowed to write'));
      const result = await mod.handler(changeEvent());
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
      expect(published()[0].Message).toMatch(/Evidence snapshot MISSING: AccessDeniedException: User is not allowed to write/);
      expect(result.outcomes).toEqual([expect.objectContaining({ action: 'paused', snapshot: { error: expect.stringMatching(/AccessDenied/), late: false } })]);
    });

    test('WHEN a Describe fails THEN the failure is recorded in the snapshot, which is still written', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      sm.on(sdk.DescribeEndpointCommand).rejects(denied());
      await mod.handler(changeEvent());
      const body = JSON.parse(snapshots()[0].Body);
      expect(body.endpoint).toEqual({ error: expect.stringMatching(/AccessDeniedException/) });
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
    });
  });

  describe('GIVEN a pause whose tag cannot be written', () => {
    test('WHEN AddTags is denied THEN it alerts that invocations are not blocked yet and fails the invocation so it is retried', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      sm.on(sdk.AddTagsCommand).rejects(denied());
      await expect(mod.handler(changeEvent())).rejects.toThrow(/kill-switch enforcement failed for fraud-scoring/);
      expect(published()[0].Subject).toBe('[kill switch] FAILED to pause fraud-scoring');
      expect(published()[0].Message).toMatch(/Invocations are NOT blocked yet/);
    });
  });

  describe('GIVEN a deployment that writes the template\'s ACTIVE (a deployment never lifts a pause)', () => {
    test('WHEN it rewrites ACTIVE over a pause THEN that is undone: the tag stays and PAUSED is written back', async () => {
      // GIVEN a paused endpoint whose parameter a stack update just rewrote with the template's ACTIVE
      endpointTags.set('governance:kill-switch', 'PAUSED');
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'), deployed(3));
      // WHEN the resulting change event arrives
      const result = await mod.handler(changeEvent());
      // THEN the endpoint stays paused
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
      expect(sm.commandCalls(sdk.DeleteTagsCommand)).toHaveLength(0);
      // AND PAUSED is written back with the reason
      const put = ssm.commandCalls(sdk.PutParameterCommand)[0].args[0].input;
      expect(put).toMatchObject({ Name: PARAMETER, Value: 'PAUSED', Overwrite: true });
      expect(put.Description).toMatch(/a deployment wrote ACTIVE \(version 3\) over version 2 = PAUSED/);
      expect(put.Description).not.toContain(DEPLOYMENT_MARKER);
      expect(result.outcomes).toEqual([expect.objectContaining({ state: 'PAUSED', action: 'unchanged', restored: true })]);
    });

    test('WHEN it re-creates the parameter while the endpoint is paused THEN the endpoint stays paused', async () => {
      endpointTags.set('governance:kill-switch', 'PAUSED');
      history(deployed(1));
      await mod.handler(changeEvent());
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
      expect(ssm.commandCalls(sdk.PutParameterCommand)[0].args[0].input).toMatchObject({ Value: 'PAUSED' });
    });

    test('WHEN it rewrites ACTIVE after an operator resumed THEN nothing changes', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'), operator(3, 'ACTIVE', 'INC-42 fixed'), deployed(4));
      await mod.handler(changeEvent());
      expect(sm.commandCalls(sdk.AddTagsCommand)).toHaveLength(0);
      expect(ssm.commandCalls(sdk.PutParameterCommand)).toHaveLength(0);
    });

    test('WHEN an ACTIVE keeps the deployment description THEN it is not accepted as a resume', async () => {
      // A console edit that changes only the value keeps the template's description: indistinguishable from a deployment.
      endpointTags.set('governance:kill-switch', 'PAUSED');
      history(deployed(1), { ...deployed(2), Value: 'PAUSED', LastModifiedUser: OPERATOR }, { ...deployed(3), LastModifiedUser: OPERATOR });
      await mod.handler(changeEvent());
      expect(endpointTags.get('governance:kill-switch')).toBe('PAUSED');
    });
  });

  describe('GIVEN an endpoint that does not exist yet', () => {
    test('WHEN its parameter is paused THEN it is not tagged; the next reconcile or state-change event will', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      sm.on(sdk.ListTagsCommand).rejects(Object.assign(new Error(`Could not find endpoint "${ENDPOINT_ARN}".`), { name: 'ValidationException' }));
      const result = await mod.handler(changeEvent());
      expect(sm.commandCalls(sdk.AddTagsCommand)).toHaveLength(0);
      expect(result.outcomes).toEqual([expect.objectContaining({ action: 'endpoint-missing', state: 'PAUSED' })]);
    });
  });

  describe('GIVEN a reconcile of its shard', () => {
    test('WHEN one endpoint fails THEN every endpoint is still enforced, and the run fails after the others', async () => {
      ssm.on(sdk.GetParameterHistoryCommand, { Name: PARAMETER }).resolves({ Parameters: [{ Name: PARAMETER, ...operator(2, 'PAUSED', 'INC-42') }] });
      ssm.on(sdk.GetParameterHistoryCommand, { Name: OTHER.parameter }).resolves({ Parameters: [{ Name: OTHER.parameter, ...operator(2, 'PAUSED', 'INC-43') }] });
      sm.on(sdk.AddTagsCommand, { ResourceArn: ENDPOINT_ARN }).rejects(denied());
      await expect(mod.handler({ kind: 'reconcile', targets: [TARGET, OTHER] })).rejects.toThrow(/failed for fraud-scoring/);
      expect(sm.commandCalls(sdk.AddTagsCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([ENDPOINT_ARN, OTHER.endpointArn]);
    });

    test('WHEN it runs THEN it emits the Paused metric for each endpoint in embedded metric format', async () => {
      history(deployed(1), operator(2, 'PAUSED', 'INC-42'));
      await mod.handler({ kind: 'reconcile', targets: [TARGET] });
      const emf = logs.map((l) => JSON.parse(l)).find((l) => l._aws);
      expect(emf).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: 'GovernedEndpoint/KillSwitch', Dimensions: [['EndpointName']] }] },
        EndpointName: ENDPOINT, Paused: 1,
      });
      // AND FailClosed and Enforcements are metrics only when 1 (each custom metric is billed); at 0 they are log fields
      expect(emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(['Paused', 'Enforcements']);
      expect(emf).toMatchObject({ FailClosed: 0, Enforcements: 1 });
      logs.length = 0;
      await mod.handler({ kind: 'reconcile', targets: [TARGET] });
      const again = logs.map((l) => JSON.parse(l)).find((l) => l._aws);
      expect(again._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(['Paused']);
    });
  });

  describe('GIVEN an auto-pause alarm', () => {
    const alarmRecord = (state: string) => ({
      Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify({ AlarmName: 'fraud-scoring-5xx-error-rate', AlarmArn: ALARM_ARN, NewStateValue: state, NewStateReason: 'Threshold Crossed: 3 datapoints > 0.01', StateChangeTime: '2030-01-09T10:00:00.000+0000' }) } }],
    });

    test('WHEN it enters ALARM THEN PAUSED is written to the parameter its tag names, with the alarm as the reason', async () => {
      cw.on(sdk.ListTagsForResourceCommand, { ResourceARN: ALARM_ARN }).resolves({ Tags: [{ Key: 'governance:owner', Value: 'x' }, { Key: 'governance:auto-pause:fraud-scoring', Value: PARAMETER }] });
      ssm.on(sdk.GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: 'ACTIVE' } });
      const result = await mod.handler(alarmRecord('ALARM'));
      const put = ssm.commandCalls(sdk.PutParameterCommand).map((c) => c.args[0].input);
      expect(put).toEqual([expect.objectContaining({ Name: PARAMETER, Value: 'PAUSED', Overwrite: true, Type: 'String' })]);
      expect(put[0].Description).toMatch(/^Auto-pause: alarm fraud-scoring-5xx-error-rate entered ALARM at 2030-01-09T10:00:00.000\+0000: Threshold Crossed/);
      expect(result.outcomes).toEqual([{ alarm: 'fraud-scoring-5xx-error-rate', paused: [PARAMETER], alreadyPaused: [] }]);
    });

    test.each(['OK', 'INSUFFICIENT_DATA'])('WHEN it returns to %s THEN nothing changes', async (state) => {
      await mod.handler(alarmRecord(state));
      expect(cw.commandCalls(sdk.ListTagsForResourceCommand)).toHaveLength(0);
      expect(ssm.commandCalls(sdk.PutParameterCommand)).toHaveLength(0);
    });

    test('WHEN its parameter is already PAUSED THEN it is not written again', async () => {
      cw.on(sdk.ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'governance:auto-pause:fraud-scoring', Value: PARAMETER }] });
      ssm.on(sdk.GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: 'PAUSED' } });
      const result = await mod.handler(alarmRecord('ALARM'));
      expect(ssm.commandCalls(sdk.PutParameterCommand)).toHaveLength(0);
      expect(result.outcomes).toEqual([expect.objectContaining({ alreadyPaused: [PARAMETER] })]);
    });

    test('WHEN the write fails THEN the invocation fails, so SNS and the dead-letter queue keep it', async () => {
      cw.on(sdk.ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'governance:auto-pause:fraud-scoring', Value: PARAMETER }] });
      ssm.on(sdk.GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: 'ACTIVE' } });
      ssm.on(sdk.PutParameterCommand).rejects(denied());
      await expect(mod.handler(alarmRecord('ALARM'))).rejects.toThrow(/auto-pause by alarm fraud-scoring-5xx-error-rate failed/);
    });
  });

  test('WHEN it receives an input it does not recognise THEN that is an error, not a silent success', async () => {
    await expect(mod.handler({ hello: 'world' })).rejects.toThrow(/unrecognised enforcer input/);
  });
});
