import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { RiskTier } from '../lib/policy/governance';
import { instanceFamily } from '../lib/policy/instance-types';
import { MAX_API_INTEGER } from '../lib/policy/aws-limits';
import { amountIn, durationReceived, PropsValidator } from './private/validation';

/** SageMaker's limits for deployment guardrails (CreateEndpoint / UpdateEndpoint `DeploymentConfig`). */
export const DEPLOYMENT_LIMITS = {
  /** WaitIntervalInSeconds and TerminationWaitInSeconds. */
  maxWaitSeconds: 3600,
  /** MaximumExecutionTimeoutInSeconds. */
  minExecutionTimeoutSeconds: 600,
  maxExecutionTimeoutSeconds: 28800,
  /** CanarySize: at most 50% of the variant's instances. */
  canaryMaxPercent: 50,
  /** LinearStepSize: 10% to 50% of the variant's instances. */
  linearMinPercent: 10,
  linearMaxPercent: 50,
  /** RollingUpdatePolicy.MaximumBatchSize: 5% to 50% of the variant's instances. */
  rollingMinPercent: 5,
  rollingMaxPercent: 50,
  /** AutoRollbackConfiguration.Alarms: 1 to 10 alarms. */
  minRollbackAlarms: 1,
  maxRollbackAlarms: 10,
} as const;

/** A batch size for a deployment step: a percentage of the variant's instances, or a number of instances. */
export class Capacity {
  /** A percentage of the variant's instance count (SageMaker `CAPACITY_PERCENT`). */
  public static percent(value: number): Capacity {
    return new Capacity('CAPACITY_PERCENT', value);
  }

  /** A number of instances (SageMaker `INSTANCE_COUNT`). */
  public static instances(value: number): Capacity {
    return new Capacity('INSTANCE_COUNT', value);
  }

  private constructor(
    /** `CAPACITY_PERCENT` or `INSTANCE_COUNT`. */
    public readonly type: string,
    /** The percentage or the instance count. */
    public readonly value: number,
  ) {}

  /** A readable form, e.g. `10%` or `2 instances`. */
  public toString(): string {
    return this.type === 'CAPACITY_PERCENT' ? `${this.value}%` : `${this.value} instance${this.value === 1 ? '' : 's'}`;
  }

  /** Percent of a fleet of `count` instances; undefined when the count is unknown. */
  public percentOf(count: number | undefined): number | undefined {
    if (this.type === 'CAPACITY_PERCENT') {
      return this.value;
    }
    return count === undefined || Token.isUnresolved(count) || count <= 0 ? undefined : (100 * this.value) / count;
  }
}

/** Options every deployment policy takes. */
export interface DeploymentPolicyOptions {
  /**
   * Time limit of the whole deployment (SageMaker `MaximumExecutionTimeoutInSeconds`): 600 to 28800 seconds,
   * and greater than the bake time plus the termination wait.
   * @default - the planned bake time of the whole deployment plus one hour for provisioning, at most 8 hours
   */
  readonly maximumExecutionTimeout?: Duration;
  /**
   * Alarms that also roll a deployment back, on top of the endpoint's error and latency alarms (10 at most in all).
   * @default - none
   */
  readonly additionalRollbackAlarms?: cloudwatch.IAlarm[];
}

/** Options of blue/green policies that shift traffic in steps. */
export interface BlueGreenOptions extends DeploymentPolicyOptions {
  /**
   * Final bake: after all traffic is on the new fleet, keep the old one this long (alarms still roll back) before
   * terminating it (SageMaker `TerminationWaitInSeconds`): 0 to 3600 seconds.
   * @default - same as the bake time (at most 3600 seconds)
   */
  readonly terminationWait?: Duration;
}

/** Options of {@link DeploymentPolicy.canary}. */
export interface CanaryOptions extends BlueGreenOptions {
  /**
   * Share of the new fleet that takes traffic first: at most 50% of the variant's instances.
   * @default Capacity.percent(10)
   */
  readonly canarySize?: Capacity;
  /**
   * How long the canary serves before the rest of the traffic moves (`WaitIntervalInSeconds`): 0 to 3600 seconds.
   * @default Duration.minutes(10)
   */
  readonly bakeTime?: Duration;
}

