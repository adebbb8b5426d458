import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { RiskTier } from '../../lib/policy/governance';
import { endpointProps } from '../helpers/fixtures';
import { compliancePacks, unacknowledgedFindings } from '../helpers/nag';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111111111111:governance-alerts';
const AUTO_PAUSE_ARN = 'arn:aws:sns:eu-west-1:111111111111:governance-auto-pause';
const ATTRS = { name: 'platform', encryptionKeyArn: KEY_ARN, evidenceBucketName: 'platform-evidence-bucket', alertTopicArn: TOPIC_ARN, objectLockEnabled: true, autoPauseTopicArn: AUTO_PAUSE_ARN };
const PREFIX = '/governed-endpoint/foundation/platform/';

/** The context key under which aws-cdk-lib caches an SSM parameter lookup (what `cdk synth` writes to cdk.context.json). */
function ssmContextKey(parameterName: string): string {
  return `ssm:account=${ENV.account}:parameterName=${parameterName}:region=${ENV.region}`;
}

/** A separate app whose context holds the values the CDK CLI would have read from the platform foundation's parameters. */
function modelAppWithContext(objectLock = 'true'): App {
  return new App({
    context: {
      [ssmContextKey(`${PREFIX}key-arn`)]: KEY_ARN,
      [ssmContextKey(`${PREFIX}evidence-bucket-name`)]: ATTRS.evidenceBucketName,
      [ssmContextKey(`${PREFIX}alert-topic-arn`)]: TOPIC_ARN,
      [ssmContextKey(`${PREFIX}object-lock`)]: objectLock,
      [ssmContextKey(`${PREFIX}auto-pause-topic-arn`)]: AUTO_PAUSE_ARN,
    },
  });
}

/** The key, bucket and topic an endpoint's template refers to, and what its stack creates of them. */
function usage(stack: Stack) {
  const t = Template.fromStack(stack);
  const json = JSON.stringify(t.toJSON());
  return {
    keys: Object.keys(t.findResources('AWS::KMS::Key')).length,
    buckets: Object.keys(t.findResources('AWS::S3::Bucket')).length,
    topics: Object.keys(t.findResources('AWS::SNS::Topic')).length,
    usesKey: json.includes('1234abcd-12ab-34cd-56ef-1234567890ab'),
    usesBucket: json.includes('platform-evidence-bucket'),
    usesTopic: json.includes(TOPIC_ARN),
  };
}

const IMPORTED_USAGE = { keys: 0, buckets: 0, topics: 0, usesKey: true, usesBucket: true, usesTopic: true };

describe('GIVEN a GovernanceFoundation in a platform stack', () => {
  test('WHEN it is synthesized THEN it publishes its key, bucket, Object Lock and topic as SSM String parameters under its name', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    new GovernanceFoundation(stack, 'Foundation', { name: 'platform' });
    const t = Template.fromStack(stack);
    for (const suffix of ['key-arn', 'evidence-bucket-name', 'object-lock', 'alert-topic-arn', 'auto-pause-topic-arn']) {
      t.hasResourceProperties('AWS::SSM::Parameter', { Name: `${PREFIX}${suffix}`, Type: 'String' });
    }
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: `${PREFIX}object-lock`, Value: 'true' });
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: `${PREFIX}key-arn`, Value: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) });
  });

  test('WHEN no name is given THEN the stack foundation takes the stack name and any other the stack name and its path', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    expect(GovernanceFoundation.of(stack).name).toBe('Platform');
    expect(new GovernanceFoundation(stack, 'Team A').name).toBe('Platform.Team-A');
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', { Name: '/governed-endpoint/foundation/Platform/key-arn' });
  });

  test('WHEN two foundations of one account and region take the same name THEN the second is refused with a props error', () => {
    const app = new App();
    new GovernanceFoundation(new Stack(app, 'PlatformA', { env: ENV }), 'Foundation', { name: 'platform' });
    const other = new Stack(app, 'PlatformB', { env: ENV });
    expect(() => new GovernanceFoundation(other, 'Foundation', { name: 'platform' }))
      .toThrow(/GovernanceFoundation at 'PlatformB\/Foundation' has invalid props:\n {2}- name: received "platform"; allowed: a name no other foundation/);
    expect(() => new GovernanceFoundation(new Stack(app, 'Elsewhere', { env: { ...ENV, region: 'us-east-1' } }), 'Foundation', { name: 'platform' })).not.toThrow();
  });

  test('WHEN endpoint stacks are added to the app THEN the foundation\'s stack template does not change', () => {
    // GIVEN the platform stack alone, then the same app with two endpoint stacks (and a nested one) that use its foundation
    const build = (endpointStacks: number) => {
      const app = new App();
      const platform = new Stack(app, 'Platform', { env: ENV });
      const foundation = new GovernanceFoundation(platform, 'Foundation', { name: 'platform' });
      for (let i = 0; i < endpointStacks; i++) {
        const models = new Stack(app, `Models${i}`, { env: ENV });
        const endpoint = new GovernedEndpoint(models, 'Scoring', endpointProps({ foundation, endpointName: `scoring-${i}`,
          governance: { owner: `team-${i}@example.com`, purpose: 'scoring', riskTier: i === 0 ? RiskTier.LOW : RiskTier.HIGH } }));
        endpoint.killSwitch.autoPauseOn(endpoint.alarms.serverErrorRate!);
      }
      return Template.fromStack(platform).toJSON();
    };
    const alone = build(0);
    // THEN the template is the same, exports aside (CloudFormation exports are how other stacks read its references)
    const withoutOutputs = ({ Outputs: _outputs, ...rest }: Record<string, unknown>) => rest;
    expect(withoutOutputs(build(2))).toEqual(withoutOutputs(alone));
    expect(withoutOutputs(build(5))).toEqual(withoutOutputs(alone));
  });

  test('WHEN the name is not one SSM name segment THEN one props error names it', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    expect(() => new GovernanceFoundation(stack, 'Foundation', { name: 'team/a' }))
      .toThrow(/name: received "team\/a"; allowed: 1 to 128 letters, digits and _ \. -/);
  });
});

