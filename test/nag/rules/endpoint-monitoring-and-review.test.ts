import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { GOVERNED_ENDPOINT_NAME, governedL1Endpoint, governanceTags, l1Endpoint, newStack, verdictOn } from '../kit';

type Governed = ReturnType<typeof governedL1Endpoint>;

/** The verdict of `rule` on a fully governed L1 endpoint of `tier` whose tags are `tags` (replacing the monitoring and review tags). */
function onEndpoint(rule: string, tier: string, tags: Record<string, string>, change: (g: Governed, stack: Stack) => void = () => {}) {
  const stack = newStack();
  const g = governedL1Endpoint(stack, tier);
  g.endpoint.tags.removeTag('governance:monitoring-config', 1000);
  g.endpoint.tags.removeTag('governance:review-every-days', 1000);
  for (const [key, value] of Object.entries(tags)) {
    g.endpoint.tags.setTag(key, value, 1001);
  }
  change(g, stack);
  return verdictOn(rule, g.endpoint);
}

describe('GIVEN the rule AiGovernance-EndpointModelMonitoring and an L1 endpoint', () => {
  const rule = 'EndpointModelMonitoring';
  const config = { 'governance:monitoring-config': `/governed-endpoint/${GOVERNED_ENDPOINT_NAME}/monitoring` };

  test('WHEN a HIGH tier endpoint has no monitoring THEN it is non-compliant', () => {
    expect(onEndpoint(rule, 'HIGH', {})).toBe('non-compliant');
  });
  test('WHEN an endpoint without a tier has no monitoring THEN it is non-compliant (a missing tier counts as HIGH)', () => {
    const stack = newStack();
    expect(verdictOn(rule, l1Endpoint(stack, 'Plain').endpoint)).toBe('non-compliant');
  });
  test('WHEN a MEDIUM or LOW tier endpoint has no monitoring THEN the rule does not apply', () => {
    expect(onEndpoint(rule, 'MEDIUM', {})).toBe('not-applicable');
    expect(onEndpoint(rule, 'LOW', {})).toBe('not-applicable');
  });
  test('WHEN the monitoring-config tag names an SSM parameter of the app THEN it is compliant', () => {
    expect(onEndpoint(rule, 'HIGH', config)).toBe('compliant');
  });
  test('WHEN the monitoring-config tag names a parameter the app does not define THEN it is non-compliant, whatever the tier', () => {
    expect(onEndpoint(rule, 'HIGH', { 'governance:monitoring-config': '/elsewhere/monitoring' })).toBe('non-compliant');
    expect(onEndpoint(rule, 'LOW', { 'governance:monitoring-config': '/elsewhere/monitoring' })).toBe('non-compliant');
  });
  test('WHEN the tag refers to the parameter by reference THEN it is compliant', () => {
    const stack = newStack();
    const parameter = new ssm.StringParameter(stack, 'Config', { stringValue: '{}' });
    const { endpoint } = l1Endpoint(stack, 'E', { tags: governanceTags('HIGH', { 'governance:monitoring-config': parameter.parameterName }) });
    expect(verdictOn(rule, endpoint)).toBe('compliant');
  });
  test('WHEN a SageMaker MonitoringSchedule names the endpoint THEN it is compliant without the library\'s parameter', () => {
    expect(onEndpoint(rule, 'HIGH', {}, (g, stack) => {
      new sagemaker.CfnMonitoringSchedule(stack, 'Schedule', {
        monitoringScheduleName: 'drift',
        endpointName: g.endpoint.attrEndpointName,
        monitoringScheduleConfig: { monitoringJobDefinitionName: 'drift-job', monitoringType: 'DataQuality', scheduleConfig: { scheduleExpression: 'cron(0 * ? * * *)' } },
      });
    })).toBe('compliant');
  });
  test('WHEN a MonitoringSchedule\'s job definition names the endpoint literally THEN it is compliant', () => {
    expect(onEndpoint(rule, 'HIGH', {}, (_g, stack) => {
      new sagemaker.CfnMonitoringSchedule(stack, 'Schedule', {
        monitoringScheduleName: 'drift',
        monitoringScheduleConfig: {
          monitoringJobDefinition: {
            monitoringInputs: [{ endpointInput: { endpointName: GOVERNED_ENDPOINT_NAME, localPath: '/opt/ml/processing/input' } }],
            monitoringAppSpecification: { imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/monitor:1' },
            monitoringOutputConfig: { monitoringOutputs: [{ s3Output: { localPath: '/opt/ml/processing/output', s3Uri: 's3://reports/drift' } }] },
            monitoringResources: { clusterConfig: { instanceCount: 1, instanceType: 'ml.m5.large', volumeSizeInGb: 20 } },
            roleArn: 'arn:aws:iam::123456789012:role/monitor',
          },
        },
      });
    })).toBe('compliant');
  });
  test('WHEN a MonitoringSchedule names another endpoint THEN the HIGH tier endpoint is non-compliant', () => {
    expect(onEndpoint(rule, 'HIGH', {}, (_g, stack) => {
      new sagemaker.CfnMonitoringSchedule(stack, 'Schedule', {
        monitoringScheduleName: 'drift', endpointName: 'another-endpoint',
        monitoringScheduleConfig: { monitoringJobDefinitionName: 'drift-job', monitoringType: 'DataQuality' },
      });
    })).toBe('non-compliant');
  });
});

describe('GIVEN the rule AiGovernance-EndpointScheduledReview and an L1 endpoint', () => {
  const rule = 'EndpointScheduledReview';
  const monitored = { 'governance:monitoring-config': `/governed-endpoint/${GOVERNED_ENDPOINT_NAME}/monitoring` };

  test('WHEN the endpoint has no review interval tag THEN it is non-compliant', () => {
    expect(onEndpoint(rule, 'LOW', monitored)).toBe('non-compliant');
  });
  test('WHEN the interval is within the tier\'s longest and the monitor sends the reminders THEN it is compliant', () => {
    expect(onEndpoint(rule, 'HIGH', { ...monitored, 'governance:review-every-days': '90' })).toBe('compliant');
    expect(onEndpoint(rule, 'LOW', { ...monitored, 'governance:review-every-days': '365' })).toBe('compliant');
  });
  test('WHEN the interval is longer than the tier allows THEN it is non-compliant', () => {
    expect(onEndpoint(rule, 'HIGH', { ...monitored, 'governance:review-every-days': '91' })).toBe('non-compliant');
    expect(onEndpoint(rule, 'MEDIUM', { ...monitored, 'governance:review-every-days': '181' })).toBe('non-compliant');
  });
  test('WHEN the interval is not a whole number of days from 1 THEN it is non-compliant', () => {
    for (const every of ['0', '7.5', 'monthly', '-3']) {
      expect({ every, verdict: onEndpoint(rule, 'HIGH', { ...monitored, 'governance:review-every-days': every }) }).toEqual({ every, verdict: 'non-compliant' });
    }
  });
  test('WHEN nothing sends the reminders THEN it is non-compliant', () => {
    expect(onEndpoint(rule, 'HIGH', { 'governance:review-every-days': '30' })).toBe('non-compliant');
  });
  test('WHEN the endpoint is served by a foundation\'s monitor (its foundation tag) THEN it is compliant', () => {
    expect(onEndpoint(rule, 'HIGH', { 'governance:review-every-days': '30', 'governance:foundation': 'ml-platform' })).toBe('compliant');
  });
  test('WHEN a scheduled EventBridge rule of the app targets a reminder naming the endpoint THEN it is compliant', () => {
    expect(onEndpoint(rule, 'HIGH', { 'governance:review-every-days': '30' }, (_g, stack) => {
      new events.CfnRule(stack, 'Reminder', {
        scheduleExpression: 'rate(30 days)',
        targets: [{ id: 'Owner', arn: 'arn:aws:sns:eu-west-1:123456789012:reviews', input: JSON.stringify({ endpoint: GOVERNED_ENDPOINT_NAME }) }],
      });
    })).toBe('compliant');
  });
  test('WHEN the scheduled rule names another endpoint THEN it is non-compliant', () => {
    expect(onEndpoint(rule, 'HIGH', { 'governance:review-every-days': '30' }, (_g, stack) => {
      new events.CfnRule(stack, 'Reminder', {
        scheduleExpression: 'rate(30 days)',
        targets: [{ id: 'Owner', arn: 'arn:aws:sns:eu-west-1:123456789012:reviews', input: '{"endpoint":"another"}' }],
      });
    })).toBe('non-compliant');
  });
});
