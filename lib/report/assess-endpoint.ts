import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { acknowledgementReason } from '../nag/acknowledgements';
import { AiGovernanceChecks } from '../nag/ai-governance-checks';
import { asList, flatten } from '../nag/cfn-values';
import { Assessment, GovernanceContext, IndexedResource, ResourceTypes } from '../nag/governance-context';
import { coversAction, coversEndpoint } from '../nag/policy-documents';
import { assessAlarmActionEnabled } from '../nag/rules/AlarmActionEnabled';
import { assessEndpointAutoRollback } from '../nag/rules/EndpointAutoRollback';
import { assessEndpointConfigDataCapture } from '../nag/rules/EndpointConfigDataCapture';
import { assessEndpointConfigInstanceCount } from '../nag/rules/EndpointConfigInstanceCount';
import { assessEndpointConfigInstanceCountLowTier } from '../nag/rules/EndpointConfigInstanceCountLowTier';
import { assessEndpointConfigVolumeKms } from '../nag/rules/EndpointConfigVolumeKms';
import { assessEndpointKillSwitch } from '../nag/rules/EndpointKillSwitch';
import { assessEndpointOwnership } from '../nag/rules/EndpointOwnership';
import { assessEndpointStagedRollout } from '../nag/rules/EndpointStagedRollout';
import { assessLogGroupEncrypted } from '../nag/rules/LogGroupEncrypted';
import { assessLogGroupRetention } from '../nag/rules/LogGroupRetention';
import { assessModelApprovalGate } from '../nag/rules/ModelApprovalGate';
import { assessModelExecutionRoleLeastPrivilege } from '../nag/rules/ModelExecutionRoleLeastPrivilege';
import { assessModelNetworkIsolation } from '../nag/rules/ModelNetworkIsolation';
import { CONTROLS } from '../policy/controls';

/**
 * Whether a control is in the template. `acknowledged` when it is not, but the app acknowledges the pack's
 * finding with a reason (as cdk-nag does, so the pack passes); `unknown` when a value it depends on is a token.
 */
export type ControlStatus = 'present' | 'absent' | 'acknowledged' | 'not-applicable' | 'unknown';

/** The statuses a deployment-readiness item accepts: the control is there, or its absence is an acknowledged decision. */
const READY: readonly ControlStatus[] = ['present', 'acknowledged'];

/** One control of one endpoint. */
export interface ControlResult {
  readonly id: string;
  readonly status: ControlStatus;
  /** What was found or what is missing. */
  readonly detail: string;
  /** Logical IDs of the resources that implement it (`Stack/LogicalId` when in another stack). */
  readonly resources: string[];
  readonly reference: string;
}

/** One line of the deployment-readiness checklist. */
export interface ReadinessItem {
  readonly item: string;
  readonly ready: boolean;
  readonly detail: string;
}

/** Everything the report says about one endpoint. */
export interface EndpointEntry {
  readonly path: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly owner: string;
  readonly purpose: string;
  readonly riskTier: string;
  readonly controls: ControlResult[];
  readonly readiness: ReadinessItem[];
}

interface Finding {
  readonly status: ControlStatus;
  readonly detail: string;
  readonly evidence: IndexedResource[];
}

