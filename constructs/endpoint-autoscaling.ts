import { Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import { minimumInstanceCount, RiskTier } from '../lib/policy/governance';
import { instanceFamily } from '../lib/policy/instance-types';
import { INSTANCE_COUNT, MAX_API_INTEGER } from '../lib/policy/aws-limits';
import { SettingsHandoff } from './private/handoff';
import { amountIn, durationReceived, propPath, PropsValidator } from './private/validation';

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
}

/** What autoscaling knows of its endpoint; a value is undefined when the endpoint's prop is invalid. @internal */
export interface AutoScalingTarget {
  readonly instanceType?: string;
  readonly initialInstanceCount?: number;
  readonly riskTier?: RiskTier;
}

/** The autoscaling options, checked and with their defaults applied (cooldowns in seconds). @internal */
export interface ResolvedAutoScaling {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly scaleInCooldown: number;
  readonly scaleOutCooldown: number;
}

/** Settings an endpoint resolved for its autoscaling, handed to it with its props. */
const RESOLVED = new SettingsHandoff<ResolvedAutoScaling>();

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
   * Check the autoscaling options, recording every problem in `v` under the names the user wrote (`path` is the prop
   * that holds them, e.g. `autoScaling`; empty for the construct's own props), and resolve their defaults. Capacities
   * and cooldowns are Application Auto Scaling Integers. What autoscaling knows of its endpoint is in `target`; a value
   * is undefined when it is invalid (reported already), and the checks that need it are skipped.
   * @internal
   */
  public static _resolve(v: PropsValidator, path: string, options: AutoScalingOptions, target: AutoScalingTarget): ResolvedAutoScaling {
    const at = (key: string) => propPath(path, key);
    const floor = target.riskTier ? minimumInstanceCount(target.riskTier) : INSTANCE_COUNT.min;
    const min = options.minCapacity ?? target.initialInstanceCount;
    const max = options.maxCapacity;
    if (target.instanceType !== undefined) {
      const family = instanceFamily(target.instanceType);
      v.check(family === undefined || !/^t\d/.test(family), 'instanceType', target.instanceType,
        `a non-burstable instance type${path ? ` when ${path} is set` : ''}: SageMaker cannot autoscale burstable (ml.t*) instances; use e.g. ml.m5.large or ml.c5.large`);
    }
    const minOk = v.checkInteger(at('minCapacity'), min, floor, INSTANCE_COUNT.max);
    if (min !== undefined && !Token.isUnresolved(min) && minOk) {
      v.checkInteger(at('maxCapacity'), max, min, INSTANCE_COUNT.max);
    } else {
      v.checkInteger(at('maxCapacity'), max, Math.max(floor, INSTANCE_COUNT.min), INSTANCE_COUNT.max);
    }
    const initial = target.initialInstanceCount;
    if (min !== undefined && initial !== undefined && ![min, max, initial].some((n) => Token.isUnresolved(n))) {
      v.check(initial >= min && initial <= max, 'initialInstanceCount', initial,
        `a count within ${at('minCapacity')} (${min}) and ${at('maxCapacity')} (${max})`);
    }
    if (!Token.isUnresolved(options.targetInvocationsPerInstance)) {
      v.check(typeof options.targetInvocationsPerInstance === 'number' && Number.isFinite(options.targetInvocationsPerInstance) && options.targetInvocationsPerInstance > 0,
        at('targetInvocationsPerInstance'), options.targetInvocationsPerInstance, 'a number of requests per instance per minute greater than 0');
    }
    return {
      minCapacity: min ?? floor,
      maxCapacity: max,
      scaleInCooldown: cooldown(v, at('scaleInCooldown'), options.scaleInCooldown ?? Duration.minutes(5)),
      scaleOutCooldown: cooldown(v, at('scaleOutCooldown'), options.scaleOutCooldown ?? Duration.minutes(1)),
    };
  }

  /**
   * The autoscaling of an endpoint whose props were resolved by `_resolve` already (with the endpoint's, in one
   * error): built from `settings`, without checking them again.
   * @internal
   */
  public static _fromResolved(scope: Construct, id: string, props: EndpointAutoScalingProps, settings: ResolvedAutoScaling): EndpointAutoScaling {
    return new EndpointAutoScaling(scope, id, RESOLVED.attach(props, settings));
  }

  constructor(scope: Construct, id: string, props: EndpointAutoScalingProps) {
    super(scope, id);
    const resolved = RESOLVED.take(props) ?? EndpointAutoScaling.resolveOwnProps(this, props);
    const { minCapacity: min, maxCapacity: max, scaleInCooldown: scaleIn, scaleOutCooldown: scaleOut } = resolved;

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

  /** Resolve the props of autoscaling built on its own, throwing one error that lists every problem. */
  private static resolveOwnProps(scope: Construct, props: EndpointAutoScalingProps): ResolvedAutoScaling {
    const v = new PropsValidator(scope, 'EndpointAutoScaling');
    const settings = EndpointAutoScaling._resolve(v, '', props, {
      instanceType: props.instanceType, initialInstanceCount: props.initialInstanceCount, riskTier: props.riskTier,
    });
    v.throwIfInvalid();
    return settings;
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
