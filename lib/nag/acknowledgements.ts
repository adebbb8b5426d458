import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The reason finding `id` is acknowledged for `scope`: on the construct itself or, like cdk-nag and CDK validation
 * match acknowledgements, on the closest ancestor that acknowledges it. Undefined when nothing acknowledges it.
 */
export function acknowledgementReason(scope: IConstruct, id: string): string | undefined {
  for (let c: IConstruct | undefined = scope; c !== undefined; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) {
        continue;
      }
      const hit = Object.entries(entry.data as Record<string, unknown>).find(([key]) => key.replace(/^annotation::/i, '') === id);
      if (hit) {
        return String(hit[1]);
      }
    }
  }
  return undefined;
}
