import { Aws, Duration, Names, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { createHash } from 'node:crypto';
import { GovernanceTags, minimumLogRetentionDays, RiskTier } from '../lib/policy/governance';
import { TAG } from '../lib/policy/aws-limits';
import {
  EnforcerEnvironment, FOUNDATION_TAG, KILL_SWITCH_ENFORCER_ROLE_TAG, KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS, KILL_SWITCH_PARAMETER_WILDCARD,
  KILL_SWITCH_TAG, SNAPSHOT_PREFIX,
} from '../lib/policy/kill-switch-protocol';
import { acknowledge, acknowledgeWildcardResource } from './private/acknowledge';
import { PropsValidator } from './private/validation';
import { AlarmTopic } from './alarm-topic';
import { GovernedFunction } from './governed-function';
import type { IKillSwitchEnforcer, KillSwitchEnforcerAttributes } from './kill-switch-enforcer-ref';

export type { IKillSwitchEnforcer, KillSwitchEnforcerAttributes } from './kill-switch-enforcer-ref';

/** How an enforcer runs: its reconcile interval, network, concurrency and log retention. */
export interface KillSwitchEnforcerOptions {
  /**
   * How often every endpoint of the foundation is reconciled with its parameter, whatever events were missed:
   * the bound on how stale an endpoint's pause can be. Whole minutes, from 1 minute to 1 day.
   * @default Duration.minutes(5)
   */
  readonly reconcileInterval?: Duration;
  /**
   * VPC to run the function in (it needs HTTPS to SSM, SageMaker, S3, SNS, CloudWatch and the Resource Groups Tagging
   * API: NAT or interface endpoints).
   * @default - not in a VPC (the compliance packs' finding is acknowledged: the function only calls AWS APIs)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the function when `vpc` is given.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Reserved concurrency of the function: guaranteed capacity for pausing even when the account is busy.
   * @default 5
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retention of the function's log group (the enforcement record); at least 180 days.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Props of {@link KillSwitchEnforcer}. */
export interface KillSwitchEnforcerProps extends KillSwitchEnforcerOptions {
  /**
   * The name of the fleet the enforcer serves: it enforces every endpoint tagged `governance:foundation` with this
   * value, in the account and region it is deployed to. A foundation's enforcer uses the foundation's name.
   */
  readonly foundationName: string;
  /** Key of the function's log group, its dead-letter queue and the auto-pause topic. */
  readonly encryptionKey: kms.IKey;
  /**
   * Bucket receiving evidence snapshots under `kill-switch/<endpoint>/`.
   * @default - no snapshot
   */
  readonly evidenceBucket?: s3.IBucket;
  /**
   * Topic notified of every pause, resume and failure, and of the enforcer's own errors.
   * @default - no notification
   */
  readonly alertTopic?: sns.ITopic;
}

/** How {@link KillSwitchEnforcer.of} finds or creates an enforcer for endpoints that use no foundation. */
export interface KillSwitchEnforcerLookup {
  /** Key of the enforcer's log group and queues; endpoints with different keys get different enforcers. */
  readonly encryptionKey: kms.IKey;
  /**
   * Bucket for evidence snapshots; endpoints with different buckets get different enforcers.
   * @default - no snapshot
   */
  readonly evidenceBucket?: s3.IBucket;
  /**
   * Topic for notifications; endpoints with different topics get different enforcers.
   * @default - no notification
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * VPC of the enforcer; endpoints in different VPCs get different enforcers.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets, used when the enforcer is created.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * The function that enforces kill switches: one per foundation, for any number of endpoints in any number of stacks
 * and apps. It lists no endpoint: it serves every endpoint tagged `governance:foundation=<foundationName>`.
 *
 * For each endpoint it reads the SSM parameter the endpoint's `governance:kill-switch-parameter` tag names and sets or
 * removes the endpoint's `governance:kill-switch` tag, writing an evidence snapshot before a pause and notifying the
 * alert topic. It runs on the "Parameter Store Change" event of any parameter named
 * `/governed-endpoint/<...>/kill-switch`, on every "SageMaker Endpoint State Change" event (an update cannot silently
 * drop the tag), on a reconcile schedule that discovers the foundation's endpoints with the Resource Groups Tagging
 * API, and on alarm notifications for auto-pause.
 *
 * Its permissions are bounded by tags and names, not lists: it may change only the `governance:kill-switch` tag, only
 * on endpoints tagged with its foundation; read and restore only parameters named `/governed-endpoint/<...>/kill-switch`;
 * and write only under the `kill-switch/` prefix of its evidence bucket.
 */
export class KillSwitchEnforcer extends Construct implements IKillSwitchEnforcer {
  /**
   * The enforcer of endpoints that use no foundation (they bring their own key and evidence bucket): one per stack for
   * each key, bucket, topic and VPC, created on first use at the stack's root and named after the stack.
   */
  public static of(scope: IConstruct, lookup: KillSwitchEnforcerLookup): KillSwitchEnforcer {
    const stack = Stack.of(scope);
    const suffix = [lookup.encryptionKey, lookup.evidenceBucket, lookup.alertTopic, lookup.vpc]
      .map((c) => (c ? Names.nodeUniqueId(c.node) : '-')).join('|');
    const id = `KillSwitchEnforcer${createHash('sha256').update(suffix).digest('hex').slice(0, 8).toUpperCase()}`;
    const existing = stack.node.tryFindChild(id);
    if (existing instanceof KillSwitchEnforcer) {
      return existing;
    }
    const enforcer = new KillSwitchEnforcer(stack, id, {
      foundationName: `${stack.stackName}.${id}`, encryptionKey: lookup.encryptionKey, evidenceBucket: lookup.evidenceBucket,
      alertTopic: lookup.alertTopic, vpc: lookup.vpc, vpcSubnets: lookup.vpcSubnets,
    });
    // Inside a foundation, the foundation's tags apply.
    Tags.of(enforcer).add(GovernanceTags.PURPOSE, 'kill-switch enforcement of governed model endpoints');
    return enforcer;
  }

  /** An enforcer defined in another app (usually a foundation's), by the foundation name it serves. */
  public static fromAttributes(scope: Construct, id: string, attrs: KillSwitchEnforcerAttributes): IKillSwitchEnforcer {
    const v = new PropsValidator(scope, 'KillSwitchEnforcer.fromAttributes');
    checkFoundationName(v, 'foundationName', attrs.foundationName);
    v.throwIfInvalid();
    const holder = new Construct(scope, id);
    return {
      foundationName: attrs.foundationName,
      autoPauseTopic: attrs.autoPauseTopicArn === undefined ? undefined : sns.Topic.fromTopicArn(holder, 'AutoPauseTopic', attrs.autoPauseTopicArn),
    };
  }

  /** The function and its role, policy, log group and dead-letter queue. */
  public readonly governedFunction: GovernedFunction;
  /** The enforcer function. */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;
  /** How often every endpoint is reconciled. */
  public readonly reconcileInterval: Duration;
  /** The foundation name the enforcer serves. */
  public readonly foundationName: string;
  /** The topic alarms notify to pause endpoints (always set on an enforcer of this app). */
  public readonly autoPauseTopic?: sns.ITopic;
  /** The alarm on enforcer errors (a pause that may not have been applied), notifying the alert topic when there is one. */
  public readonly errorAlarm: cloudwatch.IAlarm;

  constructor(scope: Construct, id: string, props: KillSwitchEnforcerProps) {
    super(scope, id);
    const v = new PropsValidator(this, 'KillSwitchEnforcer');
    this.reconcileInterval = props.reconcileInterval ?? Duration.minutes(5);
    const minutes = this.reconcileInterval.toMinutes({ integral: false });
    if (!Token.isUnresolved(minutes)) {
      v.check(Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440, 'reconcileInterval', this.reconcileInterval.toHumanString(),
        'whole minutes from Duration.minutes(1) to Duration.days(1)');
    }
    v.checkInteger('reservedConcurrentExecutions', props.reservedConcurrentExecutions, 1, 1000);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    // The enforcement record serves endpoints of every tier: it keeps to the highest tier's floor.
    v.checkLogRetention('logRetention', retention, minimumLogRetentionDays(RiskTier.HIGH));
    v.check(props.vpc !== undefined || props.vpcSubnets === undefined, 'vpcSubnets', 'set', 'only together with vpc');
    checkFoundationName(v, 'foundationName', props.foundationName);
    v.throwIfInvalid();

    this.foundationName = props.foundationName;
    const stack = Stack.of(this);
    const arn = (service: string, resource: string) => `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    const parameters = arn('ssm', `parameter${KILL_SWITCH_PARAMETER_WILDCARD}`);
    const endpoints = arn('sagemaker', 'endpoint/*');
    const described = [arn('sagemaker', 'endpoint-config/*'), arn('sagemaker', 'model/*'), arn('sagemaker', 'model-package/*')];
    const alarms = arn('cloudwatch', 'alarm:*');
    const statements = [
      new iam.PolicyStatement({ sid: 'ReadAndRestoreKillSwitchParameters', actions: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter'], resources: [parameters] }),
      new iam.PolicyStatement({
        sid: 'SetKillSwitchTagOnFoundationEndpoints',
        actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
        resources: [endpoints],
        // Only endpoints of this foundation, and only the kill-switch tag.
        conditions: {
          'StringEquals': { [`aws:ResourceTag/${FOUNDATION_TAG}`]: props.foundationName },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [KILL_SWITCH_TAG] },
        },
      }),
      new iam.PolicyStatement({ sid: 'ReadEndpointTagsAndState', actions: ['sagemaker:ListTags', 'sagemaker:DescribeEndpoint'], resources: [endpoints] }),
      new iam.PolicyStatement({ sid: 'DescribeForEvidence', actions: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:DescribeModelPackage'], resources: described }),
      new iam.PolicyStatement({ sid: 'FindFoundationEndpointsByTag', actions: ['tag:GetResources'], resources: ['*'] }),
      new iam.PolicyStatement({ sid: 'ReadAutoPauseAlarmTags', actions: ['cloudwatch:ListTagsForResource'], resources: [alarms] }),
    ];
    const dataKeys = new Set<kms.IKey>();
    if (props.evidenceBucket) {
      statements.push(new iam.PolicyStatement({ sid: 'WriteKillSwitchEvidence', actions: ['s3:PutObject'], resources: [props.evidenceBucket.arnForObjects(`${SNAPSHOT_PREFIX}/*`)] }));
      dataKeys.add(props.evidenceBucket.encryptionKey ?? props.encryptionKey);
    }
    if (props.alertTopic) {
      statements.push(new iam.PolicyStatement({ sid: 'NotifyAlertTopic', actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }));
      dataKeys.add(props.alertTopic.masterKey ?? props.encryptionKey);
    }
    // The function's own policy already lets it use its key (GenerateDataKey, Decrypt).
    dataKeys.delete(props.encryptionKey);
    if (dataKeys.size > 0) {
      statements.push(new iam.PolicyStatement({ sid: 'EncryptEvidenceAndAlerts', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [...dataKeys].map((k) => k.keyArn) }));
    }

    this.governedFunction = new GovernedFunction(this, 'Function', {
      handler: 'kill-switch-enforcer',
      description: 'Kill switch: keeps the governance:kill-switch tag of governed SageMaker endpoints in line with their SSM parameters',
      encryptionKey: props.encryptionKey,
      statements,
      environment: {
        [EnforcerEnvironment.FOUNDATION]: props.foundationName,
        ...(props.evidenceBucket ? { [EnforcerEnvironment.EVIDENCE_BUCKET]: props.evidenceBucket.bucketName } : {}),
        ...(props.alertTopic ? { [EnforcerEnvironment.ALERT_TOPIC_ARN]: props.alertTopic.topicArn } : {}),
      },
      // The enforcer's own bounds (per call, per endpoint, per invocation) end inside this timeout.
      timeout: Duration.seconds(KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 5,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      logRetention: retention,
    });
    this.function = this.governedFunction.function;
    this.role = this.governedFunction.role;
    // Lets an organization SCP reserve the pause tag to enforcers.
    Tags.of(this.governedFunction.role).add(KILL_SWITCH_ENFORCER_ROLE_TAG, 'true');
    this.acknowledgeWildcards(parameters, endpoints, described, alarms, props.evidenceBucket);

    const changeRule = new events.CfnRule(this, 'ChangeRule', {
      description: 'Kill switch: enforce on a change of any kill-switch parameter or a state change of any endpoint (the function keeps its foundation\'s)',
      state: 'ENABLED',
      eventPattern: {
        $or: [
          { 'source': ['aws.ssm'], 'detail-type': ['Parameter Store Change'], 'detail': { name: [{ wildcard: KILL_SWITCH_PARAMETER_WILDCARD }] } },
          { 'source': ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'] },
        ],
      },
      targets: [{ id: 'Enforcer', arn: this.function.functionArn, inputTransformer: { inputTemplate: '{"kind":"event","event":<aws.events.event.json>}' } }],
    });
    const reconcileRule = new events.CfnRule(this, 'ReconcileRule', {
      description: `Kill switch: reconcile every endpoint of foundation ${props.foundationName} with its parameter`.slice(0, 512),
      state: 'ENABLED',
      scheduleExpression: events.Schedule.rate(this.reconcileInterval).expressionString,
      targets: [{ id: 'Enforcer', arn: this.function.functionArn, input: stack.toJsonString({ kind: 'reconcile' }) }],
    });
    for (const [name, rule] of [['ChangeRule', changeRule], ['ReconcileRule', reconcileRule]] as const) {
      this.function.addPermission(name, { principal: new iam.ServicePrincipal('events.amazonaws.com'), sourceArn: rule.attrArn });
    }

    // CloudWatch alarms of this account, and nothing else, publish here.
    const autoPause = new AlarmTopic(this, 'AutoPauseTopic', {
      displayName: 'Governed model endpoints: alarms that pause an endpoint',
      encryptionKey: props.encryptionKey,
    });
    autoPause.addSubscription(new subs.LambdaSubscription(this.function));
    this.autoPauseTopic = autoPause;

    const errors = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: 'The kill-switch enforcer failed: a pause or resume may not have been applied. Check its log group and dead-letter queue.',
      metric: this.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alertTopic) {
      errors.addAlarmAction(new cw_actions.SnsAction(props.alertTopic));
    }
    this.errorAlarm = errors;
  }

  /** Errors of the enforcer function (Sum per 5 minutes): a pause that may not have been applied. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors(props);
  }

  private acknowledgeWildcards(parameters: string, endpoints: string, described: string[], alarms: string, bucket?: s3.IBucket): void {
    const policy = this.governedFunction.policy.node.defaultChild!;
    acknowledgeWildcardResource(policy, parameters,
      'Kill-switch parameters are found by name, not listed: the permission covers exactly the names /governed-endpoint/<...>/kill-switch, which every kill switch of the library uses.');
    acknowledgeWildcardResource(policy, endpoints,
      'Endpoints are found by tag, not listed. Tag writes are limited by condition to endpoints tagged with this foundation and to the kill-switch tag; ListTags and DescribeEndpoint only read.');
    for (const arn of described) {
      acknowledgeWildcardResource(policy, arn, 'Read-only Describe of what a paused endpoint serves, for the evidence snapshot; endpoints are found by tag, so their configs, models and packages are not listed.');
    }
    acknowledgeWildcardResource(policy, alarms, 'Auto-pause reads the tags of the alarm that notified it (ListTagsForResource only); alarms are in the endpoints\' stacks, which the foundation does not list.');
    acknowledge(policy, ['AwsSolutions-IAM5[Resource::*]'],
      'tag:GetResources offers no resource-level permission (it is the discovery of the foundation\'s endpoints by tag); Lambda ENI actions, when in a VPC, offer none before the interfaces exist.');
    if (bucket) {
      acknowledgeWildcardResource(policy, bucket.arnForObjects(`${SNAPSHOT_PREFIX}/*`),
        'Snapshot keys carry the endpoint name and the time of the pause; the permission is scoped to the kill-switch prefix of the evidence bucket (writes only).');
    }
  }
}

/** Record a problem for a foundation name that is not a valid tag value (tokens are skipped). */
function checkFoundationName(v: PropsValidator, prop: string, name: string): void {
  if (typeof name === 'string' && Token.isUnresolved(name)) {
    return;
  }
  v.check(typeof name === 'string' && name.length >= 1 && name.length <= TAG.maxValueLength && TAG.characters.test(name), prop, name,
    `1 to ${TAG.maxValueLength} of ${TAG.allowedCharacters} (an AWS tag value: it is the value of the endpoints' ${FOUNDATION_TAG} tag)`);
}
