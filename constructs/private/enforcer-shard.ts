// Internal: a shard of the kill-switch enforcer (a group of endpoints sharing one policy, one event rule and one schedule).
import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { KILL_SWITCH_TAG } from '../../lib/policy/kill-switch-protocol';
import type { GovernedFunction } from '../governed-function';
import { resolvedLength } from './resolved-size';

/** IAM's limit on a managed policy (characters, whitespace excluded); a shard stays well under it. */
const POLICY_BUDGET = 5600;
/** EventBridge's default limit on an event pattern is 2,048 characters. */
const PATTERN_BUDGET = 1900;
/** EventBridge's limit on a target's input (template) is 8,192 characters. */
const INPUT_BUDGET = 7600;

/** What a shard's policy lists of one endpoint. */
export interface ShardArns {
  readonly endpointArn: string;
  readonly parameterArn: string;
  /** The endpoint configuration, models and model packages its evidence snapshot describes. */
  readonly describeArns: string[];
}

/** An endpoint as the enforcer's rules pass it to the function. */
export interface ShardTarget {
  readonly endpoint: string;
  readonly endpointArn: string;
  readonly parameter: string;
  readonly bucket?: string;
  readonly topic?: string;
}

/** What one endpoint adds to a shard's policy, pattern and input, in characters. */
export interface ShardSizes {
  readonly policy: number;
  readonly pattern: number;
  readonly input: number;
}

/** A group of endpoints sharing one policy, one event rule and one reconcile schedule. */
export class EnforcerShard extends Construct {
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

  /** The endpoints of this shard, in order. */
  public get endpointNames(): string[] {
    return this.targets.map((t) => t.endpoint);
  }

  /** Whether an endpoint of `sizes` still fits under the shard's budgets. */
  public fits(sizes: ShardSizes): boolean {
    return this.used.policy + sizes.policy <= POLICY_BUDGET && this.used.pattern + sizes.pattern <= PATTERN_BUDGET &&
      this.used.input + sizes.input <= INPUT_BUDGET;
  }

  /** Add an endpoint: its names to the rules, its ARNs to the policy. */
  public add(target: ShardTarget, arns: ShardArns, sizes: ShardSizes): void {
    this.targets.push(target);
    this.used = { policy: this.used.policy + sizes.policy, pattern: this.used.pattern + sizes.pattern, input: this.used.input + sizes.input };
    this.parameterStatement.addResources(arns.parameterArn);
    this.tagStatement.addResources(arns.endpointArn);
    if (arns.describeArns.length > 0) {
      this.describeStatement.addResources(...arns.describeArns);
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
 * What an endpoint adds to a shard, measured with the longest values its references can resolve to. The endpoint
 * and parameter ARNs are references in the template, but their names are known: they are measured by name.
 */
export function shardSizes(scope: IConstruct, target: ShardTarget, arns: ShardArns): ShardSizes {
  const arnLength = (service: string, resource: string, arn: string) => (Token.isUnresolved(resource)
    ? resolvedLength(scope, arn) : 'arn:'.length + 10 + service.length + 14 + 12 + 4 + resource.length);
  return {
    policy: arnLength('sagemaker', `endpoint/${target.endpoint}`, arns.endpointArn) + 3 +
      arnLength('ssm', `parameter/${target.parameter}`, arns.parameterArn) + 3 +
      arns.describeArns.reduce((n, arn) => n + resolvedLength(scope, arn) + 3, 0),
    pattern: resolvedLength(scope, target.parameter) + resolvedLength(scope, target.endpoint) + 6,
    input: Object.values(target).reduce((n: number, v) => n + (v ? resolvedLength(scope, v) + 16 : 0), 2),
  };
}

/**
 * The ARNs to allow Describe* on, with every model package ARN also in lower case. The evidence snapshot
 * describes the package named by DescribeModel's `ModelPackageName`, which is SageMaker's own spelling of the
 * ARN: SageMaker lower-cases resource names in the ARNs it reports, and IAM compares ARNs case-sensitively, so
 * a package group named with capitals in the template (`model-package/FraudScoring/3`) would otherwise be
 * denied under `model-package/fraudscoring/3`. Unresolved tokens are kept as they are.
 */
export function withLowerCaseModelPackages(arns: string[]): string[] {
  return [...new Set(arns.flatMap((arn) => (Token.isUnresolved(arn) || !arn.includes(':model-package/') ? [arn] : [arn, arn.toLowerCase()])))];
}
