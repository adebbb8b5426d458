import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { governanceTags, killSwitchParameter, l1Endpoint, newStack, notifyingAlarm, pauseDeny, Verdict, verdictOn } from '../kit';

/** The verdict of `rule` on the endpoint `build` adds to a fresh stack. */
function reportedOnEndpoint(rule: string, build: (stack: ReturnType<typeof newStack>) => sagemaker.CfnEndpoint): Verdict {
  return verdictOn(rule, build(newStack()));
}

const canary = { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'CANARY', canarySize: { type: 'CAPACITY_PERCENT', value: 10 } } } };

describe('GIVEN the rule AiGovernance-EndpointOwnership and an L1 endpoint with', () => {
  const rule = 'EndpointOwnership';
  test('WHEN no purpose tag THEN it is non-compliant', () => {
    const tags = governanceTags();
    delete (tags as any)['governance:purpose'];
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags }).endpoint)).toBe('non-compliant');
  });
  test('WHEN an empty owner THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('HIGH', { 'governance:owner': ' ' }) }).endpoint)).toBe('non-compliant');
  });
  test('WHEN a risk tier that is not LOW, MEDIUM or HIGH THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('CRITICAL') }).endpoint)).toBe('non-compliant');
  });
  test('WHEN owner, purpose and a known tier THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('MEDIUM') }).endpoint)).toBe('compliant');
  });
  test('WHEN the owner tag is a parameter THEN it is not applicable', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('HIGH', { 'governance:owner': new CfnParameter(s, 'Owner').valueAsString }) }).endpoint))
      .toBe('not-applicable');
  });
  test('WHEN it judges a resource that is not an endpoint THEN it is not applicable', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E').config as any)).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointStagedRollout and an L1 endpoint with', () => {
  const rule = 'EndpointStagedRollout';
  const withRouting = (tier: string, deploymentConfig: any) => (s: any) => l1Endpoint(s, 'E', { tags: governanceTags(tier), endpoint: { deploymentConfig } }).endpoint;
  test('WHEN no DeploymentConfig THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags('LOW') }).endpoint)).toBe('non-compliant');
  });
  test('WHEN ALL_AT_ONCE on a HIGH tier endpoint THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } } }))).toBe('non-compliant');
  });
  test('WHEN ALL_AT_ONCE on an endpoint without a tier THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { endpoint: { deploymentConfig: { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } } } } }).endpoint)).toBe('non-compliant');
  });
  test('WHEN CANARY THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', canary))).toBe('compliant');
  });
  test('WHEN LINEAR THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'LINEAR', linearStepSize: { type: 'CAPACITY_PERCENT', value: 20 } } } }))).toBe('compliant');
  });
  test('WHEN a rolling update THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, withRouting('HIGH', { rollingUpdatePolicy: { maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 10 }, waitIntervalInSeconds: 300 } }))).toBe('compliant');
  });
  test('WHEN ALL_AT_ONCE on a LOW tier endpoint THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, withRouting('LOW', { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } } }))).toBe('compliant');
  });
  test('WHEN a DeploymentConfig set with an escape-hatch override THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.addPropertyOverride('DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type', 'CANARY');
      return endpoint;
    })).toBe('compliant');
  });
  test('WHEN the traffic routing type is a parameter THEN it is not applicable', () => {
    expect(reportedOnEndpoint(rule, (s) => withRouting('HIGH', { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: new CfnParameter(s, 'Routing').valueAsString } } })(s)))
      .toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointAutoRollback and an L1 endpoint with', () => {
  const rule = 'EndpointAutoRollback';
  test('WHEN a staged rollout without rollback alarms THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { endpoint: { deploymentConfig: canary } }).endpoint)).toBe('non-compliant');
  });
  test('WHEN a rollback alarm that is not defined in the app THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', {
      endpoint: { deploymentConfig: { ...canary, autoRollbackConfiguration: { alarms: [{ alarmName: 'someone-elses-alarm' }] } } },
    }).endpoint)).toBe('non-compliant');
  });
  test('WHEN the alarm is referenced (Ref returns its name) THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', {
      endpoint: { deploymentConfig: { ...canary, autoRollbackConfiguration: { alarms: [{ alarmName: notifyingAlarm(s, 'Errors').alarmName }] } } },
    }).endpoint)).toBe('compliant');
  });
  test('WHEN the alarm is named literally and defined in the app THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      (notifyingAlarm(s, 'Errors').node.defaultChild as any).alarmName = 'scoring-5xx';
      return l1Endpoint(s, 'E', { endpoint: { deploymentConfig: { ...canary, autoRollbackConfiguration: { alarms: [{ alarmName: 'scoring-5xx' }] } } } }).endpoint;
    })).toBe('compliant');
  });
  test('WHEN the rollback alarm is imported from outside the app THEN it is not applicable', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', {
      endpoint: { deploymentConfig: { ...canary, autoRollbackConfiguration: { alarms: [{ alarmName: Fn.importValue('shared-alarm-name') }] } } },
    }).endpoint)).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointKillSwitch and an L1 endpoint with', () => {
  const rule = 'EndpointKillSwitch';
  const tagged = (extra: Record<string, string> = {}) => governanceTags('HIGH', { 'governance:kill-switch-parameter': '/governed-endpoint/scoring/kill-switch', ...extra });
  const invoker = (s: any, id = 'Invoker') => new iam.Role(s, id, { assumedBy: new iam.AccountRootPrincipal() });
  const allowInvoke = (arn: string, actions = ['sagemaker:InvokeEndpoint']) => new iam.PolicyStatement({ actions, resources: [arn] });

  test('WHEN no kill-switch parameter THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: governanceTags() }).endpoint)).toBe('non-compliant');
  });
  test('WHEN the tag names a parameter that is not in the app THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => l1Endpoint(s, 'E', { tags: tagged() }).endpoint)).toBe('non-compliant');
  });
  test('WHEN a role may invoke the endpoint without the pause deny THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: tagged() });
      invoker(s).addToPrincipalPolicy(allowInvoke(endpoint.ref));
      return endpoint;
    })).toBe('non-compliant');
  });
  test('WHEN the pause deny misses an invoke action the role is granted THEN it is non-compliant', () => {
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
    })).toBe('non-compliant');
  });
  test('WHEN a wildcard grant on every endpoint, without the deny THEN it is non-compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: tagged() });
      invoker(s).addToPrincipalPolicy(allowInvoke('arn:aws:sagemaker:*:*:endpoint/*'));
      return endpoint;
    })).toBe('non-compliant');
  });
  test('WHEN a tagged parameter and no principal in the app that may invoke THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      return l1Endpoint(s, 'E', { tags: tagged() }).endpoint;
    })).toBe('compliant');
  });
  test('WHEN the tag refers to the parameter and the grant carries the deny THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      const parameter = killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.tags.setTag('governance:kill-switch-parameter', parameter.parameterName);
      const role = invoker(s);
      role.addToPrincipalPolicy(allowInvoke(endpoint.ref, ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync']));
      role.addToPrincipalPolicy(pauseDeny(endpoint.ref));
      return endpoint;
    })).toBe('compliant');
  });
  test('WHEN the deny sits in a separate managed policy of the same role THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: tagged() });
      const role = invoker(s);
      role.addToPrincipalPolicy(allowInvoke(endpoint.ref));
      new iam.ManagedPolicy(s, 'PauseGuard', { statements: [pauseDeny(endpoint.ref)], roles: [role] });
      return endpoint;
    })).toBe('compliant');
  });
  test('WHEN the association is in the resource metadata instead of a tag THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      const parameter = killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.addMetadata('governance:kill-switch-parameter', parameter.parameterName);
      return endpoint;
    })).toBe('compliant');
  });
  test('WHEN the association is in the construct metadata THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch');
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.node.addMetadata('governance:kill-switch-parameter', '/governed-endpoint/scoring/kill-switch');
      return endpoint;
    })).toBe('compliant');
  });
  test('WHEN a parameter named after the endpoint is associated without a tag THEN it is compliant', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      killSwitchParameter(s, 'Switch', '/governed-endpoint/fraud-scoring/kill-switch');
      return l1Endpoint(s, 'E', { tags: governanceTags(), endpoint: { endpointName: 'fraud-scoring' } }).endpoint;
    })).toBe('compliant');
  });
  test("WHEN the deny uses the pack's configured pause tag key THEN only that key makes it compliant", () => {
    const stack = newStack();
    killSwitchParameter(stack, 'Switch');
    const { endpoint } = l1Endpoint(stack, 'E', { tags: tagged() });
    const role = invoker(stack);
    role.addToPrincipalPolicy(allowInvoke(endpoint.ref));
    role.addToPrincipalPolicy(pauseDeny(endpoint.ref, 'org:paused'));
    // the default key does not match the deny, the configured one does
    expect(verdictOn(rule, endpoint)).toBe('non-compliant');
    expect(verdictOn(rule, endpoint, { killSwitchTagKey: 'org:paused' })).toBe('compliant');
  });
  test('WHEN the kill-switch parameter tag is imported from outside the app THEN it is not applicable', () => {
    expect(reportedOnEndpoint(rule, (s) => {
      const { endpoint } = l1Endpoint(s, 'E', { tags: governanceTags() });
      endpoint.tags.setTag('governance:kill-switch-parameter', Fn.importValue('shared-kill-switch-name'));
      return endpoint;
    })).toBe('not-applicable');
  });
});
