import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ObjectLockMode } from '../../constructs/evidence-store';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { isProductionVariantInstanceType } from '../../lib/policy/instance-types';
import { PRODUCTION_VARIANT_INSTANCE_TYPES } from '../../lib/policy/aws-limits';
import { endpointProps } from '../helpers/fixtures';

/** A valid but unusual input: built in a fresh app, it must be accepted, and the template must carry it as given. */
interface UnusualInput {
  readonly given: string;
  /** Props of an endpoint in stack `Models` of a fresh app (its own stack `Network` is there for VPCs). */
  readonly props: (app: App, stack: Stack) => Partial<GovernedEndpointProps>;
  /** What the template must then contain. */
  readonly expect?: (template: Template) => void;
}

const LOW = { owner: 'o@example.com', purpose: 'triage', riskTier: RiskTier.LOW };
const variantOf = (t: Template) => Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0].Properties.ProductionVariants[0];
const endpointOf = (t: Template) => Object.values(t.findResources('AWS::SageMaker::Endpoint'))[0].Properties;
const tagOf = (resource: any, key: string) => (resource.Tags as Array<{ Key: string; Value: unknown }>).find((tag) => tag.Key === key)?.Value;
/** A kill-switch parameter name the shared enforcer serves: `/governed-endpoint/` + `middle` + `/kill-switch` (31 characters and 2 levels more than `middle`). */
const switchName = (middle: string) => `/governed-endpoint/${middle}/kill-switch`;

const CASES: UnusualInput[] = [
  { given: 'the new instance family ml.p6-b200.48xlarge', props: () => ({ instanceType: 'ml.p6-b200.48xlarge' }),
    expect: (t) => expect(variantOf(t).InstanceType).toBe('ml.p6-b200.48xlarge') },
  { given: 'the Grace Blackwell type ml.p6e-gb200.36xlarge', props: () => ({ instanceType: 'ml.p6e-gb200.36xlarge' }),
    expect: (t) => expect(variantOf(t).InstanceType).toBe('ml.p6e-gb200.36xlarge') },
  { given: 'a Trainium2 type, ml.trn2.48xlarge', props: () => ({ instanceType: 'ml.trn2.48xlarge' }),
    expect: (t) => expect(variantOf(t).InstanceType).toBe('ml.trn2.48xlarge') },
  { given: 'a Graviton medium size, ml.c8g.medium', props: () => ({ governance: LOW, instanceType: 'ml.c8g.medium' }),
    expect: (t) => expect(variantOf(t).InstanceType).toBe('ml.c8g.medium') },
  { given: 'an endpoint name of exactly 63 characters made of hyphen groups', props: () => ({ endpointName: `a${'-b'.repeat(31)}` }),
    expect: (t) => expect(endpointOf(t).EndpointName).toBe(`a${'-b'.repeat(31)}`) },
  { given: 'an endpoint name of exactly 63 letters and digits, and a variant name of 63', props: () => ({ endpointName: `E${'9'.repeat(62)}`, variantName: 'v'.repeat(63) }),
    expect: (t) => expect(variantOf(t).VariantName).toBe('v'.repeat(63)) },
  { given: 'an owner of exactly 256 accented letters', props: () => ({ governance: { ...LOW, owner: 'é'.repeat(256) } }),
    expect: (t) => expect(tagOf(endpointOf(t), 'governance:owner')).toBe('é'.repeat(256)) },
  { given: 'an owner and purpose in other scripts, with every symbol tags allow', props: () => ({ governance: { ...LOW, owner: '信用スコア担当@example.com', purpose: 'Kreditwürdigkeit: Prüfung / Scoring + Betrug = ok_ja. 2024' } }),
    expect: (t) => expect(tagOf(endpointOf(t), 'governance:owner')).toBe('信用スコア担当@example.com') },
  { given: 'a purpose with a non-breaking space (a Unicode space separator)', props: () => ({ governance: { ...LOW, purpose: 'fraud\u00a0scoring' } }),
    expect: (t) => expect(tagOf(endpointOf(t), 'governance:purpose')).toBe('fraud\u00a0scoring') },
  { given: 'a kill-switch parameter name of exactly 256 characters', props: () => ({ killSwitch: { parameterName: switchName('k'.repeat(225)) } }),
    expect: (t) => expect(tagOf(endpointOf(t), 'governance:kill-switch-parameter')).toBe(switchName('k'.repeat(225))) },
  { given: 'a kill-switch parameter name with exactly 15 levels', props: () => ({ killSwitch: { parameterName: switchName(Array(13).fill('l').join('/')) } }),
    expect: (t) => t.hasResourceProperties('AWS::SSM::Parameter', { Name: switchName(Array(13).fill('l').join('/')) }) },
  { given: 'the longest log retention CloudWatch Logs offers', props: () => ({ logRetention: logs.RetentionDays.TEN_YEARS }),
    expect: (t) => t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3653 }) },
  { given: 'a log retention of thirteen months', props: () => ({ logRetention: logs.RetentionDays.THIRTEEN_MONTHS }),
    expect: (t) => t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 400 }) },
  { given: 'the largest instance count an API Integer holds', props: () => ({ initialInstanceCount: 2 ** 31 - 1 }),
    expect: (t) => expect(variantOf(t).InitialInstanceCount).toBe(2147483647) },
  { given: 'autoscaling up to the largest API Integer', props: () => ({ autoScaling: { maxCapacity: 2 ** 31 - 1, targetInvocationsPerInstance: 0.5 } }),
    expect: (t) => t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MaxCapacity: 2147483647 }) },
  { given: 'hourly zero-traffic periods over the full seven days', props: () => ({ alarms: { zeroTraffic: { period: Duration.hours(1), evaluationPeriods: 168, datapointsToAlarm: 168 } } }),
    expect: (t) => t.hasResourceProperties('AWS::CloudWatch::Alarm', { EvaluationPeriods: 168, Period: 3600 }) },
  { given: 'a seven-day alarm period written in hours', props: () => ({ alarms: { diskUtilization: { period: Duration.hours(168), evaluationPeriods: 1, datapointsToAlarm: 1 } } }),
    expect: (t) => t.hasResourceProperties('AWS::CloudWatch::Alarm', { Period: 604800 }) },
  { given: 'a foundation with COMPLIANCE-mode Object Lock and an expiration of whole days written in hours', props: (_app, stack) => ({
    foundation: new GovernanceFoundation(stack, 'Foundation', { objectLockMode: ObjectLockMode.COMPLIANCE, evidenceExpiration: Duration.hours(24 * 400) }),
  }), expect: (t) => t.hasResourceProperties('AWS::S3::Bucket', { ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } } }) },
  { given: 'deploy-time tokens for the endpoint name, instance type, instance count, parameter name and owner', props: (_app, stack) => ({
    endpointName: new CfnParameter(stack, 'Name').valueAsString,
    instanceType: new CfnParameter(stack, 'Type').valueAsString,
    initialInstanceCount: new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber,
    killSwitch: { parameterName: new CfnParameter(stack, 'Switch').valueAsString },
    governance: { owner: new CfnParameter(stack, 'Owner').valueAsString, purpose: 'p', riskTier: RiskTier.HIGH },
  }) },
  { given: 'a VPC whose models go in isolated subnets selected by type', props: (app) => {
    const vpc = new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'models', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    return { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } };
  }, expect: (t) => expect(Object.values(t.findResources('AWS::SageMaker::Model'))[0].Properties.VpcConfig.Subnets).toHaveLength(2) },
];

