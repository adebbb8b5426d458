import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GovernanceTags, minimumLogRetentionDays, RiskTier } from '../lib/policy/governance';
import {
  MODEL_MONITOR_MEMORY_MB, MODEL_MONITOR_TIMEOUT_SECONDS, MonitorEnvironment, MonitoringPrefixes, MonitoringSchedules, MonitorInput,
} from '../lib/policy/monitoring-protocol';
import { acknowledge, acknowledgeWildcardResource } from './private/acknowledge';
import { PropsValidator } from './private/validation';
import { GovernedFunction } from './governed-function';

/** How a model monitor runs: its network, log retention and concurrency. */
export interface ModelMonitorOptions {
  /**
   * VPC to run the function in (it needs HTTPS to S3, SSM, SageMaker, CloudWatch, SNS and the tagging API).
   * @default - not in a VPC (the compliance packs' finding is acknowledged: the function only calls AWS APIs)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the function when `vpc` is given.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Retention of the function's log group; at least 180 days.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Reserved concurrency: caps the monitor's cost and guarantees it capacity. 1 to 1000.
   * @default 2
   */
  readonly reservedConcurrentExecutions?: number;
}

/** Props of {@link ModelMonitor}. */
export interface ModelMonitorProps extends ModelMonitorOptions {
  /** Name of the foundation: the monitor serves the endpoints (and reads the parameters) tagged `governance:foundation` with it. */
  readonly foundationName: string;
  /** The foundation's key: the function's logs and dead-letter queue, and the evidence it reads and writes. */
  readonly encryptionKey: kms.IKey;
  /**
   * The evidence bucket: capture, labels and baselines are read from it, reports written to it. Baselines must be in
   * it, under `monitoring/<endpointName>/baseline/`: the monitor reads no other bucket.
   */
  readonly evidenceBucket: s3.IBucket;
  /** Topic for hypercare notices, review reminders and the monitor's own failures. */
  readonly alertTopic: sns.ITopic;
}

/**
 * The model monitor of a foundation: one governed function for any number of endpoints, which it finds by their
 * `governance:foundation` and `governance:monitoring-config` tags. Three schedules run it: `window` (hourly: each
 * endpoint's window of data capture is sampled, compared with its baseline, and the figures published and reported),
 * `hypercare` (every 15 minutes, for endpoints within their hypercare period after a deployment) and `review`
 * (daily: the review reminders that are due).
 *
 * Its permissions are scoped by tag and prefix, so the foundation holds no reference to the endpoints' stacks: it
 * reads only the SSM parameters and describes only the endpoints tagged with its foundation's name, and reads only the
 * capture, label and monitoring prefixes of the evidence bucket, writing under `monitoring/` only.
 */
export class ModelMonitor extends Construct {
  /** The monitor function and its role, policy, log group and dead-letter queue. */
  public readonly governedFunction: GovernedFunction;
  /** The monitor function. */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;
  /** The schedules: window, hypercare and review. */
  public readonly schedules: events.Rule[];
  /** The alarm on the function's errors, notifying the alert topic. */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** The foundation served. */
  public readonly foundationName: string;

