import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { FeatureKind, ProblemType } from '../../constructs/monitoring-options';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { GovernanceTags, RiskTier } from '../../lib/policy/governance';
import { AUTO_PAUSE_TAG_PREFIX } from '../../lib/policy/kill-switch-protocol';
import { MONITORING_CONFIG_TAG } from '../../lib/policy/monitoring-protocol';
import { endpointProps, newStack } from '../helpers/fixtures';
import { acknowledgements, compliancePacks, unacknowledgedFindings } from '../helpers/nag';

const ENDPOINT_NAME = 'fraud-scoring';

/** A GovernedEndpoint named ENDPOINT_NAME with `overrides`, alone in a fresh stack (whose foundation is named after it). */
function build(overrides: Partial<GovernedEndpointProps>) {
  const stack = newStack();
  const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps({ endpointName: ENDPOINT_NAME, ...overrides }));
  return { stack, endpoint };
}

/** The tags of the template's one SageMaker endpoint, as a map. */
function endpointTags(template: Template): Record<string, string> {
  const endpoints = Object.values(template.findResources('AWS::SageMaker::Endpoint')) as any[];
  expect(endpoints).toHaveLength(1);
  return Object.fromEntries(endpoints[0].Properties.Tags.map((t: any) => [t.Key, t.Value]));
}