/** Options of {@link DeploymentPolicy.linear}. */
export interface LinearOptions extends BlueGreenOptions {
  /**
   * Share of the new fleet turned on at each step: 10% to 50% of the variant's instances.
   * @default Capacity.percent(20)
   */
  readonly stepSize?: Capacity;
  /**
   * Bake after each step (`WaitIntervalInSeconds`): 0 to 3600 seconds.
   * @default Duration.minutes(5)
   */
  readonly bakeTime?: Duration;
}

/** Options of {@link DeploymentPolicy.allAtOnce}. */
export interface AllAtOnceOptions extends DeploymentPolicyOptions {
  /**
   * How long the new fleet serves all traffic, watched by the rollback alarms, before the old fleet is
   * terminated (`TerminationWaitInSeconds`): 0 to 3600 seconds.
   * @default Duration.minutes(10)
   */
  readonly bakeTime?: Duration;
  /**
   * Why shifting all traffic at once is acceptable. Required for MEDIUM and HIGH tier, whose floor is a staged rollout;
   * recorded in the construct's metadata for reviewers.
   * @default - none: all-at-once is rejected for MEDIUM and HIGH tier
   */
  readonly riskAcceptance?: string;
}

/** Options of {@link DeploymentPolicy.rolling}. */
export interface RollingOptions extends DeploymentPolicyOptions {
  /**
   * Instances replaced per step: 5% to 50% of the variant's instances.
   * @default Capacity.percent(25)
   */
  readonly batchSize?: Capacity;
  /**
   * Bake after each batch (`WaitIntervalInSeconds`): 0 to 3600 seconds.
   * @default Duration.minutes(5)
   */
  readonly bakeTime?: Duration;
  /**
   * Instances restored per step on rollback: up to 100% or the variant's instance count.
   * @default - SageMaker's default: the whole old fleet at once
   */
  readonly rollbackBatchSize?: Capacity;
}

/** What the endpoint tells its deployment policy. @internal */
export interface DeploymentContext {
  readonly scope: IConstruct;
  readonly tier: RiskTier;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly variantCount: number;
  readonly serverless: boolean;
  readonly rollbackAlarms: cloudwatch.IAlarm[];
}

/**
 * How SageMaker replaces the fleet when the endpoint's configuration changes, and which alarms roll it back.
 *
 * Renders `AWS::SageMaker::Endpoint.DeploymentConfig`. Limits are SageMaker's own and are checked at synth.
 */
export class DeploymentPolicy {
  /**
   * Blue/green, canary: `canarySize` of the new fleet takes traffic for `bakeTime`, then the rest; the old fleet
   * stays for `terminationWait`. Any rollback alarm in either bake sends all traffic back to the old fleet.
   */
  public static canary(options: CanaryOptions = {}): DeploymentPolicy {
    const bake = options.bakeTime ?? Duration.minutes(10);
    return new DeploymentPolicy('CANARY', options, options.canarySize ?? Capacity.percent(10), bake, options.terminationWait ?? finalBake(bake));
  }

  /** Blue/green, linear: `stepSize` of the new fleet at a time, each step baked for `bakeTime`. */
  public static linear(options: LinearOptions = {}): DeploymentPolicy {
    const bake = options.bakeTime ?? Duration.minutes(5);
    return new DeploymentPolicy('LINEAR', options, options.stepSize ?? Capacity.percent(20), bake, options.terminationWait ?? finalBake(bake));
  }

  /**
   * Blue/green, all at once: the new fleet takes all traffic, baked for `bakeTime` before the old fleet goes.
   * LOW tier only, unless `riskAcceptance` says why.
   */
  public static allAtOnce(options: AllAtOnceOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy('ALL_AT_ONCE', options, undefined, undefined, options.bakeTime ?? Duration.minutes(10));
  }

  /**
   * Rolling: `batchSize` instances at a time are replaced in place, each batch baked for `bakeTime`. Needs
   * instance-based capacity and a single production variant; cheaper than blue/green (no second fleet).
   */
  public static rolling(options: RollingOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy('ROLLING', options, options.batchSize ?? Capacity.percent(25), options.bakeTime ?? Duration.minutes(5), undefined);
  }

