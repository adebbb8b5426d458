import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { RiskTier, tierFloors } from '../lib/policy/governance';
import { instanceFamily } from '../lib/policy/instance-types';
import { checkCapacity, DEPLOYMENT_LIMITS, DeploymentTimes, finalBake, renderDeploymentConfig, seconds } from './private/deployment-config';
import { propPath, PropsValidator } from './private/validation';
import { WARNING_IDS } from './private/warnings';

/** How a deployment step is sized (SageMaker `CapacitySizeType`). */
export enum CapacityType {
  /** A percentage of the variant's instance count. */
  CAPACITY_PERCENT = 'CAPACITY_PERCENT',
  /** A number of instances. */
  INSTANCE_COUNT = 'INSTANCE_COUNT',
}

/** How SageMaker replaces the fleet (blue/green `TrafficRoutingConfigType`, or a rolling update). */
export enum DeploymentStrategy {
  /** Blue/green: a canary share of the new fleet first, then the rest. */
  CANARY = 'CANARY',
  /** Blue/green: the new fleet in equal steps. */
  LINEAR = 'LINEAR',
  /** Blue/green: all traffic to the new fleet at once. */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** Rolling: instances replaced in place, in batches. */
  ROLLING = 'ROLLING',
}

/** A batch size for a deployment step: a percentage of the variant's instances, or a number of instances. */
export class Capacity {
  /** A percentage of the variant's instance count (SageMaker `CAPACITY_PERCENT`). */
  public static percent(value: number): Capacity {
    return new Capacity(CapacityType.CAPACITY_PERCENT, value);
  }

  /** A number of instances (SageMaker `INSTANCE_COUNT`). */
  public static instances(value: number): Capacity {
    return new Capacity(CapacityType.INSTANCE_COUNT, value);
  }

  private constructor(
    /** Whether `value` is a percentage or an instance count. */
    public readonly capacityType: CapacityType,
    /** The percentage or the instance count. */
    public readonly value: number,
  ) {}

  /** A readable form, e.g. `10%` or `2 instances`. */
  public toString(): string {
    return this.capacityType === CapacityType.CAPACITY_PERCENT ? `${this.value}%` : `${this.value} instance${this.value === 1 ? '' : 's'}`;
  }