/** Assess every DESIGN.md §4 control of one endpoint, and its readiness for deployment. */
export function assessEndpoint(endpoint: IndexedResource, ctx: GovernanceContext): EndpointEntry {
  const config = ctx.configOf(endpoint);
  const models = config ? ctx.modelsOf(config) : [];
  const logGroups = endpointLogGroups(endpoint, ctx);
  const buckets = config ? ctx.referencedBy(config.props.DataCaptureConfig?.DestinationS3Uri, config).filter((r) => r.type === ResourceTypes.BUCKET) : [];
  const tier = ctx.tierTag(endpoint);

  const onConfig = (assess: Assess): Finding =>
    config ? judge(assess, config.node, ctx) : { status: 'unknown', detail: 'the endpoint config is not in the app', evidence: [] };
  const onModels = (assess: Assess): Finding =>
    models.length > 0 ? combine(models.map((m) => judge(assess, m.node, ctx))) : { status: 'unknown', detail: 'the model is not in the app', evidence: [] };

  const found: Record<string, Finding> = {
    'OWNER': judge(assessEndpointOwnership, endpoint.node, ctx),
    'LEAST-PRIVILEGE': onModels(assessModelExecutionRoleLeastPrivilege),
    'PASSROLE-SCOPED': passRoleScoped(ctx),
    'ENCRYPTION': encryption(onConfig(assessEndpointConfigVolumeKms), config, logGroups, buckets, ctx),
    'NETWORK': onModels(assessModelNetworkIsolation),
    'HA': highAvailability(onConfig(assessEndpointConfigInstanceCount), onConfig(assessEndpointConfigInstanceCountLowTier)),
    'STAGED-ROLLOUT': judge(assessEndpointStagedRollout, endpoint.node, ctx),
    'AUTO-ROLLBACK': judge(assessEndpointAutoRollback, endpoint.node, ctx),
    'INFERENCE-AUDIT': withEvidence(onConfig(assessEndpointConfigDataCapture), buckets),
    'RETENTION': retention(endpoint, logGroups, buckets, ctx),
    'IMMUTABLE-EVIDENCE': immutableEvidence(buckets, tier, ctx),
    'ALARMS': alarms(endpoint, ctx),
    'KILL-SWITCH': judge(assessEndpointKillSwitch, endpoint.node, ctx),
    'APPROVAL-GATE': onModels(assessModelApprovalGate),
    'EVIDENCE-SNAPSHOT': evidenceSnapshot(endpoint, buckets, ctx),
  };
  const controls = CONTROLS.map((c) => ({
    id: c.id,
    status: found[c.id].status,
    detail: found[c.id].detail,
    resources: [...new Set(found[c.id].evidence.map((r) => ctx.label(r, endpoint)))],
    reference: c.reference,
  }));

  const tags = ctx.tags(endpoint) ?? new Map<string, unknown>();
  const text = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : flatten(v));
  const owner = text(tags.get(ctx.settings.ownerTagKey));
  const purpose = text(tags.get(ctx.settings.purposeTagKey));
  const status = (id: string) => controls.find((c) => c.id === id)!;
  const ready = (...ids: string[]) => ids.every((id) => READY.includes(status(id).status));
  const why = (...ids: string[]) => ids.map((id) => status(id).detail).join('; ');
  return {
    path: endpoint.node.node.path,
    stack: endpoint.stack.stackName,
    logicalId: endpoint.logicalId,
    owner,
    purpose,
    riskTier: text(tags.get(ctx.settings.riskTierTagKey)),
    controls,
    readiness: [
      { item: 'Owner named', ready: ready('OWNER'), detail: ready('OWNER') ? owner : why('OWNER') },
      { item: 'Monitoring ready', ready: ready('ALARMS'), detail: why('ALARMS') },
      { item: 'Pause path ready', ready: ready('KILL-SWITCH'), detail: why('KILL-SWITCH') },
      { item: 'Rollback ready', ready: ready('STAGED-ROLLOUT', 'AUTO-ROLLBACK'), detail: why('STAGED-ROLLOUT', 'AUTO-ROLLBACK') },
      {
        item: 'Data rules documented',
        ready: ready('INFERENCE-AUDIT', 'RETENTION') && purpose.trim() !== '',
        detail: `${purpose.trim() === '' ? 'no purpose stated; ' : `purpose "${purpose}"; `}${why('INFERENCE-AUDIT', 'RETENTION')}`,
      },
    ],
  };
}

/** The assessment of one rule of the AI governance pack (`assess<Rule>`, the rule being its default export). */
type Assess = (node: CfnResource, ctx: GovernanceContext) => Assessment;

function fromAssessment(a: Assessment): Finding {
  const status: ControlStatus = a.compliance === NagRuleCompliance.COMPLIANT ? 'present'
    : a.compliance === NagRuleCompliance.NON_COMPLIANT ? 'absent' : 'unknown';
  return { status, detail: a.detail, evidence: a.evidence };
}

