import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { asList, isIntrinsic } from '../cfn-values';
import { IndexedResource, ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker models deployed from a model package (`PrimaryContainer.ModelPackageName` or
 * `Containers[].ModelPackageName`) are deployed only after an approval gate checks the package:
 * a `Custom::ModelApprovalGate` resource whose `ModelPackageArn` is that package. When the package
 * is a token the pack cannot compare, any gate in the model's stack counts.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessModelApprovalGate(node: CfnResource, ctx: GovernanceContext): Assessment {
  const model = ctx.entry(node);
  if (model.type !== ResourceTypes.MODEL) {
    return verdict.notApplicable();
  }
  if (isIntrinsic(model.props.PrimaryContainer) || isIntrinsic(model.props.Containers)) {
    return verdict.notApplicable('the containers are a token', [model]);
  }
  const packages = [model.props.PrimaryContainer, ...asList(model.props.Containers)]
    .map((c) => (c as any)?.ModelPackageName)
    .filter((p) => p !== undefined);
  if (packages.length === 0) {
    return verdict.notApplicable('the model does not come from a model package', [model]);
  }
  const gates = ctx.ofType(ResourceTypes.APPROVAL_GATE);
  const used = new Set<IndexedResource>();
  const ungated: unknown[] = [];
  for (const pkg of packages) {
    const matching = gates.filter((g) => checksPackage(g, pkg, model));
    if (matching.length === 0) {
      ungated.push(pkg);
    }
    matching.forEach((g) => used.add(g));
  }
  if (ungated.length > 0) {
    return verdict.nonCompliant(gates.length === 0 ? 'no approval gate in the app' : 'no approval gate checks this model package', [model]);
  }
  return verdict.compliant('an approval gate checks the model package', [model, ...used]);
}

/** Whether gate `g` checks package `pkg` of `model`. */
function checksPackage(g: IndexedResource, pkg: unknown, model: IndexedResource): boolean {
  const arn = g.props.ModelPackageArn;
  if (typeof pkg === 'string' && typeof arn === 'string') {
    // A package name matches the ARN of its latest or a versioned package.
    return arn === pkg || arn.endsWith(`:model-package/${pkg}`) || arn.includes(`:model-package/${pkg}/`);
  }
  if (JSON.stringify(pkg) === JSON.stringify(arn) && g.stack === model.stack) {
    return true;
  }
  // A token on either side cannot be compared: any gate in the model's stack counts.
  return g.stack === model.stack && (typeof pkg !== 'string' || typeof arn !== 'string');
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'model',
  info: () => "The SageMaker model is deployed from a model package without an approval gate - add a 'Custom::ModelApprovalGate' resource " +
    'with ModelPackageArn set to the package, so deployment fails unless the package is Approved',
  explanation: 'The model registry records who approved a model version; the gate makes the deployment depend on that approval instead of ' +
    'on whoever runs the pipeline.',
  assess: assessModelApprovalGate,
  subjects: endpointParts.models,
});
