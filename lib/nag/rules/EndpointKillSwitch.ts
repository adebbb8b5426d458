import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { INVOKE_ACTIONS } from '../../policy/kill-switch-protocol';
import { flatten, globMatch } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';
import { AttachedDocument, conditionValues, coversAction, coversEndpoint, Statement } from '../policy-documents';

/** The actions that invoke an endpoint; a pause must deny each one that is granted. */

const TAG_CONDITION_OPERATORS = ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'];

/**
 * SageMaker endpoints can be paused: an SSM kill-switch parameter of the app is associated with the
 * endpoint, and every principal of the app that may invoke the endpoint is denied while the endpoint
 * carries the pause tag.
 *
 * The parameter is associated when the endpoint's kill-switch-parameter tag names it (literal name or
 * `Ref`; the same key in the resource's `Metadata` or construct metadata also counts), or when the parameter's name, description or tags refer to the endpoint (a reference, or the
 * endpoint's literal name as a path segment of the parameter name). The pause deny is a `Deny` on the
 * granted `sagemaker:InvokeEndpoint*` actions for the endpoint with the condition
 * `StringEquals: { "aws:ResourceTag/<kill-switch tag>": "PAUSED" }`, in any policy that applies to the
 * same role, user or group. When no principal of the app may invoke the endpoint, only the parameter is
 * checked: grants made outside the app are outside the pack's sight (an organization SCP with the same
 * condition covers them).
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointKillSwitch(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const association = killSwitchParameters(endpoint, ctx);
  if (association === 'UNRESOLVED') {
    return verdict.notApplicable('the kill-switch parameter tag is a token', [endpoint]);
  }
  if (association.length === 0) {
    const tag = ctx.tags(endpoint)?.get(ctx.settings.killSwitchParameterTagKey);
    return verdict.nonCompliant(tag === undefined
      ? 'no SSM kill-switch parameter is associated with the endpoint'
      : `the kill-switch parameter ${flatten(tag)} is not an SSM parameter of the app`, [endpoint]);
  }

  const grants = invokeGrants(endpoint, ctx);
  if (grants.size === 0) {
    return verdict.compliant('kill-switch parameter; no principal in the app may invoke the endpoint', [...association]);
  }
  const unpaused: string[] = [];
  const denies: IndexedResource[] = [];
  for (const [principal, allowed] of grants) {
    const docs = ctx.policies.documentsOfKeys([principal]);
    const denied = new Set<string>();
    for (const doc of docs) {
      for (const s of doc.statements) {
        if (isPauseDeny(s, doc, endpoint, ctx)) {
          INVOKE_ACTIONS.filter((a) => coversAction(s, a)).forEach((a) => denied.add(a));
          denies.push(doc.holder);
        }
      }
    }
    if ([...allowed].some((a) => !denied.has(a))) {
      unpaused.push(principal.split('/').pop() ?? principal);
    }
  }
  if (unpaused.length > 0) {
    return verdict.nonCompliant(`invoke granted without the pause deny to ${unpaused.sort().join(', ')}`, [...association]);
  }
  return verdict.compliant(`kill-switch parameter; pause deny on ${grants.size} invoking principal${grants.size === 1 ? '' : 's'}`,
    [...association, ...new Set(denies)]);
}

/** The SSM parameters associated with an endpoint, or `UNRESOLVED` when its tag names one through a token. */
export function killSwitchParameters(endpoint: IndexedResource, ctx: GovernanceContext): IndexedResource[] | 'UNRESOLVED' {
  const parameters = ctx.ofType(ResourceTypes.SSM_PARAMETER);
  const tags = ctx.tags(endpoint);
  if (tags === undefined) {
    return 'UNRESOLVED';
  }
  const tag = tags.get(ctx.settings.killSwitchParameterTagKey) ?? associationMetadata(endpoint, ctx.settings.killSwitchParameterTagKey);
  if (typeof tag === 'string') {
    return parameters.filter((p) => p.props.Name === tag);
  }
  if (tag !== undefined) {
    const referenced = ctx.referencedBy(tag, endpoint).filter((r) => r.type === ResourceTypes.SSM_PARAMETER);
    return referenced.length > 0 ? referenced : 'UNRESOLVED';
  }
  const name = typeof endpoint.props.EndpointName === 'string' ? endpoint.props.EndpointName : undefined;
  return parameters.filter((p) =>
    [p.props.Name, p.props.Description, p.props.Tags].some((v) => v !== undefined && typeof v !== 'string' && ctx.refersTo(v, p, endpoint)) ||
    (name !== undefined && typeof p.props.Name === 'string' && p.props.Name.split('/').includes(name)));
}

/**
 * The parameter named in the endpoint's CloudFormation `Metadata` or construct metadata under the
 * association key, resolved in the endpoint's stack.
 */
function associationMetadata(endpoint: IndexedResource, key: string): unknown {
  const fromTemplate = endpoint.node.getMetadata(key);
  const fromTree = endpoint.node.node.metadata.find((m) => m.type === key)?.data;
  const value = fromTemplate ?? fromTree;
  return value === undefined ? undefined : endpoint.stack.resolve(value);
}

/** Principal key to the invoke actions it is allowed on the endpoint. */
function invokeGrants(endpoint: IndexedResource, ctx: GovernanceContext): Map<string, Set<string>> {
  const grants = new Map<string, Set<string>>();
  for (const doc of ctx.policies.documents) {
    for (const s of doc.statements) {
      if (s.effect !== 'Allow' || !coversEndpoint(ctx, doc.holder, s, endpoint)) {
        continue;
      }
      const actions = INVOKE_ACTIONS.filter((a) => coversAction(s, a));
      for (const principal of actions.length > 0 ? doc.principals : []) {
        const set = grants.get(principal) ?? new Set<string>();
        actions.forEach((a) => set.add(a));
        grants.set(principal, set);
      }
    }
  }
  return grants;
}

function isPauseDeny(s: Statement, doc: AttachedDocument, endpoint: IndexedResource, ctx: GovernanceContext): boolean {
  if (s.effect !== 'Deny' || !coversEndpoint(ctx, doc.holder, s, endpoint)) {
    return false;
  }
  const key = `aws:ResourceTag/${ctx.settings.killSwitchTagKey}`;
  return conditionValues(s, TAG_CONDITION_OPERATORS, key)
    .some((v) => typeof v === 'string' && globMatch(v, ctx.settings.pausedValue));
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: (s) => `The SageMaker endpoint cannot be paused - add an SSM kill-switch parameter and tag the endpoint '${s.killSwitchParameterTagKey}' ` +
    'with its name, and give every invoke grant a Deny on sagemaker:InvokeEndpoint* for the endpoint when ' +
    `'aws:ResourceTag/${s.killSwitchTagKey}' equals '${s.pausedValue}'`,
  explanation: 'Operators must be able to stop a misbehaving model at once without a deployment. The parameter is the switch; the ' +
    'tag-conditioned deny makes the pause effective for every caller in the app.',
  assess: assessEndpointKillSwitch,
  subjects: endpointParts.endpoint,
});

