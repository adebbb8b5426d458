import { Validations } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AI_GOVERNANCE_DEFAULTS, AiGovernanceChecks } from '../nag/ai-governance-checks';
import { ResourceTypes } from '../nag/app-index';
import { GovernanceContext } from '../nag/governance-context';
import { assessEndpoint, EndpointEntry } from './assess-endpoint';
import { runPackOnce } from './pack-results';

/** One unacknowledged finding of a pack. */
export interface NagFindingEntry {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly message: string;
}

/** One acknowledgement recorded on the construct tree, with its reason. */
export interface AcknowledgementEntry {
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

/** The result of one nag pack over the app. */
export interface PackResult {
  readonly pack: string;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: NagFindingEntry[];
  readonly acknowledgements: AcknowledgementEntry[];
  /** Set when the pack itself failed to run. */
  readonly failure?: string;
}

/** The governance report: what `governance-report.json` holds and `governance-report.md` renders. */
export interface GovernanceReportDocument {
  readonly schemaVersion: 1;
  readonly summary: {
    readonly endpoints: number;
    readonly unacknowledgedErrors: number;
    readonly unacknowledgedWarnings: number;
    readonly acknowledgements: number;
    readonly readyEndpoints: number;
  };
  readonly endpoints: EndpointEntry[];
  readonly nag: PackResult[];
}

/**
 * Build the report for the app `root` belongs to: every SageMaker endpoint with its controls and
 * readiness, and the result of each pack. Deterministic: sorted, no timestamps. Read-only: the tree
 * and the cloud assembly are not changed.
 */
export function buildGovernanceReport(root: IConstruct, packs: NagPack[]): GovernanceReportDocument {
  const app = root.node.root;
  const governancePack = packs.find((p): p is AiGovernanceChecks => p instanceof AiGovernanceChecks);
  const ctx = GovernanceContext.of(app, governancePack?.settings ?? AI_GOVERNANCE_DEFAULTS);

  const endpoints = ctx.ofType(ResourceTypes.ENDPOINT)
    .map((e) => assessEndpoint(e, ctx))
    .sort((a, b) => a.path.localeCompare(b.path));

  const acknowledgements = collectAcknowledgements(app);
  const nag = packs.map((pack) => runPack(pack, app, acknowledgements));

  return {
    schemaVersion: 1,
    summary: {
      endpoints: endpoints.length,
      unacknowledgedErrors: nag.reduce((n, p) => n + p.errors, 0),
      unacknowledgedWarnings: nag.reduce((n, p) => n + p.warnings, 0),
      acknowledgements: nag.reduce((n, p) => n + p.acknowledgements.length, 0),
      readyEndpoints: endpoints.filter((e) => e.readiness.every((r) => r.ready)).length,
    },
    endpoints,
    nag,
  };
}

function runPack(pack: NagPack, app: IConstruct, acknowledgements: AcknowledgementEntry[]): PackResult {
  const name = pack.readPackName || pack.name;
  const acks = acknowledgements.filter((a) => a.rule.startsWith(`${name}-`));
  try {
    const report = runPackOnce(pack, app);
    const findings = report.violations
      .flatMap((v) => v.violatingResources.map((r) => ({
        rule: v.ruleName,
        severity: v.severity ?? 'error',
        path: r.constructPath ?? '',
        message: v.description,
      })))
      .sort((a, b) => a.rule.localeCompare(b.rule) || a.path.localeCompare(b.path));
    return {
      pack: name,
      errors: findings.filter((f) => f.severity !== 'warning').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      findings,
      acknowledgements: acks,
    };
  } catch (e) {
    return { pack: name, errors: 0, warnings: 0, findings: [], acknowledgements: acks, failure: (e as Error).message };
  }
}

/** Every acknowledgement in the tree (`Validations.of(x).acknowledge(...)`), sorted. */
function collectAcknowledgements(app: IConstruct): AcknowledgementEntry[] {
  const out: AcknowledgementEntry[] = [];
  for (const c of app.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) {
        continue;
      }
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ rule: id.replace(/^annotation::/i, ''), path: c.node.path, reason: String(reason) });
      }
    }
  }
  return out.sort((a, b) => a.rule.localeCompare(b.rule) || a.path.localeCompare(b.path));
}
