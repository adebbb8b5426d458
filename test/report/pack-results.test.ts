import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { GovernanceReport } from '../../lib/report/governance-report';
import { runPackOnce } from '../../lib/report/pack-results';
import { GovernanceReportDocument } from '../../lib/report/report-document';

/** How many resources a pack judged: cdk-nag calls its `checkResource` once per resource per run. */
function countJudgements(pack: NagPack): () => number {
  const spy = jest.spyOn(pack as unknown as { checkResource(node: CfnResource): void }, 'checkResource');
  return () => spy.mock.calls.length;
}

/** An app with one unencrypted, unlogged bucket: AwsSolutions finds it non-compliant. */
function appWithFinding(): { app: App; stack: Stack } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pack-results-')), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Data');
  new s3.Bucket(stack, 'Bucket');
  return { app, stack };
}

function reportOf(app: App): GovernanceReportDocument {
  return JSON.parse(fs.readFileSync(path.join(app.outdir, 'governance-report.json'), 'utf8'));
}

describe('GIVEN a pack registered as a validation plugin and listed by the GovernanceReport', () => {
  test('WHEN the app synthesizes THEN the pack judges each resource once, and its findings still fail the synth', () => {
    const { app, stack } = appWithFinding();
    const pack = new AwsSolutionsChecks(app);
    const judged = countJudgements(pack);
    Validations.of(app).addPlugins(pack);
    new GovernanceReport(app, 'GovernanceReport', { packs: [pack] });

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);

    const resources = stack.node.findAll().filter(CfnResource.isCfnResource).length;
    expect(judged()).toBe(resources);
    const nag = reportOf(app).nag[0];
    expect(nag.pack).toBe('AwsSolutions');
    expect(nag.errors).toBeGreaterThan(0);
  });

  test('WHEN the report\'s run is reused THEN validation reports the same findings as a fresh run of the pack', () => {
    // GIVEN one app synthesized with the report, and a twin validated by the pack alone
    const { app } = appWithFinding();
    const pack = new AwsSolutionsChecks(app);
    Validations.of(app).addPlugins(pack);
    new GovernanceReport(app, 'GovernanceReport', { packs: [pack] });
    const twin = appWithFinding();
    const fresh = new AwsSolutionsChecks().validateScope(twin.app);

    // WHEN the app synthesizes
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);

    // THEN the report lists exactly the findings a fresh run finds
    const fromReport = reportOf(app).nag[0].findings.map((f) => `${f.rule} ${f.path}`);
    const fromFresh = fresh.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)).sort();
    expect(fromReport.sort()).toEqual(fromFresh);
  });
});

describe('GIVEN a pack the report has run over an app', () => {
  test('WHEN the tree grows before CDK validates THEN the pack judges the app again, new resources included', () => {
    const { app, stack } = appWithFinding();
    const pack = new AwsSolutionsChecks();
    const judged = countJudgements(pack);
    runPackOnce(pack, app);
    const before = judged();

    new s3.Bucket(stack, 'Another');
    const report = pack.validate({ appConstruct: app, templatePaths: [], stackTemplates: [] } as never);

    expect(judged()).toBeGreaterThan(2 * before);
    expect(report.violations.some((v) => v.violatingResources.some((r) => r.constructPath?.includes('Another')))).toBe(true);
  });

  test('WHEN CDK validates a different app THEN the pack judges that app, not the kept report', () => {
    const first = appWithFinding();
    const other = appWithFinding();
    const pack = new AwsSolutionsChecks();
    const judged = countJudgements(pack);
    runPackOnce(pack, first.app);
    const once = judged();

    pack.validate({ appConstruct: other.app, templatePaths: [], stackTemplates: [] } as never);

    expect(judged()).toBe(2 * once);
  });

  test('WHEN CDK validates the same app twice THEN only the first call reuses the kept report', () => {
    const { app } = appWithFinding();
    const pack = new AwsSolutionsChecks();
    const judged = countJudgements(pack);
    runPackOnce(pack, app);
    const once = judged();
    const context = { appConstruct: app, templatePaths: [], stackTemplates: [] } as never;

    pack.validate(context);
    expect(judged()).toBe(once);
    pack.validate(context);
    expect(judged()).toBe(2 * once);
  });
});
