import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { DEPLOYMENT_MARKER } from '../../lib/policy/kill-switch-protocol';
import { allStatements, asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';
import { unacknowledgedFindings } from '../helpers/nag';

const PARAMETER = '/governed-endpoint/fraud-scoring/kill-switch';
const INVOKE = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'];

/** The statements of the managed policies attached to the enforcer's role. */
function enforcerStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('KillSwitchEnforcer[0-9A-F]*FunctionRole') }] },
  })).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** Logical ID of the one resource of `type` whose ID matches `pattern`. */
function idOf(template: Template, type: string, pattern: RegExp): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function changeRules(template: Template): any[] {
  return Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: Match.anyValue() } }));
}

describe('GIVEN the kill switch of a GovernedEndpoint', () => {
  describe('WHEN its parameter is read', () => {
    const { template, endpoint } = synthEndpoint({ endpointName: 'fraud-scoring' });

    test('THEN it is an SSM String parameter named after the endpoint, starting ACTIVE, that accepts only ACTIVE or PAUSED', () => {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: PARAMETER,
        Type: 'String',
        Value: 'ACTIVE',
        AllowedPattern: '^(ACTIVE|PAUSED)$',
        Tier: 'Standard',
        Tags: Match.objectLike({ 'governance:owner': 'fraud-ml@example.com' }),
      });
      expect(endpoint.killSwitch.parameterName).toBe(PARAMETER);
    });

    test('THEN it carries the deployment marker, so the enforcer recognises what a deployment wrote', () => {
      template.hasResourceProperties('AWS::SSM::Parameter', { Description: Match.stringLikeRegexp(DEPLOYMENT_MARKER.replace(/[[\]-]/g, '\\$&')) });
    });

    test('THEN it is named on the endpoint by a tag, set on the endpoint only; the pause tag is never in the template', () => {
      const [ep] = Object.values(template.findResources('AWS::SageMaker::Endpoint')) as any[];
      expect(ep.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'governance:kill-switch-parameter', Value: PARAMETER }]));
      expect(JSON.stringify(template.toJSON())).not.toMatch(/"Key":"governance:kill-switch","Value"/);
      for (const [type, resources] of [['AWS::SageMaker::Model', template.findResources('AWS::SageMaker::Model')], ['AWS::SSM::Parameter', template.findResources('AWS::SSM::Parameter')]] as const) {
        expect({ type, tagged: JSON.stringify(resources).includes('governance:kill-switch-parameter') }).toEqual({ type, tagged: false });
      }
    });

    test('THEN it can be named by the user, within the names the shared enforcer watches', () => {
      const name = '/governed-endpoint/ml/fraud/kill-switch';
      const { template: t, endpoint: e } = synthEndpoint({ endpointName: 'fraud-scoring', killSwitch: { parameterName: name } });
      t.hasResourceProperties('AWS::SSM::Parameter', { Name: name });
      t.hasResourceProperties('AWS::SageMaker::Endpoint', { Tags: Match.arrayWith([{ Key: 'governance:kill-switch-parameter', Value: name }]) });
      expect(changeRules(t)[0].Properties.EventPattern.$or[0].detail.name).toEqual([{ wildcard: '/governed-endpoint/*/kill-switch' }]);
      expect(e.killSwitch.parameterName).toBe(name);
    });

    test('THEN a name outside /governed-endpoint/<...>/kill-switch is refused, saying why', () => {
      expect(() => synthEndpoint({ killSwitch: { parameterName: '/ml/fraud/stop' } }))
        .toThrow(/killSwitch.parameterName: received "\/ml\/fraud\/stop"; allowed: a name \/governed-endpoint\/<...>\/kill-switch .*the shared kill-switch enforcer reacts to changes of parameters named so/);
    });
  });

  describe('WHEN applications are granted invoke', () => {
    test('THEN grantInvoke pairs every invoke grant with a Deny on the three invoke actions for this endpoint while it is tagged PAUSED', () => {
      // GIVEN two endpoints and two applications
      const stack = newStack();
      const a = new GovernedEndpoint(stack, 'A', endpointProps());
      const b = new GovernedEndpoint(stack, 'B', endpointProps());
      const app1 = new iam.Role(stack, 'App1', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const app2 = new iam.Role(stack, 'App2', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      // WHEN app1 may invoke both and app2 only B
      for (const grant of [a.grantInvoke(app1), b.grantInvoke(app1), b.grantInvoke(app2)]) {
        expect(grant.success).toBe(true);
      }
      // THEN each grant has its Deny, on its endpoint, with the tag condition
      const template = Template.fromStack(stack);
      const denies = (role: string) => Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }] } }))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Effect === 'Deny');
      // (IAM policy minimization, on in cdk.json, may merge Denies that differ only by resource)
      const deniedEndpoints = (role: string) => denies(role).flatMap((d: any) => {
        expect(d).toMatchObject({ Action: INVOKE, Condition: { StringEquals: { 'aws:ResourceTag/governance:kill-switch': 'PAUSED' } } });
        return asArray(d.Resource);
      });
      const ref = (endpoint: GovernedEndpoint) => ({ Ref: Stack.of(endpoint).getLogicalId(endpoint.cfnEndpoint) });
      expect(deniedEndpoints('App1')).toEqual(expect.arrayContaining([ref(a), ref(b)]));
      expect(deniedEndpoints('App1')).toHaveLength(2);
      expect(deniedEndpoints('App2')).toEqual([ref(b)]);
    });
  });

  describe('WHEN operators are granted', () => {
    test('THEN only the operator and the enforcer may write the parameter', () => {
      // GIVEN an on-call role granted operation
      const stack = newStack();
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }));
      const oncall = new iam.Role(stack, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });
      expect(endpoint.killSwitch.grantOperate(oncall).success).toBe(true);
      endpoint.grantInvoke(new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
      const t = Template.fromStack(stack);
      // THEN exactly two policies hold ssm:PutParameter on it: the operator's and the enforcer's
      const writers = Object.entries({ ...t.findResources('AWS::IAM::Policy'), ...t.findResources('AWS::IAM::ManagedPolicy') })
        .filter(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement.some((s: any) => asArray(s.Action).includes('ssm:PutParameter')))
        .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));
      expect(writers.sort()).toEqual(['GovernanceFoundationKillSwitchEnforcerFunctionPolicy', 'OnCallDefaultPolicy']);
      // AND the operator may also read the history and the endpoint's tags (what the CLI waits on)
      const ops = allStatements(t).filter((s) => JSON.stringify(s).includes('ssm:PutParameter') && !s.Sid);
      expect(ops).toHaveLength(1);
      expect([...ops[0].Action].sort()).toEqual(['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter']);
      expect(allStatements(t).some((st) => st.Effect === 'Allow' && JSON.stringify([...asArray(st.Action)].sort()) ===
        JSON.stringify(['sagemaker:DescribeEndpoint', 'sagemaker:ListTags']))).toBe(true);
    });

    test('THEN grantOperate accepts exactly one role or group', () => {
      const stack = newStack();
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps());
      const oncall = new iam.Group(stack, 'OnCall');
      endpoint.killSwitch.grantOperate(oncall);
      endpoint.killSwitch.grantOperate(oncall); // the same group again is fine
      expect(() => endpoint.killSwitch.grantOperate(new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() })))
        .toThrow(/TestStack\/OnCall already operates this kill switch; exactly one role or group may write it/);
      expect(() => endpoint.killSwitch.grantOperate(new iam.User(stack, 'Alice'))).toThrow(/grantOperate takes a role or a group, received TestStack\/Alice/);
    });
  });

  describe('WHEN alarms pause the endpoint', () => {
    function withAlarm() {
      const stack = newStack();
      const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }));
      endpoint.killSwitch.autoPauseOn(endpoint.alarms.serverErrorRate!);
      return { stack, endpoint, template: Template.fromStack(stack) };
    }

    test('THEN the alarm notifies an encrypted, TLS-only auto-pause topic that invokes the enforcer', () => {
      const { template } = withAlarm();
      const topic = idOf(template, 'AWS::SNS::Topic', /AutoPauseTopic/);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'fraud-scoring-5xx-error-rate', AlarmActions: Match.arrayWith([{ Ref: topic }]) });
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GovernanceFoundationKey'), 'Arn'] } });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topic }],
        PolicyDocument: { Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
        ]) },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: { Ref: topic }, Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('KillSwitchEnforcerFunction'), 'Arn'] } });
      template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'sns.amazonaws.com', SourceArn: { Ref: topic } });
    });

    test('THEN the alarm names the parameter it pauses in a tag, and the enforcer may read alarm tags and nothing else of alarms', () => {
      const { template } = withAlarm();
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'fraud-scoring-5xx-error-rate',
        Tags: Match.arrayWith([{ Key: 'governance:auto-pause:fraud-scoring', Value: PARAMETER }]),
      });
      const read = enforcerStatements(template).find((s) => s.Sid === 'ReadAutoPauseAlarmTags');
      expect(read).toEqual({
        Sid: 'ReadAutoPauseAlarmTags', Effect: 'Allow', Action: 'cloudwatch:ListTagsForResource',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] },
      });
    });

    test('THEN alarms can be given in props, and an imported alarm is refused with a reason', () => {
      const stack = newStack();
      const external = new cloudwatch.Alarm(stack, 'Fraud', { metric: new cloudwatch.Metric({ namespace: 'Fraud', metricName: 'ChargebackRate' }), threshold: 0.02, evaluationPeriods: 1 });
      new GovernedEndpoint(stack, 'Scoring', endpointProps({ killSwitch: { autoPauseOn: [external] } }));
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ChargebackRate', AlarmActions: [{ Ref: Match.stringLikeRegexp('AutoPauseTopic') }] });
      const other = newStack('Other');
      const imported = cloudwatch.Alarm.fromAlarmArn(other, 'Imported', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x');
      expect(() => new GovernedEndpoint(other, 'Scoring', endpointProps({ killSwitch: { autoPauseOn: [imported] } })))
        .toThrow(/autoPauseOn: alarm Other\/Imported must be a cloudwatch.Alarm or CompositeAlarm defined in the app/);
    });

    test('THEN it stays clean under the four compliance packs', () => {
      const { stack } = withAlarm();
      expect(unacknowledgedFindings(stack)).toEqual([]);
    });
  });

  test('WHEN the endpoint\'s own dashboard is asked for and read THEN it shows the kill switch', () => {
    const { template } = synthEndpoint({ endpointName: 'fraud-scoring', alarms: { dashboard: true, stackDashboard: false } });
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('Kill switch (1 = paused)');
    expect(body).toContain('GovernedEndpoint/KillSwitch');
    expect(body).toContain(PARAMETER);
  });

  describe('WHEN its parameter name is one SSM rejects', () => {
    test.each([
      ['aws-reserved', /killSwitch.parameterName: received "aws-reserved"; allowed: 1 to 1011 letters/],
      ['/ml/has space', /killSwitch.parameterName: received "\/ml\/has space"/],
      ['ml/no-leading-slash', /a hierarchical name starting with "\/"/],
    ])('THEN the parameter name %s is rejected', (parameterName, message) => {
      expect(() => synthEndpoint({ killSwitch: { parameterName } })).toThrow(message);
    });
  });
});