describe('valid but unusual input is accepted', () => {
  test.each(CASES)('GIVEN $given WHEN the endpoint is built THEN it is accepted as given', ({ props, expect: check }) => {
    const app = new App();
    const stack = new Stack(app, 'Models');
    expect(() => new GovernedEndpoint(stack, 'Scoring', endpointProps(props(app, stack)))).not.toThrow();
    check?.(Template.fromStack(stack));
  });

  test('GIVEN every value of ProductionVariantInstanceType WHEN checked THEN each is a known instance type', () => {
    expect(PRODUCTION_VARIANT_INSTANCE_TYPES.filter((t) => !isProductionVariantInstanceType(t))).toEqual([]);
    expect(PRODUCTION_VARIANT_INSTANCE_TYPES.length).toBeGreaterThan(200);
  });

  test('GIVEN stacks of one app in different regions WHEN they use the same kill-switch parameter name THEN both are accepted', () => {
    const app = new App();
    const props = endpointProps({ endpointName: 'fraud-scoring', killSwitch: { parameterName: '/governed-endpoint/ml/fraud/kill-switch' } });
    new GovernedEndpoint(new Stack(app, 'Ireland', { env: { region: 'eu-west-1' } }), 'Scoring', props);
    expect(() => new GovernedEndpoint(new Stack(app, 'Virginia', { env: { region: 'us-east-1' } }), 'Scoring', props)).not.toThrow();
  });

  test('the table holds at least 10 valid but unusual inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(10);
  });
});
