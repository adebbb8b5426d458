/**
 * The control catalogue: what the synthesized template of a governed endpoint must contain, the frameworks each
 * control answers to, and the `AiGovernance` rules that judge it. The pack's rule texts take their references from
 * here and the governance report lists the controls in this order, so a reference is written once.
 */

/** A framework, standard or check list a control answers to. */
export enum Framework {
  /** NIST AI Risk Management Framework 1.0 (functions and subcategories). */
  NIST_AI_RMF = 'NIST AI RMF',
  /** Regulation (EU) 2024/1689, the EU Artificial Intelligence Act (articles). */
  EU_AI_ACT = 'EU AI Act',
  /** NIST SP 800-53 Rev. 5 security controls. */
  NIST_800_53 = 'NIST SP 800-53',
  /** US Office of Management and Budget memoranda. */
  OMB = 'OMB',
  /** AWS Config managed rules. */
  AWS_CONFIG = 'AWS Config',
  /** AWS Control Tower controls. */
  CONTROL_TOWER = 'AWS Control Tower',
  /** IAM Access Analyzer policy checks. */
  ACCESS_ANALYZER = 'IAM Access Analyzer',
  /** Rules of the cdk-nag packs this pack mirrors. */
  CDK_NAG = 'cdk-nag',
}

/** The items of one framework a control answers to. */
export interface ControlReference {
  readonly framework: Framework;
  /** Article, subcategory, control or rule IDs, as the framework writes them (`Art. 26(2)`, `GOVERN 2.1`). */
  readonly ids: readonly string[];
}

/** One control of the catalogue. */
export interface ControlDefinition {
  /** Control ID, e.g. `STAGED-ROLLOUT`. */
  readonly id: string;
  /** What the template must contain, in a few words. */
  readonly requirement: string;
  /** The frameworks and checks it answers to. */
  readonly references: readonly ControlReference[];
  /** The `AiGovernance` rules that judge it, by rule name (the file name under `lib/nag/rules`). */
  readonly rules: readonly string[];
}

const ref = (framework: Framework, ...ids: string[]): ControlReference => ({ framework, ids });

