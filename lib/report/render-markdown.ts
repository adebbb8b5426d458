import { ControlResult, ControlStatus } from './assess-endpoint';
import { GovernanceReportDocument } from './report-document';

const STATUS: Record<ControlStatus, string> = {
  'present': 'present',
  'absent': '**absent**',
  'acknowledged': 'acknowledged',
  'not-applicable': 'n/a',
};

/** Most logical IDs a table cell lists before "+N more" (the JSON has all of them). */
const MAX_IDS = 3;

/**
 * The report as Markdown a reviewer pastes into a pull request: a summary, then per endpoint its
 * readiness checklist and controls, then the nag results. Long lists (acknowledgements) are folded.
 */
export function renderGovernanceReportMarkdown(doc: GovernanceReportDocument): string {
  const s = doc.summary;
  const lines: string[] = [
    '# Governance report',
    '',
    '| Endpoints | Ready to deploy | Unacknowledged errors | Unacknowledged warnings | Acknowledged findings |',
    '|---|---|---|---|---|',
    `| ${s.endpoints} | ${s.readyEndpoints} | ${s.unacknowledgedErrors} | ${s.unacknowledgedWarnings} | ${s.acknowledgements} |`,
  ];

  if (doc.endpoints.length === 0) {
    lines.push('', 'No SageMaker endpoint in the app.');
  }
  for (const e of doc.endpoints) {
    lines.push(
      '',
      `## ${e.path}`,
      '',
      `Owner **${cell(e.owner) || '(none)'}** · purpose **${cell(e.purpose) || '(none)'}** · risk tier **${cell(e.riskTier) || '(none)'}** · \`${e.logicalId}\` in stack \`${e.stack}\``,
      '',
      '**Deployment readiness**',
      '',
      ...e.readiness.map((r) => `- [${r.ready ? 'x' : ' '}] ${r.item}: ${r.detail}`),
      '',
      '| Control | Status | Detail | Implemented by | Judged by | Reference |',
      '|---|---|---|---|---|---|',
      ...e.controls.map((c) => `| ${c.id} | ${STATUS[c.status]} | ${cell(c.detail)} | ${ids(c.resources)} | ${rules(c)} | ${cell(c.reference)} |`),
    );
  }

  lines.push(
    '',
    '## cdk-nag',
    '',
    '| Pack | Errors | Warnings | Acknowledged |',
    '|---|---|---|---|',
    ...doc.nag.map((p) => `| ${p.pack} | ${p.failure ? 'failed to run' : p.errors} | ${p.warnings} | ${p.acknowledgements.length} |`),
  );

  const findings = doc.nag.flatMap((p) => p.findings);
  const failures = doc.nag.filter((p) => p.failure);
  if (findings.length > 0 || failures.length > 0) {
    lines.push('', '**Unacknowledged findings**', '');
    lines.push(...failures.map((p) => `- ${p.pack} failed to run: ${cell(p.failure ?? '')}`));
    lines.push(...findings.map((f) => `- \`${f.rule}\` (${f.severity}) at \`${f.path}\`: ${cell(f.message)}`));
  } else {
    lines.push('', 'No unacknowledged findings.');
  }

  // The same reason on the same construct is usually one decision acknowledged in several packs.
  const groups = new Map<string, { path: string; reason: string; rules: string[] }>();
  for (const a of doc.nag.flatMap((p) => p.acknowledgements)) {
    const key = `${a.path}\u0000${a.reason}`;
    const group = groups.get(key) ?? { path: a.path, reason: a.reason, rules: [] };
    group.rules.push(a.rule);
    groups.set(key, group);
  }
  if (groups.size > 0) {
    lines.push('', `<details><summary>Acknowledgements with reasons (${s.acknowledgements})</summary>`, '');
    const sorted = [...groups.values()].sort((a, b) => a.path.localeCompare(b.path) || a.rules[0].localeCompare(b.rules[0]));
    lines.push(...sorted.map((g) => `- ${g.rules.map((r) => `\`${r}\``).join(', ')} at \`${g.path}\`: ${cell(g.reason)}`));
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}

/** Text safe inside a table cell or list item: no pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The rules that judge the control, by name (the pack prefix is the same for all). */
function rules(c: ControlResult): string {
  return c.rules.map((r) => `\`${r.replace(/^[^-]+-/, '')}\``).join(', ') || '-';
}

function ids(resources: string[]): string {
  if (resources.length === 0) {
    return '-';
  }
  const shown = resources.slice(0, MAX_IDS).map((r) => `\`${r}\``).join(', ');
  return resources.length > MAX_IDS ? `${shown} +${resources.length - MAX_IDS} more` : shown;
}
