/**
 * lib/report: the governance report, a view over the AiGovernance pack and the control catalogue. This file is the
 * construct that writes it at synth; `report-document.ts` builds it (endpoints and each pack's results),
 * `assess-endpoint.ts` shows each catalogue control of an endpoint as the results of the rules that judge it,
 * `pack-results.ts` runs each pack once per synth (CDK's validation reuses that run), and `render-markdown.ts`
 * renders it. It judges nothing itself. Imports `lib/policy`, `lib/nag`, aws-cdk-lib, cdk-nag,
 * constructs and node's fs and path; never `constructs/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, ISynthesisSession } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import { Construct } from 'constructs';
import { AiGovernanceChecks } from '../nag/ai-governance-checks';
import { renderGovernanceReportMarkdown } from './render-markdown';
import { buildGovernanceReport } from './report-document';

/** Props of {@link GovernanceReport}. */
export interface GovernanceReportProps {
  /**
   * The packs whose results the report lists, usually the ones registered with
   * `Validations.of(app).addPlugins(...)`. The tag keys and floors of the first `AiGovernanceChecks`
   * among them also decide how the report reads owner, tier and retention.
   * @default - one `AiGovernanceChecks` with its defaults
   */
  readonly packs?: NagPack[];

  /**
   * Base name of the two files written into the cloud assembly.
   * @default 'governance-report'
   */
  readonly fileName?: string;
}

/**
 * Writes `governance-report.json` and `governance-report.md` into the cloud assembly (`cdk.out/`) at
 * synth: per SageMaker endpoint its owner, purpose and risk tier, every control of the catalogue with the
 * results of the `AiGovernance` rules that judge it (compliant, non-compliant, acknowledged with its reason, or
 * not applicable), the logical IDs involved and the references it answers to, a deployment-readiness
 * checklist, and the findings and acknowledgements (with reasons) of each nag pack.
 *
 * The files are written by this construct's own synthesis step, before CDK runs validation plugins,
 * so no plugin modifies the assembly. A pack that is also registered with `Validations.of(app).addPlugins(...)` judges
 * the app once: CDK's validation gets the result the report used. The output is deterministic (sorted, no timestamps).
 *
 * ```ts
 * const packs = [new AwsSolutionsChecks(app), new AiGovernanceChecks(app)];
 * Validations.of(app).addPlugins(...packs);
 * new GovernanceReport(app, 'GovernanceReport', { packs });
 * ```
 */
export class GovernanceReport extends Construct {
  /** Name of the JSON file in the cloud assembly. */
  public readonly jsonFileName: string;
  /** Name of the Markdown file in the cloud assembly. */
  public readonly markdownFileName: string;

  constructor(scope: Construct, id: string, props: GovernanceReportProps = {}) {
    super(scope, id);
    const base = props.fileName ?? 'governance-report';
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(base)) {
      throw new Error(`GovernanceReport at '${this.node.path}' has invalid props:\n  - fileName: received ${JSON.stringify(base)}; allowed: 1 to 100 letters, digits, '.', '_' or '-' (no directories)`);
    }
    this.jsonFileName = `${base}.json`;
    this.markdownFileName = `${base}.md`;
    const packs = props.packs ?? [new AiGovernanceChecks()];

    attachCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        const report = buildGovernanceReport(this, packs);
        fs.writeFileSync(path.join(session.outdir, this.jsonFileName), JSON.stringify(report, undefined, 2) + '\n');
        fs.writeFileSync(path.join(session.outdir, this.markdownFileName), renderGovernanceReportMarkdown(report));
      },
    });
  }
}
