import { CfnParameter, CfnResource, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { governanceFindings, l1Endpoint, L1EndpointOptions, newStack, rulesOn } from '../kit';

const PACKAGE_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/3';

/** Whether the pack reports `rule` on the model of a plain L1 endpoint; `extra` adds resources to the stack. */
function reportedOnModel(rule: string, options: (stack: any) => L1EndpointOptions = () => ({}), extra: (stack: any) => void = () => {}): boolean {
  const stack = newStack();
  const { model } = l1Endpoint(stack, 'E', options(stack));
  extra(stack);
  return rulesOn(governanceFindings(stack), model).includes(rule);
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

describe('AiGovernance-ModelNetworkIsolation', () => {
  const rule = 'ModelNetworkIsolation';
  test('Noncompliance: network isolation not set', () => {
    expect(reportedOnModel(rule)).toBe(true);
  });
  test('Noncompliance: network isolation off', () => {
    expect(reportedOnModel(rule, () => ({ model: { enableNetworkIsolation: false } }))).toBe(true);
  });
  test('Compliance: network isolation on', () => {
    expect(reportedOnModel(rule, () => ({ model: { enableNetworkIsolation: true } }))).toBe(false);
  });
});

describe('AiGovernance-ModelExecutionRoleLeastPrivilege', () => {
  const rule = 'ModelExecutionRoleLeastPrivilege';
  test('Noncompliance: AmazonSageMakerFullAccess', () => {
    expect(reportedOnModel(rule)).toBe(true);
  });
  test('Noncompliance: a customer policy that grants a whole service', () => {
    expect(reportedOnModel(rule, (s) => ({ role: narrowRole(s, new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::artifacts/*'] })) }))).toBe(true);
  });
  test('Noncompliance: an inline default policy with Action "*"', () => {
    expect(reportedOnModel(rule, (s) => {
      const role = narrowRole(s);
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
      return { role };
    })).toBe(true);
  });
  test('Noncompliance: an Allow with NotAction', () => {
    expect(reportedOnModel(rule, (s) => ({ role: narrowRole(s, new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] })) }))).toBe(true);
  });
  test('Compliance: a customer-managed policy with named actions', () => {
    expect(reportedOnModel(rule, (s) => ({ role: narrowRole(s) }))).toBe(false);
  });
  test('Compliance: a role outside the app is not judged', () => {
    expect(reportedOnModel(rule, (s) => ({ role: iam.Role.fromRoleArn(s, 'Imported', 'arn:aws:iam::123456789012:role/model-role') }))).toBe(false);
  });
});

describe('AiGovernance-ModelApprovalGate', () => {
  const rule = 'ModelApprovalGate';
  const fromPackage = (arn: string) => () => ({ model: { primaryContainer: { modelPackageName: arn } } });
  test('Noncompliance: a model package without a gate', () => {
    expect(reportedOnModel(rule, fromPackage(PACKAGE_ARN))).toBe(true);
  });
  test('Noncompliance: the only gate checks another package', () => {
    expect(reportedOnModel(rule, fromPackage(PACKAGE_ARN), (s) => gate(s, 'Gate', PACKAGE_ARN.replace('/3', '/2')))).toBe(true);
  });
  test('Noncompliance: a package in Containers[] without a gate', () => {
    expect(reportedOnModel(rule, () => ({ model: { primaryContainer: undefined, containers: [{ modelPackageName: PACKAGE_ARN }] } }))).toBe(true);
  });
  test('Compliance: a gate checks the package', () => {
    expect(reportedOnModel(rule, fromPackage(PACKAGE_ARN), (s) => gate(s, 'Gate', PACKAGE_ARN))).toBe(false);
  });
  test('Compliance: a package given as a parameter and a gate on the same parameter', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'PackageArn').valueAsString;
    const { model } = l1Endpoint(stack, 'E', { model: { primaryContainer: { modelPackageName: arn } } });
    gate(stack, 'Gate', arn);
    expect(rulesOn(governanceFindings(stack), model)).not.toContain(rule);
  });
  test('Compliance: a model built from an image needs no gate', () => {
    expect(reportedOnModel(rule)).toBe(false);
  });
});