/** The SSM parameter of the template named `name`. */
function parameterNamed(template: Template, name: string): any {
  const found = (Object.values(template.findResources('AWS::SSM::Parameter')) as any[]).filter((p) => p.Properties.Name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const monitoredWithAutoPauseAndGroundTruth: Partial<GovernedEndpointProps> = {
  monitoring: {
    features: [
      { name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 0 },
      { name: 'merchant_category', kind: FeatureKind.CATEGORICAL, csvIndex: 1 },
    ],
    autoPause: true,
    groundTruth: { problemType: ProblemType.REGRESSION, maximumMae: 2, labelDelay: Duration.hours(24) },
  },
};
const highWithRiskAcceptance: Partial<GovernedEndpointProps> = {
  monitoring: { riskAcceptance: 'scored offline against labels every week by the fraud team; reviewed in the model risk committee' },
};
const lowUnmonitored: Partial<GovernedEndpointProps> = {
  governance: { owner: 'fraud-ml@example.com', purpose: 'triage of manual reviews', riskTier: RiskTier.LOW },
  monitoring: undefined,
};

describe('GIVEN a GovernedEndpoint and its model monitoring', () => {
  describe.each([
    ['HIGH tier, monitored, with auto-pause and ground truth', monitoredWithAutoPauseAndGroundTruth, true],
    ['HIGH tier, not monitored under a risk acceptance', highWithRiskAcceptance, false],
    ['LOW tier, not monitored', lowUnmonitored, false],
  ])('WHEN it is %s', (_name, overrides, monitored) => {
    test('THEN AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1 and AiGovernance find nothing unacknowledged', () => {
      const { stack } = build(overrides);
      const findings = unacknowledgedFindings(stack, [...compliancePacks(), new AiGovernanceChecks()]);
      expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual([]);
    });

    test(`THEN it ${monitored ? 'has' : 'has no'} monitoring configuration, named by ${monitored ? 'a' : 'no'} governance:monitoring-config tag`, () => {
      const { stack, endpoint } = build(overrides);
      const template = Template.fromStack(stack);
      const tags = endpointTags(template);
      expect(endpoint.monitoring !== undefined).toBe(monitored);
      if (monitored) {
        // the tag names the endpoint's own configuration parameter, which the stack defines
        expect(endpoint.monitoring!.parameterName).toBe(`/governed-endpoint/${ENDPOINT_NAME}/monitoring`);
        expect(tags[MONITORING_CONFIG_TAG]).toBe(endpoint.monitoring!.parameterName);
        const parameter = parameterNamed(template, endpoint.monitoring!.parameterName);
        // AND the monitor may read it: it carries the foundation's name
        expect(parameter.Properties.Tags).toMatchObject({ [GovernanceTags.FOUNDATION]: 'TestStack' });
      } else {
        expect(tags[MONITORING_CONFIG_TAG]).toBeUndefined();
        expect((Object.values(template.findResources('AWS::SSM::Parameter')) as any[])
          .filter((p) => String(p.Properties.Name).endsWith('/monitoring'))).toEqual([]);
      }
      // AND every endpoint carries its review interval, monitored or not
      expect(tags[GovernanceTags.REVIEW_EVERY_DAYS]).toMatch(/^[1-9][0-9]*$/);
    });

    test('THEN its kill-switch parameter is tagged with the foundation\'s name, as the endpoint is', () => {
      const { stack, endpoint } = build(overrides);
      const template = Template.fromStack(stack);
      expect(endpoint.killSwitch.parameterName).toBe(`/governed-endpoint/${ENDPOINT_NAME}/kill-switch`);
      const parameter = parameterNamed(template, endpoint.killSwitch.parameterName);
      expect(parameter.Properties.Tags).toMatchObject({ [GovernanceTags.FOUNDATION]: 'TestStack' });
      expect(endpointTags(template)).toMatchObject({
        [GovernanceTags.FOUNDATION]: 'TestStack',
        'governance:kill-switch-parameter': endpoint.killSwitch.parameterName,
      });
    });
  });

  describe('WHEN it is monitored with auto-pause and ground truth', () => {
    test('THEN its data-drift and MAE alarms pause it through its kill switch, and its monitor alarms do not', () => {
      const { stack, endpoint } = build(monitoredWithAutoPauseAndGroundTruth);
      const template = Template.fromStack(stack);
      const alarms = template.findResources('AWS::CloudWatch::Alarm');
      const pausing = Object.entries(alarms)
        .filter(([, a]: [string, any]) => (a.Properties.Tags ?? []).some((t: any) => t.Key === `${AUTO_PAUSE_TAG_PREFIX}${ENDPOINT_NAME}`))
        .map(([id]) => id);
      expect(pausing).toEqual([expect.stringMatching(/^ScoringMonitoringDataDriftAlarm/), expect.stringMatching(/^ScoringMonitoringMaeAlarm/)]);
      for (const id of pausing) {
        expect(alarms[id].Properties.Tags).toEqual(expect.arrayContaining([{ Key: `${AUTO_PAUSE_TAG_PREFIX}${ENDPOINT_NAME}`, Value: endpoint.killSwitch.parameterName }]));
        expect(alarms[id].Properties.AlarmActions).toEqual(expect.arrayContaining([{ Ref: expect.stringMatching(/KillSwitchEnforcerAutoPauseTopic/) }]));
      }
      expect(endpoint.monitoring!.alarms).toHaveLength(4);
    });
  });

  describe('WHEN it is HIGH tier and not monitored under a risk acceptance', () => {
    test('THEN the endpoint acknowledges the model-monitoring rule with the owner and the risk acceptance as the reason', () => {
      const { stack } = build(highWithRiskAcceptance);
      const monitoringAcks = acknowledgements(stack).filter((a) => a.id === 'AiGovernance-EndpointModelMonitoring');
      expect(monitoringAcks).toEqual([{
        path: 'TestStack/Scoring/Endpoint',
        id: 'AiGovernance-EndpointModelMonitoring',
        reason: expect.stringMatching(/fraud-ml@example\.com.*scored offline against labels every week/),
      }]);
    });
  });

  describe('WHEN it is HIGH tier without monitoring and without a risk acceptance', () => {
    test('THEN it is refused, naming the monitoring prop', () => {
      expect(() => build({ monitoring: undefined })).toThrow(/- monitoring: received undefined; allowed: .*HIGH tier.*riskAcceptance/);
    });
  });
});
