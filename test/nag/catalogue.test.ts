import { App, Stack } from 'aws-cdk-lib';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { ruleMessage } from '../../lib/nag/rule';
import { AI_GOVERNANCE_RULES } from '../../lib/nag/rules';
import { ControlDefinition, CONTROLS, Framework, referenceText, ruleReferences } from '../../lib/policy/controls';
import { RiskTier, TIER_FLOORS } from '../../lib/policy/governance';
import { endpointProps } from '../helpers/fixtures';

const PACK_RULES = AI_GOVERNANCE_RULES.map((r) => r.name);

describe('GIVEN the control catalogue and the AiGovernance pack', () => {
  test('WHEN each control is read THEN it names at least one rule, and every rule it names is a rule of the pack', () => {
    for (const control of CONTROLS) {
      expect({ control: control.id, rules: control.rules.length > 0 }).toEqual({ control: control.id, rules: true });
      for (const rule of control.rules) {
        expect({ control: control.id, rule, inPack: PACK_RULES.includes(rule) }).toEqual({ control: control.id, rule, inPack: true });
      }
    }
  });

  test('WHEN each rule of the pack is read THEN some control names it', () => {
    const named = new Set(CONTROLS.flatMap((c) => c.rules));
    expect(PACK_RULES.filter((r) => !named.has(r))).toEqual([]);
  });

  test('WHEN the controls are listed THEN each ID is unique and each has a requirement and references', () => {
    expect(new Set(CONTROLS.map((c) => c.id)).size).toBe(CONTROLS.length);
    for (const c of CONTROLS) {
      expect({ id: c.id, requirement: c.requirement.length > 10, references: c.references.length > 0 })
        .toEqual({ id: c.id, requirement: true, references: true });
    }
  });

  test('WHEN a rule judges two controls THEN its references are both controls\' references, each framework once', () => {
    // EvidenceBucketEncrypted judges ENCRYPTION and IMMUTABLE-EVIDENCE
    const text = referenceText(ruleReferences('EvidenceBucketEncrypted'));
    expect(text).toBe('NIST SP 800-53 SC-28; cdk-nag NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured, ' +
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted, NIST.800.53.R5-S3DefaultEncryptionKMS; EU AI Act Art. 73(6); AWS Control Tower CT.S3.PR.*');
  });

  test('WHEN a catalogue entry changes THEN the rule messages follow it: the references are written once, in the catalogue', () => {
    jest.isolateModules(() => {
      // GIVEN the catalogue (a fresh copy of the module) with OWNER citing one more article
      const controls: typeof import('../../lib/policy/controls') = jest.requireActual('../../lib/policy/controls');
      const catalogue = controls.CONTROLS as ControlDefinition[];
      const i = catalogue.findIndex((c) => c.id === 'OWNER');
      catalogue[i] = { ...catalogue[i], references: [...catalogue[i].references, { framework: Framework.EU_AI_ACT, ids: ['Art. 13'] }] };
      // WHEN the pack's rules are loaded with it
      const rules: typeof import('../../lib/nag/rules') = jest.requireActual('../../lib/nag/rules');
      const rule: typeof import('../../lib/nag/rule') = jest.requireActual('../../lib/nag/rule');
      const ownership = rules.AI_GOVERNANCE_RULES.find((r) => r.name === 'EndpointOwnership')!;
      // THEN the message of the rule that judges OWNER cites it
      expect(rule.ruleMessage(ownership, new AiGovernanceChecks().settings)).toMatch(/\(NIST AI RMF GOVERN 2\.1; EU AI Act Art\. 26\(2\), Art\. 13\)\.$/);
    });
    // AND outside that module registry the real catalogue is untouched
    const ownership = AI_GOVERNANCE_RULES.find((r) => r.name === 'EndpointOwnership')!;
    expect(ruleMessage(ownership, new AiGovernanceChecks().settings)).toMatch(/\(NIST AI RMF GOVERN 2\.1; EU AI Act Art\. 26\(2\)\)\.$/);
  });
});

describe('GIVEN the tier floors of lib/policy', () => {
  test('WHEN the pack is built with its defaults THEN they are the floors GovernedEndpoint enforces, read from the same table', () => {
    expect(new AiGovernanceChecks().settings).toMatchObject({
      minimumSamplingPercentage: Math.min(TIER_FLOORS[RiskTier.LOW].minimumSamplingPercentage, TIER_FLOORS[RiskTier.MEDIUM].minimumSamplingPercentage),
      highRiskMinimumSamplingPercentage: TIER_FLOORS[RiskTier.HIGH].minimumSamplingPercentage,
      minimumLogRetentionDays: Math.min(...Object.values(TIER_FLOORS).map((f) => f.minimumLogRetentionDays)),
      minimumInstanceCount: Math.min(TIER_FLOORS[RiskTier.MEDIUM].minimumInstanceCount, TIER_FLOORS[RiskTier.HIGH].minimumInstanceCount),
    });
    // AND the floors are what README promises: 20% capture for LOW and MEDIUM, 100% for HIGH; two instances above LOW
    expect(new AiGovernanceChecks().settings).toMatchObject({ minimumSamplingPercentage: 20, highRiskMinimumSamplingPercentage: 100, minimumInstanceCount: 2 });
  });

  test('WHEN a floor changes in lib/policy THEN both the pack\'s default and the construct\'s floor change with it', () => {
    jest.isolateModules(() => {
      // GIVEN MEDIUM and HIGH raised to three instances, in the one table
      const policy: typeof import('../../lib/policy/governance') = jest.requireActual('../../lib/policy/governance');
      for (const tier of [policy.RiskTier.MEDIUM, policy.RiskTier.HIGH]) {
        (policy.TIER_FLOORS[tier] as { minimumInstanceCount: number }).minimumInstanceCount = 3;
      }
      const cdk: typeof import('aws-cdk-lib') = jest.requireActual('aws-cdk-lib');
      const { AiGovernanceChecks: Pack }: typeof import('../../lib/nag/ai-governance-checks') = jest.requireActual('../../lib/nag/ai-governance-checks');
      const { GovernedEndpoint: Endpoint }: typeof import('../../constructs/governed-endpoint') = jest.requireActual('../../constructs/governed-endpoint');
      const { endpointProps: props }: typeof import('../helpers/fixtures') = jest.requireActual('../helpers/fixtures');
      // THEN the pack's default follows
      expect(new Pack().settings.minimumInstanceCount).toBe(3);
      // AND GovernedEndpoint refuses two instances for MEDIUM tier
      const stack = new cdk.Stack(new cdk.App(), 'Raised');
      const governance = { owner: 'o@example.com', purpose: 'triage', riskTier: policy.RiskTier.MEDIUM };
      expect(() => new Endpoint(stack, 'Scoring', props({ governance, initialInstanceCount: 2 }))).toThrow(/initialInstanceCount: received 2/);
    });
    // AND with the real table the same endpoint is accepted and the pack's default is two
    const governance = { owner: 'o@example.com', purpose: 'triage', riskTier: RiskTier.MEDIUM };
    expect(() => new GovernedEndpoint(new Stack(new App(), 'Floor'), 'Scoring', endpointProps({ governance, initialInstanceCount: 2 }))).not.toThrow();
    expect(new AiGovernanceChecks().settings.minimumInstanceCount).toBe(2);
  });
});
