export * from '../constructs/governed-endpoint';
export * from '../constructs/governance-foundation';
export * from '../constructs/alarm-topic';
export * from '../constructs/evidence-store';
export * from '../constructs/execution-role';
export * from '../constructs/approval-gate';
export * from '../constructs/governed-function';
export * from '../constructs/endpoint-alarms';
export * from '../constructs/endpoint-dashboard';
export * from '../constructs/deployment-policy';
export * from '../constructs/endpoint-autoscaling';
export * from '../constructs/kill-switch';
export * from '../constructs/kill-switch-enforcer';
export {
  AUTO_PAUSE_TAG_PREFIX, defaultKillSwitchParameterName, DEPLOYMENT_MARKER, KILL_SWITCH_ALLOWED_PATTERN, KILL_SWITCH_ENFORCER_ROLE_TAG, KILL_SWITCH_METRIC_NAMESPACE,
  KILL_SWITCH_PARAMETER_TAG, KILL_SWITCH_TAG, KillSwitchState, SNAPSHOT_PREFIX,
} from './policy/kill-switch-protocol';
export { INSTANCE_NAMESPACE, INVOCATION_NAMESPACE, vcpuCount } from '../constructs/private/endpoint-metrics';
export type { VariantMetricSource } from '../constructs/private/endpoint-metrics';
export * from './policy/governance';
export * from '../constructs/model-source';
export { INSTANCE_STORE_FAMILIES, supportsVolumeEncryption } from './policy/instance-types';
export { IMPORTED_KEY_WARNING, WARNING_PREFIX } from '../constructs/private/warnings';
export { AiGovernanceChecks } from './nag/ai-governance-checks';
export type { AiGovernanceChecksProps } from './nag/ai-governance-checks';
export type { GovernanceRuleSettings } from './nag/governance-context';
export { GovernanceReport } from './report/governance-report';
export type { GovernanceReportProps } from './report/governance-report';
