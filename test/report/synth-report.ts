import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NagPack } from 'cdk-nag';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { ControlResult } from '../../lib/report/assess-endpoint';
import { GovernanceReport } from '../../lib/report/governance-report';
import { GovernanceReportDocument } from '../../lib/report/report-document';
import { endpointProps } from '../helpers/fixtures';
import { compliancePacks } from '../helpers/nag';

/** A synthesized app with its governance report. */
export interface Synthesized {
  readonly stack: Stack;
  readonly template: Template;
  readonly json: GovernanceReportDocument;
  readonly markdown: string;
  readonly outdir: string;
}

/** An app with one GovernedEndpoint (or what `build` adds), the report over `packs`, synthesized into a fresh directory. */
export function synthReport(build: (stack: Stack) => void = (s) => { new GovernedEndpoint(s, 'FraudScoring', endpointProps()); },
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

/** One control of the report's first endpoint. */
export const control = (json: GovernanceReportDocument, id: string): ControlResult => json.endpoints[0].controls.find((c) => c.id === id)!;
