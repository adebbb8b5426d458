import { App, CfnElement, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { ExampleStack } from '../../bin/example-stack';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import type { IGovernanceFoundation } from '../../constructs/governance-foundation-ref';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { RiskTier } from '../../lib/policy/governance';
import { endpointProps } from '../helpers/fixtures';
import { acknowledgements, compliancePacks, unacknowledgedFindings } from '../helpers/nag';

const packs = () => [...compliancePacks(), new AiGovernanceChecks()];

/** Two endpoints in `scope`, both on `foundation`. */
function twoEndpoints(scope: Stack, foundation: IGovernanceFoundation): void {
  for (const name of ['Scoring', 'Triage']) {
    new GovernedEndpoint(scope, name, endpointProps({
      foundation,
      governance: { owner: 'fraud-ml@example.com', purpose: `${scope.node.id} ${name}`, riskTier: RiskTier.HIGH },
    }));
  }
}

/** A foundation in its own stack, passed to endpoints in two other stacks. */
function foundationInItsOwnStack(): App {
  const app = new App();
  const foundation = new GovernanceFoundation(new Stack(app, 'Platform'), 'GovernanceFoundation');
  twoEndpoints(new Stack(app, 'FraudEndpoints'), foundation);
  twoEndpoints(new Stack(app, 'ClaimsEndpoints'), foundation);
  return app;
}

/** Two nested stacks of endpoints under the parent stack that holds the foundation. */
function nestedStacksUnderTheFoundation(): App {
  const app = new App();
  const parent = new Stack(app, 'Platform');
  const foundation = new GovernanceFoundation(parent, 'GovernanceFoundation');
  twoEndpoints(new NestedStack(parent, 'FraudEndpoints'), foundation);
  twoEndpoints(new NestedStack(parent, 'ClaimsEndpoints'), foundation);
  return app;
}

/** The same two endpoints in one stack with its own foundation (the layout before fleets). */
function oneStack(): App {
  const app = new App();
  const stack = new Stack(app, 'FraudEndpoints');
  twoEndpoints(stack, GovernanceFoundation.of(stack));
  return app;
}

/** A foundation stack and eight endpoint stacks, two of which import the foundation by its published attributes (as another app would). */
function eightStacks(): App {
  const app = new App();
  const platform = new Stack(app, 'Platform');
  const foundation = new GovernanceFoundation(platform, 'GovernanceFoundation', { name: 'ml-platform' });
  for (let i = 0; i < 8; i++) {
    const stack = new Stack(app, `Team${i}`);
    twoEndpoints(stack, i < 6 ? foundation : GovernanceFoundation.fromAttributes(stack, 'Platform', {
      name: 'ml-platform', encryptionKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      evidenceBucketName: 'ml-platform-evidence', alertTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts', objectLockEnabled: true,
    }));
  }
  return app;
}

/** The enforcer functions of every stack of `app`, nested stacks included. */
function enforcerFunctions(app: App): string[] {
  return app.node.findAll().filter((c) => c instanceof CfnFunction && /^Kill switch/.test(String(c.description))).map((c) => c.node.path);
}

const layouts: [string, () => App][] = [
  ['a foundation in its own stack passed to endpoints in two other stacks', foundationInItsOwnStack],
  ['two nested stacks of endpoints under the parent stack holding the foundation', nestedStacksUnderTheFoundation],
  ['one stack with its own foundation', oneStack],
  ['a foundation stack and eight endpoint stacks, two of them in another app that imports it', eightStacks],
];

describe.each(layouts)('GIVEN %s', (_name, build) => {
  test('WHEN the app synthesizes THEN CloudFormation validation raises no error', () => {
    const app = build();
    // the test context (cdk.json's) makes every error of aws-cdk-lib's built-in template validation fail synth
    expect(app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
    expect(() => app.synth()).not.toThrow();
  });

  test('WHEN the five packs run as the app\'s validation plugins, as `cdk synth` runs them THEN synth succeeds', () => {
    const app = build();
    Validations.of(app).addPlugins(...packs());
    expect(() => app.synth()).not.toThrow();
  });

  test('WHEN AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1 and AiGovernance review the whole app THEN there are zero unacknowledged findings', () => {
    expect(unacknowledgedFindings(build(), packs())).toEqual([]);
  });

  test('WHEN the app is built THEN it holds exactly one kill-switch enforcer function: its foundation\'s', () => {
    expect(enforcerFunctions(build())).toEqual([expect.stringMatching(/GovernanceFoundation\/KillSwitchEnforcer\/Function\/Function\/Resource$/)]);
  });

  test('WHEN the app synthesizes THEN every wildcard-resource acknowledgement names a reference of its own stack, once', () => {
    const app = build();
    app.synth();
    const ids = acknowledgements(app).filter((a) => a.id.startsWith('AwsSolutions-IAM5[')).map((a) => `${a.path} ${a.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    // two endpoints a stack: Resource::*, log streams and data capture each; one kill-switch enforcer a stack
    expect(ids.length).toBeGreaterThanOrEqual(7);
  });
});

describe('GIVEN endpoints in one stack with its own foundation', () => {
  test('WHEN the app synthesizes THEN the acknowledgements are recorded at construction with the IDs of local references, and synthesis adds none', () => {
    // GIVEN
    const app = oneStack();
    const stack = app.node.findChild('FraudEndpoints') as Stack;
    const bucket = GovernanceFoundation.of(stack).evidenceBucket.node.defaultChild as CfnElement;
    const killSwitchId = `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket)}.Arn>/kill-switch/*]`;
    // WHEN
    const before = acknowledgements(app);
    app.synth();
    // THEN
    expect(acknowledgements(app)).toEqual(before);
    expect(before.filter((a) => a.id === killSwitchId)).toEqual([expect.objectContaining({ path: expect.stringMatching(/^FraudEndpoints\/.*KillSwitchEnforcer[^/]*\/Function\/Policy\/Resource$/) })]);
    // AND each endpoint acknowledges its own capture prefix, and the foundation's model monitor the whole capture prefix it reads
    const capture = before.filter((a) => a.id.startsWith(`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket)}.Arn>/data-capture/`));
    expect(capture.filter((a) => /\/ExecutionRole\//.test(a.path))).toHaveLength(2);
    expect(capture.filter((a) => !/\/ExecutionRole\//.test(a.path))).toEqual([expect.objectContaining({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket)}.Arn>/data-capture/*]`,
      path: expect.stringMatching(/^FraudEndpoints\/GovernanceFoundation\/ModelMonitor\/Function\/Policy\/Resource$/),
    })]);
  });
});

test('GIVEN the example app WHEN it synthesizes THEN its acknowledgements are exactly those recorded at construction, so its governance report lists the same ones', () => {
  // GIVEN
  const app = new App();
  new ExampleStack(app, 'GovernedEndpointExample');
  const atConstruction = acknowledgements(app);
  // WHEN
  app.synth();
  // THEN
  expect(acknowledgements(app)).toEqual(atConstruction);
  expect(atConstruction.filter((a) => /^AwsSolutions-IAM5\[Resource::<[^>]+\.Arn>\/(kill-switch|data-capture)\//.test(a.id)).length).toBeGreaterThanOrEqual(2);
});

describe('GIVEN endpoints whose foundation is in another stack', () => {
  test('WHEN the app synthesizes THEN each wildcard resource is acknowledged with the imported reference, not the foundation\'s local one', () => {
    // GIVEN
    const app = foundationInItsOwnStack();
    const platform = app.node.findChild('Platform') as Stack;
    const bucket = (platform.node.findChild('GovernanceFoundation') as GovernanceFoundation).evidenceBucket.node.defaultChild as CfnElement;
    // WHEN
    app.synth();
    // THEN
    const capture = acknowledgements(app).filter((a) => a.id.includes('/data-capture/') && /\/ExecutionRole\//.test(a.path));
    expect(capture).toHaveLength(4);
    expect(capture.filter((a) => a.id.includes(`<${platform.getLogicalId(bucket)}.Arn>`))).toEqual([]);
    expect(capture.every((a) => a.id.startsWith('AwsSolutions-IAM5[Resource::Platform:ExportsOutput'))).toBe(true);
    // AND the one enforcer, in the foundation's stack, acknowledges its snapshot prefix with the local reference
    const snapshots = acknowledgements(app).filter((a) => a.id.includes('/kill-switch/*'));
    expect(snapshots.map((a) => [a.path.split('/')[0], a.id])).toEqual([['Platform', `AwsSolutions-IAM5[Resource::<${platform.getLogicalId(bucket)}.Arn>/kill-switch/*]`]]);
    // AND so does the one model monitor, in the foundation's stack, for the capture prefix it reads
    const monitorCapture = acknowledgements(app).filter((a) => a.id.includes('/data-capture/') && !/\/ExecutionRole\//.test(a.path));
    expect(monitorCapture.map((a) => [a.path, a.id])).toEqual([
      ['Platform/GovernanceFoundation/ModelMonitor/Function/Policy/Resource', `AwsSolutions-IAM5[Resource::<${platform.getLogicalId(bucket)}.Arn>/data-capture/*]`],
    ]);
  });
});
