/**
 * The `governed-endpoint` CLI run in-process against mocked AWS clients (aws-sdk-client-mock), with a clock
 * that advances only when it sleeps: what each command reads and writes, what it prints, and its exit codes.
 * test/cli/bin.test.ts runs the built binary.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointCommand, ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterHistoryCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsTarget, CLI_CONNECTION_TIMEOUT_MS, CLI_REQUEST_TIMEOUT_MS, createClients } from '../../lib/cli/aws';
import { CliDeps, run } from '../../lib/cli/main';

const sm = mockClient(SageMakerClient);
const ssm = mockClient(SSMClient);
const cw = mockClient(CloudWatchClient);

const ENDPOINT = 'fraud-scoring';
const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/fraud-scoring';
const PARAMETER = '/governed-endpoint/fraud-scoring/kill-switch';
const ALICE = 'arn:aws:sts::123456789012:assumed-role/oncall/alice';

const error = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: {} });

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  targets: AwsTarget[];
  sleeps: number[];
}

/** Run the CLI against the mocked clients, with a clock that advances only when the CLI sleeps. */
async function cliWith(deps: Partial<CliDeps>, ...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let clock = 1_000_000;
  const targets: AwsTarget[] = [];
  const sleeps: number[] = [];
  const code = await run(argv, {
    clients: (target) => {
      targets.push(target);
      return { sagemaker: new SageMakerClient({ region: 'eu-west-1' }), ssm: new SSMClient({ region: 'eu-west-1' }), cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }) };
    },
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    interactive: false,
    color: false,
    sleep: async (ms) => { sleeps.push(ms); clock += ms; },
    now: () => clock,
    ...deps,
  });
  return { code, stdout: out, stderr: err, targets, sleeps };
}
const cli = (...argv: string[]) => cliWith({}, ...argv);
/** ANSI colour codes, as picocolors writes them. */
const ESC = String.fromCharCode(27);
const uncoloured = (text: string) => text.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '');

const inService = {
  EndpointName: ENDPOINT, EndpointArn: ARN, EndpointConfigName: 'config-1', EndpointStatus: 'InService' as const,
  ProductionVariants: [{ VariantName: 'primary', CurrentWeight: 1, CurrentInstanceCount: 2, DesiredInstanceCount: 2 }],
  LastDeploymentConfig: {
    BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'CANARY' as const, WaitIntervalInSeconds: 600 } },
    AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'fraud-scoring-5xx-error-rate' }] },
  },
};
const tags = (...extra: { Key: string; Value: string }[]) => ({ Tags: [{ Key: 'governance:kill-switch-parameter', Value: PARAMETER }, ...extra] });
const PAUSE_TAG = { Key: 'governance:kill-switch', Value: 'PAUSED' };
const version = (v: number, value: string, description: string) => ({ Name: PARAMETER, Version: v, Value: value, Description: description, LastModifiedUser: ALICE, LastModifiedDate: new Date('2030-01-09T10:00:00Z') });

beforeEach(() => {
  sm.reset();
  ssm.reset();
  cw.reset();
  sm.on(DescribeEndpointCommand).resolves(inService);
  sm.on(ListTagsCommand).resolves(tags());
  ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [version(1, 'ACTIVE', 'deployed')] });
  ssm.on(PutParameterCommand).resolves({ Version: 2 });
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
});

