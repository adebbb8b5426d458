import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { governanceFindings, governanceTags, killSwitchParameter, l1Endpoint, newStack, notifyingAlarm, pauseDeny, rulesOn } from '../kit';

/** Whether the pack reports `rule` on the endpoint of the stack. */
function reportedOnEndpoint(rule: string, build: (stack: ReturnType<typeof newStack>) => sagemaker.CfnEndpoint): boolean {
  const stack = newStack();
  const endpoint = build(stack);
  return rulesOn(governanceFindings(stack), endpoint).includes(rule);
}

const canary = { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'CANARY', canarySize: { type: 'CAPACITY_PERCENT', value: 10 } } } };

describe('AiGovernance-EndpointOwnership', () => {
  const rule = 'EndpointOwnership';
  test('Noncompliance: no purpose tag', () => {
    const tags = governanceTags();
    delete (tags as any)['governance:purpose'];
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags }).endpoint)).toBe(true);
  });
  test('Noncompliance: an empty owner', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('HIGH', { 'governance:owner': ' ' }) }).endpoint)).toBe(true);
  });
  test('Noncompliance: a risk tier that is not LOW, MEDIUM or HIGH', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('CRITICAL') }).endpoint)).toBe(true);
  });
  test('Compliance: owner, purpose and a known tier', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('MEDIUM') }).endpoint)).toBe(false);
  });
});

describe('AiGovernance-EndpointStagedRollout', () => {
  const rule = 'EndpointStagedRollout';
  const withRouting = (tier: string, deploymentConfig: any) => (s: any) => l1Endpoint(s, 'E', { tags: governanceTags(tier), endpoint: { deploymentConfig } }).endpoint;
  test('Noncompliance: no DeploymentConfig', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('LOW') }).endpoint)).toBe(true);
  });
  test('Noncompliance: ALL_AT_ONCE on a HIGH tier endpoint', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } } }))).toBe(true);
  });
  test('Noncompliance: ALL_AT_ONCE on an endpoint without a tier', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { endpoint: { deploymentConfig: { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } } } } }).endpoint)).toBe(true);
  });
  test('Compliance: CANARY', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', canary))).toBe(false);
  });
  test('Compliance: LINEAR', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'LINEAR', linearStepSize: { type: 'CAPACITY_PERCENT', value: 20 } } } }))).toBe(false);
  });
  test('Compliance: a rolling update', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', { rollingUpdatePolicy: { maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 10 }, waitIntervalInSeconds: 300 } }))).toBe(false);
  });
  test('Compliance: ALL_AT_ONCE on a LOW tier endpoint', () => {
    expect(reportedOnEndpoint(rule, withRouting('LOW', { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } } }))).toBe(false);
  });
  test('Compliance: a DeploymentConfig set with an escape-hatch override counts', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.addPropertyOverride('DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type', 'CANARY');
      return endpoint;
    })).toBe(false);
  });
});

describe('AiGovernance-EndpointAutoRollback', () => {
  const rule = 'EndpointAutoRollback';
  test('Noncompliance: a staged rollout without rollback alarms', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { endpoint: { deploymentConfig: canary } }).endpoint)).toBe(true);
  });
  test('Noncompliance: a rollback alarm that is not defined in the app', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', {
      endpoint: { deploymentConfig: { ...canary, autoRollbackConfiguration: { alarms: [{ alarmName: 'someone-elses-alarm' }] } } },
    }).endpoint)).toBe(true);
  });
  test('Compliance: the alarm is referenced (Ref returns its name)', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', {
      endpoint: { deploymentConfig: { ...canary, autoRollbackConfiguration: { alarms: [{ alarmName: notifyingAlarm(s, 'Errors').alarmName }] } } },
    }).endpoint)).toBe(false);
  });
  test('Compliance: the alarm is named literally and defined in the app', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      (notifyingAlarm(s, 'Errors').node.defaultChild as any).alarmName = 'scoring-5xx';
      return l1Endpoint(s, 'E', { endpoint: { deploymentConfig: { ...canary, autoRollbackConfiguration: { alarms: [{ alarmName: 'scoring-5xx' }] } } } }).endpoint;
    })).toBe(false);
  });
});