  /** Percent of a fleet of `count` instances; undefined when the count is unknown. */
  public percentOf(count: number | undefined): number | undefined {
    if (this.capacityType === CapacityType.CAPACITY_PERCENT) {
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

/**
 * What a deployment policy is checked against: the endpoint's tier, instance type and count (undefined when the
 * endpoint's prop is invalid, reported already: the checks that need it are skipped), its variants, and how many of
 * its own alarms roll a deployment back.
 * @internal
 */
export interface DeploymentTarget {
  readonly tier?: RiskTier;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly variantCount: number;
  readonly serverless: boolean;
  readonly rollbackAlarmCount: number;
}

/** A deployment policy checked against its endpoint, with the values its `DeploymentConfig` is rendered from. @internal */
export interface ResolvedDeployment extends DeploymentTimes {
  /** The endpoint's instance type (for the warnings of the rendering). */
  readonly instanceType?: string;
  /** Seconds of baking the whole deployment plans, when known. */
  readonly planned?: number;
  /** The instance family. */
  readonly family?: string;
  /** The reason all at once is acceptable, when given. */
  readonly acceptance?: string;
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
    return new DeploymentPolicy(DeploymentStrategy.CANARY, options, options.canarySize ?? Capacity.percent(10), bake, options.terminationWait ?? finalBake(bake));
  }

  /** Blue/green, linear: `stepSize` of the new fleet at a time, each step baked for `bakeTime`. */
  public static linear(options: LinearOptions = {}): DeploymentPolicy {
    const bake = options.bakeTime ?? Duration.minutes(5);
    return new DeploymentPolicy(DeploymentStrategy.LINEAR, options, options.stepSize ?? Capacity.percent(20), bake, options.terminationWait ?? finalBake(bake));
  }

  /**
   * Blue/green, all at once: the new fleet takes all traffic, baked for `bakeTime` before the old fleet goes.
   * LOW tier only, unless `riskAcceptance` says why.
   */
  public static allAtOnce(options: AllAtOnceOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy(DeploymentStrategy.ALL_AT_ONCE, options, undefined, undefined, options.bakeTime ?? Duration.minutes(10));
  }

  /**
   * Rolling: `batchSize` instances at a time are replaced in place, each batch baked for `bakeTime`. Needs
   * instance-based capacity and a single production variant; cheaper than blue/green (no second fleet).
   */
  public static rolling(options: RollingOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy(DeploymentStrategy.ROLLING, options, options.batchSize ?? Capacity.percent(25), options.bakeTime ?? Duration.minutes(5), undefined);
  }

  /**
   * The policy used when none is given: all at once with a 10-minute bake for the tiers that accept it (LOW);
   * canary 10% with 5-minute bakes for MEDIUM; canary 10% with a 10-minute bake and 10-minute final bake for HIGH.
   */
  public static defaultFor(tier: RiskTier): DeploymentPolicy {
    if (tierFloors(tier).allAtOnceRollout) {
      return DeploymentPolicy.allAtOnce();
    }
    return tier === RiskTier.MEDIUM ? DeploymentPolicy.canary({ bakeTime: Duration.minutes(5) }) : DeploymentPolicy.canary();
  }

  private constructor(
    /** How the fleet is replaced. */
    public readonly strategy: DeploymentStrategy,
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
    return this.strategy === DeploymentStrategy.ALL_AT_ONCE ? (this.options as AllAtOnceOptions).riskAcceptance : undefined;
  }

  /** Alarms that roll back a deployment besides the endpoint's own. */
  public get additionalRollbackAlarms(): cloudwatch.IAlarm[] {
    return [...(this.options.additionalRollbackAlarms ?? [])];
  }

  /**
   * Check the policy against its endpoint, recording every problem in `v` under the names the user wrote (`path`
   * is the prop that holds the policy, e.g. `deployment`); returns the values `_render` renders.
   * @internal
   */
  public _resolve(v: PropsValidator, path: string, target: DeploymentTarget): ResolvedDeployment {
    const at = (key: string) => propPath(path, key);
    const count = target.instanceCount === undefined || Token.isUnresolved(target.instanceCount) ? undefined : target.instanceCount;
    const allAtOnce = this.strategy === DeploymentStrategy.ALL_AT_ONCE;
    const rolling = this.strategy === DeploymentStrategy.ROLLING;
    const bake = seconds(v, at('bakeTime'), this.bakeTime, 0, DEPLOYMENT_LIMITS.maxWaitSeconds);
    const termination = seconds(v, allAtOnce ? at('bakeTime') : at('terminationWait'), this.terminationWait, 0, DEPLOYMENT_LIMITS.maxWaitSeconds);

    if (this.stepSize) {
      const [key, min, max] = {
        CANARY: ['canarySize', 0, DEPLOYMENT_LIMITS.canaryMaxPercent],
        LINEAR: ['stepSize', DEPLOYMENT_LIMITS.linearMinPercent, DEPLOYMENT_LIMITS.linearMaxPercent],
        ROLLING: ['batchSize', DEPLOYMENT_LIMITS.rollingMinPercent, DEPLOYMENT_LIMITS.rollingMaxPercent],
      }[this.strategy as 'CANARY' | 'LINEAR' | 'ROLLING'] as [string, number, number];
      checkCapacity(v, at(key), this.stepSize, count, min, max);
    }
    const rollback = (this.options as RollingOptions).rollbackBatchSize;
    if (rolling && rollback) {
      checkCapacity(v, at('rollbackBatchSize'), rollback, count, 0, 100);
    }

    const acceptance = (this.options as AllAtOnceOptions).riskAcceptance;
    if (allAtOnce && target.tier !== undefined && !tierFloors(target.tier).allAtOnceRollout) {
      v.check(acceptance !== undefined && acceptance.trim().length > 0, path, 'DeploymentPolicy.allAtOnce() without riskAcceptance',
        `a staged rollout for ${target.tier} tier (DeploymentPolicy.canary, linear or rolling), or allAtOnce({ riskAcceptance: '<why all-at-once is acceptable>' })`);
    }
    const family = target.instanceType === undefined ? undefined : instanceFamily(target.instanceType);
    if (family === 'inf1' && !allAtOnce) {
      v.check(false, path, `DeploymentPolicy.${this.strategy.toLowerCase()} on ${target.instanceType}`,
        'DeploymentPolicy.allAtOnce(...) (SageMaker does not apply deployment guardrails to Inf1 instances: it would fall back to all at once with no bake)');
    }
    if (rolling) {
      v.check(!target.serverless, path, 'DeploymentPolicy.rolling on a serverless variant', 'a blue/green policy (rolling needs instance-based capacity)');
      v.check(target.variantCount === 1, path, `DeploymentPolicy.rolling with ${target.variantCount} production variants`, 'a blue/green policy (rolling needs a single production variant)');
    }
    v.check(!target.serverless, path, `DeploymentPolicy.${this.strategy.toLowerCase()} on a serverless variant`,
      'no deployment policy: SageMaker does not apply deployment guardrails to serverless endpoints');

    const alarmCount = target.rollbackAlarmCount + (this.options.additionalRollbackAlarms ?? []).length;
    v.check(alarmCount >= DEPLOYMENT_LIMITS.minRollbackAlarms && alarmCount <= DEPLOYMENT_LIMITS.maxRollbackAlarms,
      at('additionalRollbackAlarms'), `${alarmCount} rollback alarms in all`,
      'from 1 to 10 rollback alarms in all (the endpoint\'s enabled error and latency alarms plus additionalRollbackAlarms)');

    const planned = this.plannedWaitSeconds(count);
    const timeout = this.options.maximumExecutionTimeout;
    const timeoutSeconds = timeout
      ? seconds(v, at('maximumExecutionTimeout'), timeout, DEPLOYMENT_LIMITS.minExecutionTimeoutSeconds, DEPLOYMENT_LIMITS.maxExecutionTimeoutSeconds)
      : (planned === undefined ? undefined : Math.min(DEPLOYMENT_LIMITS.maxExecutionTimeoutSeconds, planned + 3600));
    const known = [timeoutSeconds, bake ?? 0, termination ?? 0].every((n) => n !== undefined && !Token.isUnresolved(n));
    if (timeout && known) {
      v.check(timeoutSeconds! > (bake ?? 0) + (termination ?? 0), at('maximumExecutionTimeout'), `${timeoutSeconds} seconds`,
        `more than the bake time plus the termination wait (${(bake ?? 0) + (termination ?? 0)} seconds), at most ${DEPLOYMENT_LIMITS.maxExecutionTimeoutSeconds}`);
    }
    return { bake, termination, timeoutSeconds, planned, family, acceptance, rollback: rolling ? rollback : undefined, instanceType: target.instanceType };
  }

  /**
   * The `DeploymentConfig` of this policy, from the values `_resolve` checked (with the endpoint's props, in one
   * error), rolled back by `rollbackAlarms` and the policy's additional alarms; warnings and the risk acceptance go
   * on `scope`.
   * @internal
   */
  public _render(scope: IConstruct, settings: ResolvedDeployment, rollbackAlarms: cloudwatch.IAlarm[]): sagemaker.CfnEndpoint.DeploymentConfigProperty {
    const { planned, timeoutSeconds } = settings;
    if (settings.family === 'inf1') {
      Annotations.of(scope).addWarningV2(WARNING_IDS.inf1NoGuardrails,
        `${settings.instanceType}: SageMaker does not apply deployment guardrails to Inf1 instances; deployments shift all traffic at once with no bake and no auto-rollback.`);
    }
    if (planned !== undefined && timeoutSeconds !== undefined && planned >= timeoutSeconds) {
      Annotations.of(scope).addWarningV2(WARNING_IDS.deploymentTimeout,
        `The planned bake time of a deployment (${planned} s over all steps) is not below maximumExecutionTimeout (${timeoutSeconds} s): deployments will time out and roll back.`);
    }
    if (settings.acceptance) {
      scope.node.addMetadata('governed-model-endpoints:all-at-once-risk-acceptance', settings.acceptance);
    }
    return renderDeploymentConfig(this.strategy, this.stepSize, settings, [...rollbackAlarms, ...this.additionalRollbackAlarms]);
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
    if (this.strategy === DeploymentStrategy.CANARY || this.strategy === DeploymentStrategy.ALL_AT_ONCE) {
      return bake + termination;
    }
    const percent = this.stepSize!.percentOf(instanceCount);
    if (percent === undefined || Token.isUnresolved(percent) || percent <= 0) {
      return undefined;
    }
    return bake * Math.ceil(100 / percent) + termination;
  }
}
