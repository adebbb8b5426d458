import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, flatten } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';
import { wildcardActions } from '../policy-documents';

/**
 * SageMaker models run as an execution role of the app that has no AWS-managed policy and no policy
 * granting `*` or a whole service (`s3:*`), nor an Allow with `NotAction`. A role outside the app
 * (an imported ARN) cannot be inspected and is not judged.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessModelExecutionRoleLeastPrivilege(node: CfnResource, ctx: GovernanceContext): Assessment {
  const model = ctx.entry(node);
  if (model.type !== ResourceTypes.MODEL) {
    return verdict.notApplicable();
  }
  const role = executionRoleOf(model, ctx);
  if (role === undefined) {
    return verdict.notApplicable('the execution role is not defined in the app', [model]);
  }
  const problems: string[] = [];
  for (const arn of asList(role.props.ManagedPolicyArns)) {
    const flat = flatten(arn);
    if (flat.includes(':iam::aws:policy/')) {
      problems.push(`AWS-managed policy ${flat.split(':iam::aws:policy/')[1]}`);
    }
  }
  const documents = ctx.policies.documentsOf(role);
  for (const doc of documents) {
    for (const statement of doc.statements) {
      for (const action of wildcardActions(statement)) {
        problems.push(`${action === 'NotAction' ? 'an Allow with NotAction' : `action ${action}`} in ${doc.holder.logicalId}`);
      }
    }
  }
  const evidence = [model, role, ...new Set(documents.map((d) => d.holder).filter((h) => h !== role))];
  if (problems.length > 0) {
    return verdict.nonCompliant([...new Set(problems)].join('; '), evidence);
  }
  return verdict.compliant(`customer-managed permissions only (${documents.length} polic${documents.length === 1 ? 'y' : 'ies'})`, evidence);
}

/** The role a model runs as, when it is a role of the app. */
export function executionRoleOf(model: IndexedResource, ctx: GovernanceContext): IndexedResource | undefined {
  const arn = model.props.ExecutionRoleArn;
  const roles = ctx.ofType(ResourceTypes.ROLE);
  if (typeof arn === 'string') {
    const name = /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
    return roles.find((r) => name !== undefined && r.props.RoleName === name);
  }
  return ctx.referencedBy(arn, model).find((r) => r.type === ResourceTypes.ROLE);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'model',
  info: () => "The SageMaker model's execution role has AWS-managed policies or wildcard actions - replace them with a customer-managed " +
    "policy granting named actions on the model's own artifact, image repository, key and log group",
  explanation: 'AWS-managed policies such as AmazonSageMakerFullAccess let the model container read every bucket and manage every SageMaker ' +
    'resource in the account; a compromised or misbehaving model inherits all of it.',
  assess: assessModelExecutionRoleLeastPrivilege,
  subjects: endpointParts.models,
});