describe('GIVEN a paused endpoint with its parameter history and alarms (`governed-endpoint status`)', () => {
  beforeEach(() => {
    sm.on(ListTagsCommand).resolves(tags(PAUSE_TAG));
    ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [version(1, 'ACTIVE', 'deployed'), version(2, 'PAUSED', 'Paused with the governed-endpoint CLI: INC-42')] });
    cw.on(DescribeAlarmsCommand, { AlarmNames: ['fraud-scoring-5xx-error-rate'] }).resolves({ MetricAlarms: [{ AlarmName: 'fraud-scoring-5xx-error-rate', StateValue: 'ALARM', StateReason: 'Threshold Crossed' }] });
    cw.on(DescribeAlarmsCommand, { AlarmNamePrefix: 'fraud-scoring-' }).resolves({ MetricAlarms: [{ AlarmName: 'fraud-scoring-zero-traffic', StateValue: 'OK' }] });
  });

  test('WHEN status runs with --json THEN it reports status, variants and weights, rollout, the kill switch with who, when and why, and alarm states', async () => {
    const r = await cli('status', ENDPOINT, '--json', '--region', 'eu-west-1', '--profile', 'ops');
    expect(r.code).toBe(0);
    expect(r.targets).toEqual([{ region: 'eu-west-1', profile: 'ops' }]);
    expect(JSON.parse(r.stdout)).toEqual({
      endpoint: ENDPOINT,
      endpointArn: ARN,
      status: 'InService',
      variants: [{ name: 'primary', weight: 1, instances: 2, desiredInstances: 2 }],
      rollout: { inProgress: false, stages: [], policy: 'blue/green CANARY' },
      killSwitch: {
        parameter: PARAMETER, value: 'PAUSED', version: 2, changedAt: '2030-01-09T10:00:00.000Z', changedBy: ALICE,
        reason: 'Paused with the governed-endpoint CLI: INC-42', endpointTag: 'PAUSED', enforced: true,
      },
      alarms: [
        { name: 'fraud-scoring-5xx-error-rate', state: 'ALARM', reason: 'Threshold Crossed' },
        { name: 'fraud-scoring-zero-traffic', state: 'OK' },
      ],
    });
  });

  test('WHEN status runs without --json THEN it prints a readable summary', async () => {
    const r = await cli('status', ENDPOINT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fraud-scoring  InService');
    expect(r.stdout).toMatch(/kill switch {2}PAUSED {2}\(endpoint tag: PAUSED\)/);
    expect(r.stdout).toContain(`changed 2030-01-09T10:00:00.000Z by ${ALICE}`);
    expect(r.stdout).toContain('reason: Paused with the governed-endpoint CLI: INC-42');
    expect(r.stdout).toContain('primary  weight 1  instances 2');
    expect(r.stdout).toContain('none in progress (policy: blue/green CANARY)');
    expect(r.stdout).toMatch(/ALARM +fraud-scoring-5xx-error-rate/);
  });

  test('WHEN the endpoint is not tagged yet and a rollout is running THEN status says the pause is not yet enforced and shows the rollout', async () => {
    sm.on(ListTagsCommand).resolves(tags());
    sm.on(DescribeEndpointCommand).resolves({
      ...inService, EndpointStatus: 'Updating',
      PendingDeploymentSummary: { EndpointConfigName: 'config-2', StartTime: new Date('2030-01-09T09:00:00Z'), ProductionVariants: [{ VariantName: 'primary', CurrentWeight: 0.1, DesiredWeight: 1, VariantStatus: [{ Status: 'Baking', StatusMessage: 'canary' }] }] },
    });
    const r = await cli('status', ENDPOINT);
    expect(r.stdout).toContain('NOT yet enforced');
    expect(r.stdout).toContain('in progress to config-2 since 2030-01-09T09:00:00.000Z');
    expect(r.stdout).toContain('primary: weight 0.1 -> 1  [Baking (canary)]');
  });

  test('WHEN status runs with colours THEN the state and alarms are coloured, and the text is the same as without', async () => {
    const r = await cliWith({ color: true }, 'status', ENDPOINT);
    expect(r.stdout).toContain(`${ESC}[31m${ESC}[1mPAUSED${ESC}[22m${ESC}[39m`);
    expect(r.stdout).toContain(`${ESC}[31mALARM`);
    expect(r.stdout).toContain(`${ESC}[32mOK`);
    expect(uncoloured(r.stdout)).toBe((await cli('status', ENDPOINT)).stdout);
  });

  test('WHEN the tag names another parameter, or --parameter gives one THEN that parameter is read', async () => {
    sm.on(ListTagsCommand).resolves({ Tags: [{ Key: 'governance:kill-switch-parameter', Value: '/ml/fraud/stop' }] });
    await cli('status', ENDPOINT);
    await cli('status', ENDPOINT, '--parameter', '/other');
    expect(ssm.commandCalls(GetParameterHistoryCommand).map((c) => c.args[0].input.Name)).toEqual(['/ml/fraud/stop', '/other']);
  });

  test('WHEN the alarms cannot be read THEN status still reports, with the reason in place of the alarms', async () => {
    cw.on(DescribeAlarmsCommand).rejects(error('AccessDenied', 'User is not authorized to perform: cloudwatch:DescribeAlarms'));
    const r = await cli('status', ENDPOINT, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).alarms).toEqual({ error: expect.stringMatching(/^Access denied: User is not authorized to perform: cloudwatch:DescribeAlarms/) });
  });
});

