/**
 * The package's public API: classes, interfaces and enums only, named one by one, so that every language jsii
 * generates sees the same API (jsii drops exported functions and constants; the library publishes its constants
 * as static members). Internal helpers, the facts in lib/policy and the parts' resolution types stay unexported.
 *
 * This file may import constructs/, lib/policy, lib/nag and lib/report; no library file imports it.
 */

// The endpoint and what it is made of.
export { GovernedEndpoint } from '../constructs/governed-endpoint';
export type { DataCaptureOptions, GovernedEndpointProps } from '../constructs/governed-endpoint-props';
export { GovernedEndpointBase } from '../constructs/governed-endpoint-base';
export type { GovernedEndpointAttributes, IGovernedEndpoint } from '../constructs/governed-endpoint-base';
export { ModelArtifact, ModelImage, ModelSource } from '../constructs/model-source';
export type { ArtifactModelOptions, ModelPackageOptions } from '../constructs/model-source';
export { Capacity, CapacityType, DeploymentPolicy, DeploymentStrategy } from '../constructs/deployment-policy';
export type { AllAtOnceOptions, BlueGreenOptions, CanaryOptions, DeploymentPolicyOptions, LinearOptions, RollingOptions } from '../constructs/deployment-policy';
export { EndpointAlarms } from '../constructs/endpoint-alarms';
export type {
  AlarmTimingOptions, CountAlarmOptions, EndpointAlarmsOptions, EndpointAlarmsProps, ErrorRateAlarmOptions, LatencyAlarmOptions, UtilizationAlarmOptions,
} from '../constructs/endpoint-alarms';
export { EndpointDashboard } from '../constructs/endpoint-dashboard';
export type { EndpointDashboardProps } from '../constructs/endpoint-dashboard';
export { GovernanceDashboard } from '../constructs/governance-dashboard';
export type { GovernanceDashboardEndpointOptions, GovernanceDashboardProps } from '../constructs/governance-dashboard';
export type { VariantMetricSource } from '../constructs/private/endpoint-metrics';
export { EndpointAutoScaling } from '../constructs/endpoint-autoscaling';
export type { AutoScalingOptions, EndpointAutoScalingProps } from '../constructs/endpoint-autoscaling';
export { ModelExecutionRole } from '../constructs/execution-role';
export type { ModelExecutionRoleProps } from '../constructs/execution-role';
export { ApprovalGate } from '../constructs/approval-gate';
export type { ApprovalGateProps } from '../constructs/approval-gate';

// The kill switch.
export { KillSwitch } from '../constructs/kill-switch';
export type { KillSwitchOptions, KillSwitchProps } from '../constructs/kill-switch';
export { KillSwitchEnforcer } from '../constructs/kill-switch-enforcer';
export type { KillSwitchEnforcerLookup, KillSwitchEnforcerOptions, KillSwitchEnforcerProps } from '../constructs/kill-switch-enforcer';
export type { IKillSwitchEnforcer, KillSwitchEnforcerAttributes } from '../constructs/kill-switch-enforcer-ref';
export { KillSwitchState } from './policy/kill-switch-protocol';

// What endpoints share: key, evidence, alerts, the library's functions.
export { GovernanceFoundation } from '../constructs/governance-foundation';
export type { GovernanceFoundationProps } from '../constructs/governance-foundation';
export type { GovernanceFoundationAttributes, GovernanceFoundationLookupOptions, IGovernanceFoundation } from '../constructs/governance-foundation-ref';
export { EvidenceStore, ObjectLockMode } from '../constructs/evidence-store';
export type { EvidenceStoreProps } from '../constructs/evidence-store';
export { AlarmTopic } from '../constructs/alarm-topic';
export type { AlarmTopicProps } from '../constructs/alarm-topic';
export { GovernedFunction } from '../constructs/governed-function';
export type { GovernedFunctionProps } from '../constructs/governed-function';

// Governance: tiers, tag keys, warning IDs.
export { RiskTier } from './policy/governance';
export type { GovernanceProps } from './policy/governance';
export { GovernanceTagKey, GovernanceWarning } from '../constructs/governance-identifiers';

// Review: the AiGovernance cdk-nag pack and the governance report.
export { AiGovernanceChecks } from './nag/ai-governance-checks';
export type { AiGovernanceChecksProps } from './nag/ai-governance-checks';
export type { GovernanceRuleSettings } from './nag/governance-context';
export { GovernanceReport } from './report/governance-report';
export type { GovernanceReportProps } from './report/governance-report';
export { EndpointMonitoring } from '../constructs/endpoint-monitoring';
export type { EndpointMonitoringProps } from '../constructs/endpoint-monitoring';
export { ModelMonitor } from '../constructs/model-monitor';
export type { ModelMonitorOptions, ModelMonitorProps } from '../constructs/model-monitor';
export { BaselineFormat, FeatureKind, MonitoringBaseline, PayloadFormat, ProblemType } from '../constructs/monitoring-options';
export type { GroundTruthOptions, MonitoredFeature, MonitoredPrediction, MonitoringOptions } from '../constructs/monitoring-options';
