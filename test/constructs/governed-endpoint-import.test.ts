import { App, Fn, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { IGovernedEndpoint } from '../../constructs/governed-endpoint-base';
import { allStatements, asArray, endpointProps } from '../helpers/fixtures';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const INVOKE = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'];
const PAUSED = { StringEquals: { 'aws:ResourceTag/governance:kill-switch': 'PAUSED' } };

/** A model stack with a GovernedEndpoint, and an application stack of the same app with a role to grant. */
function twoStacks(endpointName = 'fraud-scoring') {
  const app = new App();
  const modelStack = new Stack(app, 'ModelStack', { env: ENV });
  const endpoint = new GovernedEndpoint(modelStack, 'FraudScoring', endpointProps({ endpointName }));
  const appStack = new Stack(app, 'AppStack', { env: ENV });
  const role = new iam.Role(appStack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, modelStack, endpoint, appStack, role };
}

/** The statements on the invoke actions in a stack's template, with every ARN readable and the lists sorted. */
function invokeStatements(stack: Stack): { effect: string; actions: string[]; resources: string[]; condition?: unknown }[] {
  const arn = (r: unknown) => JSON.stringify(r).replace(/\{"Ref":"AWS::Partition"\}/g, '"aws"');
  return allStatements(Template.fromStack(stack))
    .filter((s) => asArray(s.Action).some((a: string) => a.startsWith('sagemaker:Invoke')))
    .map((s) => ({
      effect: s.Effect,
      actions: asArray<string>(s.Action).sort(),
      resources: asArray(s.Resource).map((r) => (typeof r === 'string' ? r : JSON.parse(arn(r))['Fn::Join'][1].join(''))).sort(),
      ...(s.Condition ? { condition: s.Condition } : {}),
    }));
}

describe('GIVEN an endpoint defined in another stack, imported by name with GovernedEndpoint.fromEndpointAttributes', () => {
  test('WHEN an application role is granted invoke THEN it may invoke that endpoint only, and is denied while the endpoint is paused', () => {
    const { appStack, role } = twoStacks();
    const imported = GovernedEndpoint.fromEndpointAttributes(appStack, 'FraudScoring', { endpointName: 'fraud-scoring' });

    const grant = imported.grantInvoke(role);

    expect(grant.success).toBe(true);
    const arn = 'arn:aws:sagemaker:eu-west-1:111111111111:endpoint/fraud-scoring';
    expect(invokeStatements(appStack)).toEqual([
      { effect: 'Allow', actions: INVOKE, resources: [arn] },
      { effect: 'Deny', actions: INVOKE, resources: [arn], condition: PAUSED },
    ]);
  });

  test('WHEN the application stack is synthesized THEN it refers to the endpoint by ARN, with no export or dependency on the model stack', () => {
    const { app, modelStack, appStack, role } = twoStacks();
    GovernedEndpoint.fromEndpointAttributes(appStack, 'FraudScoring', { endpointName: 'fraud-scoring' }).grantInvoke(role);

    const assembly = app.synth();

    expect(JSON.stringify(assembly.getStackByName(appStack.stackName).template)).not.toContain('Fn::ImportValue');
    expect(appStack.dependencies).not.toContain(modelStack);
  });

  test('WHEN the same role is granted invoke on the endpoint in its own stack THEN the statements are the same but for how the ARN is written', () => {
    // GIVEN the grant of an endpoint defined in the role's stack
    const app = new App();
    const stack = new Stack(app, 'OneStack', { env: ENV });
    const endpoint = new GovernedEndpoint(stack, 'FraudScoring', endpointProps({ endpointName: 'fraud-scoring' }));
    const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    endpoint.grantInvoke(role);
    // AND the grant of the same endpoint, imported by name
    const { appStack, role: appRole } = twoStacks();
    GovernedEndpoint.fromEndpointAttributes(appStack, 'FraudScoring', { endpointName: 'fraud-scoring' }).grantInvoke(appRole);

    // THEN both grant the same actions with the same effects and conditions
    const shape = (s: { resources: unknown[] }[]) => s.map((statement) => ({ ...statement, resources: statement.resources.length }));
    const own = allStatements(Template.fromStack(stack)).filter((s) => asArray(s.Action).includes('sagemaker:InvokeEndpoint'));
    expect(own.map((s) => s.Resource)).toEqual([{ Ref: stack.getLogicalId(endpoint.cfnEndpoint) }, { Ref: stack.getLogicalId(endpoint.cfnEndpoint) }]);
    expect(shape(own.map((s) => ({ effect: s.Effect, actions: asArray<string>(s.Action).sort(), resources: asArray(s.Resource),
      ...(s.Condition ? { condition: s.Condition } : {}) })))).toEqual(shape(invokeStatements(appStack)));
  });

  test('WHEN its metrics are read THEN they carry the endpoint and variant as dimensions, as the defined endpoint\'s do', () => {
    const { endpoint, appStack } = twoStacks();
    const imported = GovernedEndpoint.fromEndpointAttributes(appStack, 'FraudScoring', { endpointName: 'fraud-scoring' });
    const view = (m: { namespace: string; metricName: string; dimensions?: unknown; statistic: string; period: { toSeconds(): number } }) =>
      ({ namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, statistic: m.statistic, period: m.period.toSeconds() });

    expect(view(imported.metricInvocations())).toEqual({
      namespace: 'AWS/SageMaker', metricName: 'Invocations', dimensions: { EndpointName: 'fraud-scoring', VariantName: 'primary' }, statistic: 'Sum', period: 60,
    });
    expect(view(imported.metricCpuUtilization())).toEqual(expect.objectContaining({ namespace: '/aws/sagemaker/Endpoints', metricName: 'CPUUtilization' }));
    const all = (e: IGovernedEndpoint) => [
      e.metric('InvocationsPerInstance'), e.metricInvocations(), e.metricInvocationsPerInstance(), e.metricInvocation4XXErrors(),
      e.metricInvocation5XXErrors(), e.metricInvocationModelErrors(), e.metricModelLatency(), e.metricOverheadLatency(),
      e.metricCpuUtilization(), e.metricMemoryUtilization(), e.metricDiskUtilization(),
    ].map(view);
    expect(all(imported)).toEqual(all(endpoint));
  });

  test('WHEN a variant name is given THEN the metrics carry it', () => {
    const imported = GovernedEndpoint.fromEndpointAttributes(new Stack(), 'FraudScoring', { endpointName: 'fraud-scoring', variantName: 'blue' });
    expect(imported.variantName).toBe('blue');
    expect(imported.metricModelLatency({ statistic: 'p50' }).dimensions).toEqual({ EndpointName: 'fraud-scoring', VariantName: 'blue' });
  });
});

describe('GIVEN an endpoint name written with capitals', () => {
  test('WHEN it is imported THEN its ARN carries the name in lower case, as SageMaker writes it, and the metrics the name as written', () => {
    const stack = new Stack(new App(), 'AppStack', { env: ENV });
    const imported = GovernedEndpoint.fromEndpointAttributes(stack, 'FraudScoring', { endpointName: 'FraudScoring' });
    expect(stack.resolve(imported.endpointArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:111111111111:endpoint/fraudscoring']] });
    expect(imported.metricInvocations().dimensions).toEqual({ EndpointName: 'FraudScoring', VariantName: 'primary' });
  });

  test('WHEN a role is granted invoke THEN the Allow and the kill switch\'s Deny both name the ARN in lower case and as written', () => {
    // IAM compares ARNs case-sensitively: a Deny on one spelling only would let a request evaluated against the other through.
    const stack = new Stack(new App(), 'AppStack', { env: ENV });
    const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    GovernedEndpoint.fromEndpointAttributes(stack, 'FraudScoring', { endpointName: 'FraudScoring' }).grantInvoke(role);

    const both = ['arn:aws:sagemaker:eu-west-1:111111111111:endpoint/FraudScoring', 'arn:aws:sagemaker:eu-west-1:111111111111:endpoint/fraudscoring'];
    expect(invokeStatements(stack)).toEqual([
      { effect: 'Allow', actions: INVOKE, resources: both },
      { effect: 'Deny', actions: INVOKE, resources: both, condition: PAUSED },
    ]);
  });
});

describe('GIVEN an endpoint in another account and region, imported with its ARN', () => {
  const endpointArn = 'arn:aws:sagemaker:us-east-1:222222222222:endpoint/fraud-scoring';

  test('WHEN it is imported THEN it lives in the ARN\'s account and region, and the grant names that ARN', () => {
    const stack = new Stack(new App(), 'AppStack', { env: ENV });
    const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const imported = GovernedEndpoint.fromEndpointAttributes(stack, 'FraudScoring', { endpointName: 'fraud-scoring', endpointArn });

    imported.grantInvoke(role);

    expect(imported.env).toEqual({ account: '222222222222', region: 'us-east-1' });
    expect(invokeStatements(stack).map((s) => [s.effect, s.resources])).toEqual([['Allow', [endpointArn]], ['Deny', [endpointArn]]]);
  });

  test('WHEN the name has capitals THEN the grant names the given ARN and the ARN spelled as written', () => {
    const stack = new Stack(new App(), 'AppStack', { env: ENV });
    const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    GovernedEndpoint.fromEndpointAttributes(stack, 'FraudScoring', {
      endpointName: 'Fraud-Scoring', endpointArn,
    }).grantInvoke(role);
    expect(invokeStatements(stack).map((s) => s.resources)).toEqual([
      ['arn:aws:sagemaker:us-east-1:222222222222:endpoint/Fraud-Scoring', endpointArn],
      ['arn:aws:sagemaker:us-east-1:222222222222:endpoint/Fraud-Scoring', endpointArn],
    ]);
  });
});

describe('GIVEN attributes known only at deploy time', () => {
  test('WHEN the name is a token THEN it is not judged, and the ARN uses it as it is', () => {
    const stack = new Stack(new App(), 'AppStack', { env: ENV });
    const endpointName = Fn.importValue('FraudScoringEndpointName');
    const imported = GovernedEndpoint.fromEndpointAttributes(stack, 'FraudScoring', { endpointName });
    expect(JSON.stringify(stack.resolve(imported.endpointArn))).toContain('"Fn::ImportValue":"FraudScoringEndpointName"');
  });
});

describe('GIVEN invalid attributes', () => {
  const importInto = (stack: Stack, attrs: Record<string, unknown>) => () =>
    GovernedEndpoint.fromEndpointAttributes(stack, 'FraudScoring', attrs as never);

  test('WHEN the endpoint name is not a SageMaker name THEN the import fails naming the prop, the value and what is allowed', () => {
    const stack = new Stack(new App(), 'AppStack');
    expect(importInto(stack, { endpointName: 'fraud_scoring!' })).toThrow(
      "GovernedEndpoint.fromEndpointAttributes('FraudScoring') at 'AppStack' has invalid props:\n" +
      '  - endpointName: received "fraud_scoring!"; allowed: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit');
  });

  test('WHEN the endpoint name is missing THEN the import fails naming the prop', () => {
    expect(importInto(new Stack(), {})).toThrow(/endpointName: received undefined; allowed: the endpoint's name: 1 to 63 letters/);
  });

  test('WHEN the name, the variant and the ARN are all wrong THEN one error lists the three, and nothing is created', () => {
    const stack = new Stack(new App(), 'AppStack');
    const attempt = importInto(stack, {
      endpointName: '-fraud', variantName: 'x'.repeat(64), endpointArn: 'arn:aws:sagemaker:us-east-1:222222222222:model/fraud',
    });
    expect(attempt).toThrow(/endpointName: received "-fraud".*\n.*variantName: received "x{64}"; allowed: .*\(this one has 64\)\n.*endpointArn: received "arn:aws:sagemaker:us-east-1:222222222222:model\/fraud"/);
    expect(stack.node.tryFindChild('FraudScoring')).toBeUndefined();
  });

  test('WHEN the ARN names another endpoint, or spells the name with capitals, THEN the import fails saying the name SageMaker writes', () => {
    const stack = new Stack(new App(), 'AppStack');
    expect(importInto(stack, { endpointName: 'Fraud', endpointArn: 'arn:aws:sagemaker:us-east-1:222222222222:endpoint/Fraud' })).toThrow(
      /endpointArn: received ".*endpoint\/Fraud"; allowed: a SageMaker endpoint ARN, .*whose name is endpointName in lower case \('fraud'\), as SageMaker writes it/);
    expect(importInto(stack, { endpointName: 'fraud', endpointArn: 'arn:aws:sagemaker:us-east-1:222222222222:endpoint/other' })).toThrow(/endpointArn: received/);
  });

  test('WHEN the name is a token and the ARN is not a lower-case endpoint ARN THEN the import fails on the ARN alone', () => {
    const stack = new Stack(new App(), 'AppStack');
    const endpointName = Fn.importValue('FraudScoringEndpointName');
    for (const endpointArn of ['arn:aws:sagemaker:us-east-1:222222222222:endpoint/Fraud', 'arn:aws:sagemaker:::endpoint/fraud', 'arn:aws:sagemaker:us-east-1:222222222222:endpoint/a/b']) {
      expect(importInto(stack, { endpointName, endpointArn })).toThrow(
        /has invalid props:\n {2}- endpointArn: received ".*"; allowed: a SageMaker endpoint ARN, .*whose name is in lower case, as SageMaker writes it$/);
    }
    expect(importInto(stack, { endpointName, endpointArn: 'arn:aws:sagemaker:us-east-1:222222222222:endpoint/fraud' })).not.toThrow();
  });
});

describe('GIVEN a GovernedEndpoint, an IGovernedEndpoint like an imported one', () => {
  test('WHEN it is inspected THEN it is an L2 resource of its stack, in the stack\'s account and region', () => {
    const { modelStack, endpoint } = twoStacks();
    const asInterface: IGovernedEndpoint = endpoint;
    expect(Resource.isResource(asInterface)).toBe(true);
    expect(asInterface.stack).toBe(modelStack);
    expect(asInterface.env).toEqual(ENV);
  });

  test('WHEN a removal policy is applied to it as a whole THEN it refuses, naming the resources to apply one to', () => {
    const { endpoint } = twoStacks();
    expect(() => endpoint.applyRemovalPolicy(RemovalPolicy.DESTROY)).toThrow(
      "GovernedEndpoint at 'ModelStack/FraudScoring' takes no removal policy as a whole (received RemovalPolicy.DESTROY): its log group is retained " +
      'and its evidence kept by the retention control; apply one to cfnEndpoint, cfnEndpointConfig or cfnModel instead.');
  });
});