describe('GIVEN an endpoint in a separate app that imports the platform foundation', () => {
  test('WHEN imported with fromAttributes THEN the endpoint uses exactly that key, bucket and topic, creates none, and warns of nothing', () => {
    const stack = new Stack(new App(), 'Models', { env: ENV });
    const foundation = GovernanceFoundation.fromAttributes(stack, 'Platform', ATTRS);
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation }));
    expect(endpoint.encryptionKey.keyArn).toBe(KEY_ARN);
    expect(endpoint.evidenceBucket.bucketName).toBe(ATTRS.evidenceBucketName);
    expect(endpoint.alarms.alertTopic.topicArn).toBe(TOPIC_ARN);
    expect(usage(stack)).toEqual(IMPORTED_USAGE);
    expect(stack.node.tryFindChild(GovernanceFoundation.STACK_SINGLETON_ID)).toBeUndefined();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('WHEN an endpoint uses an imported foundation THEN it gets no enforcer: it is tagged for the foundation\'s, and alarms pause it through the foundation\'s auto-pause topic', () => {
    const stack = new Stack(new App(), 'Models', { env: ENV });
    const foundation = GovernanceFoundation.fromAttributes(stack, 'Platform', ATTRS);
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation }));
    endpoint.killSwitch.autoPauseOn(endpoint.alarms.serverErrorRate!);
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::Lambda::Function'))).toEqual([]);
    t.hasResourceProperties('AWS::SageMaker::Endpoint', { Tags: Match.arrayWith([{ Key: 'governance:foundation', Value: 'platform' }]) });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.arrayWith([AUTO_PAUSE_ARN]) });
  });

  test('WHEN the foundation was imported without its auto-pause topic THEN autoPauseOn is refused, saying what is missing', () => {
    const stack = new Stack(new App(), 'Models', { env: ENV });
    const { autoPauseTopicArn: _omitted, ...attrs } = ATTRS;
    const foundation = GovernanceFoundation.fromAttributes(stack, 'Platform', attrs);
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation }));
    expect(() => endpoint.killSwitch.autoPauseOn(endpoint.alarms.serverErrorRate!)).toThrow(/was imported without one \(give KillSwitchEnforcer.fromAttributes an autoPauseTopicArn\)/);
  });

  test('WHEN the five packs review the platform stack and the endpoint stack THEN neither has an unacknowledged finding', () => {
    const platform = new Stack(new App(), 'Platform', { env: ENV });
    new GovernanceFoundation(platform, 'Foundation', { name: 'platform' });
    const models = new Stack(new App(), 'Models', { env: ENV });
    new GovernedEndpoint(models, 'Scoring', endpointProps({ foundation: GovernanceFoundation.fromAttributes(models, 'Platform', ATTRS) }));
    for (const stack of [platform, models]) {
      expect(unacknowledgedFindings(stack, [...compliancePacks(), new AiGovernanceChecks()])).toEqual([]);
    }
  });

  test('WHEN imported with fromLookup and the context holds the parameters THEN it resolves to the same key, bucket and topic', () => {
    const stack = new Stack(modelAppWithContext(), 'Models', { env: ENV });
    const foundation = GovernanceFoundation.fromLookup(stack, 'Platform', { name: 'platform' });
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation }));
    expect(foundation.encryptionKey.keyArn).toBe(KEY_ARN);
    expect(foundation.objectLockEnabled).toBe(true);
    expect(usage(stack)).toEqual(IMPORTED_USAGE);
  });

  test('WHEN the context does not hold the parameters yet THEN synth reports them as missing context for the CLI to read', () => {
    const app = new App();
    const stack = new Stack(app, 'Models', { env: ENV });
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation: GovernanceFoundation.fromLookup(stack, 'Platform', { name: 'platform' }) }));
    const missing = app.synth().manifest.missing ?? [];
    expect(missing.map((m) => m.key).sort()).toEqual(['alert-topic-arn', 'auto-pause-topic-arn', 'evidence-bucket-name', 'key-arn', 'object-lock']
      .map((s) => ssmContextKey(`${PREFIX}${s}`)).sort());
  });

  test('WHEN fromLookup is called in a stack without account and region THEN one props error says the env is needed', () => {
    const stack = new Stack(new App(), 'Models');
    expect(() => GovernanceFoundation.fromLookup(stack, 'Platform', { name: 'platform' }))
      .toThrow(/GovernanceFoundation\.fromLookup .*invalid props:\n {2}- scope: .*env: \{ account, region \}/);
  });

  test('WHEN the attributes are invalid THEN one props error names each of them', () => {
    const stack = new Stack(new App(), 'Models', { env: ENV });
    let message = '';
    try {
      GovernanceFoundation.fromAttributes(stack, 'Platform', {
        name: 'platform/one',
        encryptionKeyArn: 'arn:aws:kms:eu-west-1:111111111111:alias/governance',
        evidenceBucketName: 'Platform_Evidence',
        alertTopicArn: 'arn:aws:sqs:eu-west-1:111111111111:alerts',
        objectLockEnabled: 'yes' as unknown as boolean,
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^GovernanceFoundation\.fromAttributes at 'Models' has invalid props:/);
    expect(message).toContain('encryptionKeyArn: received "arn:aws:kms:eu-west-1:111111111111:alias/governance"; allowed: a KMS key ARN');
    expect(message).toContain('evidenceBucketName: received "Platform_Evidence"; allowed: an S3 bucket name');
    expect(message).toContain('alertTopicArn: received "arn:aws:sqs:eu-west-1:111111111111:alerts"; allowed: an SNS topic ARN');
    expect(message).toContain('objectLockEnabled: received "yes"; allowed: true or false');
    expect(message).toContain('name: received "platform/one"; allowed: 1 to 128 letters, digits and _ . -');
  });

  test('WHEN a looked-up parameter holds an invalid value THEN the props error names the parameter', () => {
    const stack = new Stack(modelAppWithContext('yes'), 'Models', { env: ENV });
    expect(() => GovernanceFoundation.fromLookup(stack, 'Platform', { name: 'platform' }))
      .toThrow(`${PREFIX}object-lock: received "yes"; allowed: true or false`);
  });

  test('WHEN a HIGH-tier endpoint uses an imported foundation without Object Lock THEN it is refused as with a local one', () => {
    const stack = new Stack(modelAppWithContext('false'), 'Models', { env: ENV });
    const foundation = GovernanceFoundation.fromLookup(stack, 'Platform', { name: 'platform' });
    expect(() => new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation, governance: { owner: 'ml@example.com', purpose: 'scoring', riskTier: RiskTier.HIGH } })))
      .toThrow(/foundation: received "a foundation with objectLock: false"; allowed: a foundation with Object Lock on for HIGH tier/);
    const low = new Stack(new App(), 'Low', { env: ENV });
    const unlocked = GovernanceFoundation.fromAttributes(low, 'Platform', { ...ATTRS, objectLockEnabled: false });
    expect(() => new GovernedEndpoint(low, 'Scoring', endpointProps({ foundation: unlocked, governance: { owner: 'ml@example.com', purpose: 'scoring', riskTier: RiskTier.LOW } })))
      .not.toThrow();
  });
});

describe('GIVEN an endpoint in a nested stack without a foundation of its own', () => {
  test('WHEN the nested stack creates its foundation on first use THEN it is named by the top-level stack and its path, and the app synthesizes', () => {
    const app = new App();
    const parent = new Stack(app, 'Platform');
    const nested = new NestedStack(parent, 'FraudModels');
    const endpoint = new GovernedEndpoint(nested, 'Scoring', endpointProps());
    expect(GovernanceFoundation.of(nested).name).toBe('Platform.FraudModels.GovernanceFoundation');
    expect(endpoint.killSwitch.foundationName).toBe('Platform.FraudModels.GovernanceFoundation');
    expect(() => app.synth()).not.toThrow();
  });
});
