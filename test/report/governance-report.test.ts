import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Template } from 'aws-cdk-lib/assertions';
import { NagPack } from 'cdk-nag';
import { DeploymentPolicy } from '../../constructs/deployment-policy';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelSource } from '../../constructs/model-source';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { ControlResult } from '../../lib/report/assess-endpoint';
import { GovernanceReport } from '../../lib/report/governance-report';
import { renderGovernanceReportMarkdown } from '../../lib/report/render-markdown';
import { GovernanceReportDocument } from '../../lib/report/report-document';
import { endpointProps } from '../helpers/fixtures';
import { acknowledgements, compliancePacks } from '../helpers/nag';
import { l1Endpoint } from '../nag/kit';

interface Synthesized {
  readonly stack: Stack;
  readonly template: Template;
  readonly json: GovernanceReportDocument;
  readonly markdown: string;
  readonly outdir: string;
}

/** An app with one GovernedEndpoint (or what `build` adds), the report over `packs`, synthesized into a fresh directory. */
function synthReport(build: (stack: Stack) => void = (s) => { new GovernedEndpoint(s, 'FraudScoring', endpointProps()); },
  packs: () => NagPack[] = () => [...compliancePacks(), new AiGovernanceChecks()]): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'governance-report-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Serving');
  build(stack);
  new GovernanceReport(app, 'GovernanceReport', { packs: packs() });
  const assembly = app.synth();
  return {
    stack,
    template: Template.fromStack(stack),
    json: JSON.parse(fs.readFileSync(path.join(assembly.directory, 'governance-report.json'), 'utf8')),
    markdown: fs.readFileSync(path.join(assembly.directory, 'governance-report.md'), 'utf8'),
    outdir: assembly.directory,
  };
}

const control = (json: GovernanceReportDocument, id: string): ControlResult => json.endpoints[0].controls.find((c) => c.id === id)!;

