import { Duration, Lazy, Names, Stack, Tags, Token } from 'aws-cdk-lib';
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
import { GovernanceProps, GovernanceTags, MINIMUM_LOG_RETENTION_DAYS, RiskTier } from '../lib/policy/governance';
import {
  AUTO_PAUSE_TAG_PREFIX, KILL_SWITCH_ENFORCER_ROLE_TAG, KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS, KILL_SWITCH_TAG, SNAPSHOT_PREFIX,
} from '../lib/policy/kill-switch-protocol';
import { acknowledge, wildcardResourceFinding } from './private/acknowledge';
import { resolvedLength } from './private/resolved-size';
import { PropsValidator } from './private/validation';
import { GovernanceFoundation } from './governance-foundation';
import { AlarmTopic } from './alarm-topic';
import { GovernedFunction } from './governed-function';

/** IAM's limit on a managed policy (characters, whitespace excluded); a shard stays well under it. */
const POLICY_BUDGET = 5600;
/** EventBridge's default limit on an event pattern is 2,048 characters. */
const PATTERN_BUDGET = 1900;
/** EventBridge's limit on a target's input (template) is 8,192 characters. */
const INPUT_BUDGET = 7600;
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
    v.checkLogRetention('logRetention', retention, MINIMUM_LOG_RETENTION_DAYS);
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
      Tags.of(this).add(GovernanceTags.RISK_TIER, Lazy.string({ produce: () => highestTier(this.governance) }));
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
    // The endpoint and parameter ARNs are references in the template, but their names are known: measure by name.
    const arnLength = (service: string, resource: string, arn: string) => (Token.isUnresolved(resource)
      ? resolvedLength(this, arn) : 'arn:'.length + 10 + service.length + 14 + 12 + 4 + resource.length);
    const sizes = {
      policy: arnLength('sagemaker', `endpoint/${registration.endpointName}`, registration.endpointArn) + 3 +
        arnLength('ssm', `parameter/${registration.parameterName}`, registration.parameterArn) + 3 +
        (registration.describeArns ?? []).reduce((n, arn) => n + resolvedLength(this, arn) + 3, 0),
      pattern: resolvedLength(this, registration.parameterName) + resolvedLength(this, registration.endpointName) + 6,
      input: Object.values(record).reduce((n: number, v) => n + (v ? resolvedLength(this, v) + 16 : 0), 2),
    };
    let shard = this.shards[this.shards.length - 1];
    if (!shard || !shard.fits(sizes)) {
      shard = new EnforcerShard(this, `Shard${this.shards.length}`, this.governedFunction, this.reconcileInterval);
      this.shards.push(shard);
    }
    shard.add(record, registration, sizes);

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
    acknowledge(this.governedFunction.policy.node.defaultChild!, [wildcardResourceFinding(this, objects)],
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

/** An endpoint as the enforcer's rules pass it to the function. */
interface ShardTarget {
  readonly endpoint: string;
  readonly endpointArn: string;
  readonly parameter: string;
  readonly bucket?: string;
  readonly topic?: string;
}

interface ShardSizes {
  readonly policy: number;
  readonly pattern: number;
  readonly input: number;
}

/** A group of endpoints sharing one policy, one event rule and one reconcile schedule. */
class EnforcerShard extends Construct {
  private readonly targets: ShardTarget[] = [];
  private readonly parameterStatement = new iam.PolicyStatement({
    sid: 'ReadAndRestoreKillSwitchParameters',
    actions: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter'],
  });
  private readonly tagStatement = new iam.PolicyStatement({
    sid: 'SetKillSwitchTagOnly',
    actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:ListTags', 'sagemaker:DescribeEndpoint'],
    // Tag writes may touch the kill-switch tag and nothing else.
    conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [KILL_SWITCH_TAG] } },
  });
  private readonly describeStatement = new iam.PolicyStatement({
    sid: 'DescribeForEvidence',
    actions: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:DescribeModelPackage'],
  });
  private readonly policy: iam.ManagedPolicy;
  private describing = false;
  private used: ShardSizes = { policy: 700, pattern: 200, input: 100 };

  constructor(scope: Construct, id: string, fn: GovernedFunction, interval: Duration) {
    super(scope, id);
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Kill switch: read and restore these parameters, tag these endpoints, describe them for evidence',
      roles: [fn.role],
      statements: [this.parameterStatement, this.tagStatement],
    });
    this.policy = policy;

    const stack = Stack.of(this);
    const targets = () => stack.toJsonString(this.targets);
    const changeRule = new events.CfnRule(this, 'ChangeRule', {
      description: 'Kill switch: enforce on a change of these parameters or a state change of these endpoints',
      state: 'ENABLED',
      eventPattern: Lazy.any({ produce: () => this.pattern() }),
      targets: [{
        id: 'Enforcer',
        arn: fn.function.functionArn,
        inputTransformer: { inputTemplate: Lazy.string({ produce: () => `{"kind":"event","event":<aws.events.event.json>,"targets":${targets()}}` }) },
      }],
    });
    const reconcileRule = new events.CfnRule(this, 'ReconcileRule', {
      description: 'Kill switch: reconcile these endpoints with their parameters',
      state: 'ENABLED',
      scheduleExpression: events.Schedule.rate(interval).expressionString,
      targets: [{ id: 'Enforcer', arn: fn.function.functionArn, input: Lazy.string({ produce: () => `{"kind":"reconcile","targets":${targets()}}` }) }],
    });
    for (const [name, rule] of [['ChangeRule', changeRule], ['ReconcileRule', reconcileRule]] as const) {
      fn.function.addPermission(`${id}${name}`, { principal: new iam.ServicePrincipal('events.amazonaws.com'), sourceArn: rule.attrArn });
      // The function acts on these endpoints only once it may: no event reaches it before its policy exists.
      rule.node.addDependency(policy);
    }
  }

  public get endpointNames(): string[] {
    return this.targets.map((t) => t.endpoint);
  }

  public fits(sizes: ShardSizes): boolean {
    return this.used.policy + sizes.policy <= POLICY_BUDGET && this.used.pattern + sizes.pattern <= PATTERN_BUDGET &&
      this.used.input + sizes.input <= INPUT_BUDGET;
  }

  public add(target: ShardTarget, registration: KillSwitchRegistration, sizes: ShardSizes): void {
    this.targets.push(target);
    this.used = { policy: this.used.policy + sizes.policy, pattern: this.used.pattern + sizes.pattern, input: this.used.input + sizes.input };
    this.parameterStatement.addResources(registration.parameterArn);
    this.tagStatement.addResources(registration.endpointArn);
    if (registration.describeArns && registration.describeArns.length > 0) {
      this.describeStatement.addResources(...registration.describeArns);
      if (!this.describing) {
        this.policy.addStatements(this.describeStatement);
        this.describing = true;
      }
    }
  }

  private pattern(): unknown {
    return {
      $or: [
        { 'source': ['aws.ssm'], 'detail-type': ['Parameter Store Change'], 'detail': { name: this.targets.map((t) => t.parameter) } },
        { 'source': ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'], 'detail': { EndpointName: this.targets.map((t) => t.endpoint) } },
      ],
    };
  }
}

/**
 * The ARNs to allow Describe* on, with every model package ARN also in lower case. The evidence snapshot
 * describes the package named by DescribeModel's `ModelPackageName`, which is SageMaker's own spelling of the
 * ARN: SageMaker lower-cases resource names in the ARNs it reports, and IAM compares ARNs case-sensitively, so
 * a package group named with capitals in the template (`model-package/FraudScoring/3`) would otherwise be
 * denied under `model-package/fraudscoring/3`. Unresolved tokens are kept as they are.
 */
function withLowerCaseModelPackages(arns: string[]): string[] {
  return [...new Set(arns.flatMap((arn) => (Token.isUnresolved(arn) || !arn.includes(':model-package/') ? [arn] : [arn, arn.toLowerCase()])))];
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8).toUpperCase();
}

function highestTier(governance: GovernanceProps[]): string {
  const order = [RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH];
  const tiers = governance.map((g) => order.indexOf(g.riskTier)).filter((i) => i >= 0);
  return tiers.length ? order[Math.max(...tiers)] : RiskTier.HIGH;
}
