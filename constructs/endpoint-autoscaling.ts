import { Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import { minimumInstanceCount, RiskTier } from '../lib/governance';
import { instanceFamily } from '../lib/instance-types';
import { PropsValidator } from '../lib/validation';

/** Target tracking on requests per instance. */
export interface AutoScalingOptions {
  /**
   * Fewest instances: at least the tier floor (1 for LOW, 2 for MEDIUM and HIGH).
   * @default - the endpoint's initial instance count
   */
  readonly minCapacity?: number;
  /** Most instances; at least `minCapacity`. */
  readonly maxCapacity: number;
  /**
   * Requests per instance per minute that scaling aims for (`SageMakerVariantInvocationsPerInstance`).
   * Measure it with a load test: a safe value is about half the rate at which latency degrades.
   */
  readonly targetInvocationsPerInstance: number;
  /**
   * Wait after a scale-in before the next one.
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * Wait after a scale-out before the next one.
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

  constructor(scope: Construct, id: string, props: EndpointAutoScalingProps) {
    super(scope, id);
    const p = props.propPrefix ?? 'autoScaling';
    const v = new PropsValidator(this, 'GovernedEndpoint');
    const floor = minimumInstanceCount(props.riskTier);
    const min = props.minCapacity ?? props.initialInstanceCount;
    const max = props.maxCapacity;
    const family = instanceFamily(props.instanceType);
    v.check(family === undefined || !family.startsWith('t'), 'instanceType', props.instanceType,
      `a non-burstable instance type when ${p} is set: SageMaker cannot autoscale burstable (ml.t*) instances; use e.g. ml.m5.large or ml.c5.large`);
    v.checkInteger(`${p}.minCapacity`, min, floor, Number.MAX_SAFE_INTEGER);
    if (!Token.isUnresolved(min) && Number.isInteger(min) && min >= floor) {
      v.checkInteger(`${p}.maxCapacity`, max, min, Number.MAX_SAFE_INTEGER);
    } else {
      v.checkInteger(`${p}.maxCapacity`, max, Math.max(floor, 1), Number.MAX_SAFE_INTEGER);
    }
    if (![min, max, props.initialInstanceCount].some((n) => Token.isUnresolved(n))) {
      v.check(props.initialInstanceCount >= min && props.initialInstanceCount <= max, 'initialInstanceCount', props.initialInstanceCount,
        `a count within ${p}.minCapacity (${min}) and ${p}.maxCapacity (${max})`);
    }
    if (!Token.isUnresolved(props.targetInvocationsPerInstance)) {
      v.check(Number.isFinite(props.targetInvocationsPerInstance) && props.targetInvocationsPerInstance > 0,
        `${p}.targetInvocationsPerInstance`, props.targetInvocationsPerInstance, 'a number of requests per instance per minute greater than 0');
    }
    const scaleIn = cooldown(v, `${p}.scaleInCooldown`, props.scaleInCooldown ?? Duration.minutes(5));
    const scaleOut = cooldown(v, `${p}.scaleOutCooldown`, props.scaleOutCooldown ?? Duration.minutes(1));
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
  const s = d.toSeconds({ integral: false });
  if (!Token.isUnresolved(s)) {
    v.check(Number.isInteger(s) && s >= 0, prop, d.toHumanString(), 'a whole number of seconds, 0 or more');
  }
  return s;
}
