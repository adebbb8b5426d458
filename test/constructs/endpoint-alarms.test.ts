import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EndpointAlarmsOptions } from '../../constructs/endpoint-alarms';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';

const DIMENSIONS = [
  { Name: 'EndpointName', Value: 'fraud-scoring' },
  { Name: 'VariantName', Value: 'primary' },
];

function alarmsOf(alarms: EndpointAlarmsOptions = {}, instanceType?: string) {
  return synthEndpoint({ endpointName: 'fraud-scoring', alarms, instanceType });
}

/** The endpoint's own alarms (the stack's shared kill-switch enforcer has one more), by logical ID. */
function endpointAlarms(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
    .filter(([, r]: [string, any]) => String(r.Properties.AlarmName ?? '').startsWith('fraud-scoring-')));
}

/** The alarm whose name ends with `suffix`. */
function alarmNamed(template: Template, suffix: string): any {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .filter((r: any) => r.Properties.AlarmName === `fraud-scoring-${suffix}`);
  expect(found).toHaveLength(1);
  return (found[0] as any).Properties;
}

/** The logical ID of the alert topic's Ref in an action list. */
function topicRefOf(template: Template): string {
  // The kill-switch enforcer's auto-pause topic is the foundation's other topic.
  const topics = Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) => !/AutoPauseTopic/.test(id));
  expect(topics).toHaveLength(1);
  return topics[0];
}

