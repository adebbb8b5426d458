import { Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { ControlDefinition, CONTROLS, referenceText } from '../policy/controls';
import { acknowledgementReason } from '../nag/acknowledgements';
import { AiGovernanceChecks } from '../nag/ai-governance-checks';
import { IndexedResource } from '../nag/app-index';
import { flatten } from '../nag/cfn-values';
import { Assessment, GovernanceContext } from '../nag/governance-context';
import { GovernanceRule } from '../nag/rule';
import { AI_GOVERNANCE_RULES } from '../nag/rules';

/**
 * A control of one endpoint, as the results of the rules that judge it show it: `absent` when a rule finds it
 * missing and nothing acknowledges that, `acknowledged` when every such finding is acknowledged with a reason (as
 * cdk-nag does, so the pack passes), `present` when a rule finds it, `not-applicable` when no rule judges anything.
 */
export type ControlStatus = 'present' | 'absent' | 'acknowledged' | 'not-applicable';

/** What one rule concluded about one resource. */
export type RuleStatus = 'compliant' | 'non-compliant' | 'acknowledged' | 'not-applicable';

/** One rule's result on one resource of the endpoint's deployment. */
export interface RuleResult {
  /** The finding ID prefix: `AiGovernance-<rule>`. */
  readonly rule: string;
  readonly level: 'error' | 'warning';
  /** The logical ID of the resource judged (`Stack/LogicalId` when in another stack). */
  readonly resource: string;
  readonly status: RuleStatus;
  /** What the rule found, with the acknowledgement's reason when there is one. */
  readonly detail: string;
}

/** One control of one endpoint. */
export interface ControlResult {
  readonly id: string;
  readonly status: ControlStatus;
  /** What the rules found or found missing. */
  readonly detail: string;
  /** Logical IDs of the resources that implement it (`Stack/LogicalId` when in another stack). */
  readonly resources: string[];
  readonly reference: string;
  /** What the template must contain (from the control catalogue). */
  readonly requirement: string;
  /** The rules that judge it (from the control catalogue): `AiGovernance-<rule>`. */
  readonly rules: string[];
  /** Every result of the rules that judge the control. */
  readonly results: RuleResult[];
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
  /** The stack's name; for a nested stack (named only at deploy) its construct path. */
  readonly stack: string;
  readonly logicalId: string;
  readonly owner: string;
  readonly purpose: string;
  readonly riskTier: string;
  readonly controls: ControlResult[];
  readonly readiness: ReadinessItem[];
}

/** The statuses a deployment-readiness item accepts: the control is there, or its absence is an acknowledged decision. */
const READY: readonly ControlStatus[] = ['present', 'acknowledged'];

/** The rules of the pack by name. */
const RULES = new Map(AI_GOVERNANCE_RULES.map((r) => [r.name, r]));

/** One endpoint's controls (in catalogue order), each shown as the results of its rules, and its readiness. */
export function assessEndpoint(endpoint: IndexedResource, ctx: GovernanceContext): EndpointEntry {
  const controls = CONTROLS.map((c) => viewControl(c, endpoint, ctx));
  const tags = ctx.tags(endpoint) ?? new Map<string, unknown>();
  const text = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : flatten(v));
  const owner = text(tags.get(ctx.settings.ownerTagKey));
  const purpose = text(tags.get(ctx.settings.purposeTagKey));
  const status = (id: string) => controls.find((c) => c.id === id);
  const ready = (...ids: string[]) => ids.every((id) => READY.includes(status(id)?.status ?? 'not-applicable'));
  const why = (...ids: string[]) => ids.map((id) => status(id)?.detail ?? `${id} is not in the catalogue`).join('; ');
  return {
    path: endpoint.node.node.path,
    stack: stackLabel(endpoint.stack),
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
        ready: ready('INFERENCE-AUDIT', 'RETENTION'),
        detail: `${purpose.trim() === '' ? 'no purpose stated; ' : `purpose "${purpose}"; `}${why('INFERENCE-AUDIT', 'RETENTION')}`,
      },
    ],
  };
}

/**
 * Verdicts already reached in one report, by context, rule and resource. Endpoints share resources (the foundation's
 * key, evidence bucket and topic; a stack's enforcer): each is judged once per rule, whatever the number of endpoints.
 */
const verdicts = new WeakMap<GovernanceContext, Map<GovernanceRule, Map<IndexedResource, Assessment>>>();

