import { CfnCondition, CfnParameter, CfnResource, Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { governanceFindings, l1Endpoint, L1EndpointOptions, newStack, rulesOn, Verdict, verdictOn } from '../kit';

const PACKAGE_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/3';

/** The verdict of `rule` on the model of a plain L1 endpoint; `extra` adds resources to the stack. */
function reportedOnModel(rule: string, options: (stack: any) => L1EndpointOptions = () => ({}), extra: (stack: any) => void = () => {}): Verdict {
  const stack = newStack();
  const { model } = l1Endpoint(stack, 'E', options(stack));
  extra(stack);
  return verdictOn(rule, model);
}

const narrowRole = (stack: any, statement = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::artifacts/model.tar.gz'] })) => {
  const role = new iam.Role(stack, 'Narrow', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const policy = new iam.ManagedPolicy(stack, 'NarrowPolicy', { statements: [statement], roles: [role] });
  if (statement.notActions.length > 0) {
    // The NotAction policy is the non-compliant input under test; CloudFormation validation warns about it too.
    Validations.of(policy).acknowledge({ id: 'CloudFormation-Validate::W2512', reason: 'the NotAction statement is the input this test gives the pack' });
  }
  return role;
};

const gate = (stack: any, id: string, arn: string) => new CfnResource(stack, id, { type: 'Custom::ModelApprovalGate', properties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:gate', ModelPackageArn: arn } });

describe('GIVEN the rule AiGovernance-ModelNetworkIsolation and an L1 model with', () => {
  const rule = 'ModelNetworkIsolation';
  test('WHEN network isolation not set THEN it is non-compliant', () => {
    expect(reportedOnModel(rule)).toBe('non-compliant');
  });
  test('WHEN network isolation off THEN it is non-compliant', () => {
    expect(reportedOnModel(rule, () => ({ model: { enableNetworkIsolation: false } }))).toBe('non-compliant');
  });
  test('WHEN network isolation on THEN it is compliant', () => {
    expect(reportedOnModel(rule, () => ({ model: { enableNetworkIsolation: true } }))).toBe('compliant');
  });
  test('WHEN isolation depends on a condition THEN it is not applicable', () => {
    expect(reportedOnModel(rule, (s) => {
      const isolated = new CfnCondition(s, 'Isolated', { expression: Fn.conditionEquals(new CfnParameter(s, 'Isolation').valueAsString, 'yes') });
      return { model: { enableNetworkIsolation: Fn.conditionIf(isolated.logicalId, true, false) } };
    })).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-ModelExecutionRoleLeastPrivilege and an L1 model with', () => {
  const rule = 'ModelExecutionRoleLeastPrivilege';
  test('WHEN AmazonSageMakerFullAccess THEN it is non-compliant', () => {
    expect(reportedOnModel(rule)).toBe('non-compliant');
  });
  test('WHEN a customer policy that grants a whole service THEN it is non-compliant', () => {
    expect(reportedOnModel(rule, (s) => ({ role: narrowRole(s, new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::artifacts/*'] })) }))).toBe('non-compliant');
  });
  test('WHEN an inline default policy with Action "*" THEN it is non-compliant', () => {
    expect(reportedOnModel(rule, (s) => {
      const role = narrowRole(s);
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
      return { role };
    })).toBe('non-compliant');
  });
  test('WHEN an Allow with NotAction THEN it is non-compliant', () => {
    expect(reportedOnModel(rule, (s) => ({ role: narrowRole(s, new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] })) }))).toBe('non-compliant');
  });
  test('WHEN a customer-managed policy with named actions THEN it is compliant', () => {
    expect(reportedOnModel(rule, (s) => ({ role: narrowRole(s) }))).toBe('compliant');
  });
  test('WHEN the role is outside the app THEN it is not applicable', () => {
    expect(reportedOnModel(rule, (s) => ({ role: iam.Role.fromRoleArn(s, 'Imported', 'arn:aws:iam::123456789012:role/model-role') }))).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-ModelApprovalGate and an L1 model with', () => {
  const rule = 'ModelApprovalGate';
  const fromPackage = (arn: string) => () => ({ model: { primaryContainer: { modelPackageName: arn } } });
  test('WHEN a model package without a gate THEN it is non-compliant', () => {
    expect(reportedOnModel(rule, fromPackage(PACKAGE_ARN))).toBe('non-compliant');
  });
  test('WHEN the only gate checks another package THEN it is non-compliant', () => {
    expect(reportedOnModel(rule, fromPackage(PACKAGE_ARN), (s) => gate(s, 'Gate', PACKAGE_ARN.replace('/3', '/2')))).toBe('non-compliant');
  });
  test('WHEN a package in Containers[] without a gate THEN it is non-compliant', () => {
    expect(reportedOnModel(rule, () => ({ model: { primaryContainer: undefined, containers: [{ modelPackageName: PACKAGE_ARN }] } }))).toBe('non-compliant');
  });
  test('WHEN a gate checks the package THEN it is compliant', () => {
    expect(reportedOnModel(rule, fromPackage(PACKAGE_ARN), (s) => gate(s, 'Gate', PACKAGE_ARN))).toBe('compliant');
  });
  test('WHEN a package given as a parameter and a gate on the same parameter THEN it is compliant', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'PackageArn').valueAsString;
    const { model } = l1Endpoint(stack, 'E', { model: { primaryContainer: { modelPackageName: arn } } });
    gate(stack, 'Gate', arn);
    expect(rulesOn(governanceFindings(stack), model)).not.toContain(rule);
  });
  test('WHEN the model is built from an image THEN it is not applicable: no gate is needed', () => {
    expect(reportedOnModel(rule)).toBe('not-applicable');
  });
});
