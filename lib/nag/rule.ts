import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { referenceText, ruleReferences } from '../policy/controls';
import { IndexedResource } from './app-index';
import { Assessment, GovernanceContext, GovernanceRuleSettings } from './governance-context';

/**
 * A rule of the AI governance pack, one per file under `rules/` (named after it): the check, its level and
 * texts, and which resources of an endpoint's deployment it judges. The pack applies `assess` to every resource;
 * the governance report applies it to the `subjects` of each endpoint and shows the results.
 */
export interface GovernanceRule {
  /** The rule name (the file name), the suffix of its finding ID: `AiGovernance-<name>`. */
  readonly name: string;
  readonly level: NagMessageLevel;
  /** What the rule judges, in a few words (`endpoint config`, `evidence bucket`). */
  readonly resource: string;
  /** What is wrong and what to add, for the settings in force; the pack appends the catalogue's references. */
  readonly info: (settings: GovernanceRuleSettings) => string;
  /** Why it matters. */
  readonly explanation: string;
  /** The verdict on one resource; `NOT_APPLICABLE` for resources the rule does not judge or cannot read. */
  readonly assess: (node: CfnResource, ctx: GovernanceContext) => Assessment;
  /** The resources of an endpoint's deployment the rule judges (what the report shows its results on). */
  readonly subjects: (endpoint: IndexedResource, ctx: GovernanceContext) => IndexedResource[];
}

/** A rule named after the file that defines it (`defineRule(__filename, ...)`), as cdk-nag names its rules. */
export function defineRule(file: string, rule: Omit<GovernanceRule, 'name'>): GovernanceRule {
  return { name: parse(file).name, ...rule };
}

/** The finding message of a rule: its info, then the references of the controls it judges. */
export function ruleMessage(rule: GovernanceRule, settings: GovernanceRuleSettings): string {
  const references = referenceText(ruleReferences(rule.name));
  return references === '' ? `${rule.info(settings)}.` : `${rule.info(settings)} (${references}).`;
}

/** Subjects shorthands: the parts of an endpoint's deployment that rules judge. */
export const endpointParts = {
  endpoint: (endpoint: IndexedResource): IndexedResource[] => [endpoint],
  config: (endpoint: IndexedResource, ctx: GovernanceContext): IndexedResource[] => {
    const config = ctx.configOf(endpoint);
    return config ? [config] : [];
  },
  models: (endpoint: IndexedResource, ctx: GovernanceContext): IndexedResource[] => {
    const config = ctx.configOf(endpoint);
    return config ? ctx.modelsOf(config) : [];
  },
  logGroups: (endpoint: IndexedResource, ctx: GovernanceContext): IndexedResource[] => ctx.logGroupsOf(endpoint),
  evidenceBuckets: (endpoint: IndexedResource, ctx: GovernanceContext): IndexedResource[] => {
    const config = ctx.configOf(endpoint);
    return config ? ctx.evidenceBucketsOf(config) : [];
  },
  alarms: (endpoint: IndexedResource, ctx: GovernanceContext): IndexedResource[] => ctx.alarmsWatching(endpoint),
};
