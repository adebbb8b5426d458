/**
 * The controls of DESIGN.md §4: what the synthesized template must contain for a governed endpoint,
 * and the reference each one satisfies. The report lists them in this order.
 */
export interface ControlDefinition {
  /** Control ID, e.g. `STAGED-ROLLOUT`. */
  readonly id: string;
  /** What the template must contain, in a few words. */
  readonly requirement: string;
  /** The frameworks and checks it satisfies. */
  readonly reference: string;
}

export const CONTROLS: readonly ControlDefinition[] = [
  { id: 'OWNER', requirement: 'owner, purpose and risk-tier tags', reference: 'NIST AI RMF GOVERN 2.1; EU AI Act Art. 26(2)' },
  { id: 'LEAST-PRIVILEGE', requirement: 'execution role with customer-managed, named-action policies only', reference: 'AwsSolutions-IAM4/IAM5; CT.IAM.PR.*' },
  { id: 'PASSROLE-SCOPED', requirement: 'iam:PassRole only on named roles with iam:PassedToService', reference: 'IAM Access Analyzer PASS_ROLE_WITH_STAR_IN_RESOURCE' },
  { id: 'ENCRYPTION', requirement: 'customer KMS key on volumes, data capture, logs and evidence', reference: 'NIST.800.53.R5 SageMakerEndpointConfigurationKMSKeyConfigured, CloudWatchLogGroupEncrypted' },
  { id: 'NETWORK', requirement: 'model network isolation', reference: 'AWS Config sagemaker-model-isolation-enabled' },
  { id: 'HA', requirement: '>= 2 instances per variant for MEDIUM/HIGH tier', reference: 'AWS Config sagemaker-endpoint-config-prod-instance-count' },
  { id: 'STAGED-ROLLOUT', requirement: 'canary, linear or rolling DeploymentConfig (all-at-once only for LOW)', reference: 'OMB M-24-10; NIST AI RMF MEASURE 2.3' },
  { id: 'AUTO-ROLLBACK', requirement: 'AutoRollbackConfiguration alarms defined in the app', reference: 'NIST AI RMF MANAGE 2.3, 2.4' },
  { id: 'INFERENCE-AUDIT', requirement: 'DataCaptureConfig: input and output, KMS, sampling by tier', reference: 'EU AI Act Art. 12, 26(5), 72' },
  { id: 'RETENTION', requirement: 'endpoint log group retention >= floor; evidence not expired before it', reference: 'EU AI Act Art. 19, 26(6); CT.CLOUDWATCH.PR.2' },
  { id: 'IMMUTABLE-EVIDENCE', requirement: 'evidence bucket: versioning, SSE-KMS, TLS-only, no public access, access logs; object lock for HIGH', reference: 'CT.S3.PR.*; EU AI Act Art. 73(6)' },
  { id: 'ALARMS', requirement: 'alarms on the endpoint, each with an action', reference: 'cdk-nag CloudWatchAlarmAction; NIST AI RMF MEASURE 2.4' },
  { id: 'KILL-SWITCH', requirement: 'SSM kill-switch parameter and pause deny on every invoke grant', reference: 'NIST AI RMF MANAGE 2.4; EU AI Act Art. 14(4)(e), 26(5)' },
  { id: 'APPROVAL-GATE', requirement: 'registry models deploy only when Approved', reference: 'NIST AI RMF MANAGE 1.1' },
  { id: 'EVIDENCE-SNAPSHOT', requirement: 'a principal that describes the endpoint and writes evidence (snapshot on pause)', reference: 'EU AI Act Art. 73(6)' },
];