  /**
   * The policy used when none is given: canary 10% with a 10-minute bake and 10-minute final bake for HIGH;
   * canary 10% with 5-minute bakes for MEDIUM; all at once with a 10-minute bake for LOW.
   */
  public static defaultFor(tier: RiskTier): DeploymentPolicy {
    switch (tier) {
      case RiskTier.LOW:
        return DeploymentPolicy.allAtOnce();
      case RiskTier.MEDIUM:
        return DeploymentPolicy.canary({ bakeTime: Duration.minutes(5) });
      default:
        return DeploymentPolicy.canary();
    }
  }

  private constructor(
    /** `CANARY`, `LINEAR`, `ALL_AT_ONCE` or `ROLLING`. */
    public readonly type: string,
    private readonly options: DeploymentPolicyOptions,
    /** Canary size, linear step or rolling batch. */
    public readonly stepSize: Capacity | undefined,
    /** Bake per step (`WaitIntervalInSeconds`); undefined for all at once. */
    public readonly bakeTime: Duration | undefined,
    /** Final bake (`TerminationWaitInSeconds`); undefined for rolling. */
    public readonly terminationWait: Duration | undefined,
  ) {}

  /** Why all at once is acceptable, when the policy is all at once and a reason was given. */
  public get riskAcceptance(): string | undefined {
    return this.type === 'ALL_AT_ONCE' ? (this.options as AllAtOnceOptions).riskAcceptance : undefined;
  }

  /** Alarms that roll back a deployment besides the endpoint's own. */
  public get additionalRollbackAlarms(): cloudwatch.IAlarm[] {
    return [...(this.options.additionalRollbackAlarms ?? [])];
  }