describe('GIVEN the alarms of a GovernedEndpoint', () => {
  describe('WHEN no alarm option is set', () => {
    const { template, endpoint } = alarmsOf();

    test('THEN there are eight alarms, each notifying the alert topic on ALARM and on OK', () => {
      const topic = topicRefOf(template);
      const alarms = Object.values(endpointAlarms(template)) as any[];
      expect(alarms).toHaveLength(8);
      for (const a of alarms) {
        expect(a.Properties.ActionsEnabled).toBe(true);
        expect(a.Properties.AlarmActions).toEqual([{ Ref: topic }]);
        expect(a.Properties.OKActions).toEqual([{ Ref: topic }]);
      }
      expect(endpoint.alarms.all).toHaveLength(8);
    });

    test.each([
      ['5xx-error-rate', 'Invocation5XXErrors', 0.01],
      ['4xx-error-rate', 'Invocation4XXErrors', 0.05],
    ])('the %s alarm is errors / invocations (Sum) over minutes with at least 10 requests', (suffix, errorMetric, threshold) => {
      const alarm = alarmNamed(template, suffix);
      expect(alarm).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: threshold,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.Metrics).toEqual(expect.arrayContaining([
        expect.objectContaining({ Expression: 'IF(invocations >= 10, errors / invocations, 0)', ReturnData: true }),
        { Id: 'errors', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/SageMaker', MetricName: errorMetric, Dimensions: DIMENSIONS }, Period: 60, Stat: 'Sum' } },
        { Id: 'invocations', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: DIMENSIONS }, Period: 60, Stat: 'Sum' } },
      ]));
    });

    test('THEN the latency alarm watches p99 ModelLatency with the 1-second default in microseconds', () => {
      expect(alarmNamed(template, 'model-latency-p99')).toMatchObject({
        Namespace: 'AWS/SageMaker',
        MetricName: 'ModelLatency',
        Dimensions: DIMENSIONS,
        ExtendedStatistic: 'p99',
        Period: 60,
        Threshold: 1_000_000,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    test('THEN the model-errors alarm fires at 5 InvocationModelErrors a minute', () => {
      expect(alarmNamed(template, 'model-errors')).toMatchObject({
        Namespace: 'AWS/SageMaker',
        MetricName: 'InvocationModelErrors',
        Dimensions: DIMENSIONS,
        Statistic: 'Sum',
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    test.each([
      // ml.m5.large has 2 vCPUs and SageMaker sums CPU over cores: 90% of the instance is 180.
      ['cpu-utilization', 'CPUUtilization', 180],
      ['memory-utilization', 'MemoryUtilization', 90],
      ['disk-utilization', 'DiskUtilization', 80],
    ])('the %s alarm reads /aws/sagemaker/Endpoints %s (Average) above %d', (suffix, metric, threshold) => {
      expect(alarmNamed(template, suffix)).toMatchObject({
        Namespace: '/aws/sagemaker/Endpoints',
        MetricName: metric,
        Dimensions: DIMENSIONS,
        Statistic: 'Average',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    test('THEN the zero-traffic alarm counts missing data as breaching over three 5-minute periods', () => {
      expect(alarmNamed(template, 'zero-traffic')).toMatchObject({
        Namespace: 'AWS/SageMaker',
        MetricName: 'Invocations',
        Dimensions: DIMENSIONS,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    test('THEN they notify the foundation\'s KMS-encrypted alert topic', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      expect(endpoint.alarms.alertTopic).toBeDefined();
    });
  });

  test('WHEN the instance type has more vCPUs THEN the CPU threshold scales with the vCPUs of the instance type', () => {
    // GIVEN an 8-vCPU instance type and an 85% CPU threshold
    const { template } = alarmsOf({ cpuUtilization: { threshold: 85 } }, 'ml.c5.2xlarge');
    // THEN the alarm compares the summed CPU metric with 85 x 8
    expect(alarmNamed(template, 'cpu-utilization').Threshold).toBe(680);
  });

  test('WHEN thresholds, periods and datapoints are set THEN the alarms use them', () => {
    const { template } = alarmsOf({
      serverErrorRate: { threshold: 0.002, minimumInvocations: 50, period: Duration.minutes(2), evaluationPeriods: 4, datapointsToAlarm: 2 },
      modelLatency: { threshold: Duration.millis(250) },
    });
    const rate = alarmNamed(template, '5xx-error-rate');
    expect(rate).toMatchObject({ Threshold: 0.002, EvaluationPeriods: 4, DatapointsToAlarm: 2 });
    expect(rate.Metrics[0]).toMatchObject({ Expression: 'IF(invocations >= 50, errors / invocations, 0)' });
    expect(rate.Metrics.slice(1).map((m: any) => m.MetricStat.Period)).toEqual([120, 120]);
    expect(alarmNamed(template, 'model-latency-p99').Threshold).toBe(250_000);
  });

  test('WHEN an alarm is turned off THEN it is not created, the zero-traffic alarm included', () => {
    const { template, endpoint } = alarmsOf({ zeroTraffic: { enabled: false }, diskUtilization: { enabled: false } });
    expect(Object.keys(endpointAlarms(template))).toHaveLength(6);
    expect(endpoint.alarms.zeroTraffic).toBeUndefined();
    expect(endpoint.alarms.diskUtilization).toBeUndefined();
  });

  test('WHEN recovery notifications are turned off THEN no alarm has an OK action', () => {
    const { template } = alarmsOf({ notifyOnRecovery: false });
    for (const a of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      expect(a.Properties.OKActions).toBeUndefined();
      expect(a.Properties.AlarmActions).toHaveLength(1);
    }
  });

  test('WHEN the user brings a topic THEN it replaces the foundation topic in every action', () => {
    const stack = newStack();
    const alertTopic = sns.Topic.fromTopicArn(stack, 'Pager', 'arn:aws:sns:eu-west-1:123456789012:pager');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ alarms: { alertTopic } }));
    const template = Template.fromStack(stack);
    // (its 8 operational alarms and the 3 of its model monitoring, which alert the same topic)
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('Scoring'));
    expect(alarms).toHaveLength(11);
    expect(alarms.filter(([id]) => id.startsWith('ScoringMonitoring'))).toHaveLength(3);
    for (const [, a] of alarms as [string, any][]) {
      expect(a.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:123456789012:pager']);
    }
  });

  test('WHEN there is a user key and bucket and no foundation THEN the endpoint gets its own encrypted, TLS-only topic', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'UserKey', { enableKeyRotation: true });
    const evidenceBucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'existing-evidence');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ encryptionKey, evidenceBucket }));
    const template = Template.fromStack(stack);
    // its own topic, and the auto-pause topic of the enforcer for its key and bucket
    expect(Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) => id.startsWith('Scoring'))).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toHaveLength(2);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UserKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  test('WHEN several endpoints ask for one e-mail address THEN it is subscribed once to the shared topic, however many endpoints ask', () => {
    const stack = newStack();
    for (const id of ['A', 'B']) {
      new GovernedEndpoint(stack, id, endpointProps({ alarms: { emailSubscriptions: ['fraud-oncall@example.com'] } }));
    }
    const template = Template.fromStack(stack);
    expect(Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } }))).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'fraud-oncall@example.com' });
  });

  describe('WHEN the endpoint\'s metric helpers are read', () => {
    const { endpoint } = alarmsOf();
    test.each([
      ['metricInvocations', 'AWS/SageMaker', 'Invocations', 'Sum'],
      ['metricInvocationsPerInstance', 'AWS/SageMaker', 'InvocationsPerInstance', 'Sum'],
      ['metricInvocation4XXErrors', 'AWS/SageMaker', 'Invocation4XXErrors', 'Sum'],
      ['metricInvocation5XXErrors', 'AWS/SageMaker', 'Invocation5XXErrors', 'Sum'],
      ['metricInvocationModelErrors', 'AWS/SageMaker', 'InvocationModelErrors', 'Sum'],
      ['metricModelLatency', 'AWS/SageMaker', 'ModelLatency', 'p99'],
      ['metricOverheadLatency', 'AWS/SageMaker', 'OverheadLatency', 'p99'],
      ['metricCpuUtilization', '/aws/sagemaker/Endpoints', 'CPUUtilization', 'Average'],
      ['metricMemoryUtilization', '/aws/sagemaker/Endpoints', 'MemoryUtilization', 'Average'],
      ['metricDiskUtilization', '/aws/sagemaker/Endpoints', 'DiskUtilization', 'Average'],
    ])('THEN %s reads %s %s (%s) of this endpoint and variant', (method, namespace, metricName, statistic) => {
      const metric = (endpoint as any)[method]() as cloudwatch.Metric;
      expect(metric).toMatchObject({ namespace, metricName, statistic });
      expect(metric.dimensions).toEqual({ EndpointName: 'fraud-scoring', VariantName: 'primary' });
      expect(metric.period.toSeconds()).toBe(60);
    });

    test('THEN metric options override the defaults', () => {
      const metric = endpoint.metricModelLatency({ statistic: 'p50', period: Duration.minutes(5) });
      expect(metric.statistic).toBe('p50');
      expect(metric.period.toMinutes()).toBe(5);
    });
  });
});