/**
 * What the pack concludes about `node` with `assess`: a non-compliance acknowledged on the resource or an ancestor
 * (the pack then reports nothing) is `acknowledged`, with the acknowledgement's reason.
 */
function judge(assess: Assess, node: CfnResource, ctx: GovernanceContext): Finding {
  const finding = fromAssessment(assess(node, ctx));
  if (finding.status !== 'absent') {
    return finding;
  }
  const reason = acknowledgementReason(node, `${AiGovernanceChecks.PACK_NAME}-${assess.name.replace(/^assess/, '')}`);
  return reason === undefined ? finding : { status: 'acknowledged', detail: `${finding.detail}; acknowledged: ${reason}`, evidence: finding.evidence };
}

/** Several resources implement one control: absent if any lacks it, unknown if any is unreadable, acknowledged if any is. */
function combine(findings: Finding[]): Finding {
  const applicable = findings.filter((f) => f.detail !== 'the model does not come from a model package');
  if (applicable.length === 0) {
    return { status: 'not-applicable', detail: findings[0]?.detail ?? 'not applicable', evidence: [] };
  }
  const worst = (['absent', 'unknown', 'acknowledged'] as const).map((s) => applicable.find((f) => f.status === s)).find((f) => f !== undefined) ?? applicable[0];
  return { status: worst.status, detail: [...new Set(applicable.map((f) => f.detail))].join('; '), evidence: applicable.flatMap((f) => f.evidence) };
}

function withEvidence(f: Finding, extra: IndexedResource[]): Finding {
  return { ...f, evidence: [...f.evidence, ...extra] };
}

function highAvailability(error: Finding, lowTier: Finding): Finding {
  if (error.status !== 'unknown') {
    return error;
  }
  if (lowTier.status === 'acknowledged') {
    return lowTier;
  }
  if (lowTier.status === 'absent') {
    return { ...lowTier, detail: `${lowTier.detail} (warning: accepted for LOW tier)` };
  }
  return error;
}

/** The log groups SageMaker writes the endpoint's logs to: `/aws/sagemaker/Endpoints/<endpoint name>`. */
function endpointLogGroups(endpoint: IndexedResource, ctx: GovernanceContext): IndexedResource[] {
  const name = endpoint.props.EndpointName;
  return ctx.ofType(ResourceTypes.LOG_GROUP).filter((g) => {
    const groupName = g.props.LogGroupName;
    if (typeof groupName === 'string') {
      return typeof name === 'string' && groupName === `/aws/sagemaker/Endpoints/${name}`;
    }
    return groupName !== undefined && flatten(groupName).startsWith('/aws/sagemaker/Endpoints/') &&
      (ctx.refersTo(groupName, g, endpoint) || (typeof name === 'string' && flatten(groupName) === `/aws/sagemaker/Endpoints/${name}`));
  });
}

function encryption(volume: Finding, config: IndexedResource | undefined, logGroups: IndexedResource[], buckets: IndexedResource[], ctx: GovernanceContext): Finding {
  const gaps: string[] = [];
  const evidence: IndexedResource[] = [...volume.evidence];
  if (volume.status === 'absent') gaps.push('no volume key');
  const captureKey = config?.props.DataCaptureConfig?.KmsKeyId;
  if (config && captureKey === undefined) gaps.push('data capture without a key');
  if (config && captureKey !== undefined) evidence.push(...ctx.referencedBy(captureKey, config));
  for (const g of logGroups) {
    const a = assessLogGroupEncrypted(g.node, ctx);
    evidence.push(...a.evidence);
    if (a.compliance === NagRuleCompliance.NON_COMPLIANT) gaps.push(`log group ${g.logicalId} without a key`);
  }
  for (const b of buckets) {
    const kms = asList(b.props.BucketEncryption?.ServerSideEncryptionConfiguration)
      .some((r: any) => r?.ServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms' || r?.ServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms:dsse');
    evidence.push(b);
    if (!kms) gaps.push(`evidence bucket ${b.logicalId} without SSE-KMS`);
  }
  if (gaps.length > 0) {
    return { status: 'absent', detail: gaps.join('; '), evidence };
  }
  if (!config) {
    return { status: 'unknown', detail: 'the endpoint config is not in the app', evidence };
  }
  const volumeText = volume.status === 'present' ? 'volumes' : volume.detail;
  return { status: 'present', detail: `customer key on ${volumeText}, data capture${logGroups.length ? ', logs' : ''}${buckets.length ? ', evidence' : ''}`, evidence: [...new Set(evidence)] };
}

