import { App, Stack } from 'aws-cdk-lib';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { CONTROLS, ControlDefinition, referenceText } from '../../lib/policy/controls';
import { renderGovernanceReportMarkdown } from '../../lib/report/render-markdown';
import { buildGovernanceReport } from '../../lib/report/report-document';
import { governedL1Endpoint } from '../nag/kit';

/** The control table rows of the Markdown report's first endpoint, split into cells. */
function tableRows(markdown: string): string[][] {
  const lines = markdown.slice(markdown.indexOf('| Control | Status |')).split('\n').slice(2);
  return lines.slice(0, lines.findIndex((l) => !l.startsWith('| '))).map((l) => l.slice(2, -2).split(' | '));
}

/** An app with one plain L1 endpoint governed in every control. */
function app(): App {
  const root = new App();
  governedL1Endpoint(new Stack(root, 'Serving'));
  return root;
}

describe('GIVEN the control catalogue and the governance report of an app', () => {
  test('WHEN the report is rendered THEN its control table has one row per catalogue control, in order, with its rules and references', () => {
    const markdown = renderGovernanceReportMarkdown(buildGovernanceReport(app(), [new AiGovernanceChecks()]));
    const rows = tableRows(markdown);
    expect(rows.map((r) => r[0])).toEqual(CONTROLS.map((c) => c.id));
    for (const [row, c] of rows.map((r, i) => [r, CONTROLS[i]] as const)) {
      expect({ id: c.id, judgedBy: row[4], reference: row[5] })
        .toEqual({ id: c.id, judgedBy: c.rules.map((r) => `\`${r}\``).join(', '), reference: referenceText(c.references) });
    }
  });

  test('WHEN the catalogue changes THEN the report\'s control table changes with it: it is generated from the catalogue', () => {
    jest.isolateModules(() => {
      // GIVEN a catalogue (a fresh copy of the module) without ALARMS, with HA first, and a reworded OWNER requirement
      const controls: typeof import('../../lib/policy/controls') = jest.requireActual('../../lib/policy/controls');
      const catalogue = controls.CONTROLS as ControlDefinition[];
      const ha = catalogue.splice(catalogue.findIndex((c) => c.id === 'HA'), 1)[0];
      catalogue.splice(catalogue.findIndex((c) => c.id === 'ALARMS'), 1);
      catalogue.unshift(ha);
      const owner = catalogue.findIndex((c) => c.id === 'OWNER');
      catalogue[owner] = { ...catalogue[owner], requirement: 'a named owner on every endpoint' };
      // WHEN the report is built and rendered with it
      const { buildGovernanceReport: build }: typeof import('../../lib/report/report-document') = jest.requireActual('../../lib/report/report-document');
      const { renderGovernanceReportMarkdown: render }: typeof import('../../lib/report/render-markdown') = jest.requireActual('../../lib/report/render-markdown');
      const { AiGovernanceChecks: Pack }: typeof import('../../lib/nag/ai-governance-checks') = jest.requireActual('../../lib/nag/ai-governance-checks');
      const { governedL1Endpoint: governed }: typeof import('../nag/kit') = jest.requireActual('../nag/kit');
      const cdk: typeof import('aws-cdk-lib') = jest.requireActual('aws-cdk-lib');
      const root = new cdk.App();
      governed(new cdk.Stack(root, 'Serving'));
      const report = build(root, [new Pack()]);
      // THEN the controls are the changed catalogue's, in its order
      expect(report.endpoints[0].controls.map((c) => c.id)).toEqual(catalogue.map((c) => c.id));
      expect(report.endpoints[0].controls.find((c) => c.id === 'OWNER')?.requirement).toBe('a named owner on every endpoint');
      expect(tableRows(render(report)).map((r) => r[0])).toEqual(['HA', ...CONTROLS.map((c) => c.id).filter((id) => id !== 'HA' && id !== 'ALARMS')]);
      // AND the readiness item of a control no longer in the catalogue says so instead of guessing
      expect(report.endpoints[0].readiness.find((r) => r.item === 'Monitoring ready')).toEqual({ item: 'Monitoring ready', ready: false, detail: 'ALARMS is not in the catalogue' });
    });
    // AND outside that module registry the catalogue is untouched
    expect(CONTROLS.map((c) => c.id).slice(0, 2)).toEqual(['OWNER', 'LEAST-PRIVILEGE']);
    expect(CONTROLS.map((c) => c.id)).toContain('ALARMS');
  });
});
