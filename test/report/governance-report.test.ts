import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { GovernanceReport } from '../../lib/report/governance-report';
import { renderGovernanceReportMarkdown } from '../../lib/report/render-markdown';
import { endpointProps } from '../helpers/fixtures';
import { acknowledgements, compliancePacks } from '../helpers/nag';
import { control, synthReport, Synthesized } from './synth-report';

describe('GIVEN an app with one GovernedEndpoint and the GovernanceReport over the five packs', () => {
  let governed: Synthesized;
  beforeAll(() => {
    governed = synthReport();
  });

  test('WHEN it synthesizes THEN both files are in the cloud assembly', () => {
    expect(fs.existsSync(path.join(governed.outdir, 'governance-report.json'))).toBe(true);
    expect(fs.existsSync(path.join(governed.outdir, 'governance-report.md'))).toBe(true);
  });

  test('WHEN the files are read THEN the Markdown is the rendering of the JSON', () => {
    expect(governed.markdown).toEqual(renderGovernanceReportMarkdown(governed.json));
  });

  test('WHEN the endpoint is read THEN its owner, purpose and tier are the tags of the endpoint in the template', () => {
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

  test('WHEN the controls are read THEN every control of the catalogue is listed once, in order, with its references', () => {
    expect(governed.json.endpoints[0].controls.map((c) => c.id)).toEqual([
      'OWNER', 'LEAST-PRIVILEGE', 'PASSROLE-SCOPED', 'ENCRYPTION', 'NETWORK', 'HA', 'STAGED-ROLLOUT', 'AUTO-ROLLBACK',
      'INFERENCE-AUDIT', 'RETENTION', 'IMMUTABLE-EVIDENCE', 'ALARMS', 'KILL-SWITCH', 'APPROVAL-GATE', 'EVIDENCE-SNAPSHOT', 'MODEL-MONITORING',
      'SCHEDULED-REVIEW',
    ]);
    for (const c of governed.json.endpoints[0].controls) {
      expect(c.reference).toMatch(/NIST|EU AI Act|AWS|OMB|IAM|cdk-nag/);
    }
  });

  test('WHEN the logical IDs are read THEN each is a resource of the template', () => {
    const resources = governed.template.toJSON().Resources;
    const named = governed.json.endpoints[0].controls.flatMap((c) => c.resources);
    expect(named.length).toBeGreaterThan(10);
    for (const id of named) {
      expect({ id, exists: id in resources }).toEqual({ id, exists: true });
    }
  });

  test('WHEN the controls are read THEN they point at the resources that implement them in the template', () => {
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

  test('WHEN the nag section is read THEN it lists each pack with its unacknowledged findings and every acknowledgement with its reason', () => {
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

  test('WHEN the readiness checklist is read THEN it follows the controls', () => {
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

  test('WHEN the app synthesizes twice THEN the same bytes are written, with no timestamps', () => {
    const again = synthReport();
    expect(again.markdown).toEqual(governed.markdown);
    expect(JSON.stringify(again.json)).toEqual(JSON.stringify(governed.json));
    expect(governed.markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  test('WHEN the compliance packs run as validation plugins THEN the files are new files of the assembly and the synth passes', () => {
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

  test('WHEN the file name has a directory THEN the construct refuses it', () => {
    expect(() => new GovernanceReport(new App(), 'Report', { fileName: '../outside' }))
      .toThrow(/fileName: received "..\/outside"; allowed: 1 to 100 letters/);
  });
});

describe('GIVEN an endpoint in a nested stack, whose name CloudFormation gives only at deploy', () => {
  test('WHEN the report names its stack THEN it is the nested stack\'s path, the same in every synth, not a token', () => {
    const { json, markdown } = synthReport((s) => {
      const foundation = new GovernanceFoundation(s, 'GovernanceFoundation');
      new GovernedEndpoint(new NestedStack(s, 'Models'), 'FraudScoring', { ...endpointProps(), foundation });
    });
    expect(json.endpoints.map((e) => e.stack)).toEqual(['Serving/Models']);
    expect(markdown).not.toContain('${Token[');
  });
});