describe('GIVEN a GovernedEndpoint that asks for a dashboard of its own', () => {
  const { template, endpoint } = alarmsOf({ dashboard: true });

  /** The body of the endpoint's own dashboard (the stack's shared one is there too). */
  function body(e: GovernedEndpoint, t: Template): string {
    const id = Stack.of(e).getLogicalId(e.alarms.dashboard!.dashboard.node.defaultChild as cloudwatch.CfnDashboard);
    return JSON.stringify(Stack.of(e).resolve(t.toJSON().Resources[id].Properties.DashboardBody));
  }

  test('THEN it shows alarm states, invocations, error rates, latency percentiles and utilisation', () => {
    const text = body(endpoint, template);
    for (const expected of [
      'Alarm states', 'Invocations', 'Invocation4XXErrors', 'Invocation5XXErrors', 'InvocationModelErrors',
      '100 * errors5XX / invocations', 'model p50', 'model p90', 'model p99', 'ModelLatency', 'OverheadLatency',
      'CPUUtilization', 'MemoryUtilization', 'DiskUtilization', 'InvocationsPerInstance', 'fraud-scoring',
    ]) {
      expect(text).toContain(expected);
    }
    // every alarm is in the alarm-status widget
    const alarmRefs = Object.keys(endpointAlarms(template));
    for (const ref of alarmRefs) {
      expect(text).toContain(ref);
    }
  });

  test('THEN the stack has its shared dashboard as well', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 2);
    expect(endpoint.alarms.stackDashboard).toBeDefined();
  });

  test('WHEN a widget is added THEN it is appended to the dashboard', () => {
    const stack = newStack();
    const e = new GovernedEndpoint(stack, 'Scoring', endpointProps({ alarms: { dashboard: true } }));
    e.alarms.dashboard!.addWidgets(new cloudwatch.TextWidget({ markdown: 'kill switch: ACTIVE', width: 24 }));
    expect(body(e, Template.fromStack(stack))).toContain('kill switch: ACTIVE');
  });
});

describe('GIVEN a GovernedEndpoint with the default alarms', () => {
  const { template, endpoint } = alarmsOf();

  test('THEN it has no dashboard of its own, only its row on the stack\'s dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(endpoint.alarms.dashboard).toBeUndefined();
    expect(endpoint.alarms.stackDashboard?.endpointNames).toEqual(['fraud-scoring']);
  });

  test('WHEN the stack dashboard is turned off as well THEN there is no dashboard', () => {
    const { template: t, endpoint: e } = alarmsOf({ stackDashboard: false });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(e.alarms.dashboard).toBeUndefined();
    expect(e.alarms.stackDashboard).toBeUndefined();
  });
});

