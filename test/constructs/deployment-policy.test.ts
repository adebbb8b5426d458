import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Capacity, DeploymentPolicy } from '../../constructs/deployment-policy';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelImage, ModelSource } from '../../constructs/model-source';
import { allStatements, asArray, endpointProps, newStack, synthEndpoint } from '../helpers/fixtures';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { acknowledgements, compliancePacks, unacknowledgedFindings } from '../helpers/nag';

const LOW = { owner: 'triage-ml@example.com', purpose: 'ticket triage', riskTier: RiskTier.LOW };
const MEDIUM = { owner: 'support-ml@example.com', purpose: 'reply ranking', riskTier: RiskTier.MEDIUM };

function deploymentConfig(overrides: Partial<GovernedEndpointProps> = {}): any {
  const { template } = synthEndpoint(overrides);
  const endpoints = Object.values(template.findResources('AWS::SageMaker::Endpoint')) as any[];
  expect(endpoints).toHaveLength(1);
  return endpoints[0].Properties.DeploymentConfig;
}

/** The logical IDs of the alarms whose names end with the given suffixes. */
function alarmRefs(template: Template, ...suffixes: string[]): { Ref: string }[] {
  const alarms = template.findResources('AWS::CloudWatch::Alarm');
  return suffixes.map((suffix) => {
    const id = Object.keys(alarms).find((k) => (alarms[k] as any).Properties.AlarmName.endsWith(`-${suffix}`));
    expect(id).toBeDefined();
    return { Ref: id! };
  });
}

const ROLLBACK = ['5xx-error-rate', '4xx-error-rate', 'model-latency-p99', 'model-errors'];