function retention(endpoint: IndexedResource, logGroups: IndexedResource[], buckets: IndexedResource[], ctx: GovernanceContext): Finding {
  const floor = ctx.settings.minimumLogRetentionDays;
  if (logGroups.length === 0) {
    return { status: 'absent', detail: 'no /aws/sagemaker/Endpoints/<name> log group in the app: SageMaker creates one that never expires', evidence: [endpoint] };
  }
  const results = logGroups.map((g) => judge(assessLogGroupRetention, g.node, ctx));
  const gaps = results.filter((r) => !READY.includes(r.status)).map((r) => `log group ${r.detail}`);
  for (const b of buckets) {
    for (const rule of asList(b.props.LifecycleConfiguration?.Rules) as any[]) {
      const days = rule?.ExpirationInDays;
      if (rule?.Status !== 'Disabled' && typeof days === 'number' && days < floor) {
        gaps.push(`evidence expires after ${days} days`);
      }
    }
  }
  const evidence = [...logGroups, ...buckets];
  if (gaps.length > 0) {
    return { status: results.some((r) => r.status === 'unknown') && gaps.length === 1 ? 'unknown' : 'absent', detail: gaps.join('; '), evidence };
  }
  const acknowledged = results.filter((r) => r.status === 'acknowledged');
  if (acknowledged.length > 0) {
    return { status: 'acknowledged', detail: acknowledged.map((r) => `log group ${r.detail}`).join('; '), evidence };
  }
  return { status: 'present', detail: `logs kept ${results.map((r) => r.detail).join(', ')}`, evidence };
}