function assessOnce(rule: GovernanceRule, subject: IndexedResource, ctx: GovernanceContext): Assessment {
  let byRule = verdicts.get(ctx);
  if (byRule === undefined) {
    byRule = new Map();
    verdicts.set(ctx, byRule);
  }
  let byResource = byRule.get(rule);
  if (byResource === undefined) {
    byResource = new Map();
    byRule.set(rule, byResource);
  }
  let assessment = byResource.get(subject);
  if (assessment === undefined) {
    assessment = rule.assess(subject.node, ctx);
    byResource.set(subject, assessment);
  }
  return assessment;
}

/** A stack's name as a reviewer finds it: a nested stack's name is only known at deploy, so its path stands in. */
function stackLabel(stack: Stack): string {
  return stack.nested ? stack.node.path : stack.stackName;
}

/** A rule's results on the resources of the endpoint's deployment it judges, with their evidence. */
interface Judged {
  readonly result: RuleResult;
  readonly evidence: IndexedResource[];
}

function viewControl(control: ControlDefinition, endpoint: IndexedResource, ctx: GovernanceContext): ControlResult {
  const rules = control.rules.map((name) => {
    const rule = RULES.get(name);
    if (rule === undefined) {
      throw new Error(`Control ${control.id} names rule ${name}, which the ${AiGovernanceChecks.PACK_NAME} pack does not have`);
    }
    return rule;
  });
  const judged = rules.flatMap((rule) => rule.subjects(endpoint, ctx).map((subject) => judge(rule, subject, endpoint, ctx)));
  const results = judged.map((j) => j.result);
  const status: ControlStatus = results.some((r) => r.status === 'non-compliant') ? 'absent'
    : results.some((r) => r.status === 'acknowledged') ? 'acknowledged'
      : results.some((r) => r.status === 'compliant') ? 'present' : 'not-applicable';
  // Findings first, then decisions, then what is there; what was not judged only when nothing was.
  const order: RuleStatus[] = ['non-compliant', 'acknowledged', 'compliant'];
  const shown = status === 'not-applicable' ? results : order.flatMap((s) => results.filter((r) => r.status === s));
  const detail = results.length === 0
    ? `nothing to judge in the app: no ${[...new Set(rules.map((r) => r.resource))].join(' or ')}`
    : summarize(shown);
  return {
    id: control.id,
    status,
    detail,
    resources: [...new Set(judged.flatMap((j) => j.evidence).map((r) => ctx.label(r, endpoint)))],
    reference: referenceText(control.references),
    requirement: control.requirement,
    rules: rules.map((r) => `${AiGovernanceChecks.PACK_NAME}-${r.name}`),
    results,
  };
}

/** Distinct details in order, each said once: `notifies 1 target (x8)` when rules found the same on eight resources. */
function summarize(results: RuleResult[]): string {
  const resources = new Map<string, Set<string>>();
  results.forEach((r) => resources.set(r.detail, (resources.get(r.detail) ?? new Set()).add(r.resource)));
  return [...resources].map(([d, on]) => (on.size > 1 ? `${d} (x${on.size})` : d)).join('; ');
}

/**
 * What the pack concludes about `subject` with `rule`: a non-compliance acknowledged on the resource or an ancestor
 * (the pack then reports nothing) is `acknowledged`, with the acknowledgement's reason.
 */
function judge(rule: GovernanceRule, subject: IndexedResource, endpoint: IndexedResource, ctx: GovernanceContext): Judged {
  const assessment = assessOnce(rule, subject, ctx);
  const base = {
    rule: `${AiGovernanceChecks.PACK_NAME}-${rule.name}`,
    level: rule.level === NagMessageLevel.WARN ? 'warning' as const : 'error' as const,
    resource: ctx.label(subject, endpoint),
  };
  if (assessment.compliance === NagRuleCompliance.COMPLIANT) {
    return { result: { ...base, status: 'compliant', detail: assessment.detail }, evidence: assessment.evidence };
  }
  if (assessment.compliance === NagRuleCompliance.NOT_APPLICABLE) {
    return { result: { ...base, status: 'not-applicable', detail: assessment.detail }, evidence: assessment.evidence };
  }
  const detail = base.level === 'warning' ? `${assessment.detail} (warning)` : assessment.detail;
  const reason = acknowledgementReason(subject.node, base.rule);
  return reason === undefined
    ? { result: { ...base, status: 'non-compliant', detail }, evidence: assessment.evidence }
    : { result: { ...base, status: 'acknowledged', detail: `${detail}; acknowledged: ${reason}` }, evidence: assessment.evidence };
}