describe('GIVEN alarm options CloudWatch rejects, WHEN the endpoint is built THEN the error names the prop and the allowed range', () => {
  test.each<[string, EndpointAlarmsOptions, RegExp]>([
    ['a 5xx rate above 1', { serverErrorRate: { threshold: 1.5 } }, /alarms\.serverErrorRate\.threshold: received 1\.5; allowed: 0 to 1/],
    ['a negative 4xx rate', { clientErrorRate: { threshold: -0.1 } }, /alarms\.clientErrorRate\.threshold: received -0\.1; allowed: 0 to 1/],
    ['a zero latency threshold', { modelLatency: { threshold: Duration.millis(0) } }, /alarms\.modelLatency\.threshold: received "0 millis"; allowed: a Duration greater than 0/],
    ['a negative model-error count', { modelErrors: { threshold: -1 } }, /alarms\.modelErrors\.threshold: received -1; allowed: 0 to/],
    ['a CPU threshold above 100%', { cpuUtilization: { threshold: 120 } }, /alarms\.cpuUtilization\.threshold: received 120; allowed: 1 to 100 percent/],
    ['a memory threshold of 0%', { memoryUtilization: { threshold: 0 } }, /alarms\.memoryUtilization\.threshold: received 0; allowed: 1 to 100 percent/],
    ['a 30-second period', { modelLatency: { period: Duration.seconds(30) } }, /alarms\.modelLatency\.period: received "30 seconds"; allowed: a whole number of minutes/],
    ['zero evaluation periods', { diskUtilization: { evaluationPeriods: 0 } }, /alarms\.diskUtilization\.evaluationPeriods: received 0; allowed: a whole number from 1 to 1440/],
    ['more datapoints than periods', { serverErrorRate: { evaluationPeriods: 3, datapointsToAlarm: 4 } }, /alarms\.serverErrorRate\.datapointsToAlarm: received 4; allowed: a whole number from 1 to 3 \(at most evaluationPeriods\)/],
    ['a look-back over a day with periods under an hour', { zeroTraffic: { period: Duration.minutes(59), evaluationPeriods: 25 } },
      /alarms\.zeroTraffic\.evaluationPeriods: received 25; allowed: a whole number from 1 to 24 for a period of 3540 seconds \(Duration\.minutes\(59\)\) \(CloudWatch: period x evaluationPeriods is at most one day for periods under an hour\)/],
    ['a look-back over seven days with hourly periods', { zeroTraffic: { period: Duration.hours(1), evaluationPeriods: 169 } },
      /alarms\.zeroTraffic\.evaluationPeriods: received 169; allowed: a whole number from 1 to 168 for a period of 3600 seconds \(Duration\.hours\(1\)\) \(CloudWatch: period x evaluationPeriods is at most seven days\)/],
    ['a period over seven days', { modelErrors: { period: Duration.days(8) } }, /alarms\.modelErrors\.period: received "691200 seconds \(Duration\.days\(8\)\)"; allowed: a whole number of minutes from Duration\.minutes\(1\) to Duration\.days\(7\)/],
    ['a fractional minimum of invocations', { clientErrorRate: { minimumInvocations: 2.5 } }, /alarms\.clientErrorRate\.minimumInvocations: received 2\.5; allowed: a whole number from 1/],
    ['an e-mail without a domain', { emailSubscriptions: ['oncall'] }, /alarms\.emailSubscriptions\[0\]: received "oncall"; allowed: an e-mail address/],
  ])('%s', (_name, alarms, message) => {
    expect(() => alarmsOf(alarms)).toThrow(message);
  });

  test.each<[string, EndpointAlarmsOptions]>([
    ['hourly periods over the full seven days CloudWatch allows', { zeroTraffic: { period: Duration.hours(1), evaluationPeriods: 168, datapointsToAlarm: 168 } }],
    ['59-minute periods over one day', { zeroTraffic: { period: Duration.minutes(59), evaluationPeriods: 24 } }],
    ['one-minute periods over one day', { modelErrors: { evaluationPeriods: 1440 } }],
    ['one seven-day period', { diskUtilization: { period: Duration.days(7), evaluationPeriods: 1, datapointsToAlarm: 1 } }],
  ])('GIVEN %s WHEN the alarms are built THEN CloudWatch\'s window limits accept them', (_name, alarms) => {
    expect(() => alarmsOf(alarms)).not.toThrow();
  });

  test('THEN every problem is reported in one error', () => {
    expect(() => alarmsOf({ serverErrorRate: { threshold: 2 }, cpuUtilization: { threshold: 0 } }))
      .toThrow(/serverErrorRate\.threshold[\s\S]*cpuUtilization\.threshold/);
  });
});