function immutableEvidence(buckets: IndexedResource[], tier: string, ctx: GovernanceContext): Finding {
  if (buckets.length === 0) {
    return { status: 'absent', detail: 'no evidence bucket of the app receives data capture', evidence: [] };
  }
  const gaps: string[] = [];
  const evidence: IndexedResource[] = [...buckets];
  for (const b of buckets) {
    const p = b.props;
    if (p.VersioningConfiguration?.Status !== 'Enabled') gaps.push('versioning off');
    const block = p.PublicAccessBlockConfiguration ?? {};
    if (!['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => block[k] === true)) gaps.push('public access not blocked');
    if (p.LoggingConfiguration === undefined) gaps.push('no access logs');
    if ((tier === 'HIGH' || tier === 'MISSING') && p.ObjectLockEnabled !== true) gaps.push('no object lock (HIGH tier)');
    const policies = ctx.ofType(ResourceTypes.BUCKET_POLICY).filter((bp) => ctx.refersTo(bp.props.Bucket, bp, b));
    const tlsOnly = policies.some((bp) => asList(bp.props.PolicyDocument?.Statement).some((s: any) =>
      s?.Effect === 'Deny' && String(s?.Condition?.Bool?.['aws:SecureTransport']) === 'false'));
    if (!tlsOnly) gaps.push('TLS not enforced');
    evidence.push(...policies);
  }
  if (gaps.length > 0) {
    return { status: 'absent', detail: [...new Set(gaps)].join('; '), evidence };
  }
  return { status: 'present', detail: `versioned, TLS-only, private, access-logged${buckets.some((b) => b.props.ObjectLockEnabled === true) ? ', object lock' : ''}`, evidence };
}

function alarms(endpoint: IndexedResource, ctx: GovernanceContext): Finding {
  const name = endpoint.props.EndpointName;
  const onEndpoint = (dims: unknown, alarm: IndexedResource) => asList(dims).some((d: any) =>
    d?.Name === 'EndpointName' && (ctx.refersTo(d.Value, alarm, endpoint) || (typeof name === 'string' && d.Value === name)));
  const all = ctx.ofType(ResourceTypes.ALARM).filter((a) =>
    onEndpoint(a.props.Dimensions, a) || asList(a.props.Metrics).some((m: any) => onEndpoint(m?.MetricStat?.Metric?.Dimensions, a)));
  const rollback = assessEndpointAutoRollback(endpoint.node, ctx).evidence.filter((r) => r.type === ResourceTypes.ALARM);
  const watched = [...new Set([...all, ...rollback])];
  if (watched.length === 0) {
    return { status: 'absent', detail: 'no CloudWatch alarm watches the endpoint', evidence: [] };
  }
  const silent = watched.filter((a) => assessAlarmActionEnabled(a.node, ctx).compliance === NagRuleCompliance.NON_COMPLIANT);
  const evidence = [...watched, ...watched.flatMap((a) => ctx.referencedBy(a.props.AlarmActions, a))];
  if (silent.length > 0) {
    return { status: 'absent', detail: `${silent.length} of ${watched.length} alarms notify no one`, evidence };
  }
  return { status: 'present', detail: `${watched.length} alarm${watched.length === 1 ? '' : 's'}, each with an action`, evidence: [...new Set(evidence)] };
}

function passRoleScoped(ctx: GovernanceContext): Finding {
  const holders: IndexedResource[] = [];
  const gaps: string[] = [];
  for (const doc of ctx.policies.documents) {
    for (const s of doc.statements) {
      if (s.effect !== 'Allow' || !coversAction(s, 'iam:PassRole')) {
        continue;
      }
      holders.push(doc.holder);
      const wildcard = s.resources.some((r) => typeof r === 'string' && r.includes('*'));
      const passedTo = Object.values(s.condition ?? {}).some((body) => body && typeof body === 'object' &&
        Object.keys(body).some((k) => k.toLowerCase() === 'iam:passedtoservice'));
      if (wildcard || !passedTo) {
        gaps.push(`${doc.holder.logicalId}: ${wildcard ? 'wildcard role' : 'no iam:PassedToService condition'}`);
      }
    }
  }
  if (gaps.length > 0) {
    return { status: 'absent', detail: [...new Set(gaps)].join('; '), evidence: holders };
  }
  return { status: 'present', detail: holders.length === 0 ? 'no iam:PassRole grant in the app' : 'every iam:PassRole names its role and service', evidence: [...new Set(holders)] };
}

function evidenceSnapshot(endpoint: IndexedResource, buckets: IndexedResource[], ctx: GovernanceContext): Finding {
  const describes = new Set<string>();
  const writes = new Set<string>();
  const holders = new Map<string, IndexedResource[]>();
  for (const doc of ctx.policies.documents) {
    for (const s of doc.statements) {
      if (s.effect !== 'Allow') continue;
      const keys = doc.principals;
      if (coversAction(s, 'sagemaker:DescribeEndpoint') && coversEndpoint(ctx, doc.holder, s, endpoint)) {
        keys.forEach((k) => describes.add(k));
        keys.forEach((k) => holders.set(k, [...(holders.get(k) ?? []), doc.holder]));
      }
      if (coversAction(s, 's3:PutObject') && s.resources.some((r) => buckets.some((b) => ctx.refersTo(r, doc.holder, b)))) {
        keys.forEach((k) => writes.add(k));
        keys.forEach((k) => holders.set(k, [...(holders.get(k) ?? []), doc.holder]));
      }
    }
  }
  const both = [...describes].filter((k) => writes.has(k));
  if (both.length === 0) {
    return { status: 'absent', detail: 'no principal in the app may both describe the endpoint and write to its evidence bucket', evidence: [] };
  }
  const principals = both.map((k) => ctx.policies.principal(k)).filter((p): p is IndexedResource => p !== undefined);
  return { status: 'present', detail: `${principals.map((p) => p.logicalId).join(', ') || both.join(', ')} can snapshot to evidence`, evidence: [...principals, ...both.flatMap((k) => holders.get(k) ?? [])] };
}
