import { Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import { minimumInstanceCount, RiskTier } from '../lib/policy/governance';
import { instanceFamily } from '../lib/policy/instance-types';
import { INSTANCE_COUNT, MAX_API_INTEGER } from '../lib/policy/aws-limits';
import { amountIn, durationReceived, PropsValidator } from './private/validation';

/** Target tracking on requests per instance. */
export interface AutoScalingOptions {
  /**
   * Fewest instances: at least the tier floor (1 for LOW, 2 for MEDIUM and HIGH).
   * @default - the endpoint's initial instance count
   */
  readonly minCapacity?: number;
  /** Most instances; at least `minCapacity`, at most 2147483647 (Application Auto Scaling's `MaxCapacity` is an Integer). */
  readonly maxCapacity: number;
  /**
   * Requests per instance per minute that scaling aims for (`SageMakerVariantInvocationsPerInstance`).
   * Measure it with a load test: a safe value is about half the rate at which latency degrades.
   */
  readonly targetInvocationsPerInstance: number;
  /**
   * Wait after a scale-in before the next one: whole seconds (`ScaleInCooldown`).
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * Wait after a scale-out before the next one: whole seconds (`ScaleOutCooldown`).
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;
  /**
   * Never scale in (only out); scale in by hand or with a schedule.
   * @default false
   */
  readonly disableScaleIn?: boolean;
}

/** Props of {@link EndpointAutoScaling}. */
export interface EndpointAutoScalingProps extends AutoScalingOptions {
  /** The endpoint name. */
  readonly endpointName: string;
  /** The production variant name. */
  readonly variantName: string;
  /** Instance type of the variant (burstable `ml.t*` types cannot scale). */
  readonly instanceType: string;
  /** Initial instance count of the variant; must lie within min and max. */
  readonly initialInstanceCount: number;
  /** Risk tier: sets the floor of `minCapacity`. */
  readonly riskTier: RiskTier;
  /**
   * Prefix of the validation messages' prop names.
   * @default 'autoScaling'
   */
  readonly propPrefix?: string;
}

/**
 * Target-tracking autoscaling of one production variant on `SageMakerVariantInvocationsPerInstance`.
 *
 * Uses L1 resources with no role: Application Auto Scaling acts through its service-linked role
 * (`AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`), so no IAM role or policy is created.
 */
export class EndpointAutoScaling extends Construct {
  /** The scalable target (the variant's desired instance count). */
  public readonly scalableTarget: appscaling.CfnScalableTarget;
  /** The target-tracking policy. */
  public readonly scalingPolicy: appscaling.CfnScalingPolicy;
  /** Fewest instances. */
  public readonly minCapacity: number;
  /** Most instances. */
  public readonly maxCapacity: number;

  /**
   * Check the options of `EndpointAutoScaling` (prop names under `prefix`), recording problems in `v`; returns the
   * cooldowns in seconds. Capacities and cooldowns are Application Auto Scaling Integers. What autoscaling knows of
   * its endpoint is in `target`; a value is undefined when it is invalid, and the checks that need it are skipped.
   * @internal
   */
  public static _checkOptions(v: PropsValidator, prefix: string, options: AutoScalingOptions, target: {
    readonly instanceType?: string; readonly initialInstanceCount?: number; readonly riskTier?: RiskTier;
  }): { readonly scaleInCooldown: number; readonly scaleOutCooldown: number } {
    const floor = target.riskTier ? minimumInstanceCount(target.riskTier) : INSTANCE_COUNT.min;
    const min = options.minCapacity ?? target.initialInstanceCount;
    const max = options.maxCapacity;
    if (target.instanceType !== undefined) {
      const family = instanceFamily(target.instanceType);
      v.check(family === undefined || !/^t\d/.test(family), 'instanceType', target.instanceType,
        `a non-burstable instance type when ${prefix} is set: SageMaker cannot autoscale burstable (ml.t*) instances; use e.g. ml.m5.large or ml.c5.large`);
    }
    const minOk = v.checkInteger(`${prefix}.minCapacity`, min, floor, INSTANCE_COUNT.max);
    if (min !== undefined && !Token.isUnresolved(min) && minOk) {
      v.checkInteger(`${prefix}.maxCapacity`, max, min, INSTANCE_COUNT.max);
    } else {
      v.checkInteger(`${prefix}.maxCapacity`, max, Math.max(floor, INSTANCE_COUNT.min), INSTANCE_COUNT.max);
    }
    const initial = target.initialInstanceCount;
    if (min !== undefined && initial !== undefined && ![min, max, initial].some((n) => Token.isUnresolved(n))) {
      v.check(initial >= min && initial <= max, 'initialInstanceCount', initial,
        `a count within ${prefix}.minCapacity (${min}) and ${prefix}.maxCapacity (${max})`);
    }
    if (!Token.isUnresolved(options.targetInvocationsPerInstance)) {
      v.check(typeof options.targetInvocationsPerInstance === 'number' && Number.isFinite(options.targetInvocationsPerInstance) && options.targetInvocationsPerInstance > 0,
        `${prefix}.targetInvocationsPerInstance`, options.targetInvocationsPerInstance, 'a number of requests per instance per minute greater than 0');
    }
    return {
      scaleInCooldown: cooldown(v, `${prefix}.scaleInCooldown`, options.scaleInCooldown ?? Duration.minutes(5)),
      scaleOutCooldown: cooldown(v, `${prefix}.scaleOutCooldown`, options.scaleOutCooldown ?? Duration.minutes(1)),
    };
  }

  constructor(scope: Construct, id: string, props: EndpointAutoScalingProps) {
    super(scope, id);
    const p = props.propPrefix ?? 'autoScaling';
    const v = new PropsValidator(this, 'EndpointAutoScaling');
    const { scaleInCooldown: scaleIn, scaleOutCooldown: scaleOut } = EndpointAutoScaling._checkOptions(v, p, props, {
      instanceType: props.instanceType, initialInstanceCount: props.initialInstanceCount, riskTier: props.riskTier,
    });
    const min = props.minCapacity ?? props.initialInstanceCount;
    const max = props.maxCapacity;
    v.throwIfInvalid();

    this.minCapacity = min;
    this.maxCapacity = max;
    this.scalableTarget = new appscaling.CfnScalableTarget(this, 'Target', {
      serviceNamespace: 'sagemaker',
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId: `endpoint/${props.endpointName}/variant/${props.variantName}`,
      minCapacity: min,
      maxCapacity: max,
    });
    this.scalingPolicy = new appscaling.CfnScalingPolicy(this, 'InvocationsPerInstance', {
      policyName: `${props.endpointName}-invocations-per-instance`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: this.scalableTarget.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.targetInvocationsPerInstance,
        predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        scaleInCooldown: scaleIn,
        scaleOutCooldown: scaleOut,
        disableScaleIn: props.disableScaleIn ?? false,
      },
    });
  }
}

function cooldown(v: PropsValidator, prop: string, d: Duration): number {
  const s = amountIn(d, 'seconds');
  if (s === undefined) {
    return d.toSeconds();
  }
  v.check(Number.isInteger(s) && s >= 0 && s <= MAX_API_INTEGER, prop, durationReceived(d, 'seconds'), `a whole number of seconds from 0 to ${MAX_API_INTEGER}`);
  return s;
}
