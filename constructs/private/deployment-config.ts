// Internal: SageMaker's deployment-guardrail limits, and the checks and rendering of a DeploymentPolicy's DeploymentConfig.
import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { DEPLOYMENT_LIMITS, MAX_API_INTEGER } from '../../lib/policy/aws-limits';

export { DEPLOYMENT_LIMITS };
import { amountIn, durationReceived, PropsValidator } from './validation';

/** A step of a deployment as SageMaker takes it (`CapacitySize`): what this module needs of a `Capacity`. */
export interface StepSize {
  readonly capacityType: string;
  readonly value: number;
  toString(): string;
  percentOf(count: number | undefined): number | undefined;
}

/** What a deployment policy's checks computed, and the rendering of its `DeploymentConfig` reads. */
export interface DeploymentTimes {
  /** Bake per step, seconds. */
  readonly bake?: number;
  /** Final bake, seconds. */
  readonly termination?: number;
  /** Time limit of the whole deployment, seconds. */
  readonly timeoutSeconds?: number;
  /** Rolling only: instances restored per step on rollback. */
  readonly rollback?: StepSize;
}

/** The default final bake: the step bake, capped at SageMaker's limit (an over-long bake is reported once, on bakeTime). */
export function finalBake(bake: Duration): Duration {
  const s = bake.toSeconds({ integral: false });
  return !Token.isUnresolved(s) && s > DEPLOYMENT_LIMITS.maxWaitSeconds ? Duration.seconds(DEPLOYMENT_LIMITS.maxWaitSeconds) : bake;
}

/** A Duration as whole seconds from `min` to `max`, recording a problem otherwise; undefined when not given. */
export function seconds(v: PropsValidator, prop: string, d: Duration | undefined, min: number, max: number): number | undefined {
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

/** Check a step size: a whole number, and from `minPercent` to `maxPercent` of a fleet of `count` instances when that is known. */
export function checkCapacity(v: PropsValidator, prop: string, c: StepSize, count: number | undefined, minPercent: number, maxPercent: number): void {
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
  const fleet = c.capacityType === 'INSTANCE_COUNT' ? ` (${percent.toFixed(0)}% of ${count} instances)` : '';
  v.check(percent >= minPercent && percent <= maxPercent, prop, `${c.toString()}${fleet}`, `${range} of the variant's instances`);
}

/**
 * The `DeploymentConfig` of a policy of `strategy` (`CANARY`, `LINEAR`, `ALL_AT_ONCE` or `ROLLING`) stepping by
 * `stepSize`, with its checked `times`, rolled back by `alarms`.
 */
export function renderDeploymentConfig(strategy: string, stepSize: StepSize | undefined, times: DeploymentTimes,
  alarms: cloudwatch.IAlarm[]): sagemaker.CfnEndpoint.DeploymentConfigProperty {
  const autoRollbackConfiguration = { alarms: alarms.map((a) => ({ alarmName: a.alarmName })) };
  const size = stepSize ? { type: stepSize.capacityType, value: stepSize.value } : undefined;
  if (strategy === 'ROLLING') {
    return {
      autoRollbackConfiguration,
      rollingUpdatePolicy: {
        maximumBatchSize: size!,
        waitIntervalInSeconds: times.bake ?? 0,
        maximumExecutionTimeoutInSeconds: times.timeoutSeconds,
        rollbackMaximumBatchSize: times.rollback ? { type: times.rollback.capacityType, value: times.rollback.value } : undefined,
      },
    };
  }
  return {
    autoRollbackConfiguration,
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: strategy,
        canarySize: strategy === 'CANARY' ? size : undefined,
        linearStepSize: strategy === 'LINEAR' ? size : undefined,
        // All at once has no steps; the API lists the field as required, so it is rendered as 0.
        waitIntervalInSeconds: times.bake ?? 0,
      },
      terminationWaitInSeconds: times.termination,
      maximumExecutionTimeoutInSeconds: times.timeoutSeconds,
    },
  };
}