  /**
   * Validate against the endpoint and render the `DeploymentConfig`. Throws one error listing every problem.
   * @internal
   */
  public _bind(ctx: DeploymentContext): sagemaker.CfnEndpoint.DeploymentConfigProperty {
    const v = new PropsValidator(ctx.scope, 'GovernedEndpoint');
    const { bake, termination, timeoutSeconds, planned, family, acceptance, rollback } = this._validate(v, { ...ctx, rollbackAlarmCount: ctx.rollbackAlarms.length });
    v.throwIfInvalid();
    const alarms = [...ctx.rollbackAlarms, ...(this.options.additionalRollbackAlarms ?? [])];

    if (family === 'inf1') {
      Annotations.of(ctx.scope).addWarningV2('governed-model-endpoints:inf1-no-guardrails',
        `${ctx.instanceType}: SageMaker does not apply deployment guardrails to Inf1 instances; deployments shift all traffic at once with no bake and no auto-rollback.`);
    }
    if (planned !== undefined && timeoutSeconds !== undefined && planned >= timeoutSeconds) {
      Annotations.of(ctx.scope).addWarningV2('governed-model-endpoints:deployment-timeout',
        `The planned bake time of a deployment (${planned} s over all steps) is not below maximumExecutionTimeout (${timeoutSeconds} s): deployments will time out and roll back.`);
    }
    if (acceptance) {
      ctx.scope.node.addMetadata('governed-model-endpoints:all-at-once-risk-acceptance', acceptance);
    }

    const autoRollbackConfiguration = { alarms: alarms.map((a) => ({ alarmName: a.alarmName })) };
    if (this.type === 'ROLLING') {
      return {
        autoRollbackConfiguration,
        rollingUpdatePolicy: {
          maximumBatchSize: { type: this.stepSize!.type, value: this.stepSize!.value },
          waitIntervalInSeconds: bake ?? 0,
          maximumExecutionTimeoutInSeconds: timeoutSeconds,
          rollbackMaximumBatchSize: rollback ? { type: rollback.type, value: rollback.value } : undefined,
        },
      };
    }
    const size = this.stepSize ? { type: this.stepSize.type, value: this.stepSize.value } : undefined;
    return {
      autoRollbackConfiguration,
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration: {
          type: this.type,
          canarySize: this.type === 'CANARY' ? size : undefined,
          linearStepSize: this.type === 'LINEAR' ? size : undefined,
          // All at once has no steps; the API lists the field as required, so it is rendered as 0.
          waitIntervalInSeconds: bake ?? 0,
        },
        terminationWaitInSeconds: termination,
        maximumExecutionTimeoutInSeconds: timeoutSeconds,
      },
    };
  }

  /**
   * Check the policy against the endpoint, recording every problem in `v`; returns the values `_bind` renders.
   * A target value left undefined (an invalid prop of the endpoint, reported as such) skips the checks that need it;
   * `rollbackAlarmCount` counts the endpoint's own rollback alarms.
   * @internal
   */
  public _validate(v: PropsValidator, target: {
    readonly tier?: RiskTier; readonly instanceType?: string; readonly instanceCount?: number;
    readonly variantCount: number; readonly serverless: boolean; readonly rollbackAlarmCount: number;
  }) {
    const p = 'deployment';
    const count = target.instanceCount === undefined || Token.isUnresolved(target.instanceCount) ? undefined : target.instanceCount;
    const bake = seconds(v, `${p}.bakeTime`, this.bakeTime, 0, DEPLOYMENT_LIMITS.maxWaitSeconds);
    const termination = seconds(v, this.type === 'ALL_AT_ONCE' ? `${p}.bakeTime` : `${p}.terminationWait`, this.terminationWait, 0, DEPLOYMENT_LIMITS.maxWaitSeconds);

    if (this.stepSize) {
      const [prop, min, max] = {
        CANARY: [`${p}.canarySize`, 0, DEPLOYMENT_LIMITS.canaryMaxPercent],
        LINEAR: [`${p}.stepSize`, DEPLOYMENT_LIMITS.linearMinPercent, DEPLOYMENT_LIMITS.linearMaxPercent],
        ROLLING: [`${p}.batchSize`, DEPLOYMENT_LIMITS.rollingMinPercent, DEPLOYMENT_LIMITS.rollingMaxPercent],
      }[this.type as 'CANARY' | 'LINEAR' | 'ROLLING'] as [string, number, number];
      checkCapacity(v, prop, this.stepSize, count, min, max);
    }
    const rollback = (this.options as RollingOptions).rollbackBatchSize;
    if (this.type === 'ROLLING' && rollback) {
      checkCapacity(v, `${p}.rollbackBatchSize`, rollback, count, 0, 100);
    }

    const tierNeedsStaging = target.tier === RiskTier.MEDIUM || target.tier === RiskTier.HIGH;
    const acceptance = (this.options as AllAtOnceOptions).riskAcceptance;
    if (this.type === 'ALL_AT_ONCE' && tierNeedsStaging) {
      v.check(acceptance !== undefined && acceptance.trim().length > 0, `${p}`, 'DeploymentPolicy.allAtOnce() without riskAcceptance',
        `a staged rollout for ${target.tier} tier (DeploymentPolicy.canary, linear or rolling), or allAtOnce({ riskAcceptance: '<why all-at-once is acceptable>' })`);
    }
    const family = target.instanceType === undefined ? undefined : instanceFamily(target.instanceType);
    if (family === 'inf1' && this.type !== 'ALL_AT_ONCE') {
      v.check(false, p, `DeploymentPolicy.${this.type.toLowerCase()} on ${target.instanceType}`,
        'DeploymentPolicy.allAtOnce(...) (SageMaker does not apply deployment guardrails to Inf1 instances: it would fall back to all at once with no bake)');
    }
    if (this.type === 'ROLLING') {
      v.check(!target.serverless, p, 'DeploymentPolicy.rolling on a serverless variant', 'a blue/green policy (rolling needs instance-based capacity)');
      v.check(target.variantCount === 1, p, `DeploymentPolicy.rolling with ${target.variantCount} production variants`, 'a blue/green policy (rolling needs a single production variant)');
    }
    v.check(!target.serverless, p, `DeploymentPolicy.${this.type.toLowerCase()} on a serverless variant`,
      'no deployment policy: SageMaker does not apply deployment guardrails to serverless endpoints');

    const alarmCount = target.rollbackAlarmCount + (this.options.additionalRollbackAlarms ?? []).length;
    v.check(alarmCount >= DEPLOYMENT_LIMITS.minRollbackAlarms && alarmCount <= DEPLOYMENT_LIMITS.maxRollbackAlarms,
      `${p}.additionalRollbackAlarms`, `${alarmCount} rollback alarms in all`,
      'from 1 to 10 rollback alarms in all (the endpoint\'s enabled error and latency alarms plus additionalRollbackAlarms)');

    const planned = this.plannedWaitSeconds(count);
    const timeout = this.options.maximumExecutionTimeout;
    const timeoutSeconds = timeout
      ? seconds(v, `${p}.maximumExecutionTimeout`, timeout, DEPLOYMENT_LIMITS.minExecutionTimeoutSeconds, DEPLOYMENT_LIMITS.maxExecutionTimeoutSeconds)
      : (planned === undefined ? undefined : Math.min(DEPLOYMENT_LIMITS.maxExecutionTimeoutSeconds, planned + 3600));
    const known = [timeoutSeconds, bake ?? 0, termination ?? 0].every((n) => n !== undefined && !Token.isUnresolved(n));
    if (timeout && known) {
      v.check(timeoutSeconds! > (bake ?? 0) + (termination ?? 0), `${p}.maximumExecutionTimeout`, `${timeoutSeconds} seconds`,
        `more than the bake time plus the termination wait (${(bake ?? 0) + (termination ?? 0)} seconds), at most ${DEPLOYMENT_LIMITS.maxExecutionTimeoutSeconds}`);
    }
    return { bake, termination, timeoutSeconds, planned, family, acceptance, rollback };
  }

  /**
   * Seconds of baking a whole successful deployment plans, over all steps (provisioning not included);
   * undefined when it depends on an unknown instance count or a token.
   */
  public plannedWaitSeconds(instanceCount?: number): number | undefined {
    const bake = this.bakeTime?.toSeconds({ integral: false }) ?? 0;
    const termination = this.terminationWait?.toSeconds({ integral: false }) ?? 0;
    if (Token.isUnresolved(bake) || Token.isUnresolved(termination)) {
      return undefined;
    }
    if (this.type === 'CANARY' || this.type === 'ALL_AT_ONCE') {
      return bake + termination;
    }
    const percent = this.stepSize!.percentOf(instanceCount);
    if (percent === undefined || Token.isUnresolved(percent) || percent <= 0) {
      return undefined;
    }
    return bake * Math.ceil(100 / percent) + termination;
  }
}