describe('GovernanceReport', () => {
  let governed: Synthesized;
  beforeAll(() => {
    governed = synthReport();
  });

  test('synth writes both files into the cloud assembly', () => {
    expect(fs.existsSync(path.join(governed.outdir, 'governance-report.json'))).toBe(true);
    expect(fs.existsSync(path.join(governed.outdir, 'governance-report.md'))).toBe(true);
  });

  test('the Markdown is the rendering of the JSON', () => {
    expect(governed.markdown).toEqual(renderGovernanceReportMarkdown(governed.json));
  });

  test('owner, purpose and tier are the tags of the endpoint in the template', () => {
    // GIVEN the endpoint as the template has it
    const [logicalId, endpoint] = Object.entries(governed.template.findResources('AWS::SageMaker::Endpoint'))[0] as [string, any];
    const tags = Object.fromEntries(endpoint.Properties.Tags.map((t: any) => [t.Key, t.Value]));
    // THEN the report names the same resource and the same owner, purpose and tier
    expect(governed.json.endpoints).toHaveLength(1);
    expect(governed.json.endpoints[0]).toMatchObject({
      logicalId,
      stack: 'Serving',
      owner: tags['governance:owner'],
      purpose: tags['governance:purpose'],
      riskTier: tags['governance:risk-tier'],
    });
  });

  test('every control of DESIGN.md §4 is listed once, with its reference', () => {
    expect(governed.json.endpoints[0].controls.map((c) => c.id)).toEqual([
      'OWNER', 'LEAST-PRIVILEGE', 'PASSROLE-SCOPED', 'ENCRYPTION', 'NETWORK', 'HA', 'STAGED-ROLLOUT', 'AUTO-ROLLBACK',
      'INFERENCE-AUDIT', 'RETENTION', 'IMMUTABLE-EVIDENCE', 'ALARMS', 'KILL-SWITCH', 'APPROVAL-GATE', 'EVIDENCE-SNAPSHOT',
    ]);
    for (const c of governed.json.endpoints[0].controls) {
      expect(c.reference).toMatch(/NIST|EU AI Act|AWS|CT\.|OMB|IAM|cdk-nag/);
    }
  });

  test('every logical ID the report names is a resource of the template', () => {
    const resources = governed.template.toJSON().Resources;
    const named = governed.json.endpoints[0].controls.flatMap((c) => c.resources);
    expect(named.length).toBeGreaterThan(10);
    for (const id of named) {
      expect({ id, exists: id in resources }).toEqual({ id, exists: true });
    }
  });

  test('the controls point at the resources that implement them in the template', () => {
    const resources = governed.template.toJSON().Resources;
    const typesOf = (id: string) => control(governed.json, id).resources.map((r) => resources[r].Type);
    // the model runs isolated, on two instances, with the data capture of the config
    const [model] = control(governed.json, 'NETWORK').resources;
    expect(resources[model]).toMatchObject({ Type: 'AWS::SageMaker::Model', Properties: { EnableNetworkIsolation: true } });
    const [config] = control(governed.json, 'HA').resources;
    expect(resources[config].Properties.ProductionVariants[0].InitialInstanceCount).toBe(2);
    expect(typesOf('INFERENCE-AUDIT')).toEqual(['AWS::SageMaker::EndpointConfig', 'AWS::S3::Bucket']);
    // the rollback alarms are exactly the ones the endpoint's DeploymentConfig names
    const endpoint = resources[governed.json.endpoints[0].logicalId];
    const rollbackRefs = endpoint.Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms.map((a: any) => a.AlarmName.Ref);
    expect(control(governed.json, 'AUTO-ROLLBACK').resources.slice(1).sort()).toEqual(rollbackRefs.sort());
    // every alarm it counts exists and has an action
    const alarms = control(governed.json, 'ALARMS').resources.filter((r) => resources[r].Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(rollbackRefs.length);
    for (const a of alarms) {
      expect(resources[a].Properties.AlarmActions.length).toBeGreaterThan(0);
    }
    // the log group it counts for retention keeps logs as long as the report says
    const [logGroup] = control(governed.json, 'RETENTION').resources;
    expect(control(governed.json, 'RETENTION').detail).toContain(`${resources[logGroup].Properties.RetentionInDays} days`);
  });

  test('the nag section lists each pack with its unacknowledged findings and every acknowledgement with its reason', () => {
    expect(governed.json.nag.map((p) => p.pack)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'AiGovernance']);
    // the four compliance packs are clean; their acknowledgements are the ones recorded on the tree
    const recorded = acknowledgements(governed.stack.node.root).map((a) => ({ rule: a.id, path: a.path, reason: a.reason }));
    const listed = governed.json.nag.flatMap((p) => p.acknowledgements);
    expect(listed).toEqual(expect.arrayContaining(recorded));
    expect(listed).toHaveLength(recorded.length);
    for (const p of governed.json.nag.slice(0, 4)) {
      expect({ pack: p.pack, errors: p.errors, warnings: p.warnings }).toEqual({ pack: p.pack, errors: 0, warnings: 0 });
    }
    // every acknowledgement reason reaches the Markdown
    for (const a of listed) {
      expect(governed.markdown).toContain(a.reason);
    }
  });

  test('the readiness checklist follows the controls', () => {
    const e = governed.json.endpoints[0];
    const status = (id: string) => ['present', 'acknowledged'].includes(e.controls.find((c) => c.id === id)!.status);
    expect(Object.fromEntries(e.readiness.map((r) => [r.item, r.ready]))).toEqual({
      'Owner named': status('OWNER'),
      'Monitoring ready': status('ALARMS'),
      'Pause path ready': status('KILL-SWITCH'),
      'Rollback ready': status('STAGED-ROLLOUT') && status('AUTO-ROLLBACK'),
      'Data rules documented': status('INFERENCE-AUDIT') && status('RETENTION'),
    });
    for (const r of e.readiness) {
      expect(governed.markdown).toContain(`- [${r.ready ? 'x' : ' '}] ${r.item}: `);
    }
  });

  test('the output is deterministic: two synths of the same app write the same bytes, with no timestamps', () => {
    const again = synthReport();
    expect(again.markdown).toEqual(governed.markdown);
    expect(JSON.stringify(again.json)).toEqual(JSON.stringify(governed.json));
    expect(governed.markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  test('a plain L1 endpoint is reported with the controls it lacks and nothing ready', () => {
    // GIVEN CfnModel + CfnEndpointConfig + CfnEndpoint with an AWS-managed role
    const plain = synthReport((s) => { l1Endpoint(s, 'Plain'); }, () => [new AiGovernanceChecks()]);
    const e = plain.json.endpoints[0];
    // THEN every readiness item is open, and the missing controls are absent
    expect(e.readiness.every((r) => !r.ready)).toBe(true);
    const absent = e.controls.filter((c) => c.status === 'absent').map((c) => c.id);
    expect(absent).toEqual(expect.arrayContaining(['OWNER', 'LEAST-PRIVILEGE', 'ENCRYPTION', 'NETWORK', 'HA', 'STAGED-ROLLOUT',
      'AUTO-ROLLBACK', 'INFERENCE-AUDIT', 'RETENTION', 'IMMUTABLE-EVIDENCE', 'ALARMS', 'KILL-SWITCH']));
    expect(control(plain.json, 'APPROVAL-GATE').status).toBe('not-applicable');
    // AND the pack's findings are listed for the reviewer
    expect(plain.json.nag[0].errors).toBe(8);
    expect(plain.markdown).toContain('`AiGovernance-EndpointStagedRollout` (error) at `Serving/PlainEndpoint`');
  });

  test('the files are new files of the assembly: CDK validation plugins run after and the synth passes', () => {
    // GIVEN the compliance packs registered as plugins and the report
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'governance-report-'));
    const app = new App({ outdir });
    new GovernedEndpoint(new Stack(app, 'Serving'), 'FraudScoring', endpointProps());
    const packs = compliancePacks();
    Validations.of(app).addPlugins(...packs);
    new GovernanceReport(app, 'Report', { packs, fileName: 'review' });
    // WHEN the app synthesizes THEN validation passes and the files are in the assembly
    const assembly = app.synth();
    expect(fs.readdirSync(assembly.directory)).toEqual(expect.arrayContaining(['review.json', 'review.md']));
  });

  test('a file name with a directory is rejected', () => {
    expect(() => new GovernanceReport(new App(), 'Report', { fileName: '../outside' }))
      .toThrow(/fileName: received "..\/outside"; allowed: 1 to 100 letters/);
  });
});

describe('GIVEN an opt-out the library acknowledges with its reason', () => {
  const REASON = 'Shadow deployment: the caller ignores the answers until the model risk review on 2025-03-01.';
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
    // AND the control says it is missing by a decision, and whose
    expect(control(json, id)).toMatchObject({ status: 'acknowledged', detail: expect.stringMatching(/acknowledged: .{40,}/) });
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
