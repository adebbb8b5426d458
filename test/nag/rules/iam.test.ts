import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { newStack, verdictOn } from '../kit';

const SAGEMAKER_ROLE = 'arn:aws:iam::123456789012:role/model-runner';
const passedToSageMaker = { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } };

/** A managed policy holding one statement, attached to a new role. */
function policyWith(statement: iam.PolicyStatement): iam.ManagedPolicy {
  const stack = newStack();
  const role = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
  return new iam.ManagedPolicy(stack, 'Policy', { statements: [statement], roles: [role] });
}

describe('GIVEN the rule AiGovernance-IamPassRoleScoped and an IAM policy', () => {
  const rule = 'IamPassRoleScoped';
  test('WHEN it passes any role THEN it is non-compliant', () => {
    expect(verdictOn(rule, policyWith(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'], conditions: passedToSageMaker })))).toBe('non-compliant');
  });
  test('WHEN it passes a named role to any service THEN it is non-compliant', () => {
    expect(verdictOn(rule, policyWith(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [SAGEMAKER_ROLE] })))).toBe('non-compliant');
  });
  test('WHEN iam:* on every role grants it THEN it is non-compliant', () => {
    expect(verdictOn(rule, policyWith(new iam.PolicyStatement({ actions: ['iam:*'], resources: ['arn:aws:iam::123456789012:role/*'] })))).toBe('non-compliant');
  });
  test('WHEN a role holds the grant in its inline default policy THEN the role is non-compliant', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
    expect(verdictOn(rule, role.node.findChild('DefaultPolicy'))).toBe('non-compliant');
  });
  test('WHEN an inline policy of the role itself grants it THEN the role is non-compliant', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Deployer', {
      assumedBy: new iam.AccountRootPrincipal(),
      inlinePolicies: { pass: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] })] }) },
    });
    expect(verdictOn(rule, role)).toBe('non-compliant');
  });
  test('WHEN CDK grantPassRole writes the grant (no service condition) THEN it is non-compliant', () => {
    const stack = newStack();
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    new iam.Role(stack, 'Model', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }).grantPassRole(deployer);
    expect(verdictOn(rule, deployer.node.findChild('DefaultPolicy'))).toBe('non-compliant');
  });
  test('WHEN it passes a named role to SageMaker only THEN it is compliant', () => {
    expect(verdictOn(rule, policyWith(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [SAGEMAKER_ROLE], conditions: passedToSageMaker })))).toBe('compliant');
  });
  test('WHEN it passes a role of the app by reference to SageMaker only THEN it is compliant', () => {
    const stack = newStack();
    const model = new iam.Role(stack, 'Model', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    const policy = new iam.ManagedPolicy(stack, 'Scoped', {
      roles: [deployer],
      statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [model.roleArn], conditions: passedToSageMaker })],
    });
    expect(verdictOn(rule, policy)).toBe('compliant');
  });
  test('WHEN it grants no iam:PassRole THEN it is not applicable', () => {
    expect(verdictOn(rule, policyWith(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::artifacts/*'] })))).toBe('not-applicable');
  });
  test('WHEN only a Deny names iam:PassRole THEN it is not applicable', () => {
    expect(verdictOn(rule, policyWith(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['iam:PassRole'], resources: ['*'] })))).toBe('not-applicable');
  });
  test('WHEN the policy document is a parameter-chosen import THEN it is not applicable', () => {
    const stack = newStack();
    const policy = new iam.CfnManagedPolicy(stack, 'Imported', { policyDocument: Fn.importValue(new CfnParameter(stack, 'Doc').valueAsString) });
    expect(verdictOn(rule, policy)).toBe('not-applicable');
  });
  test('WHEN it judges a resource that is not a policy or principal THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, new iam.CfnInstanceProfile(stack, 'Profile', { roles: ['r'] }))).toBe('not-applicable');
  });
});