  constructor(scope: Construct, id: string, props: ModelMonitorProps) {
    super(scope, id);
    const v = new PropsValidator(this, 'ModelMonitor');
    v.checkTagValue('foundationName', props.foundationName, GovernanceTags.FOUNDATION);
    v.checkInteger('reservedConcurrentExecutions', props.reservedConcurrentExecutions, 1, 1000);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    // The monitor serves endpoints of every tier: its record keeps to the highest tier's floor.
    v.checkLogRetention('logRetention', retention, minimumLogRetentionDays(RiskTier.HIGH));
    v.check(props.vpc !== undefined || props.vpcSubnets === undefined, 'vpcSubnets', 'set', 'only together with vpc');
    v.throwIfInvalid();
    this.foundationName = props.foundationName;

    const stack = Stack.of(this);
    const bucket = props.evidenceBucket;
    const dataKey = bucket.encryptionKey ?? props.encryptionKey;
    const readPrefixes = [MonitoringPrefixes.CAPTURE, MonitoringPrefixes.GROUND_TRUTH, MonitoringPrefixes.MONITORING];
    const parameters = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'governed-endpoint/*' });
    const endpoints = stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: '*' });
    const ofFoundation = { StringEquals: { [`aws:ResourceTag/${GovernanceTags.FOUNDATION}`]: props.foundationName } };
    const objectReads = readPrefixes.map((p) => bucket.arnForObjects(`${p}*`));
    const reportWrites = bucket.arnForObjects(`${MonitoringPrefixes.MONITORING}*`);
    const statements = [
      new iam.PolicyStatement({ sid: 'ReadMonitoringConfigs', actions: ['ssm:GetParameter', 'ssm:GetParameterHistory'], resources: [parameters], conditions: ofFoundation }),
      new iam.PolicyStatement({ sid: 'DescribeEndpoints', actions: ['sagemaker:DescribeEndpoint'], resources: [endpoints], conditions: ofFoundation }),
      new iam.PolicyStatement({
        sid: 'ListEvidence', actions: ['s3:ListBucket'], resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': readPrefixes.map((p) => `${p}*`) } },
      }),
      new iam.PolicyStatement({ sid: 'ReadEvidence', actions: ['s3:GetObject'], resources: objectReads }),
      new iam.PolicyStatement({ sid: 'WriteReports', actions: ['s3:PutObject'], resources: [reportWrites] }),
      new iam.PolicyStatement({ sid: 'Notify', actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }),
      ...(dataKey === props.encryptionKey ? [] : [new iam.PolicyStatement({ sid: 'UseEvidenceKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [dataKey.keyArn] })]),
    ];
    const topicKey = props.alertTopic.masterKey;
    if (topicKey && topicKey !== props.encryptionKey && topicKey !== dataKey) {
      statements.push(new iam.PolicyStatement({ sid: 'UseAlertKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [topicKey.keyArn] }));
    }

    this.governedFunction = new GovernedFunction(this, 'Function', {
      handler: 'model-monitor',
      description: 'Model monitor: compares the data capture of governed SageMaker endpoints with their baselines',
      encryptionKey: props.encryptionKey,
      statements,
      environment: { [MonitorEnvironment.ALERT_TOPIC_ARN]: props.alertTopic.topicArn, [MonitorEnvironment.EVIDENCE_BUCKET]: bucket.bucketName },
      timeout: Duration.seconds(MODEL_MONITOR_TIMEOUT_SECONDS),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 2,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      logRetention: retention,
    });
    (this.governedFunction.function.node.defaultChild as lambda.CfnFunction).memorySize = MODEL_MONITOR_MEMORY_MB;
    this.function = this.governedFunction.function;
    this.role = this.governedFunction.role;
    const policy = this.governedFunction.policy.node.defaultChild!;
    for (const arn of [parameters, endpoints]) {
      acknowledgeWildcardResource(policy, arn, `The monitor serves every endpoint of foundation ${props.foundationName}, including those of other stacks; ` +
        `the statement is limited by the condition aws:ResourceTag/${GovernanceTags.FOUNDATION} = ${props.foundationName}.`);
    }
    // The monitoring/ prefix is both read and written: one ARN, acknowledged once.
    for (const arn of new Set([...objectReads, reportWrites])) {
      acknowledgeWildcardResource(policy, arn, 'Capture, label and report keys carry the endpoint name and the time; the permission is scoped to the ' +
        'data-capture, ground-truth and monitoring prefixes of the evidence bucket (writes to monitoring/ only).');
    }

    const alarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // Calls AWS offers no narrower resource for: listing endpoints by tag, reading alarm states. (The metrics are written
    // to the function's log in CloudWatch embedded metric format: no cloudwatch:PutMetricData.)
    const discovery = new iam.ManagedPolicy(this, 'DiscoveryPolicy', {
      description: 'Model monitor: find the foundation\'s endpoints by tag and read alarm states for the review summary',
      roles: [this.governedFunction.role],
      statements: [
        new iam.PolicyStatement({ sid: 'FindEndpointsByTag', actions: ['tag:GetResources'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'ReadAlarmStates', actions: ['cloudwatch:DescribeAlarms'], resources: [alarms] }),
      ],
    });
    acknowledge(discovery.node.defaultChild!, ['AwsSolutions-IAM5[Resource::*]'],
      'tag:GetResources has no resource-level permissions: it is how the monitor finds the endpoints tagged with its foundation\'s name.');
    acknowledgeWildcardResource(discovery.node.defaultChild!, alarms,
      'The review summary lists the alarms in ALARM of each endpoint, whose names CloudFormation generates: any alarm of this account and region, read-only.');
    this.governedFunction.function.node.addDependency(discovery);

    const input = (kind: MonitorInput['kind']): MonitorInput => ({ kind, foundation: props.foundationName });
    const schedule = (ruleId: string, minutes: number, kind: MonitorInput['kind'], description: string) => new events.Rule(this, ruleId, {
      description,
      schedule: events.Schedule.rate(Duration.minutes(minutes)),
      targets: [new targets.LambdaFunction(this.function, { event: events.RuleTargetInput.fromObject(input(kind)), retryAttempts: 2 })],
    });
    this.schedules = [
      schedule('WindowSchedule', MonitoringSchedules.windowMinutes, 'window', `Model monitor of ${props.foundationName}: analyse the windows that ended`),
      schedule('HypercareSchedule', MonitoringSchedules.hypercareMinutes, 'hypercare', `Model monitor of ${props.foundationName}: endpoints in hypercare after a deployment`),
      schedule('ReviewSchedule', MonitoringSchedules.reviewMinutes, 'review', `Model monitor of ${props.foundationName}: send the review reminders that are due`),
    ];

    // A broken monitor means nobody watches the models: the alert topic hears about it.
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `The model monitor of ${props.foundationName} failed: windows may not have been analysed. Check its log group and dead-letter queue.`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(new cw_actions.SnsAction(props.alertTopic));
  }

  /** Errors of the monitor function (Sum per 5 minutes). */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors(props);
  }
}
