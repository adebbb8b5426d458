import { Duration } from 'aws-cdk-lib';
import { AutoScalingOptions } from '../../constructs/endpoint-autoscaling';
import { GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { synthEndpoint } from '../helpers/fixtures';

const LOW = { owner: 'triage-ml@example.com', purpose: 'ticket triage', riskTier: RiskTier.LOW };

function scaled(autoScaling: AutoScalingOptions, overrides: Partial<GovernedEndpointProps> = {}) {
  return synthEndpoint({ endpointName: 'fraud-scoring', autoScaling, ...overrides });
}

describe('GIVEN a GovernedEndpoint with autoScaling', () => {
  test('WHEN min and max are set THEN the variant\'s instance count is a scalable target between them', () => {
    const { template } = scaled({ minCapacity: 2, maxCapacity: 8, targetInvocationsPerInstance: 400 });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      ResourceId: 'endpoint/fraud-scoring/variant/primary',
      MinCapacity: 2,
      MaxCapacity: 8,
    });
  });

  test('WHEN only max and the target are set THEN it tracks SageMakerVariantInvocationsPerInstance with the default cooldowns', () => {
    const { template } = scaled({ maxCapacity: 8, targetInvocationsPerInstance: 400 });
    const targets = Object.keys(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: targets[0] },
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 400,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
        DisableScaleIn: false,
      },
    });
  });

  test('WHEN cooldowns and scale-in are set THEN the policy uses them', () => {
    const { template } = scaled({
      maxCapacity: 4, targetInvocationsPerInstance: 100, scaleInCooldown: Duration.minutes(15), scaleOutCooldown: Duration.seconds(30), disableScaleIn: true,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { ScaleInCooldown: 900, ScaleOutCooldown: 30, DisableScaleIn: true },
    });
  });

  test('WHEN no minimum is set THEN the minimum is the endpoint\'s initial instance count', () => {
    const { template } = scaled({ maxCapacity: 10, targetInvocationsPerInstance: 100 }, { initialInstanceCount: 3 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 10 });
  });

  test('WHEN it is deployed THEN the scalable target is registered after the endpoint exists', () => {
    const { template } = scaled({ maxCapacity: 4, targetInvocationsPerInstance: 100 });
    const endpoint = Object.keys(template.findResources('AWS::SageMaker::Endpoint'))[0];
    const target = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    expect(target.DependsOn).toContain(endpoint);
  });

  test('WHEN its IAM is read THEN it uses the service-linked role: no IAM role or policy is created for scaling', () => {
    const { template: plain } = synthEndpoint({ endpointName: 'fraud-scoring' });
    const { template } = scaled({ maxCapacity: 4, targetInvocationsPerInstance: 100 });
    const target = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    expect(target.Properties.RoleARN).toBeUndefined();
    for (const type of ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      expect(Object.keys(template.findResources(type)).length).toBe(Object.keys(plain.findResources(type)).length);
    }
  });

  test('WHEN the endpoint is read THEN it carries the autoscaling, tagged with its governance', () => {
    const { template, endpoint } = scaled({ maxCapacity: 4, targetInvocationsPerInstance: 100 });
    expect(endpoint.autoScaling?.maxCapacity).toBe(4);
    const target = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    expect(target.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'governance:owner', Value: 'fraud-ml@example.com' }]));
  });

  test('WHEN autoScaling is not set THEN there is no autoscaling', () => {
    const { template, endpoint } = synthEndpoint();
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(endpoint.autoScaling).toBeUndefined();
  });
});

describe('GIVEN autoScaling options AWS or the tier floors reject, WHEN the endpoint is built THEN the error names the prop and the allowed range', () => {
  test.each<[string, AutoScalingOptions, Partial<GovernedEndpointProps>, RegExp]>([
    ['a burstable instance type', { maxCapacity: 4, targetInvocationsPerInstance: 100 }, { governance: LOW, instanceType: 'ml.t2.medium' },
      /instanceType: received "ml\.t2\.medium"; allowed: a non-burstable instance type when autoScaling is set/],
    ['a minimum below the HIGH-tier floor', { minCapacity: 1, maxCapacity: 4, targetInvocationsPerInstance: 100 }, {},
      /autoScaling\.minCapacity: received 1; allowed: a whole number from 2 to/],
    ['a maximum below the minimum', { minCapacity: 3, maxCapacity: 2, targetInvocationsPerInstance: 100 }, { initialInstanceCount: 3 },
      /autoScaling\.maxCapacity: received 2; allowed: a whole number from 3 to/],
    ['a fractional maximum', { maxCapacity: 4.5, targetInvocationsPerInstance: 100 }, {},
      /autoScaling\.maxCapacity: received 4\.5; allowed: a whole number from 2 to/],
    ['an initial count outside min and max', { minCapacity: 2, maxCapacity: 3, targetInvocationsPerInstance: 100 }, { initialInstanceCount: 5 },
      /initialInstanceCount: received 5; allowed: a count within autoScaling\.minCapacity \(2\) and autoScaling\.maxCapacity \(3\)/],
    ['a target of zero requests', { maxCapacity: 4, targetInvocationsPerInstance: 0 }, {},
      /autoScaling\.targetInvocationsPerInstance: received 0; allowed: a number of requests per instance per minute greater than 0/],
    ['a cooldown in fractions of a second', { maxCapacity: 4, targetInvocationsPerInstance: 100, scaleOutCooldown: Duration.millis(1500) }, {},
      /autoScaling\.scaleOutCooldown: received "1\.5 seconds \(Duration\.millis\(1500\)\)"; allowed: a whole number of seconds from 0 to 2147483647/],
    ['a maximum beyond an API Integer', { maxCapacity: 2 ** 31, targetInvocationsPerInstance: 100 }, {},
      /autoScaling\.maxCapacity: received 2147483648; allowed: a whole number from 2 to 2147483647/],
    ['a cooldown beyond an API Integer of seconds', { maxCapacity: 4, targetInvocationsPerInstance: 100, scaleInCooldown: Duration.seconds(2 ** 31) }, {},
      /autoScaling\.scaleInCooldown: received "2147483648 seconds"; allowed: a whole number of seconds from 0 to 2147483647/],
    ['a minimum of zero on LOW tier', { minCapacity: 0, maxCapacity: 2, targetInvocationsPerInstance: 100 }, { governance: LOW },
      /autoScaling\.minCapacity: received 0; allowed: a whole number from 1 to/],
  ])('%s', (_name, autoScaling, overrides, message) => {
    expect(() => scaled(autoScaling, overrides)).toThrow(message);
  });
});
