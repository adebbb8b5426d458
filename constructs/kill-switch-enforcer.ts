import { Duration, Lazy, Names, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { createHash } from 'node:crypto';
import { GovernanceProps, GovernanceTags, highestRiskTier, minimumLogRetentionDays, RiskTier } from '../lib/policy/governance';
import {
  AUTO_PAUSE_TAG_PREFIX, KILL_SWITCH_ENFORCER_ROLE_TAG, KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS, SNAPSHOT_PREFIX,
} from '../lib/policy/kill-switch-protocol';
import { acknowledgeWildcardResource } from './private/acknowledge';
import { EnforcerShard, ShardArns, ShardTarget, shardSizes, withLowerCaseModelPackages } from './private/enforcer-shard';
import { PropsValidator } from './private/validation';
import { GovernanceFoundation } from './governance-foundation';
import { AlarmTopic } from './alarm-topic';
import { GovernedFunction } from './governed-function';

/** IAM's default quota of managed policies per role. */
const MANAGED_POLICIES_PER_ROLE = 10;

/** Props of {@link KillSwitchEnforcer}. */
export interface KillSwitchEnforcerProps {
  /** Key of the function's log group, its dead-letter queue and the auto-pause topic. */
  readonly encryptionKey: kms.IKey;
  /**
   * How often every registered endpoint is reconciled with its parameter, whatever events were missed:
   * the bound on how stale an endpoint's pause can be. Whole minutes, from 1 minute to 1 day.
   * @default Duration.minutes(5)
   */
  readonly reconcileInterval?: Duration;
  /**
   * VPC to run the function in (it needs HTTPS to SSM, SageMaker, S3 and SNS: NAT or interface endpoints).
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

/** How {@link KillSwitchEnforcer.of} finds or creates the shared enforcer. */
export interface KillSwitchEnforcerLookup {
  /** Key of the enforcer's log group and queues; endpoints with different keys get different enforcers. */
  readonly encryptionKey: kms.IKey;
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

/** One endpoint an enforcer keeps in line with its kill-switch parameter. */
export interface KillSwitchRegistration {
  /** Endpoint name. */
  readonly endpointName: string;
  /** Endpoint ARN: the tag is set on it. */
  readonly endpointArn: string;
  /** Name of the kill-switch parameter. */
  readonly parameterName: string;
  /** ARN of the kill-switch parameter. */
  readonly parameterArn: string;
  /**
   * ARNs of the endpoint configuration, models and model packages the evidence snapshot describes.
   * @default - none: the snapshot records the endpoint only
   */
  readonly describeArns?: string[];
  /**
   * Bucket receiving snapshots under `kill-switch/<endpoint>/`.
   * @default - no snapshot
   */
  readonly evidenceBucket?: s3.IBucket;
  /**
   * Topic notified of every pause, resume and failure.
   * @default - no notification
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Key that encrypts the bucket's objects and the topic's messages, when they do not say.
   * @default - the enforcer's key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Owner, purpose and tier of the endpoint; the first registered owner and the highest tier tag the enforcer.
   * @default - the enforcer is tagged owner 'unassigned'
   */
  readonly governance?: GovernanceProps;
}

/**
 * The function that enforces kill switches: one per stack (per key and VPC) for any number of endpoints.
 *
 * For each endpoint it reads the SSM parameter and sets or removes the endpoint's `governance:kill-switch`
 * tag, writing an evidence snapshot before a pause and notifying the alert topic. It runs on the
 * "Parameter Store Change" event of the registered parameters, on the "SageMaker Endpoint State Change"
 * event of the registered endpoints (an update cannot silently drop the tag), on a reconcile schedule,
 * and on alarm notifications for auto-pause.
 *
 * Endpoints are grouped in shards that respect IAM's policy size and EventBridge's pattern and input
 * limits. Each shard has one customer-managed policy listing exactly its parameters, endpoints and
 * described resources, one rule whose pattern lists exactly its parameter and endpoint names, and one
 * reconcile schedule, so 50 endpoints cost a handful of resources beyond one parameter each.
 */
export class KillSwitchEnforcer extends Construct {
  /**
   * The stack's enforcer for this key and VPC, created on first use. Endpoints on the key of the stack's
   * `GovernanceFoundation` share one enforcer inside the foundation (`<stack>/GovernanceFoundation/KillSwitchEnforcer`,
   * one per VPC); endpoints on other keys get one at the stack's root.
   */
  public static of(scope: IConstruct, lookup: KillSwitchEnforcerLookup): KillSwitchEnforcer {
    const stack = Stack.of(scope);
    const foundation = stack.node.tryFindChild(GovernanceFoundation.STACK_SINGLETON_ID);
    const inFoundation = foundation instanceof GovernanceFoundation && foundation.encryptionKey === lookup.encryptionKey;
    const parent: Construct = inFoundation ? foundation : stack;
    const suffix = [inFoundation ? undefined : lookup.encryptionKey, lookup.vpc]
      .map((c) => (c ? shortHash(Names.nodeUniqueId(c.node)) : '')).join('');
    const id = `KillSwitchEnforcer${suffix}`;
    const existing = parent.node.tryFindChild(id);
    if (existing instanceof KillSwitchEnforcer) {
      return existing;
    }
    return new KillSwitchEnforcer(parent, id, { encryptionKey: lookup.encryptionKey, vpc: lookup.vpc, vpcSubnets: lookup.vpcSubnets });
  }

  /** The enforcer function and its role, policy, log group and dead-letter queue. */
  public readonly governedFunction: GovernedFunction;
  /** The enforcer function. */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;
  /** How often every endpoint is reconciled. */
  public readonly reconcileInterval: Duration;

  private readonly encryptionKey: kms.IKey;
  private readonly shards: EnforcerShard[] = [];
  private readonly registered = new Set<string>();
  private readonly governance: GovernanceProps[] = [];
  private readonly buckets = new Map<string, { bucket: s3.IBucket; key: kms.IKey }>();
  private readonly topics = new Map<string, { topic: sns.ITopic; key: kms.IKey }>();
  private readonly alarmArns = new Set<string>();
  private evidenceStatement?: iam.PolicyStatement;
  private alertStatement?: iam.PolicyStatement;
  private dataKeyStatement?: iam.PolicyStatement;
  private autoPause?: { readonly topic: sns.Topic; readonly statement: iam.PolicyStatement; readonly policy: iam.ManagedPolicy };
  private errorsAlarm?: cloudwatch.Alarm;

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
    v.throwIfInvalid();

    this.encryptionKey = props.encryptionKey;
    this.governedFunction = new GovernedFunction(this, 'Function', {
      handler: 'kill-switch-enforcer',
      description: 'Kill switch: keeps the governance:kill-switch tag of governed SageMaker endpoints in line with their SSM parameters',
      encryptionKey: props.encryptionKey,
      statements: [],
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

    if (!(scope instanceof GovernanceFoundation)) {
      // Inside a foundation, the foundation's tags apply; elsewhere, the first owner and highest tier of the endpoints.
      const first = () => this.governance[0];
      Tags.of(this).add(GovernanceTags.OWNER, Lazy.string({ produce: () => first()?.owner ?? 'unassigned' }));
      Tags.of(this).add(GovernanceTags.PURPOSE, 'kill-switch enforcement of governed model endpoints');
      Tags.of(this).add(GovernanceTags.RISK_TIER, Lazy.string({ produce: () => highestRiskTier(this.governance.map((g) => g.riskTier)) ?? RiskTier.HIGH }));
    }

    this.node.addValidation({
      validate: () => {
        const policies = 1 + this.shards.length + (this.autoPause ? 1 : 0);
        return policies > MANAGED_POLICIES_PER_ROLE
          ? [`KillSwitchEnforcer at '${this.node.path}': its ${this.registered.size} endpoints need ${policies} managed policies, ` +
            `more than IAM's default quota of ${MANAGED_POLICIES_PER_ROLE} per role. Spread the endpoints over more stacks.`]
          : [];
      },
    });
  }

  /** The endpoints registered, in order. */
  public get endpointNames(): string[] {
    return this.shards.flatMap((s) => s.endpointNames);
  }

  /** The number of shards (each: one policy, one event rule, one reconcile schedule). */
  public get shardCount(): number {
    return this.shards.length;
  }

  /** The topic alarms notify to pause endpoints, once an auto-pause alarm is registered. */
  public get autoPauseTopic(): sns.ITopic | undefined {
    return this.autoPause?.topic;
  }

  /**
   * Make the enforcer responsible for an endpoint: its tag, parameter, snapshots and notifications are
   * added to the least-privilege policy, and its parameter and endpoint names to a rule's pattern.
   */
  public register(registration: KillSwitchRegistration): void {
    const key = `${registration.endpointName}|${registration.parameterName}`;
    if (this.registered.has(key)) {
      throw new Error(`KillSwitchEnforcer at '${this.node.path}': endpoint ${registration.endpointName} is already registered`);
    }
    this.registered.add(key);
    registration = { ...registration, describeArns: withLowerCaseModelPackages(registration.describeArns ?? []) };
    if (registration.governance) {
      this.governance.push(registration.governance);
    }
    const record: ShardTarget = {
      endpoint: registration.endpointName,
      endpointArn: registration.endpointArn,
      parameter: registration.parameterName,
      bucket: registration.evidenceBucket?.bucketName,
      topic: registration.alertTopic?.topicArn,
    };
    const arns: ShardArns = { endpointArn: registration.endpointArn, parameterArn: registration.parameterArn, describeArns: registration.describeArns ?? [] };
    const sizes = shardSizes(this, record, arns);
    let shard = this.shards[this.shards.length - 1];
    if (!shard || !shard.fits(sizes)) {
      shard = new EnforcerShard(this, `Shard${this.shards.length}`, this.governedFunction, this.reconcileInterval);
      this.shards.push(shard);
    }
    shard.add(record, arns, sizes);

    const fallbackKey = registration.encryptionKey ?? this.encryptionKey;
    if (registration.evidenceBucket) {
      this.addBucket(registration.evidenceBucket, registration.evidenceBucket.encryptionKey ?? fallbackKey);
    }
    if (registration.alertTopic) {
      this.addTopic(registration.alertTopic, registration.alertTopic.masterKey ?? fallbackKey);
    }
  }

  /**
   * Pause an endpoint when `alarm` enters ALARM: the alarm notifies the auto-pause topic, and the enforcer
   * writes PAUSED to `parameterName`. The alarm is tagged `governance:auto-pause:<endpointName>` with the
   * parameter name, which is how the enforcer knows what to pause. The alarm must be one the app defines
   * (`cloudwatch.Alarm` or `CompositeAlarm`) in this stack.
   */
  public registerAutoPause(alarm: cloudwatch.IAlarm, endpointName: string, parameterName: string): void {
    const actionable = alarm as cloudwatch.AlarmBase;
    const defined = alarm instanceof cloudwatch.Alarm || alarm instanceof cloudwatch.CompositeAlarm;
    if (!defined || Stack.of(alarm) !== Stack.of(this)) {
      throw new Error(`KillSwitchEnforcer at '${this.node.path}': autoPauseOn: alarm ${alarm.node.path} must be a cloudwatch.Alarm or ` +
        'CompositeAlarm defined in the same stack as the endpoint (the library adds an action and a tag to it)');
    }
    const autoPause = this.autoPause ?? this.createAutoPause();
    actionable.addAlarmAction(new cw_actions.SnsAction(autoPause.topic));
    Tags.of(alarm).add(`${AUTO_PAUSE_TAG_PREFIX}${endpointName}`, parameterName);
    if (!this.alarmArns.has(alarm.alarmArn)) {
      this.alarmArns.add(alarm.alarmArn);
      autoPause.statement.addResources(alarm.alarmArn);
    }
  }

  /** Errors of the enforcer function (Sum per 5 minutes): a pause that may not have been applied. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors(props);
  }

  private createAutoPause(): NonNullable<KillSwitchEnforcer['autoPause']> {
    // CloudWatch alarms of this account, and nothing else, publish here.
    const topic = new AlarmTopic(this, 'AutoPauseTopic', {
      displayName: 'Governed model endpoints: alarms that pause an endpoint',
      encryptionKey: this.encryptionKey,
    });
    topic.addSubscription(new subs.LambdaSubscription(this.function));
    const statement = new iam.PolicyStatement({ sid: 'ReadAutoPauseAlarmTags', actions: ['cloudwatch:ListTagsForResource'] });
    const policy = new iam.ManagedPolicy(this, 'AutoPausePolicy', {
      description: 'Kill switch: read the tags of the alarms that pause endpoints',
      statements: [statement],
      roles: [this.governedFunction.role],
    });
    this.autoPause = { topic, statement, policy };
    return this.autoPause;
  }

  private addBucket(bucket: s3.IBucket, key: kms.IKey): void {
    const objects = bucket.arnForObjects(`${SNAPSHOT_PREFIX}/*`);
    const id = Stack.of(this).resolve(objects);
    if (this.buckets.has(JSON.stringify(id))) {
      return;
    }
    this.buckets.set(JSON.stringify(id), { bucket, key });
    if (!this.evidenceStatement) {
      this.evidenceStatement = new iam.PolicyStatement({ sid: 'WriteKillSwitchEvidence', actions: ['s3:PutObject'] });
      this.governedFunction.policy.addStatements(this.evidenceStatement);
    }
    this.evidenceStatement.addResources(objects);
    acknowledgeWildcardResource(this.governedFunction.policy.node.defaultChild!, objects,
      'Snapshot keys carry the endpoint name and the time of the pause; the permission is scoped to the kill-switch prefix of the evidence bucket (writes only).');
    this.addDataKey(key);
  }

  private addTopic(topic: sns.ITopic, key: kms.IKey): void {
    const id = JSON.stringify(Stack.of(this).resolve(topic.topicArn));
    if (this.topics.has(id)) {
      return;
    }
    this.topics.set(id, { topic, key });
    if (!this.alertStatement) {
      this.alertStatement = new iam.PolicyStatement({ sid: 'NotifyAlertTopics', actions: ['sns:Publish'] });
      this.governedFunction.policy.addStatements(this.alertStatement);
    }
    this.alertStatement.addResources(topic.topicArn);
    this.addDataKey(key);
    // A broken enforcer means a pause may not take effect: every alert topic hears about it.
    this.errorsAlarm ??= new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: 'The kill-switch enforcer failed: a pause or resume may not have been applied. Check its log group and dead-letter queue.',
      metric: this.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(new cw_actions.SnsAction(topic));
  }

  /** The alarm on enforcer errors, notifying every alert topic of the endpoints it serves (created with the first topic). */
  public get errorAlarm(): cloudwatch.IAlarm | undefined {
    return this.errorsAlarm;
  }

  private addDataKey(key: kms.IKey): void {
    if (key === this.encryptionKey) {
      return; // the function's own policy already lets it use its key (GenerateDataKey, Decrypt)
    }
    if (!this.dataKeyStatement) {
      this.dataKeyStatement = new iam.PolicyStatement({ sid: 'EncryptEvidenceAndAlerts', actions: ['kms:GenerateDataKey', 'kms:Decrypt'] });
      this.governedFunction.policy.addStatements(this.dataKeyStatement);
    }
    const arn = key.keyArn;
    const resolved = JSON.stringify(Stack.of(this).resolve(arn));
    if (!this.dataKeyStatement.resources.some((r) => JSON.stringify(Stack.of(this).resolve(r)) === resolved)) {
      this.dataKeyStatement.addResources(arn);
    }
  }
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8).toUpperCase();
}
