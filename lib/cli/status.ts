import { DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import { KillSwitchState } from '../policy/kill-switch-protocol';
import { CliClients } from './aws';
import { AlarmState, alarmStates, currentVersion, describeEndpoint, endpointTags, parameterOf, pauseTag } from './endpoint';

/** What `status` reports. */
export interface StatusReport {
  readonly endpoint: string;
  readonly endpointArn?: string;
  readonly status?: string;
  readonly failureReason?: string;
  readonly variants: { name?: string; weight?: number; instances?: number; desiredInstances?: number }[];
  readonly rollout: {
    readonly inProgress: boolean;
    readonly targetConfig?: string;
    readonly startedAt?: string;
    readonly stages: { variant?: string; currentWeight?: number; desiredWeight?: number; status?: string[] }[];
    readonly policy?: string;
  };
  readonly killSwitch: {
    readonly parameter: string;
    readonly value?: string;
    readonly version?: number;
    readonly changedAt?: string;
    readonly changedBy?: string;
    readonly reason?: string;
    readonly endpointTag: string | null;
    /** The tag agrees with the parameter (false while enforcement is pending, or when the enforcer is failing). */
    readonly enforced: boolean;
  };
  readonly alarms: AlarmState[] | { error: string };
}

/** Read everything an operator wants to know about an endpoint. */
export async function status(clients: CliClients, endpointName: string, options: { parameter?: string; alarmPrefix?: string; region?: string }): Promise<StatusReport> {
  const endpoint = await describeEndpoint(clients, endpointName, options.region);
  const tags = await endpointTags(clients, endpoint.EndpointArn!);
  const parameter = parameterOf(endpointName, tags, options.parameter);
  const version = await currentVersion(clients, parameter);
  const tag = pauseTag(tags) ?? null;
  const paused = tag === KillSwitchState.PAUSED;
  const rollbackAlarms = (endpoint.LastDeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName).filter((n): n is string => !!n);
  const alarms = await alarmStates(clients, rollbackAlarms, options.alarmPrefix ?? `${endpointName}-`);
  return {
    endpoint: endpointName,
    endpointArn: endpoint.EndpointArn,
    status: endpoint.EndpointStatus,
    failureReason: endpoint.FailureReason,
    variants: (endpoint.ProductionVariants ?? []).map((v) => ({
      name: v.VariantName, weight: v.CurrentWeight, instances: v.CurrentInstanceCount, desiredInstances: v.DesiredInstanceCount,
    })),
    rollout: rolloutOf(endpoint),
    killSwitch: {
      parameter,
      value: version.Value,
      version: version.Version,
      changedAt: version.LastModifiedDate?.toISOString(),
      changedBy: version.LastModifiedUser,
      reason: version.Description,
      endpointTag: tag,
      // Anything but ACTIVE pauses (the enforcer fails closed on unknown values).
      enforced: (version.Value !== KillSwitchState.ACTIVE) === paused,
    },
    alarms,
  };
}

/** The rollout in progress, from `PendingDeploymentSummary`, and the policy of the last one. */
export function rolloutOf(endpoint: DescribeEndpointCommandOutput): StatusReport['rollout'] {
  const pending = endpoint.PendingDeploymentSummary;
  const policy = endpoint.LastDeploymentConfig?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration?.Type
    ? `blue/green ${endpoint.LastDeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type}`
    : endpoint.LastDeploymentConfig?.RollingUpdatePolicy ? 'rolling' : undefined;
  return {
    inProgress: pending !== undefined || ['Updating', 'RollingBack', 'SystemUpdating'].includes(endpoint.EndpointStatus ?? ''),
    targetConfig: pending?.EndpointConfigName,
    startedAt: pending?.StartTime?.toISOString(),
    stages: (pending?.ProductionVariants ?? []).map((v) => ({
      variant: v.VariantName, currentWeight: v.CurrentWeight, desiredWeight: v.DesiredWeight,
      status: (v.VariantStatus ?? []).map((s) => s.Status + (s.StatusMessage ? ` (${s.StatusMessage})` : '')).filter((s): s is string => !!s),
    })),
    policy,
  };
}