/** Every control, in the order the governance report lists them. */
export const CONTROLS: readonly ControlDefinition[] = [
  {
    id: 'OWNER',
    requirement: 'owner, purpose and risk-tier (LOW, MEDIUM or HIGH) tags on the endpoint',
    references: [ref(Framework.NIST_AI_RMF, 'GOVERN 2.1'), ref(Framework.EU_AI_ACT, 'Art. 26(2)')],
    rules: ['EndpointOwnership'],
  },
  {
    id: 'LEAST-PRIVILEGE',
    requirement: "the model's execution role: customer-managed policies with named actions only (no AWS-managed policy, no `*` or `service:*` action)",
    references: [ref(Framework.CDK_NAG, 'AwsSolutions-IAM4', 'AwsSolutions-IAM5'), ref(Framework.NIST_800_53, 'AC-6'), ref(Framework.CONTROL_TOWER, 'CT.IAM.PR.*')],
    rules: ['ModelExecutionRoleLeastPrivilege'],
  },
  {
    id: 'PASSROLE-SCOPED',
    requirement: 'every iam:PassRole grant names its roles (no wildcard) and carries an iam:PassedToService condition',
    references: [ref(Framework.ACCESS_ANALYZER, 'PASS_ROLE_WITH_STAR_IN_RESOURCE'), ref(Framework.NIST_800_53, 'AC-6')],
    rules: ['IamPassRoleScoped'],
  },
  {
    id: 'ENCRYPTION',
    requirement: "customer KMS key on the instance volumes, the endpoint's log groups and the evidence bucket",
    references: [
      ref(Framework.NIST_800_53, 'SC-28'),
      ref(Framework.CDK_NAG, 'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
        'NIST.800.53.R5-S3DefaultEncryptionKMS'),
    ],
    rules: ['EndpointConfigVolumeKms', 'LogGroupEncrypted', 'EvidenceBucketEncrypted'],
  },
  {
    id: 'NETWORK',
    requirement: 'network isolation of the model container',
    references: [ref(Framework.AWS_CONFIG, 'sagemaker-model-isolation-enabled')],
    rules: ['ModelNetworkIsolation'],
  },
  {
    id: 'HA',
    requirement: '>= 2 instances per production variant for MEDIUM and HIGH tier (a warning for LOW)',
    references: [ref(Framework.AWS_CONFIG, 'sagemaker-endpoint-config-prod-instance-count')],
    rules: ['EndpointConfigInstanceCount', 'EndpointConfigInstanceCountLowTier'],
  },
  {
    id: 'STAGED-ROLLOUT',
    requirement: 'canary, linear or rolling DeploymentConfig (all-at-once only for LOW)',
    references: [ref(Framework.NIST_AI_RMF, 'MEASURE 2.3'), ref(Framework.OMB, 'M-24-10')],
    rules: ['EndpointStagedRollout'],
  },
  {
    id: 'AUTO-ROLLBACK',
    requirement: 'AutoRollbackConfiguration naming alarms defined in the app',
    references: [ref(Framework.NIST_AI_RMF, 'MANAGE 2.3', 'MANAGE 2.4')],
    rules: ['EndpointAutoRollback'],
  },
  {
    id: 'INFERENCE-AUDIT',
    requirement: "DataCaptureConfig: input and output, KMS key, sampling at the tier's floor",
    references: [ref(Framework.EU_AI_ACT, 'Art. 12', '26(5)', '72')],
    rules: ['EndpointConfigDataCapture'],
  },
  {
    id: 'RETENTION',
    requirement: "the endpoint's log group defined in the app, retained and kept >= the floor; evidence retained and not expired before it",
    references: [ref(Framework.EU_AI_ACT, 'Art. 19', '26(6)'), ref(Framework.CONTROL_TOWER, 'CT.CLOUDWATCH.PR.2')],
    rules: ['EndpointLogGroupRetained', 'LogGroupRetention', 'EvidenceBucketRetention'],
  },
  {
    id: 'IMMUTABLE-EVIDENCE',
    requirement: 'evidence bucket: versioning, SSE-KMS, TLS-only, public access blocked, access logs; object lock for HIGH',
    references: [ref(Framework.EU_AI_ACT, 'Art. 73(6)'), ref(Framework.CONTROL_TOWER, 'CT.S3.PR.*')],
    rules: ['EvidenceBucketImmutable', 'EvidenceBucketEncrypted'],
  },
  {
    id: 'ALARMS',
    requirement: 'alarms on the endpoint, each with an action',
    references: [ref(Framework.NIST_AI_RMF, 'MEASURE 2.4'), ref(Framework.CDK_NAG, 'CloudWatchAlarmAction')],
    rules: ['EndpointAlarms', 'AlarmActionEnabled'],
  },
  {
    id: 'KILL-SWITCH',
    requirement: 'SSM kill-switch parameter and pause deny on every invoke grant',
    references: [ref(Framework.NIST_AI_RMF, 'MANAGE 2.4'), ref(Framework.EU_AI_ACT, 'Art. 14(4)(e)', '26(5)')],
    rules: ['EndpointKillSwitch'],
  },
  {
    id: 'APPROVAL-GATE',
    requirement: 'registry models deploy only when Approved',
    references: [ref(Framework.NIST_AI_RMF, 'MANAGE 1.1')],
    rules: ['ModelApprovalGate'],
  },
  {
    id: 'EVIDENCE-SNAPSHOT',
    requirement: 'a principal that may describe the endpoint and write to its evidence bucket (snapshot on pause)',
    references: [ref(Framework.EU_AI_ACT, 'Art. 73(6)')],
    rules: ['EndpointEvidenceSnapshot'],
  },
  {
    id: 'MODEL-MONITORING',
    requirement: 'a scheduled check of captured inputs and predictions against a baseline (the monitoring-config parameter the endpoint is tagged with, ' +
      'or a SageMaker MonitoringSchedule on the endpoint); required for HIGH unless a risk acceptance is recorded',
    references: [ref(Framework.NIST_AI_RMF, 'MEASURE 2.4', 'MANAGE 4.1'), ref(Framework.EU_AI_ACT, 'Art. 72')],
    rules: ['EndpointModelMonitoring'],
  },
  {
    id: 'SCHEDULED-REVIEW',
    requirement: "a review interval tag within the tier's longest interval, and a sender of the reminders (the foundation's monitor, or a schedule of the app naming the endpoint)",
    references: [ref(Framework.NIST_AI_RMF, 'GOVERN 1.5', 'MANAGE 4.1'), ref(Framework.EU_AI_ACT, 'Art. 72')],
    rules: ['EndpointScheduledReview'],
  },
];

/** References as one line of text: `NIST AI RMF GOVERN 2.1; EU AI Act Art. 26(2)`. */
export function referenceText(references: readonly ControlReference[]): string {
  return references.map((r) => `${r.framework} ${r.ids.join(', ')}`).join('; ');
}

/** The controls a rule judges, in catalogue order. */
export function controlsJudgedBy(rule: string, catalogue: readonly ControlDefinition[] = CONTROLS): ControlDefinition[] {
  return catalogue.filter((c) => c.rules.includes(rule));
}

/**
 * The references of a rule: those of every control it judges, merged by framework (first appearance first,
 * each ID once). Empty when no control names the rule.
 */
export function ruleReferences(rule: string, catalogue: readonly ControlDefinition[] = CONTROLS): ControlReference[] {
  const merged = new Map<Framework, string[]>();
  for (const control of controlsJudgedBy(rule, catalogue)) {
    for (const r of control.references) {
      const ids = merged.get(r.framework) ?? [];
      ids.push(...r.ids.filter((id) => !ids.includes(id)));
      merged.set(r.framework, ids);
    }
  }
  return [...merged].map(([framework, ids]) => ({ framework, ids }));
}
