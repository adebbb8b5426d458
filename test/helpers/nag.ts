import { App, CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged finding: `<rule>[finding] at <construct path>`. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/** The four packs the library claims clean. */
export function compliancePacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
}

/** Run packs over a construct tree and return every finding that is not acknowledged. */
export function unacknowledgedFindings(scope: IConstruct, packs: NagPack[] = compliancePacks()): Finding[] {
  // Validation runs at synth; resolve the tree (aspects, tags) first.
  const app = scope.node.root as App;
  app.synth();
  return packs.flatMap((pack) =>
    pack.validateScope(scope).violations.flatMap((v) =>
      v.violatingResources.map((r) => ({ pack: pack.name, rule: v.ruleName, severity: v.severity ?? 'error', path: r.constructPath ?? '' })),
    ),
  );
}

/** Every acknowledgement recorded on the tree: construct path, finding ID and reason. */
export function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
        }
      }
    }
  }
  return out;
}

/** True when `c` is a CloudFormation resource. */
export function isCfn(c: IConstruct): c is CfnResource {
  return CfnResource.isCfnResource(c);
}
