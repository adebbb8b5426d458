import { Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DeploymentPolicy } from '../../constructs/deployment-policy';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { ModelSource } from '../../constructs/model-source';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { RiskTier } from '../../lib/policy/governance';
import { ControlResult } from '../../lib/report/assess-endpoint';
import { GovernanceReportDocument } from '../../lib/report/report-document';
import { endpointProps } from '../helpers/fixtures';
import { governedL1Endpoint, l1Endpoint } from '../nag/kit';
import { control, synthReport } from './synth-report';

const REASON = 'Shadow deployment: the caller ignores the answers until the model risk review on 2025-03-01.';

/** The status the results of a control's rules give it, computed here independently of the report. */
function statusOf(c: ControlResult): string {
  const statuses = c.results.map((r) => r.status);
  return statuses.includes('non-compliant') ? 'absent' : statuses.includes('acknowledged') ? 'acknowledged'
    : statuses.includes('compliant') ? 'present' : 'not-applicable';
}

/** Every AiGovernance finding of the report as `<rule> <logical ID>` (top-level L1 constructs: the ID is the path's last part). */
function packFindings(json: GovernanceReportDocument): string[] {
  return json.nag.find((p) => p.pack === 'AiGovernance')!.findings.map((f) => `${f.rule} ${f.path.split('/').pop()}`).sort();
}

describe('GIVEN a plain L1 endpoint with nothing governed, reported with the AiGovernance pack', () => {
  let json: GovernanceReportDocument;
  let markdown: string;
  beforeAll(() => {
    ({ json, markdown } = synthReport((s) => { l1Endpoint(s, 'Plain'); }, () => [new AiGovernanceChecks()]));
  });

  test('WHEN the controls are read THEN the missing ones are absent and nothing is ready', () => {
    const e = json.endpoints[0];
    expect(e.readiness.every((r) => !r.ready)).toBe(true);
    expect(e.controls.filter((c) => c.status === 'absent').map((c) => c.id)).toEqual(['OWNER', 'LEAST-PRIVILEGE', 'ENCRYPTION', 'NETWORK', 'HA',
      'STAGED-ROLLOUT', 'AUTO-ROLLBACK', 'INFERENCE-AUDIT', 'RETENTION', 'ALARMS', 'KILL-SWITCH', 'EVIDENCE-SNAPSHOT', 'MODEL-MONITORING',
      'SCHEDULED-REVIEW']);
    // a model from an image needs no gate; no bucket receives data capture, and no policy passes roles: nothing to judge
    expect(control(json, 'APPROVAL-GATE')).toMatchObject({ status: 'not-applicable', detail: 'the model does not come from a model package' });
    expect(control(json, 'IMMUTABLE-EVIDENCE')).toMatchObject({ status: 'not-applicable', detail: 'nothing to judge in the app: no evidence bucket' });
    expect(control(json, 'PASSROLE-SCOPED')).toMatchObject({ status: 'not-applicable', detail: 'nothing to judge in the app: no IAM policy granting iam:PassRole' });
    // AND the pack's findings are listed for the reviewer
    expect(json.nag[0].errors).toBe(13);
    expect(markdown).toContain('`AiGovernance-EndpointStagedRollout` (error) at `Serving/PlainEndpoint`');
  });

  test('WHEN the results are compared with the pack THEN every non-compliant result is a finding of the pack, and every finding a result', () => {
    const results = json.endpoints[0].controls.flatMap((c) => c.results).filter((r) => r.status === 'non-compliant')
      .map((r) => `${r.rule} ${r.resource}`);
    expect([...new Set(results)].sort()).toEqual(packFindings(json));
  });

  test('WHEN each control is read THEN its status is what its rules\' results say, and its results come from the rules the catalogue names', () => {
    for (const c of json.endpoints[0].controls) {
      expect({ id: c.id, status: c.status }).toEqual({ id: c.id, status: statusOf(c) });
      for (const r of c.results) {
        expect({ id: c.id, rule: r.rule, named: c.rules.includes(r.rule) }).toEqual({ id: c.id, rule: r.rule, named: true });
      }
    }
  });
});

