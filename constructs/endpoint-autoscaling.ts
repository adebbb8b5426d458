import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import { checkAutoScalingOptions } from '../lib/endpoint-validation';
import { RiskTier } from '../lib/governance';
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
    const v = new PropsValidator(this, 'EndpointAutoScaling');
    const { scaleInCooldown: scaleIn, scaleOutCooldown: scaleOut } = checkAutoScalingOptions(v, p, props, {
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
