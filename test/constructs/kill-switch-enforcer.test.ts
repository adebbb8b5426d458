import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { KillSwitchEnforcer } from '../../constructs/kill-switch-enforcer';
import { RiskTier } from '../../lib/policy/governance';
import { KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS } from '../../lib/policy/kill-switch-protocol';
import { ModelSource } from '../../constructs/model-source';
import { asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';
import { unacknowledgedFindings } from '../helpers/nag';

const PARAMETER = '/governed-endpoint/fraud-scoring/kill-switch';

/** The statements of the managed policies attached to the enforcer's role. */
function enforcerStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('KillSwitchEnforcer[0-9A-F]*FunctionRole') }] },
  })).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function changeRules(template: Template): any[] {
  return Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.anyValue() } }));
}

describe('GIVEN the kill-switch enforcer of a stack', () => {
  describe('WHEN one endpoint registers', () => {
    const { template } = synthEndpoint({ endpointName: 'fraud-scoring' });

    test('THEN it runs on the "Parameter Store Change" event of exactly this parameter and the state changes of exactly this endpoint', () => {
      const rules = changeRules(template);
      expect(rules).toHaveLength(1);
      expect(rules[0].Properties.EventPattern).toEqual({
        $or: [
          { 'source': ['aws.ssm'], 'detail-type': ['Parameter Store Change'], 'detail': { name: [PARAMETER] } },
          { 'source': ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'], 'detail': { EndpointName: ['fraud-scoring'] } },
        ],
      });
      const target = rules[0].Properties.Targets[0];
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/KillSwitchEnforcerFunction/), 'Arn'] });
      const template_ = JSON.stringify(target.InputTransformer.InputTemplate);
      expect(template_).toContain('<aws.events.event.json>');
      expect(template_).toContain(PARAMETER);
    });

    test('THEN it reconciles every 5 minutes by default, and at the interval its props give', () => {
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', Targets: [Match.objectLike({ Input: Match.anyValue() })] });
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const enforcer = new KillSwitchEnforcer(stack, 'Enforcer', { encryptionKey: key, reconcileInterval: Duration.minutes(1) });
      new GovernedEndpoint(stack, 'Scoring', endpointProps({ killSwitch: { enforcer } }));
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    });

    test('THEN it may be invoked by its own rules only', () => {
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as any[];
      expect(permissions).toHaveLength(2);
      for (const p of permissions) {
        expect(p.Properties).toMatchObject({ Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/KillSwitchEnforcerShard0(Change|Reconcile)Rule/), 'Arn'] } });
      }
    });

    test('THEN it has a least-privilege policy: this parameter, the kill-switch tag of this endpoint, Describe of its parts, the snapshot prefix, the alert topic', () => {
      const statements = enforcerStatements(template);
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      expect(bySid.ReadAndRestoreKillSwitchParameters).toEqual({
        Sid: 'ReadAndRestoreKillSwitchParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter', { Ref: expect.stringMatching(/^ScoringKillSwitchParameter/) }]] },
      });
      expect({ ...bySid.SetKillSwitchTagOnly, Action: [...bySid.SetKillSwitchTagOnly.Action].sort() }).toEqual({
        Sid: 'SetKillSwitchTagOnly', Effect: 'Allow',
        Action: ['sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:DescribeEndpoint', 'sagemaker:ListTags'],
        Resource: { Ref: expect.stringMatching(/^ScoringEndpoint[0-9A-F]{8}$/) },
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['governance:kill-switch'] } },
      });
      expect(bySid.DescribeForEvidence.Resource).toEqual([{ Ref: expect.stringMatching(/^ScoringEndpointConfig/) }, { Ref: expect.stringMatching(/^ScoringModel/) }]);
      expect(bySid.WriteKillSwitchEvidence).toMatchObject({
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^GovernanceFoundationEvidenceBucket/), 'Arn'] }, '/kill-switch/*']] },
      });
      expect(bySid.NotifyAlertTopics).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^GovernanceFoundationAlertTopic/) } });
      // AND no "*" action, and "*" resources nowhere (the function is not in a VPC)
      for (const s of statements) {
        expect(asArray(s.Action).filter((a: string) => a.includes('*'))).toEqual([]);
        expect(asArray(s.Resource)).not.toContain('*');
      }
      // AND every permission sits in customer-managed policies: no inline policy, no AWS-managed policy
      template.resourceCountIs('AWS::IAM::Policy', 0);
      const role = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } } });
      expect(Object.values(role).map((r: any) => r.Properties.ManagedPolicyArns)).toEqual([undefined]);
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
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^GovernanceFoundationAlertTopic') }],
      });
    });

    test('THEN it is a governed function: newest runtime, reserved concurrency, dead-letter queue, KMS log group kept a year and retained', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        ReservedConcurrentExecutions: 5,
        Timeout: 120,
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('KillSwitchEnforcerFunctionDeadLetterQueue'), 'Arn'] } },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('KillSwitchEnforcerFunctionLogGroup') } },
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GovernanceFoundationKey'), 'Arn'] } },
        DeletionPolicy: 'Retain',
      });
    });
  });

  describe('WHEN many endpoints register', () => {
    test('THEN two endpoints share one function, one policy and one rule that lists both parameters', () => {
      const stack = newStack();
      new GovernedEndpoint(stack, 'A', endpointProps({ endpointName: 'a' }));
      new GovernedEndpoint(stack, 'B', endpointProps({ endpointName: 'b' }));
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Function', 1);
      // The kill-switch parameters (the foundation's published references are parameters too).
      expect(Object.keys(template.findResources('AWS::SSM::Parameter', { Properties: { Name: Match.stringLikeRegexp('/kill-switch$') } }))).toHaveLength(2);
      const rules = changeRules(template);
      expect(rules).toHaveLength(1);
      expect(rules[0].Properties.EventPattern.$or[0].detail.name).toEqual(['/governed-endpoint/a/kill-switch', '/governed-endpoint/b/kill-switch']);
      expect(enforcerStatements(template).find((s) => s.Sid === 'SetKillSwitchTagOnly').Resource).toHaveLength(2);
    });

    test('THEN 50 endpoints fit in one stack, in shards whose policy, pattern and input stay under the service limits', () => {
      // GIVEN 50 HIGH-tier endpoints with 63-character names (the longest SageMaker allows); one alarm each (rollback needs one), no dashboard,
      // so the count below is what the endpoints and their kill switches cost
      const stack = newStack();
      const off = { enabled: false };
      const alarms = { clientErrorRate: off, modelLatency: off, modelErrors: off, cpuUtilization: off, memoryUtilization: off, diskUtilization: off, zeroTraffic: off, dashboard: false };
      for (let i = 0; i < 50; i++) {
        new GovernedEndpoint(stack, `E${i}`, endpointProps({ endpointName: `${'x'.repeat(60)}${String(i).padStart(3, '0')}`, alarms }));
      }
      const json = Template.fromStack(stack).toJSON();
      const resources = Object.values(json.Resources) as any[];
      // THEN the kill switches cost one parameter per endpoint plus a few shared resources per shard
      const killSwitch = Object.keys(json.Resources).filter((id) => /KillSwitch/.test(id));
      expect(killSwitch.length).toBeLessThan(50 + 60);
      expect(resources.length).toBeLessThan(500);
      const shards = resources.filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern);
      expect(shards.length).toBeGreaterThan(1);
      expect(shards.length).toBeLessThanOrEqual(9);
      expect(resources.filter((r) => r.Type === 'AWS::Lambda::Function' && /kill switch/i.test(r.Properties.Description))).toHaveLength(1);
      // AND every endpoint's parameter is in exactly one pattern
      const names = shards.flatMap((r) => r.Properties.EventPattern.$or[0].detail.name);
      expect(new Set(names).size).toBe(50);
      // AND resolved with the longest partition, region and account and 64-character generated names, each limit holds
      const resolve = (x: unknown): string => JSON.stringify(x, (_k, v) => {
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          if ('Ref' in v) {
            return ({ 'AWS::Partition': 'aws-us-gov', 'AWS::Region': 'ap-southeast-4', 'AWS::AccountId': '123456789012' } as any)[v.Ref]
              ?? `arn:aws-us-gov:sagemaker:ap-southeast-4:123456789012:endpoint-config/${'n'.repeat(64)}`;
          }
          if ('Fn::GetAtt' in v) {
            return `arn:aws-us-gov:service:ap-southeast-4:123456789012:${'n'.repeat(64)}`;
          }
          if ('Fn::Join' in v) {
            return v['Fn::Join'][1].map((p: unknown) => JSON.parse(resolve(p))).join(v['Fn::Join'][0]);
          }
        }
        return v;
      });
      const enforcerPolicies = resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties.Roles).includes('KillSwitchEnforcerFunctionRole'));
      expect(enforcerPolicies.length).toBeLessThanOrEqual(10);
      for (const p of enforcerPolicies) {
        expect(resolve(p.Properties.PolicyDocument).length).toBeLessThanOrEqual(6144);
      }
      for (const r of shards) {
        expect(resolve(r.Properties.EventPattern).length).toBeLessThanOrEqual(2048);
        expect(JSON.parse(resolve(r.Properties.Targets[0].InputTransformer)).InputTemplate.length).toBeLessThanOrEqual(8192);
      }
    });

    test('THEN an endpoint on its own key and bucket gets its own enforcer, and no foundation is created', () => {
      const stack = newStack();
      const encryptionKey = new kms.Key(stack, 'UserKey', { enableKeyRotation: true });
      const evidenceBucket = s3.Bucket.fromBucketName(stack, 'Evidence', 'existing-evidence');
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ encryptionKey, evidenceBucket }));
      const template = Template.fromStack(stack);
      expect(stack.node.tryFindChild('GovernanceFoundation')).toBeUndefined();
      expect(endpoint.killSwitch.enforcer.node.scope).toBe(stack);
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UserKey'), 'Arn'] }, Tags: Match.arrayWith([{ Key: 'governance:owner', Value: 'fraud-ml@example.com' }]) });
      const put = enforcerStatements(template).find((s) => s.Sid === 'WriteKillSwitchEvidence');
      expect(put.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::existing-evidence/kill-switch/*']] });
    });

    test('THEN in a VPC, the enforcer runs in that VPC, one per VPC', () => {
      const app = new App();
      const network = new Stack(app, 'Network');
      const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 1 });
      const stack = new Stack(app, 'Models');
      const a = new GovernedEndpoint(stack, 'A', endpointProps({ vpc }));
      const b = new GovernedEndpoint(stack, 'B', endpointProps({ vpc }));
      const c = new GovernedEndpoint(stack, 'C', endpointProps());
      expect(a.killSwitch.enforcer).toBe(b.killSwitch.enforcer);
      expect(c.killSwitch.enforcer).not.toBe(a.killSwitch.enforcer);
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Kill switch'),
        VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
      });
      expect(unacknowledgedFindings(stack)).toEqual([]);
    });
  });

  describe('WHEN its props or an endpoint\'s model ask something of it', () => {
    test('THEN bad props are reported at once, naming the prop, the value and what is allowed', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      expect(() => new KillSwitchEnforcer(stack, 'Enforcer', { encryptionKey: key, reconcileInterval: Duration.seconds(30), reservedConcurrentExecutions: 0 }))
        .toThrow(/reconcileInterval: received "30 seconds"; allowed: whole minutes from Duration.minutes\(1\) to Duration.days\(1\)\n {2}- reservedConcurrentExecutions: received 0; allowed: a whole number from 1 to 1000/);
    });

    test('THEN a model-package endpoint lets the enforcer describe the package for evidence', () => {
      const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/3';
      const { template } = synthEndpoint({ model: ModelSource.fromModelPackage({ modelPackageArn: arn }), governance: { owner: 'o@example.com', purpose: 'p', riskTier: RiskTier.MEDIUM } });
      expect(enforcerStatements(template).find((s) => s.Sid === 'DescribeForEvidence').Resource).toEqual(expect.arrayContaining([arn]));
    });
  });
});

describe('KillSwitchEnforcer: what its handler needs', () => {
  test('GIVEN a model-package endpoint whose package group has capitals, THEN the enforcer may describe the package under the ARN as written and as SageMaker reports it', () => {
    // GIVEN a package named with capitals, as the registry shows it
    const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/FraudScoring/3';
    const { template } = synthEndpoint({ model: ModelSource.fromModelPackage({ modelPackageArn: arn }), governance: { owner: 'o@example.com', purpose: 'p', riskTier: RiskTier.MEDIUM } });
    // THEN the evidence statement allows DescribeModelPackage on both spellings, and nothing but the endpoint's parts
    const describe = enforcerStatements(template).find((s) => s.Sid === 'DescribeForEvidence');
    expect([...describe.Action].sort()).toEqual(['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:DescribeModelPackage']);
    expect(describe.Resource).toHaveLength(4);
    expect(describe.Resource).toEqual(expect.arrayContaining([
      { Ref: expect.stringMatching(/^ScoringEndpointConfig/) },
      { Ref: expect.stringMatching(/^ScoringModel/) },
      arn,
      'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraudscoring/3',
    ]));
  });

  test('GIVEN a package ARN already in lower case, THEN it is listed once', () => {
    const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/3';
    const { template } = synthEndpoint({ model: ModelSource.fromModelPackage({ modelPackageArn: arn }), governance: { owner: 'o@example.com', purpose: 'p', riskTier: RiskTier.MEDIUM } });
    const resources = asArray(enforcerStatements(template).find((s) => s.Sid === 'DescribeForEvidence').Resource);
    expect(resources.filter((r) => typeof r === 'string')).toEqual([arn]);
  });

  test('THEN its function timeout is the one its time bounds are built for, and is longer than one endpoint\'s worst case plus the reserve', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bounds = require('../../lib/handlers/kill-switch-enforcer/bounds') as typeof import('../../lib/handlers/kill-switch-enforcer/bounds');
    const { template } = synthEndpoint();
    const [enforcer] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Kill switch') } })) as any[];
    expect(enforcer.Properties.Timeout).toBe(KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS);
    expect(bounds.worstCaseEndpointMs() + bounds.INVOCATION_RESERVE_MS).toBeLessThanOrEqual(enforcer.Properties.Timeout * 1000);
    expect(bounds.DEFAULT_BOUNDS.invocationMs + bounds.INVOCATION_RESERVE_MS).toBe(enforcer.Properties.Timeout * 1000);
  });
});