describe('GIVEN an active endpoint and its kill-switch parameter (`governed-endpoint pause` and `resume`)', () => {
  test('WHEN pause runs THEN it writes PAUSED with the reason, then waits until the enforcer has tagged the endpoint', async () => {
    sm.on(ListTagsCommand).resolvesOnce(tags()).resolvesOnce(tags()).resolvesOnce(tags()).resolves(tags(PAUSE_TAG));
    const r = await cli('pause', ENDPOINT, '--reason', 'INC-42: drift after feature change', '--json');
    expect(r.code).toBe(0);
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([{
      Name: PARAMETER, Value: 'PAUSED', Type: 'String', Overwrite: true,
      Description: 'Paused with the governed-endpoint CLI: INC-42: drift after feature change',
    }]);
    expect(JSON.parse(r.stdout)).toEqual({ endpoint: ENDPOINT, parameter: PARAMETER, state: 'PAUSED', changed: true, version: 2, enforcedAfterSeconds: 4 });
    expect(r.sleeps).toEqual([2000, 2000]);
  });

  test('WHEN pause runs without --json THEN progress goes to stderr and a summary to stdout', async () => {
    sm.on(ListTagsCommand).resolvesOnce(tags()).resolvesOnce(tags()).resolves(tags(PAUSE_TAG));
    const r = await cli('pause', ENDPOINT, '--reason', 'INC-42');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${PARAMETER} = PAUSED (version 2)`);
    expect(r.stderr).toContain('waiting for the enforcer to tag fraud-scoring');
    expect(r.stdout).toBe(`fraud-scoring paused (${PARAMETER} version 2); endpoint tag reflects it after 2s\n`);
  });

  test('WHEN resume runs on a paused endpoint THEN it writes ACTIVE with the reason and waits until the pause tag is gone', async () => {
    ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [version(2, 'PAUSED', 'INC-42')] });
    sm.on(ListTagsCommand).resolvesOnce(tags(PAUSE_TAG)).resolvesOnce(tags(PAUSE_TAG)).resolves(tags());
    const r = await cli('resume', ENDPOINT, '--reason', 'INC-42 fixed in model v15', '--json');
    expect(r.code).toBe(0);
    expect(ssm.commandCalls(PutParameterCommand)[0].args[0].input).toMatchObject({ Value: 'ACTIVE', Description: 'Resumed with the governed-endpoint CLI: INC-42 fixed in model v15' });
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'ACTIVE', changed: true, enforcedAfterSeconds: 2 });
  });

  test('WHEN pause runs on a paused endpoint THEN nothing is written', async () => {
    ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [version(2, 'PAUSED', 'INC-42')] });
    sm.on(ListTagsCommand).resolves(tags(PAUSE_TAG));
    const r = await cli('pause', ENDPOINT, '--reason', 'again', '--json');
    expect(r.code).toBe(0);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: false, enforcedAfterSeconds: 0 });
  });

  test('WHEN pause runs with --no-wait THEN it returns once the parameter is written', async () => {
    const r = await cli('pause', ENDPOINT, '--reason', 'INC-42', '--no-wait', '--json');
    expect(r.code).toBe(0);
    expect(sm.commandCalls(ListTagsCommand)).toHaveLength(1);
    expect(JSON.parse(r.stdout).enforcedAfterSeconds).toBeUndefined();
  });

  test('WHEN the tag never follows THEN it times out with exit 6 and says invocations are not blocked yet', async () => {
    const r = await cli('pause', ENDPOINT, '--reason', 'INC-42', '--timeout', '10', '--poll', '5');
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/after 10s the endpoint's tag does not reflect it yet \(invocations are NOT blocked\)/);
    expect(r.sleeps).toEqual([5000, 5000]);
  });

  test.each([
    [['pause', ENDPOINT], /required option '--reason <text>' not specified/],
    [['pause', ENDPOINT, '--reason', '   '], /--reason must say why/],
    [['pause', ENDPOINT, '--reason', 'x [set-by-deployment]'], /--reason must not contain \[set-by-deployment\]/],
    [['pause', ENDPOINT, '--reason', 'x', '--timeout', '0'], /expected a whole number of seconds greater than 0, received "0"/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('WHEN the arguments are %j THEN it exits 2 (usage) and writes nothing', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  test('WHEN the kill-switch parameter does not exist THEN it exits 3 and says to pass --parameter', async () => {
    ssm.on(GetParameterHistoryCommand).rejects(error('ParameterNotFound', 'not found'));
    const r = await cli('pause', ENDPOINT, '--reason', 'INC-42');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`Kill-switch parameter ${PARAMETER} not found. Pass --parameter`);
  });

  test('WHEN the principal lacks the operator grant THEN it exits 5 and names the grant it needs', async () => {
    ssm.on(PutParameterCommand).rejects(error('AccessDeniedException', `User: ${ALICE} is not authorized to perform: ssm:PutParameter`));
    const r = await cli('pause', ENDPOINT, '--reason', 'INC-42');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('Access denied: User: arn:aws:sts::123456789012:assumed-role/oncall/alice is not authorized to perform: ssm:PutParameter');
    expect(r.stderr).toContain('endpoint.killSwitch.grantOperate(role)');
  });
});

describe('GIVEN an endpoint in service or being updated (`governed-endpoint watch`)', () => {
  const updating = (status: string, weight: number, stage: string) => ({
    ...inService, EndpointStatus: status as 'Updating',
    PendingDeploymentSummary: { EndpointConfigName: 'config-2', ProductionVariants: [{ VariantName: 'primary', CurrentWeight: weight, DesiredWeight: 1, VariantStatus: [{ Status: stage as 'Baking' }] }] },
  });

  test('WHEN a rollout runs to the end THEN it follows each stage and exits 0', async () => {
    sm.on(DescribeEndpointCommand)
      .resolvesOnce(updating('Updating', 0.1, 'Baking'))
      .resolvesOnce(updating('Updating', 0.1, 'Baking'))
      .resolvesOnce(updating('Updating', 1, 'ActivatingTraffic'))
      .resolves({ ...inService, EndpointConfigName: 'config-2' });
    const r = await cli('watch', ENDPOINT, '--interval', '30');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/Updating \| deploying config-2 \| primary: weight 0.1 -> 1 \[Baking\]$/);
    expect(lines[1]).toMatch(/primary: weight 1 -> 1 \[ActivatingTraffic\]$/);
    expect(lines[3]).toBe('rollout finished: fraud-scoring is InService on config-2 after 90s');
    expect(r.sleeps).toEqual([30000, 30000, 30000]);
  });

  test('WHEN the rollout is rolled back THEN it exits 7', async () => {
    sm.on(DescribeEndpointCommand)
      .resolvesOnce(updating('Updating', 0.1, 'Baking'))
      .resolvesOnce({ ...updating('RollingBack', 0.1, 'Deleting') })
      .resolves({ ...inService, EndpointConfigName: 'config-1' });
    const r = await cli('watch', ENDPOINT, '--json');
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout)).toEqual({ error: expect.objectContaining({ exitCode: 7, message: expect.stringMatching(/rollout of config-2 to fraud-scoring was rolled back; the endpoint serves config-1/) }) });
  });

  test('WHEN the endpoint fails THEN it exits 7 with the failure reason', async () => {
    sm.on(DescribeEndpointCommand).resolvesOnce(updating('Updating', 0.1, 'Creating')).resolves({ ...inService, EndpointStatus: 'Failed', FailureReason: 'image not found' });
    const r = await cli('watch', ENDPOINT);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('fraud-scoring is Failed: image not found');
  });

  test('WHEN no rollout is in progress THEN it says so and exits 0', async () => {
    const r = await cli('watch', ENDPOINT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fraud-scoring: no rollout in progress (InService, serving config-1)');
  });

  test('WHEN the rollout outlasts --timeout THEN it gives up with exit 6', async () => {
    sm.on(DescribeEndpointCommand).resolves(updating('Updating', 0.1, 'Baking'));
    const r = await cli('watch', ENDPOINT, '--interval', '60', '--timeout', '120');
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('fraud-scoring is still Updating after 120s');
  });
});

describe('GIVEN a command that cannot complete', () => {
  test.each([
    ['no credentials', error('CredentialsProviderError', 'Could not load credentials from any providers'), 4, /No AWS credentials found \(profile ops\)\. Sign in \(for example `aws sso login --profile ops`\)/],
    ['expired credentials', error('ExpiredTokenException', 'The security token included in the request is expired'), 4, /AWS rejected the credentials \(profile ops\) \(ExpiredTokenException/],
    ['no region', new Error('Region is missing'), 2, /No AWS region: pass --region or set AWS_REGION/],
    ['an unknown endpoint', error('ValidationException', 'Could not find endpoint "fraud-scoring".'), 3, /Endpoint fraud-scoring not found in eu-west-1\. Check the name, --region and --profile/],
    ['access denied', error('AccessDeniedException', 'User is not authorized to perform: sagemaker:DescribeEndpoint'), 5, /Access denied \(profile ops\): User is not authorized/],
    ['anything else', error('InternalFailure', 'boom'), 1, /InternalFailure: boom/],
  ])('WHEN the failure is %s THEN every command exits with its code and says what to do', async (_case, err, code, message) => {
    sm.on(DescribeEndpointCommand).rejects(err);
    for (const argv of [['status', ENDPOINT], ['pause', ENDPOINT, '--reason', 'INC-42'], ['resume', ENDPOINT, '--reason', 'fixed'], ['watch', ENDPOINT]]) {
      const r = await cli(...argv, '--region', 'eu-west-1', '--profile', 'ops');
      expect({ argv, code: r.code }).toEqual({ argv, code });
      expect(r.stderr).toMatch(message);
    }
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  test('WHEN status runs with --json on an unknown endpoint THEN the error is one JSON document on stdout', async () => {
    sm.on(DescribeEndpointCommand).rejects(error('ValidationException', 'Could not find endpoint "nope".'));
    const r = await cli('status', 'nope', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ error: { exitCode: 3, message: 'Endpoint nope not found. Check the name, --region and --profile.', endpoint: 'nope' } });
  });

  test('WHEN colours are on THEN the error is marked in red on stderr', async () => {
    sm.on(DescribeEndpointCommand).rejects(error('InternalFailure', 'boom'));
    const r = await cliWith({ color: true }, 'status', ENDPOINT);
    expect(r.stderr).toBe(`${ESC}[31merror${ESC}[39m InternalFailure: boom\n`);
  });

  test('WHEN no arguments are given THEN it prints the help with the exit codes on stderr and exits 2', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: governed-endpoint');
    expect(r.stderr).toContain('4  no AWS credentials, or credentials rejected');
  });
});

test('GIVEN --region and --profile, WHEN the clients are created THEN they use the standard credential chain with that region and profile', async () => {
  const clients = createClients({ region: 'eu-central-1', profile: 'ops' });
  expect(await clients.sagemaker.config.region()).toBe('eu-central-1');
  expect(await clients.ssm.config.region()).toBe('eu-central-1');
  expect((clients.cloudwatch.config as { profile?: string }).profile).toBe('ops');
});

test('GIVEN the CLI\'s clients, WHEN a call hangs THEN it is bounded: every client has a connection timeout and a request timeout that throws', async () => {
  const clients = createClients({ region: 'eu-central-1' });
  for (const client of [clients.sagemaker, clients.ssm, clients.cloudwatch]) {
    const handler = client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
    expect(await handler.configProvider).toMatchObject({
      connectionTimeout: CLI_CONNECTION_TIMEOUT_MS, requestTimeout: CLI_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true, socketTimeout: CLI_REQUEST_TIMEOUT_MS,
    });
  }
});
