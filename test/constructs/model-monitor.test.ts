import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelMonitor, ModelMonitorProps } from '../../constructs/model-monitor';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { MODEL_MONITOR_MEMORY_MB, MODEL_MONITOR_TIMEOUT_SECONDS } from '../../lib/policy/monitoring-protocol';
import { ROOT } from '../helpers/builds';
import { monitoringInputs } from '../helpers/monitoring';
import { compliancePacks, unacknowledgedFindings } from '../helpers/nag';

beforeAll(() => {
  // The function is built from the shipped bundle of lib/handlers/model-monitor.
  if (!existsSync(join(ROOT, 'build', 'handlers', 'model-monitor', 'index.js'))) {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'bundle-handlers.mjs')]);
  }
});

function build(extra: Partial<ModelMonitorProps> = {}) {
  const stack = new Stack(new App(), 'Foundation', { env: { account: '123456789012', region: 'eu-west-1' } });
  const { key, bucket, topic } = monitoringInputs(stack);
  const monitor = new ModelMonitor(stack, 'Monitor', { foundationName: 'ml-platform', encryptionKey: key, evidenceBucket: bucket, alertTopic: topic, ...extra });
  return { stack, monitor, template: Template.fromStack(stack) };
}

/** The statements of the managed policies attached to the monitor's role, by Sid. */
function statements(template: Template): Record<string, any> {
  const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^MonitorFunctionRole') }] } });
  return Object.fromEntries(Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement).map((s: any) => [s.Sid, s]));
}

const ARN = (service: string, resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:eu-west-1:123456789012:${resource}`]] });

describe('GIVEN the model monitor of a foundation', () => {
  const { template, monitor } = build();

  test('THEN it is one function built from the model-monitor bundle, with the timeout and memory its bounds are made for', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Model monitor') } });
    expect(Object.values(functions)).toHaveLength(1);
    expect(Object.values(functions)[0]).toMatchObject({
      Properties: { Timeout: MODEL_MONITOR_TIMEOUT_SECONDS, MemorySize: MODEL_MONITOR_MEMORY_MB, ReservedConcurrentExecutions: 2, DeadLetterConfig: { TargetArn: expect.anything() } },
    });
    // AND it knows the foundation's alert topic and evidence bucket, for endpoints without a monitoring configuration
    expect((Object.values(functions)[0] as any).Properties.Environment.Variables).toEqual({
      ALERT_TOPIC_ARN: { Ref: expect.stringMatching(/^Alerts/) }, EVIDENCE_BUCKET: { Ref: expect.stringMatching(/^Evidence/) },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
  });

  test('THEN three schedules run it: window hourly, hypercare every 15 minutes, review daily, each saying which foundation', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties);
    const bySchedule = Object.fromEntries(rules.map((r) => [r.ScheduleExpression, JSON.parse(r.Targets[0].Input)]));
    expect(bySchedule).toEqual({
      'rate(1 hour)': { kind: 'window', foundation: 'ml-platform' },
      'rate(15 minutes)': { kind: 'hypercare', foundation: 'ml-platform' },
      'rate(1 day)': { kind: 'review', foundation: 'ml-platform' },
    });
    expect(monitor.schedules).toHaveLength(3);
  });

  test('THEN it reads only its foundation\'s parameters and describes only its foundation\'s endpoints, by tag', () => {
    const s = statements(template);
    const ofFoundation = { StringEquals: { 'aws:ResourceTag/governance:foundation': 'ml-platform' } };
    expect(s.ReadMonitoringConfigs).toMatchObject({
      Action: ['ssm:GetParameter', 'ssm:GetParameterHistory'], Resource: ARN('ssm', 'parameter/governed-endpoint/*'), Condition: ofFoundation,
    });
    expect(s.DescribeEndpoints).toMatchObject({ Action: 'sagemaker:DescribeEndpoint', Resource: ARN('sagemaker', 'endpoint/*'), Condition: ofFoundation });
  });

  test('THEN it lists and reads only the capture, label and monitoring prefixes of the evidence bucket, and writes under monitoring/ only', () => {
    const s = statements(template);
    expect(s.ListEvidence).toMatchObject({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['data-capture/*', 'ground-truth/*', 'monitoring/*'] } } });
    const suffixes = (statement: any) => [statement.Resource].flat().map((r: any) => r['Fn::Join'][1][1]);
    expect(suffixes(s.ReadEvidence)).toEqual(['/data-capture/*', '/ground-truth/*', '/monitoring/*']);
    expect(s.ReadEvidence.Action).toBe('s3:GetObject');
    expect(suffixes(s.WriteReports)).toEqual(['/monitoring/*']);
    expect(s.WriteReports.Action).toBe('s3:PutObject');
  });

  test('THEN it finds endpoints by tag, reads alarm states and notifies the alert topic; no action is a wildcard, and no metric is written through the API', () => {
    const s = statements(template);
    // the metrics go to the function's log in embedded metric format
    expect(Object.values(s).flatMap((x) => [x.Action].flat())).not.toContain('cloudwatch:PutMetricData');
    expect(s.FindEndpointsByTag).toMatchObject({ Action: 'tag:GetResources', Resource: '*' });
    expect(s.ReadAlarmStates).toMatchObject({ Action: 'cloudwatch:DescribeAlarms', Resource: ARN('cloudwatch', 'alarm:*') });
    expect(s.Notify).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^Alerts/) } });
    for (const statement of Object.values(s)) {
      for (const action of [statement.Action].flat()) {
        expect(action).not.toMatch(/\*/);
      }
    }
  });

  test('THEN its errors alarm notifies the alert topic: a broken monitor is heard of', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Namespace: 'AWS/Lambda', AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^MonitorFunction') } }],
    });
  });
});

describe('GIVEN the compliance packs and the AiGovernance pack', () => {
  test.each<[string, { vpc?: boolean }]>([
    ['without a VPC', {}],
    ['in a VPC', { vpc: true }],
  ])('WHEN the monitor runs %s THEN none of the five packs reports an unacknowledged finding on it', (_name, options) => {
    const stack = new Stack(new App(), 'Foundation', { env: { account: '123456789012', region: 'eu-west-1' } });
    const { key, bucket, topic } = monitoringInputs(stack);
    const vpc = options.vpc ? new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) : undefined;
    const monitor = new ModelMonitor(stack, 'Monitor', { foundationName: 'ml-platform', encryptionKey: key, evidenceBucket: bucket, alertTopic: topic, vpc });
    const findings = unacknowledgedFindings(monitor, [...compliancePacks(), new AiGovernanceChecks()]);
    expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });
});

describe('GIVEN invalid props', () => {
  test('WHEN the foundation name, concurrency, retention and subnets are wrong THEN one error names each', () => {
    const stack = new Stack(new App(), 'Foundation');
    const { key, bucket, topic } = monitoringInputs(stack);
    expect(() => new ModelMonitor(stack, 'Monitor', {
      foundationName: 'bad#name', encryptionKey: key, evidenceBucket: bucket, alertTopic: topic,
      reservedConcurrentExecutions: 0, logRetention: logs.RetentionDays.ONE_MONTH, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    })).toThrow(/ModelMonitor at 'Foundation\/Monitor' has invalid props:\n {2}- foundationName: received "bad#name"; .*\n {2}- reservedConcurrentExecutions: received 0; .*\n {2}- logRetention: received 30; .*\n {2}- vpcSubnets: received "set"; allowed: only together with vpc$/);
  });
});