/** The default final bake: the step bake, capped at SageMaker's limit (an over-long bake is reported once, on bakeTime). */
function finalBake(bake: Duration): Duration {
  const s = bake.toSeconds({ integral: false });
  return !Token.isUnresolved(s) && s > DEPLOYMENT_LIMITS.maxWaitSeconds ? Duration.seconds(DEPLOYMENT_LIMITS.maxWaitSeconds) : bake;
}

function seconds(v: PropsValidator, prop: string, d: Duration | undefined, min: number, max: number): number | undefined {
  if (d === undefined) {
    return undefined;
  }
  const s = amountIn(d, 'seconds');
  if (s === undefined) {
    return d.toSeconds({ integral: false });
  }
  v.check(Number.isInteger(s) && s >= min && s <= max, prop, durationReceived(d, 'seconds'), `a whole number of seconds from ${min} to ${max}`);
  return s;
}

function checkCapacity(v: PropsValidator, prop: string, c: Capacity, count: number | undefined, minPercent: number, maxPercent: number): void {
  if (Token.isUnresolved(c.value)) {
    return;
  }
  const range = minPercent > 0 ? `${minPercent}% to ${maxPercent}%` : `at most ${maxPercent}%`;
  if (!Number.isInteger(c.value) || c.value < 1 || c.value > MAX_API_INTEGER) {
    v.check(false, prop, c.toString(), `a whole number from 1 to ${MAX_API_INTEGER} (Capacity.percent or Capacity.instances), ${range} of the variant's instances`);
    return;
  }
  const percent = c.percentOf(count);
  if (percent === undefined) {
    return;
  }
  const fleet = c.type === 'INSTANCE_COUNT' ? ` (${percent.toFixed(0)}% of ${count} instances)` : '';
  v.check(percent >= minPercent && percent <= maxPercent, prop, `${c.toString()}${fleet}`, `${range} of the variant's instances`);
}
