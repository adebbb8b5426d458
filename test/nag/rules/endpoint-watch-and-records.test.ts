import { CfnParameter, CfnResource, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fullDataCapture, GOVERNED_ENDPOINT_NAME, governedL1Endpoint, l1Endpoint, newStack, notifyingAlarm, verdictOn } from '../kit';

/** The verdict of `rule` on the endpoint of a fully governed L1 deployment after `change` breaks or alters it. */
function onGovernedEndpoint(rule: string, change: (g: ReturnType<typeof governedL1Endpoint>, stack: Stack) => void = () => {}) {
  const stack = newStack();
  const g = governedL1Endpoint(stack);
  change(g, stack);
  return verdictOn(rule, g.endpoint);
}

describe('GIVEN the rule AiGovernance-EndpointAlarms and an L1 endpoint', () => {
  const rule = 'EndpointAlarms';
  test('WHEN no alarm of the app watches it THEN it is non-compliant', () => {
    const stack = newStack();
    notifyingAlarm(stack, 'Unrelated');
    expect(verdictOn(rule, l1Endpoint(stack, 'E').endpoint)).toBe('non-compliant');
  });
  test('WHEN the only alarm watches another endpoint THEN it is non-compliant', () => {
    expect(onGovernedEndpoint(rule, (g) => {
      (g.alarm.node.defaultChild as cloudwatch.CfnAlarm).dimensions = [{ name: 'EndpointName', value: 'another-endpoint' }];
      g.endpoint.deploymentConfig = undefined;
    })).toBe('non-compliant');
  });
  test('WHEN an alarm has its EndpointName dimension THEN it is compliant', () => {
    expect(onGovernedEndpoint(rule, (g) => { g.endpoint.deploymentConfig = undefined; })).toBe('compliant');
  });
  test('WHEN a metric-math alarm watches it through a reference to the endpoint THEN it is compliant', () => {
    const stack = newStack();
    const { endpoint } = l1Endpoint(stack, 'E');
    new cloudwatch.Alarm(stack, 'Math', {
      metric: new cloudwatch.MathExpression({
        expression: 'errors / invocations',
        usingMetrics: {
          errors: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors', dimensionsMap: { EndpointName: endpoint.attrEndpointName } }),
          invocations: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocations', dimensionsMap: { EndpointName: endpoint.attrEndpointName } }),
        },
      }),
      threshold: 0.05,
      evaluationPeriods: 1,
    });
    expect(verdictOn(rule, endpoint)).toBe('compliant');
  });
  test('WHEN only a rollback alarm on another metric is named THEN it is compliant (the rollout watches it)', () => {
    expect(onGovernedEndpoint(rule, (g) => { (g.alarm.node.defaultChild as cloudwatch.CfnAlarm).dimensions = undefined; })).toBe('compliant');
  });
  test('WHEN the rollback alarm names are parameters and no other alarm watches it THEN it is not applicable', () => {
    const stack = newStack();
    const { endpoint } = l1Endpoint(stack, 'E', {
      endpoint: { deploymentConfig: { autoRollbackConfiguration: { alarms: [{ alarmName: new CfnParameter(stack, 'AlarmName').valueAsString }] } } },
    });
    expect(verdictOn(rule, endpoint)).toBe('not-applicable');
  });
  test('WHEN it judges a resource that is not an endpoint THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, notifyingAlarm(stack, 'Alarm'))).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointLogGroupRetained and an L1 endpoint', () => {
  const rule = 'EndpointLogGroupRetained';
  test('WHEN the app defines no log group for it THEN it is non-compliant', () => {
    expect(verdictOn(rule, l1Endpoint(newStack(), 'E', { endpoint: { endpointName: GOVERNED_ENDPOINT_NAME } }).endpoint)).toBe('non-compliant');
  });
  test('WHEN the endpoint has no EndpointName THEN it is non-compliant: the app cannot name its log group', () => {
    expect(verdictOn(rule, l1Endpoint(newStack(), 'E').endpoint)).toBe('non-compliant');
  });
  test('WHEN its log group is deleted with the stack THEN it is non-compliant', () => {
    expect(onGovernedEndpoint(rule, (g) => g.logGroup.applyRemovalPolicy(RemovalPolicy.DESTROY))).toBe('non-compliant');
  });
  test('WHEN the log group of another endpoint name is defined THEN it is non-compliant', () => {
    expect(onGovernedEndpoint(rule, (g) => { (g.logGroup.node.defaultChild as logs.CfnLogGroup).logGroupName = '/aws/sagemaker/Endpoints/other'; }))
      .toBe('non-compliant');
  });
  test('WHEN its log group is defined by name and retained THEN it is compliant', () => {
    expect(onGovernedEndpoint(rule)).toBe('compliant');
  });
  test('WHEN the log group name is built from a reference to the endpoint THEN it is compliant', () => {
    const stack = newStack();
    const { endpoint } = l1Endpoint(stack, 'E', { endpoint: { endpointName: 'scoring' } });
    new logs.LogGroup(stack, 'Logs', { logGroupName: Fn.join('', ['/aws/sagemaker/Endpoints/', endpoint.attrEndpointName]) });
    expect(verdictOn(rule, endpoint)).toBe('compliant');
  });
  test('WHEN the endpoint name is a parameter and no log group refers to it THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, l1Endpoint(stack, 'E', { endpoint: { endpointName: new CfnParameter(stack, 'Name').valueAsString } }).endpoint))
      .toBe('not-applicable');
  });
  test('WHEN it judges a resource that is not an endpoint THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, new logs.LogGroup(stack, 'Logs', { logGroupName: `/aws/sagemaker/Endpoints/${GOVERNED_ENDPOINT_NAME}` }))).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointEvidenceSnapshot and an L1 endpoint', () => {
  const rule = 'EndpointEvidenceSnapshot';
  const policyOf = (role: iam.Role) => role.node.findChild('DefaultPolicy') as iam.Policy;
  test('WHEN no principal may describe the endpoint THEN it is non-compliant', () => {
    expect(onGovernedEndpoint(rule, (g) => {
      const statements = (policyOf(g.snapshotter).document as any).statements as iam.PolicyStatement[];
      statements.splice(0, 1);
    })).toBe('non-compliant');
  });
  test('WHEN the describing role may write to another bucket only THEN it is non-compliant', () => {
    expect(onGovernedEndpoint(rule, (g, stack) => {
      const statements = (policyOf(g.snapshotter).document as any).statements as iam.PolicyStatement[];
      statements.splice(1, 1);
      g.snapshotter.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [new s3.Bucket(stack, 'Other').arnForObjects('*')] }));
    })).toBe('non-compliant');
  });
  test('WHEN one role may describe and another may write THEN it is non-compliant: no principal can do both', () => {
    expect(onGovernedEndpoint(rule, (g, stack) => {
      const statements = (policyOf(g.snapshotter).document as any).statements as iam.PolicyStatement[];
      statements.splice(1, 1);
      new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() })
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [g.evidence.arnForObjects('*')] }));
    })).toBe('non-compliant');
  });
  test('WHEN the endpoint config captures no data THEN it is non-compliant: there is no evidence bucket', () => {
    expect(onGovernedEndpoint(rule, (g) => { g.config.dataCaptureConfig = undefined; })).toBe('non-compliant');
  });
  test('WHEN a role may describe the endpoint and write into its evidence bucket THEN it is compliant', () => {
    expect(onGovernedEndpoint(rule)).toBe('compliant');
  });
  test('WHEN the evidence bucket is outside the app and the role writes to it by name THEN it is compliant', () => {
    const stack = newStack();
    const { endpoint } = l1Endpoint(stack, 'E', { endpoint: { endpointName: 'scoring' }, config: { dataCaptureConfig: { ...fullDataCapture(), destinationS3Uri: 's3://existing-evidence/capture' } } });
    const role = new iam.Role(stack, 'Snapshotter', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: ['arn:aws:sagemaker:eu-west-1:123456789012:endpoint/scoring'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [s3.Bucket.fromBucketName(stack, 'Existing', 'existing-evidence').arnForObjects('kill-switch/*')] }));
    expect(verdictOn(rule, endpoint)).toBe('compliant');
  });
  test('WHEN the endpoint config is outside the app THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, l1Endpoint(stack, 'E', { endpoint: { endpointConfigName: Fn.importValue('shared-config') } }).endpoint)).toBe('not-applicable');
  });
  test('WHEN the capture destination is a parameter THEN it is not applicable', () => {
    const stack = newStack();
    const uri = new CfnParameter(stack, 'Destination').valueAsString;
    expect(verdictOn(rule, l1Endpoint(stack, 'E', { config: { dataCaptureConfig: { ...fullDataCapture(), destinationS3Uri: uri } } }).endpoint)).toBe('not-applicable');
  });
  test('WHEN it judges a resource that is not an endpoint THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic' }))).toBe('not-applicable');
  });
});
