import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderGovernanceReportMarkdown } from '../../lib/report/render-markdown';
import { GovernanceReportDocument } from '../../lib/report/report-document';

const ROOT = path.join(__dirname, '..', '..');

describe('GIVEN the example app, synthesized as `cdk synth` does', () => {
  let outdir: string;
  let report: GovernanceReportDocument;
  let markdown: string;
  let template: any;

  beforeAll(() => {
    // GIVEN the app command of cdk.json, run the way `npx cdk synth` runs it (the CLI sets CDK_OUTDIR)
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-'));
    const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).app as string;
    const run = spawnSync(app, { cwd: ROOT, shell: true, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: outdir }, timeout: 110_000 });
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    report = JSON.parse(fs.readFileSync(path.join(outdir, 'governance-report.json'), 'utf8'));
    markdown = fs.readFileSync(path.join(outdir, 'governance-report.md'), 'utf8');
    template = JSON.parse(fs.readFileSync(path.join(outdir, 'GovernedEndpointExample.template.json'), 'utf8'));
  });

  test('WHEN the report files are read THEN both are next to the template, the Markdown rendering the JSON', () => {
    expect(markdown).toEqual(renderGovernanceReportMarkdown(report));
    expect(markdown.split('\n').length).toBeLessThan(80);
  });

  test('WHEN the endpoints are read THEN the report has the one endpoint of the template with its owner, purpose and tier tags', () => {
    const [logicalId, endpoint] = Object.entries(template.Resources).find(([, r]: any) => r.Type === 'AWS::SageMaker::Endpoint') as [string, any];
    const tags = Object.fromEntries(endpoint.Properties.Tags.map((t: any) => [t.Key, t.Value]));
    expect(report.endpoints.map((e) => ({ logicalId: e.logicalId, owner: e.owner, purpose: e.purpose, riskTier: e.riskTier }))).toEqual([{
      logicalId, owner: tags['governance:owner'], purpose: tags['governance:purpose'], riskTier: tags['governance:risk-tier'],
    }]);
  });

  test('WHEN the controls are read THEN each is present or not applicable, implemented by resources of the template', () => {
    // an image model needs no approval gate, and nothing in the app passes a role
    const notApplicable = ['APPROVAL-GATE', 'PASSROLE-SCOPED'];
    for (const c of report.endpoints[0].controls) {
      expect({ id: c.id, status: c.status }).toEqual({ id: c.id, status: notApplicable.includes(c.id) ? 'not-applicable' : 'present' });
      for (const id of c.resources) {
        expect({ control: c.id, id, inTemplate: id in template.Resources }).toEqual({ control: c.id, id, inTemplate: true });
      }
    }
  });

  test('WHEN readiness and the packs are read THEN it is ready to deploy, with zero unacknowledged findings in all five packs', () => {
    expect(report.endpoints[0].readiness.filter((r) => !r.ready)).toEqual([]);
    expect(report.nag.map((p) => [p.pack, p.errors, p.warnings])).toEqual([
      ['AwsSolutions', 0, 0], ['NIST.800.53.R5', 0, 0], ['HIPAA.Security', 0, 0], ['PCI.DSS.321', 0, 0], ['AiGovernance', 0, 0],
    ]);
    expect(markdown).toContain('No unacknowledged findings.');
  });

  test('WHEN the acknowledgements are read THEN they include those the template records, with the same reasons', () => {
    // AwsSolutions acknowledgements are also written into the template as Metadata.cdk_nag
    const inTemplate = Object.values(template.Resources).flatMap((r: any) => r.Metadata?.cdk_nag?.rules_to_suppress ?? [])
      .filter((s: any) => s.id.startsWith('AwsSolutions-'))
      .map((s: any) => ({ rule: s.id, reason: s.reason }));
    const listed = report.nag.find((p) => p.pack === 'AwsSolutions')!.acknowledgements.map((a) => ({ rule: a.rule, reason: a.reason }));
    expect(inTemplate.length).toBeGreaterThan(0);
    expect(listed).toEqual(expect.arrayContaining(inTemplate));
  });
});