describe('AiGovernance-EndpointKillSwitch', () => {
  const rule = 'EndpointKillSwitch';
  const tagged = (extra: Record<string, string> = {}) => governanceTags('HIGH', { 'governance:kill-switch-parameter': '/governed-endpoint/scoring/kill-switch', ...extra });
  const invoker = (s: any, id = 'Invoker') => new iam.Role(s, id, { assumedBy: new iam.AccountRootPrincipal() });
  const allowInvoke = (arn: string, actions = ['sagemaker:InvokeEndpoint']) => new iam.PolicyStatement({ actions, resources: [arn] });

  test('Noncompliance: no kill-switch parameter', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags() }).endpoint)).toBe(true);
  });
  test('Noncompliance: the tag names a parameter that is not in the app', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: tagged() }).endpoint)).toBe(true);
  });
  test('Noncompliance: a role may invoke the endpoint without the pause deny', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: tagged() });
      invoker(s).addToPrincipalPolicy(allowInvoke(endpoint.ref));
      return endpoint;
    })).toBe(true);
  });
  test('Noncompliance: the pause deny misses an invoke action the role is granted', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: tagged() });
      const role = invoker(s);
      role.addToPrincipalPolicy(allowInvoke(endpoint.ref, ['sagemaker:InvokeEndpoint*']));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY, actions: ['sagemaker:InvokeEndpoint'], resources: [endpoint.ref],
        conditions: { StringEquals: { 'aws:ResourceTag/governance:kill-switch': 'PAUSED' } },
      }));
      return endpoint;
    })).toBe(true);
  });
  test('Noncompliance: a wildcard grant on every endpoint also needs the deny', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: tagged() });
      invoker(s).addToPrincipalPolicy(allowInvoke('arn:aws:sagemaker:*:*:endpoint/*'));
      return endpoint;
    })).toBe(true);
  });
  test('Compliance: a tagged parameter and no principal in the app that may invoke', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      return l1Endpoint(s, 'E', { tags: tagged() }).endpoint;
    })).toBe(false);
  });
  test('Compliance: the tag refers to the parameter and the grant carries the deny', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      const parameter = killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.tags.setTag('governance:kill-switch-parameter', parameter.parameterName);
      const role = invoker(s);
      role.addToPrincipalPolicy(allowInvoke(endpoint.ref, ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync']));
      role.addToPrincipalPolicy(pauseDeny(endpoint.ref));
      return endpoint;
    })).toBe(false);
  });
  test('Compliance: the deny sits in a separate managed policy of the same role', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: tagged() });
      const role = invoker(s);
      role.addToPrincipalPolicy(allowInvoke(endpoint.ref));
      new iam.ManagedPolicy(s, 'PauseGuard', { statements: [pauseDeny(endpoint.ref)], roles: [role] });
      return endpoint;
    })).toBe(false);
  });
  test('Compliance: the association is in the resource metadata instead of a tag', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      const parameter = killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.addMetadata('governance:kill-switch-parameter', parameter.parameterName);
      return endpoint;
    })).toBe(false);
  });
  test('Compliance: the association is in the construct metadata', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.node.addMetadata('governance:kill-switch-parameter', '/governed-endpoint/scoring/kill-switch');
      return endpoint;
    })).toBe(false);
  });
  test('Compliance: a parameter named after the endpoint is associated without a tag', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch', '/governed-endpoint/fraud-scoring/kill-switch');
      return l1Endpoint(s, 'E', { tags: governanceTags(), endpoint: { endpointName: 'fraud-scoring' } }).endpoint;
    })).toBe(false);
  });
  test('Compliance: the pause tag key is configurable', () => {
    const stack = newStack();
    killSwitchParameter(stack, 'Switch');
    const { endpoint } = l1Endpoint(stack, 'E', { tags: tagged() });
    const role = invoker(stack);
    role.addToPrincipalPolicy(allowInvoke(endpoint.ref));
    role.addToPrincipalPolicy(pauseDeny(endpoint.ref, 'org:paused'));
    // the default key does not match the deny, the configured one does
    expect(rulesOn(governanceFindings(stack), endpoint)).toContain(rule);
    expect(rulesOn(governanceFindings(stack, { killSwitchTagKey: 'org:paused' }), endpoint)).not.toContain(rule);
  });
});
