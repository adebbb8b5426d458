import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { coversAction, Statement, statementsOf } from '../policy-documents';
import { defineRule } from '../rule';

const HOLDER_TYPES: string[] = [ResourceTypes.POLICY, ResourceTypes.MANAGED_POLICY, ResourceTypes.ROLE, ResourceTypes.USER, ResourceTypes.GROUP];

/**
 * IAM policies pass roles only by name and only to a named service: every `Allow` statement that covers
 * `iam:PassRole` (also through `iam:*`, `*` or `NotAction`) lists its roles without wildcards and carries an
 * `iam:PassedToService` condition. Judges `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` documents and the inline
 * `Policies` of roles, users and groups; a document without such a statement is not applicable.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessIamPassRoleScoped(node: CfnResource, ctx: GovernanceContext): Assessment {
  const holder = ctx.entry(node);
  if (!HOLDER_TYPES.includes(holder.type)) {
    return verdict.notApplicable();
  }
  const grants = passRoleStatements(holder);
  if (grants === undefined) {
    return verdict.notApplicable('the policy document is a token', [holder]);
  }
  if (grants.length === 0) {
    return verdict.notApplicable('no iam:PassRole grant');
  }
  const gaps = new Set<string>();
  for (const s of grants) {
    if (s.resources.some((r) => typeof r === 'string' && r.includes('*'))) {
      gaps.add('iam:PassRole on a wildcard role');
    }
    const passedTo = Object.values(s.condition ?? {}).some((body) => body && typeof body === 'object' &&
      Object.keys(body).some((k) => k.toLowerCase() === 'iam:passedtoservice'));
    if (!passedTo) {
      gaps.add('iam:PassRole without an iam:PassedToService condition');
    }
  }
  if (gaps.size > 0) {
    return verdict.nonCompliant([...gaps].join('; '), [holder]);
  }
  return verdict.compliant('iam:PassRole names its roles and the service', [holder]);
}

/** The Allow statements of a holder's own documents that cover iam:PassRole; `undefined` when a document is a token. */
function passRoleStatements(holder: IndexedResource): Statement[] | undefined {
  const documents = holder.type === ResourceTypes.POLICY || holder.type === ResourceTypes.MANAGED_POLICY
    ? [holder.props.PolicyDocument]
    : isIntrinsic(holder.props.Policies) ? [holder.props.Policies] : asList(holder.props.Policies).map((p) => (p as any)?.PolicyDocument);
  if (documents.some(isIntrinsic)) {
    return undefined;
  }
  return documents.flatMap(statementsOf).filter((s) => s.effect === 'Allow' && coversAction(s, 'iam:PassRole'));
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'IAM policy granting iam:PassRole',
  info: () => 'The IAM policy lets a principal pass any role, or pass a role to any service - list the roles by ARN (no wildcard) and add ' +
    "a condition 'StringEquals: { \"iam:PassedToService\": \"<service>.amazonaws.com\" }'",
  explanation: 'A principal that may pass any role to any service can run code with permissions it does not hold itself, such as a ' +
    "model container or function under a stronger role. Naming the role and the service keeps each role's use to the job it was made for.",
  assess: assessIamPassRoleScoped,
  subjects: (_endpoint, ctx) => ctx.ofType(...HOLDER_TYPES).filter((r) => (passRoleStatements(r) ?? []).length > 0),
});
