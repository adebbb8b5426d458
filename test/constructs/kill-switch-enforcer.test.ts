import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AlarmTopic } from '../../constructs/alarm-topic';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { KillSwitchEnforcer } from '../../constructs/kill-switch-enforcer';
import { RiskTier } from '../../lib/policy/governance';
import { KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS } from '../../lib/policy/kill-switch-protocol';
import { ModelSource } from '../../constructs/model-source';
import { asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';
import { unacknowledgedFindings } from '../helpers/nag';

/** The statements of the managed policies attached to the enforcer's role. */
function enforcerStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('KillSwitchEnforcer[0-9A-F]*FunctionRole') }] },
  })).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function changeRules(template: Template): any[] {
  return Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.anyValue() } }));
}

function enforcerFunctions(template: Template): any[] {
  return Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Kill switch') } }));
}

/** The resources of a template whose logical ID says they belong to the enforcer. */
function enforcerResources(template: Template): Record<string, unknown> {
  return Object.fromEntries(Object.entries(template.toJSON().Resources).filter(([id]) => /KillSwitchEnforcer/.test(id)));
}

describe('GIVEN the kill-switch enforcer of a foundation', () => {
  describe('WHEN one endpoint uses the foundation', () => {
    const { template, endpoint } = synthEndpoint({ endpointName: 'fraud-scoring' });

    test('THEN it runs on the change of any parameter named /governed-endpoint/<...>/kill-switch and on any endpoint state change, listing none', () => {
      const rules = changeRules(template);
      expect(rules).toHaveLength(1);
      expect(rules[0].Properties.EventPattern).toEqual({
        $or: [
          { 'source': ['aws.ssm'], 'detail-type': ['Parameter Store Change'], 'detail': { name: [{ wildcard: '/governed-endpoint/*/kill-switch' }] } },
          { 'source': ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'] },
        ],
      });
      const target = rules[0].Properties.Targets[0];
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/KillSwitchEnforcerFunction/), 'Arn'] });
      expect(target.InputTransformer).toEqual({ InputTemplate: '{"kind":"event","event":<aws.events.event.json>}' });
    });

    test('THEN the endpoint carries the tags the enforcer finds it by: the foundation\'s name and its parameter\'s name', () => {
      template.hasResourceProperties('AWS::SageMaker::Endpoint', {
        Tags: Match.arrayWith([
          { Key: 'governance:foundation', Value: 'TestStack' },
          { Key: 'governance:kill-switch-parameter', Value: '/governed-endpoint/fraud-scoring/kill-switch' },
        ]),
      });
      expect(endpoint.killSwitch.foundationName).toBe('TestStack');
    });

    test('THEN its function knows the foundation it serves, the evidence bucket and the alert topic from its environment', () => {
      const [fn] = enforcerFunctions(template);
      expect(fn.Properties.Environment.Variables).toEqual({
        GOVERNANCE_FOUNDATION: 'TestStack',
        EVIDENCE_BUCKET: { Ref: expect.stringMatching(/^GovernanceFoundationEvidenceBucket/) },
        ALERT_TOPIC_ARN: { Ref: expect.stringMatching(/^GovernanceFoundationAlertTopic/) },
      });
    });

    test('THEN it reconciles the whole foundation every 5 minutes by default, and at the interval the foundation gives', () => {
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', Targets: [Match.objectLike({ Input: '{"kind":"reconcile"}' })] });
      const stack = newStack();
      new GovernanceFoundation(stack, 'GovernanceFoundation', { killSwitchEnforcer: { reconcileInterval: Duration.minutes(1) } });
      new GovernedEndpoint(stack, 'Scoring', endpointProps());
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    });

    test('THEN it may be invoked by its own two rules and its auto-pause topic only', () => {
      // (the foundation's model monitor is a function of its own, invoked by its own schedules)
      const permissions = (Object.values(template.findResources('AWS::Lambda::Permission')) as any[])
        .filter((p) => /KillSwitchEnforcerFunction/.test(p.Properties.FunctionName['Fn::GetAtt']?.[0] ?? ''));
      expect(permissions.map((p) => p.Properties.Principal).sort()).toEqual(['events.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com']);
      for (const p of permissions.filter((x) => x.Properties.Principal === 'events.amazonaws.com')) {
        expect(p.Properties.SourceArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/KillSwitchEnforcer(Change|Reconcile)Rule/), 'Arn'] });
      }
      // AND every other invoke permission of the stack is the model monitor's, from its three schedules
      const others = (Object.values(template.findResources('AWS::Lambda::Permission')) as any[]).filter((p) => !permissions.includes(p));
      expect(others.map((p) => [p.Properties.FunctionName['Fn::GetAtt'][0], p.Properties.Principal])).toEqual(
        [0, 1, 2].map(() => [expect.stringMatching(/^GovernanceFoundationModelMonitorFunction/), 'events.amazonaws.com']));
    });

    test('THEN its permissions are bounded by tags and names: the kill-switch tag on endpoints of its foundation only, kill-switch parameters only, the snapshot prefix, the alert topic', () => {
      const bySid = Object.fromEntries(enforcerStatements(template).map((s) => [s.Sid, s]));
      const arn = (service: string, resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
      expect(bySid.ReadAndRestoreKillSwitchParameters).toEqual({
        Sid: 'ReadAndRestoreKillSwitchParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter'],
        Resource: arn('ssm', 'parameter/governed-endpoint/*/kill-switch'),
      });
      expect(bySid.SetKillSwitchTagOnFoundationEndpoints).toEqual({
        Sid: 'SetKillSwitchTagOnFoundationEndpoints', Effect: 'Allow', Action: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
        Resource: arn('sagemaker', 'endpoint/*'),
        Condition: {
          'StringEquals': { 'aws:ResourceTag/governance:foundation': 'TestStack' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['governance:kill-switch'] },
        },
      });
      expect([...bySid.ReadEndpointTagsAndState.Action].sort()).toEqual(['sagemaker:DescribeEndpoint', 'sagemaker:ListTags']);
      expect(bySid.ReadEndpointTagsAndState.Resource).toEqual(arn('sagemaker', 'endpoint/*'));
      expect(bySid.FindFoundationEndpointsByTag).toMatchObject({ Action: 'tag:GetResources', Resource: '*' });
      expect(bySid.WriteKillSwitchEvidence).toMatchObject({
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^GovernanceFoundationEvidenceBucket/), 'Arn'] }, '/kill-switch/*']] },
      });
      expect(bySid.NotifyAlertTopic).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^GovernanceFoundationAlertTopic/) } });
      // AND no "*" action, and the one "*" resource is the tagging API's, which has no narrower one
      for (const s of enforcerStatements(template)) {
        expect(asArray(s.Action).filter((a: string) => a.includes('*'))).toEqual([]);
        if (asArray(s.Resource).includes('*')) {
          expect(s.Action).toBe('tag:GetResources');
        }
      }
      // AND every permission sits in customer-managed policies: no inline policy, no AWS-managed policy
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('THEN its role carries the tag an organization SCP can reserve the pause tag to', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
        Tags: Match.arrayWith([{ Key: 'governance:kill-switch-enforcer', Value: 'true' }]),
      });
    });

    test('THEN it raises an alarm on the alert topic when it fails, since a pause may then not have been applied', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('KillSwitchEnforcerFunction') } }],
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^GovernanceFoundationAlertTopic') }],
      });
    });

    test('THEN it is a governed function: newest runtime, reserved concurrency, dead-letter queue, KMS log group kept a year and retained', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        ReservedConcurrentExecutions: 5,
        Timeout: KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS,
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('KillSwitchEnforcerFunctionDeadLetterQueue'), 'Arn'] } },
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GovernanceFoundationKey'), 'Arn'] } },
        DeletionPolicy: 'Retain',
      });
    });
  });

  describe('WHEN more endpoints use the foundation', () => {
    test('THEN the enforcer\'s resources are the same for 1 endpoint and for 20: nothing per endpoint, no shards', () => {
      // (20 monitored endpoints and the foundation fit the 500 resources of one stack; 30 would not)
      const build = (n: number) => {
        const stack = newStack();
        for (let i = 0; i < n; i++) {
          new GovernedEndpoint(stack, `E${i}`, endpointProps({ endpointName: `model-${i}` }));
        }
        return Template.fromStack(stack);
      };
      const one = build(1);
      const twenty = build(20);
      expect(Object.keys(twenty.findResources('AWS::SageMaker::Endpoint'))).toHaveLength(20);
      expect(enforcerResources(twenty)).toEqual(enforcerResources(one));
      expect(enforcerFunctions(twenty)).toHaveLength(1);
      expect(changeRules(twenty)).toHaveLength(1);
    });

    test('THEN endpoints of other stacks that use it get no enforcer of their own', () => {
      const app = new App();
      const platform = new Stack(app, 'Platform');
      const foundation = new GovernanceFoundation(platform, 'Foundation', { name: 'ml-platform' });
      const models = new Stack(app, 'Models');
      const endpoint = new GovernedEndpoint(models, 'Scoring', endpointProps({ foundation }));
      expect(enforcerFunctions(Template.fromStack(models))).toHaveLength(0);
      expect(endpoint.killSwitch.enforcer).toBe(foundation.killSwitchEnforcer);
      Template.fromStack(models).hasResourceProperties('AWS::SageMaker::Endpoint', { Tags: Match.arrayWith([{ Key: 'governance:foundation', Value: 'ml-platform' }]) });
    });
  });

  describe('WHEN an endpoint uses no foundation', () => {
    test('THEN an endpoint on its own key and bucket gets a stack enforcer for them, named after the stack, and no foundation is created', () => {
      const stack = newStack();
      const encryptionKey = new kms.Key(stack, 'UserKey', { enableKeyRotation: true });
      const evidenceBucket = s3.Bucket.fromBucketName(stack, 'Evidence', 'existing-evidence');
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ encryptionKey, evidenceBucket }));
      const template = Template.fromStack(stack);
      expect(stack.node.tryFindChild('GovernanceFoundation')).toBeUndefined();
      const enforcer = endpoint.killSwitch.enforcer as KillSwitchEnforcer;
      expect(enforcer.node.scope).toBe(stack);
      expect(enforcer.foundationName).toMatch(/^TestStack\.KillSwitchEnforcer[0-9A-F]{8}$/);
      template.hasResourceProperties('AWS::SageMaker::Endpoint', { Tags: Match.arrayWith([{ Key: 'governance:foundation', Value: enforcer.foundationName }]) });
      const put = enforcerStatements(template).find((s) => s.Sid === 'WriteKillSwitchEvidence');
      expect(put.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::existing-evidence/kill-switch/*']] });
      expect(unacknowledgedFindings(stack)).toEqual([]);
    });

    test('THEN endpoints on the same key, bucket, topic and VPC share it; in a VPC, it runs in the VPC, one per VPC', () => {
      const app = new App();
      const network = new Stack(app, 'Network');
      const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 1 });
      const stack = new Stack(app, 'Models');
      const encryptionKey = new kms.Key(stack, 'UserKey', { enableKeyRotation: true });
      const evidenceBucket = s3.Bucket.fromBucketName(stack, 'Evidence', 'existing-evidence');
      const alarms = { alertTopic: new AlarmTopic(stack, 'Alerts', { displayName: 'alerts', encryptionKey }) };
      const a = new GovernedEndpoint(stack, 'A', endpointProps({ vpc, encryptionKey, evidenceBucket, alarms }));
      const b = new GovernedEndpoint(stack, 'B', endpointProps({ vpc, encryptionKey, evidenceBucket, alarms }));
      const c = new GovernedEndpoint(stack, 'C', endpointProps({ encryptionKey, evidenceBucket, alarms }));
      expect(a.killSwitch.enforcer === b.killSwitch.enforcer).toBe(true);
      expect(c.killSwitch.enforcer === a.killSwitch.enforcer).toBe(false);
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Kill switch'),
        VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
      });
      expect(unacknowledgedFindings(stack)).toEqual([]);
    });

    test('THEN a foundation\'s enforcer runs in the VPC its options give', () => {
      const app = new App();
      const vpc = new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', { maxAzs: 2, natGateways: 1 });
      const stack = new Stack(app, 'TestStack');
      new GovernanceFoundation(stack, 'GovernanceFoundation', { killSwitchEnforcer: { vpc } });
      new GovernedEndpoint(stack, 'Scoring', endpointProps());
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Kill switch'), VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
      });
      expect(unacknowledgedFindings(stack)).toEqual([]);
    });
  });

  describe('WHEN its props are wrong', () => {
    test('THEN every problem is reported at once, naming the prop, the value and what is allowed', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      expect(() => new KillSwitchEnforcer(stack, 'Enforcer', { foundationName: 'bad#name', encryptionKey: key, reconcileInterval: Duration.seconds(30), reservedConcurrentExecutions: 0 }))
        .toThrow(/reconcileInterval: received "30 seconds"; allowed: whole minutes[^\n]*\n {2}- reservedConcurrentExecutions: received 0; allowed: a whole number from 1 to 1000\n {2}- foundationName: received "bad#name"; allowed: 1 to 256/);
    });

    test('THEN an imported enforcer needs a valid foundation name too', () => {
      const stack = newStack();
      expect(() => KillSwitchEnforcer.fromAttributes(stack, 'Imported', { foundationName: '' })).toThrow(/foundationName: received ""/);
    });
  });
});

describe('KillSwitchEnforcer: what its handler needs', () => {
  test('GIVEN a model-package endpoint, THEN the enforcer may describe packages, configs and models for evidence, and only describe them', () => {
    const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/FraudScoring/3';
    const { template } = synthEndpoint({ model: ModelSource.fromModelPackage({ modelPackageArn: arn }), governance: { owner: 'o@example.com', purpose: 'p', riskTier: RiskTier.MEDIUM } });
    const describe = enforcerStatements(template).find((s) => s.Sid === 'DescribeForEvidence');
    expect([...describe.Action].sort()).toEqual(['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:DescribeModelPackage']);
    expect(JSON.stringify(describe.Resource)).toMatch(/:model-package\/\*"/);
  });

  test('THEN its function timeout is the one its time bounds are built for, and is longer than one endpoint\'s worst case plus the reserve', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bounds = require('../../lib/handlers/kill-switch-enforcer/bounds') as typeof import('../../lib/handlers/kill-switch-enforcer/bounds');
    const { template } = synthEndpoint();
    const [enforcer] = enforcerFunctions(template);
    expect(enforcer.Properties.Timeout).toBe(KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS);
    expect(bounds.worstCaseEndpointMs() + bounds.INVOCATION_RESERVE_MS).toBeLessThanOrEqual(enforcer.Properties.Timeout * 1000);
    expect(bounds.DEFAULT_BOUNDS.invocationMs + bounds.INVOCATION_RESERVE_MS).toBe(enforcer.Properties.Timeout * 1000);
  });
});