describe('GIVEN a plain L1 endpoint governed in every control', () => {
  test('WHEN it is reported THEN every control is present, except the approval gate its image model does not need', () => {
    const { json } = synthReport((s) => { governedL1Endpoint(s); }, () => [new AiGovernanceChecks()]);
    const e = json.endpoints[0];
    expect(e.controls.filter((c) => c.status !== 'present').map((c) => `${c.id} ${c.status}`)).toEqual(['PASSROLE-SCOPED not-applicable', 'APPROVAL-GATE not-applicable']);
    expect(e.readiness.filter((r) => !r.ready)).toEqual([]);
    expect(json.summary).toMatchObject({ unacknowledgedErrors: 0, unacknowledgedWarnings: 0, readyEndpoints: 1 });
  });
});

describe('GIVEN an opt-out the library acknowledges with its reason', () => {
  const withEndpoint = (overrides: Partial<GovernedEndpointProps>) => synthReport((s) => { new GovernedEndpoint(s, 'FraudScoring', endpointProps(overrides)); });
  const item = (json: GovernanceReportDocument, name: string) => json.endpoints[0].readiness.find((r) => r.item === name)!;

  test.each([
    ['HIGH tier rolled out all at once with a risk acceptance', { deployment: DeploymentPolicy.allAtOnce({ riskAcceptance: REASON }) }, 'STAGED-ROLLOUT', 'Rollback ready'],
    ['logs kept forever', { logRetention: logs.RetentionDays.INFINITE }, 'RETENTION', 'Data rules documented'],
    ['network isolation off with a reason', { networkIsolation: false, networkIsolationRiskAcceptance: REASON }, 'NETWORK', undefined],
    ['a registry model without the approval gate, MEDIUM tier, with a reason', {
      governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: RiskTier.MEDIUM },
      model: ModelSource.fromModelPackage({ modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/3' }),
      approvalGate: false, approvalGateRiskAcceptance: REASON,
    }, 'APPROVAL-GATE', undefined],
    ['LOW tier on one instance', { governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: RiskTier.LOW } }, 'HA', undefined],
  ] as [string, Partial<GovernedEndpointProps>, string, string | undefined][])('WHEN %s THEN the packs pass, the control is acknowledged with the reason, and the endpoint is ready', (_name, overrides, id, readiness) => {
    const { json, markdown } = withEndpoint(overrides);
    // THEN no pack reports anything
    expect(json.summary).toMatchObject({ unacknowledgedErrors: 0, unacknowledgedWarnings: 0, readyEndpoints: 1 });
    // AND the control says it is missing by a decision, and whose, on the rule's result
    expect(control(json, id)).toMatchObject({ status: 'acknowledged', detail: expect.stringMatching(/acknowledged: .{40,}/) });
    expect(control(json, id).results.filter((r) => r.status === 'acknowledged')).toEqual([expect.objectContaining({ detail: expect.stringMatching(/acknowledged: .{40,}/) })]);
    expect(markdown).toMatch(new RegExp(`\\| ${id} \\| acknowledged \\|`));
    // AND the readiness item the control belongs to is ticked, with the reason
    if (readiness) {
      expect(item(json, readiness)).toMatchObject({ ready: true, detail: expect.stringContaining('acknowledged: ') });
    }
  });

  test('WHEN the risk acceptance is the user\'s reason THEN the report quotes it', () => {
    const { json } = withEndpoint({ deployment: DeploymentPolicy.allAtOnce({ riskAcceptance: REASON }) });
    expect(control(json, 'STAGED-ROLLOUT').detail).toContain(REASON);
  });

  test('WHEN a plain L1 endpoint acknowledges a finding itself THEN the report follows the pack: acknowledged, not absent', () => {
    // GIVEN an ungoverned L1 endpoint whose owner acknowledges the all-at-once rollout on the endpoint
    const { json } = synthReport((s) => {
      const { endpoint } = l1Endpoint(s, 'Plain');
      Validations.of(endpoint).acknowledge({ id: 'AiGovernance-EndpointStagedRollout', reason: REASON });
    }, () => [new AiGovernanceChecks()]);
    // THEN that control is acknowledged and the others stay absent
    expect(control(json, 'STAGED-ROLLOUT')).toMatchObject({ status: 'acknowledged', detail: expect.stringContaining(REASON) });
    expect(control(json, 'AUTO-ROLLBACK').status).toBe('absent');
    expect(json.nag[0].findings.map((f) => f.rule)).not.toContain('AiGovernance-EndpointStagedRollout');
  });
});