describe('DeploymentPolicy', () => {
  describe('defaults by tier', () => {
    test('HIGH: canary 10% with a 10-minute bake and a 10-minute final bake, rolled back by the error and latency alarms', () => {
      const { template } = synthEndpoint();
      template.hasResourceProperties('AWS::SageMaker::Endpoint', {
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600 },
            TerminationWaitInSeconds: 600,
            // planned bakes (20 minutes) plus an hour for provisioning
            MaximumExecutionTimeoutInSeconds: 4800,
          },
          AutoRollbackConfiguration: { Alarms: alarmRefs(template, ...ROLLBACK).map((ref) => ({ AlarmName: ref })) },
        },
      });
    });

    test('MEDIUM: canary 10% with 5-minute bakes', () => {
      expect(deploymentConfig({ governance: MEDIUM }).BlueGreenUpdatePolicy).toEqual({
        TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 300 },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 4200,
      });
    });

    test('LOW: all at once, baked 10 minutes before the old fleet goes', () => {
      expect(deploymentConfig({ governance: LOW }).BlueGreenUpdatePolicy).toEqual({
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
        TerminationWaitInSeconds: 600,
        MaximumExecutionTimeoutInSeconds: 4200,
      });
    });
  });

  test('canary renders the size, bake, final bake and timeout given', () => {
    const deployment = DeploymentPolicy.canary({
      canarySize: Capacity.instances(1), bakeTime: Duration.minutes(15), terminationWait: Duration.minutes(5), maximumExecutionTimeout: Duration.hours(2),
    });
    expect(deploymentConfig({ deployment, initialInstanceCount: 4 }).BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 }, WaitIntervalInSeconds: 900 },
      TerminationWaitInSeconds: 300,
      MaximumExecutionTimeoutInSeconds: 7200,
    });
  });

  test('linear renders the step size and bakes each of its steps', () => {
    const deployment = DeploymentPolicy.linear({ stepSize: Capacity.percent(25), bakeTime: Duration.minutes(4) });
    expect(deploymentConfig({ deployment }).BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 }, WaitIntervalInSeconds: 240 },
      TerminationWaitInSeconds: 240,
      // 4 steps x 4 minutes + 4 minutes final bake + 1 hour
      MaximumExecutionTimeoutInSeconds: 4800,
    });
  });

  test('rolling renders a RollingUpdatePolicy and no blue/green policy', () => {
    const deployment = DeploymentPolicy.rolling({ batchSize: Capacity.instances(1), rollbackBatchSize: Capacity.percent(100), bakeTime: Duration.minutes(3) });
    const config = deploymentConfig({ deployment, initialInstanceCount: 4 });
    expect(config.BlueGreenUpdatePolicy).toBeUndefined();
    expect(config.RollingUpdatePolicy).toEqual({
      MaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 1 },
      RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 },
      WaitIntervalInSeconds: 180,
      MaximumExecutionTimeoutInSeconds: 4320,
    });
    expect(config.AutoRollbackConfiguration.Alarms).toHaveLength(4);
  });

  test('all at once on HIGH tier is accepted only with a stated reason, which is recorded', () => {
    const stack = newStack();
    const deployment = DeploymentPolicy.allAtOnce({ riskAcceptance: 'stateless feature flag model; rollback drill signed off by risk' });
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ deployment }));
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' } } },
    });
    expect(endpoint.node.metadata.map((m) => [m.type, m.data])).toContainEqual(
      ['governed-model-endpoints:all-at-once-risk-acceptance', 'stateless feature flag model; rollback drill signed off by risk']);
  });

  test('the risk acceptance of all at once answers the AiGovernance staged-rollout rule on the endpoint', () => {
    // GIVEN a HIGH-tier endpoint that accepts all-at-once rollout with a reason
    const stack = new Stack(new App(), 'Accepted');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({
      deployment: DeploymentPolicy.allAtOnce({ riskAcceptance: 'stateless feature flag model; rollback drill signed off by risk' }),
    }));
    // THEN the project's own pack raises no unacknowledged staged-rollout finding
    const findings = unacknowledgedFindings(stack, [new AiGovernanceChecks()]);
    expect(findings.filter((f) => f.rule.includes('EndpointStagedRollout'))).toEqual([]);
    // AND the acknowledgement carries the reason, on the endpoint resource only
    expect(acknowledgements(stack).filter((a) => a.id === 'AiGovernance-EndpointStagedRollout')).toEqual([{
      path: 'Accepted/Scoring/Endpoint',
      id: 'AiGovernance-EndpointStagedRollout',
      reason: expect.stringContaining('stateless feature flag model; rollback drill signed off by risk'),
    }]);
  });

  test('without a risk acceptance, the AiGovernance staged-rollout rule passes on every staged default', () => {
    const stack = new Stack(new App(), 'Staged');
    new GovernedEndpoint(stack, 'Scoring', endpointProps());
    expect(unacknowledgedFindings(stack, [new AiGovernanceChecks()]).filter((f) => f.rule.includes('EndpointStagedRollout'))).toEqual([]);
    expect(acknowledgements(stack).some((a) => a.id === 'AiGovernance-EndpointStagedRollout')).toBe(false);
  });

  test('turned-off alarms leave the rollback list, and extra alarms join it', () => {
    // GIVEN the 4xx alarm off and one extra alarm of the user's
    const stack = newStack();
    const extra = cloudwatch.Alarm.fromAlarmArn(stack, 'Extra', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:business-kpi');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({
      alarms: { clientErrorRate: { enabled: false } },
      deployment: DeploymentPolicy.canary({ additionalRollbackAlarms: [extra] }),
    }));
    const template = Template.fromStack(stack);
    // THEN the endpoint rolls back on the three remaining error/latency alarms and the extra one
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        AutoRollbackConfiguration: {
          Alarms: [...alarmRefs(template, '5xx-error-rate', 'model-latency-p99', 'model-errors').map((ref) => ({ AlarmName: ref })), { AlarmName: 'business-kpi' }],
        },
      },
    });
  });

  test('the execution role may describe exactly the rollback alarms, which SageMaker reads during a deployment', () => {
    // GIVEN a default endpoint
    const { template } = synthEndpoint();
    // WHEN its execution role's statement that reads alarms is found (statements and resources may be merged and sorted)
    const read = allStatements(template).filter((st) => st.Sid === 'ReadRollbackAlarms');
    // THEN it allows DescribeAlarms on exactly the rollback alarms, in any order
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms' });
    const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sorted(asArray(read[0].Resource))).toEqual(sorted(alarmRefs(template, ...ROLLBACK).map((ref) => ({ 'Fn::GetAtt': [ref.Ref, 'Arn'] }))));
  });

  test('the variant name stays the same when the model changes, as blue/green deployments require', () => {
    // GIVEN the same endpoint synthesized with version 1 and then version 2 of the model image
    const variantFor = (tag: string) => {
      const stack = new Stack(new App(), 'Versioned');
      new GovernedEndpoint(stack, 'Scoring', endpointProps({
        model: ModelSource.fromArtifact({ image: ModelImage.fromUri(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-scoring:${tag}`) }),
      }));
      const template = Template.fromStack(stack);
      const image = (Object.values(template.findResources('AWS::SageMaker::Model'))[0] as any).Properties.PrimaryContainer.Image;
      const variant = (Object.values(template.findResources('AWS::SageMaker::EndpointConfig'))[0] as any).Properties.ProductionVariants[0].VariantName;
      return { image, variant };
    };
    const v1 = variantFor('1.4.2');
    const v2 = variantFor('1.5.0');
    // THEN the model differs and the variant name does not
    expect(v1.image).not.toEqual(v2.image);
    expect(v2.variant).toBe(v1.variant);
    expect(v1.variant).toBe('primary');
  });

  test('an Inf1 endpoint on all at once is warned that SageMaker applies no guardrails there', () => {
    const stack = newStack();
    new GovernedEndpoint(stack, 'Scoring', endpointProps({
      governance: LOW, instanceType: 'ml.inf1.xlarge', deployment: DeploymentPolicy.allAtOnce(),
    }));
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('does not apply deployment guardrails to Inf1'));
  });

  test('a linear plan whose bakes outlast the timeout is warned about', () => {
    const stack = newStack();
    new GovernedEndpoint(stack, 'Scoring', endpointProps({
      deployment: DeploymentPolicy.linear({ stepSize: Capacity.percent(10), bakeTime: Duration.minutes(30), maximumExecutionTimeout: Duration.hours(2) }),
    }));
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('will time out and roll back'));
  });

  test('plannedWaitSeconds adds every bake of a successful deployment', () => {
    expect(DeploymentPolicy.canary().plannedWaitSeconds()).toBe(1200);
    expect(DeploymentPolicy.linear({ stepSize: Capacity.percent(20), bakeTime: Duration.minutes(5) }).plannedWaitSeconds()).toBe(5 * 300 + 300);
    expect(DeploymentPolicy.rolling({ batchSize: Capacity.instances(2), bakeTime: Duration.minutes(5) }).plannedWaitSeconds(8)).toBe(4 * 300);
    expect(DeploymentPolicy.rolling({ batchSize: Capacity.instances(2) }).plannedWaitSeconds()).toBeUndefined();
  });
});

describe('DeploymentPolicy rejects what SageMaker would reject, naming the prop and the allowed range', () => {
  test.each<[string, Partial<GovernedEndpointProps>, RegExp]>([
    ['a canary above 50% of the fleet', { deployment: DeploymentPolicy.canary({ canarySize: Capacity.percent(60) }) },
      /deployment\.canarySize: received "60%"; allowed: at most 50% of the variant's instances/],
    ['a canary of 2 instances on a 2-instance fleet', { deployment: DeploymentPolicy.canary({ canarySize: Capacity.instances(2) }) },
      /deployment\.canarySize: received "2 instances \(100% of 2 instances\)"; allowed: at most 50%/],
    ['a linear step below 10%', { deployment: DeploymentPolicy.linear({ stepSize: Capacity.percent(5) }) },
      /deployment\.stepSize: received "5%"; allowed: 10% to 50% of the variant's instances/],
    ['a linear step above 50%', { deployment: DeploymentPolicy.linear({ stepSize: Capacity.percent(75) }) },
      /deployment\.stepSize: received "75%"; allowed: 10% to 50%/],
    ['a rolling batch below 5%', { deployment: DeploymentPolicy.rolling({ batchSize: Capacity.percent(4) }) },
      /deployment\.batchSize: received "4%"; allowed: 5% to 50% of the variant's instances/],
    ['a rolling batch of a whole 2-instance fleet', { deployment: DeploymentPolicy.rolling({ batchSize: Capacity.instances(2) }) },
      /deployment\.batchSize: received "2 instances \(100% of 2 instances\)"; allowed: 5% to 50%/],
    ['a rollback batch above the fleet', { deployment: DeploymentPolicy.rolling({ rollbackBatchSize: Capacity.instances(3) }) },
      /deployment\.rollbackBatchSize: received "3 instances \(150% of 2 instances\)"; allowed: at most 100%/],
    ['a fractional capacity', { deployment: DeploymentPolicy.canary({ canarySize: Capacity.percent(12.5) }) },
      /deployment\.canarySize: received "12\.5%"; allowed: a whole number from 1 to 2147483647/],
    ['a bake over an hour', { deployment: DeploymentPolicy.canary({ bakeTime: Duration.minutes(61) }) },
      /deployment\.bakeTime: received "3660 seconds \(Duration\.minutes\(61\)\)"; allowed: a whole number of seconds from 0 to 3600/],
    ['a termination wait over an hour', { deployment: DeploymentPolicy.linear({ terminationWait: Duration.hours(2) }) },
      /deployment\.terminationWait: received "7200 seconds \(Duration\.hours\(2\)\)"; allowed: a whole number of seconds from 0 to 3600/],
    ['an all-at-once bake over an hour', { governance: LOW, deployment: DeploymentPolicy.allAtOnce({ bakeTime: Duration.hours(2) }) },
      /deployment\.bakeTime: received "7200 seconds \(Duration\.hours\(2\)\)"; allowed: a whole number of seconds from 0 to 3600/],
    ['a timeout under 10 minutes', { deployment: DeploymentPolicy.canary({ bakeTime: Duration.minutes(1), terminationWait: Duration.minutes(1), maximumExecutionTimeout: Duration.minutes(5) }) },
      /deployment\.maximumExecutionTimeout: received "300 seconds \(Duration\.minutes\(5\)\)"; allowed: a whole number of seconds from 600 to 28800/],
    ['a timeout over 8 hours', { deployment: DeploymentPolicy.canary({ maximumExecutionTimeout: Duration.hours(9) }) },
      /deployment\.maximumExecutionTimeout: received "32400 seconds \(Duration\.hours\(9\)\)"; allowed: a whole number of seconds from 600 to 28800/],
    ['a timeout not above the waits', { deployment: DeploymentPolicy.canary({ bakeTime: Duration.minutes(30), terminationWait: Duration.minutes(30), maximumExecutionTimeout: Duration.hours(1) }) },
      /deployment\.maximumExecutionTimeout: received "3600 seconds"; allowed: more than the bake time plus the termination wait \(3600 seconds\)/],
    ['all at once on HIGH tier without a reason', { deployment: DeploymentPolicy.allAtOnce() },
      /deployment: received "DeploymentPolicy\.allAtOnce\(\) without riskAcceptance"; allowed: a staged rollout for HIGH tier/],
    ['all at once on MEDIUM tier without a reason', { governance: MEDIUM, deployment: DeploymentPolicy.allAtOnce() },
      /allowed: a staged rollout for MEDIUM tier/],
    ['a canary on Inf1, where SageMaker applies no guardrails', { instanceType: 'ml.inf1.xlarge' },
      /deployment: received "DeploymentPolicy\.canary on ml\.inf1\.xlarge"; allowed: DeploymentPolicy\.allAtOnce/],
    ['every rollback alarm turned off', {
      alarms: { serverErrorRate: { enabled: false }, clientErrorRate: { enabled: false }, modelLatency: { enabled: false }, modelErrors: { enabled: false } },
    }, /deployment\.additionalRollbackAlarms: received "0 rollback alarms in all"; allowed: from 1 to 10 rollback alarms/],
  ])('%s', (_name, overrides, message) => {
    expect(() => synthEndpoint(overrides)).toThrow(message);
  });

  test('more than 10 rollback alarms in all', () => {
    const stack = newStack();
    const extra = Array.from({ length: 7 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `Extra${i}`, `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:kpi-${i}`));
    expect(() => new GovernedEndpoint(stack, 'Scoring', endpointProps({ deployment: DeploymentPolicy.canary({ additionalRollbackAlarms: extra }) })))
      .toThrow(/deployment\.additionalRollbackAlarms: received "11 rollback alarms in all"; allowed: from 1 to 10/);
  });
});

describe('every deployment policy under AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1 and the AiGovernance pack', () => {
  const NONE = () => ({});
  test.each<[string, Partial<GovernedEndpointProps>, (stack: Stack) => Partial<GovernedEndpointProps>]>([
    ['canary (HIGH default)', {}, NONE],
    ['linear', { deployment: DeploymentPolicy.linear() }, NONE],
    ['rolling', { deployment: DeploymentPolicy.rolling({ batchSize: Capacity.percent(50) }) }, NONE],
    ['all at once (LOW default)', { governance: LOW }, NONE],
    ['all at once with a risk acceptance (HIGH)', { deployment: DeploymentPolicy.allAtOnce({ riskAcceptance: 'batch scoring replica, no live users' }) }, NONE],
    ['canary with autoscaling', { autoScaling: { maxCapacity: 6, targetInvocationsPerInstance: 300 } }, NONE],
    ['with e-mail subscriptions', { alarms: { emailSubscriptions: ['fraud-oncall@example.com'] } }, NONE],
    ['with its own alert topic (user key and bucket, no foundation)', {}, (stack: Stack) => ({
      encryptionKey: new kms.Key(stack, 'UserKey', { enableKeyRotation: true }),
      evidenceBucket: s3.Bucket.fromBucketName(stack, 'Evidence', 'existing-evidence'),
    })],
  ])('%s has zero unacknowledged findings', (_name, overrides, configure) => {
    const stack = new Stack(new App(), 'NagStack');
    new GovernedEndpoint(stack, 'Scoring', endpointProps({ ...overrides, ...configure(stack) }));
    expect(unacknowledgedFindings(stack, [...compliancePacks(), new AiGovernanceChecks()])).toEqual([]);
  });
});
