/**
 * How cdk-nag names findings, so the library can acknowledge exactly the findings it causes. Pure: no
 * dependency on aws-cdk-lib or cdk-nag (whose internals are not part of its public API).
 */

/** The same rule in the three compliance packs that share rule names (NIST 800-53 R5, HIPAA, PCI DSS 3.2.1). */
export function inCompliancePacks(rule: string): string[] {
  return ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((p) => `${p}-${rule}`);
}

/**
 * A resolved CloudFormation value flattened to text the way cdk-nag 3 writes it into per-finding IDs
 * (`AwsSolutions-IAM5[Resource::<Bucket1234.Arn>/data-capture/*]`): `Ref` becomes `<Logical>`, `Fn::GetAtt`
 * `<Logical.Attr>`, `Fn::Join` its joined parts, `Fn::Sub` its template with `${x}` as `<x>`, `Fn::ImportValue`
 * its export name, anything else its JSON. `test/policy/nag-findings.test.ts` pins this to cdk-nag's own output.
 */
export function flattenReference(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\${/g, '<').replace(/}/g, '>');
  }
  const node = value as Record<string, unknown>;
  if (node !== null && typeof node === 'object') {
    if (node['Fn::Join']) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (node['Fn::Sub']) {
      return flattenReference(node['Fn::Sub']);
    }
    if (node['Fn::GetAtt']) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if (node['Fn::ImportValue']) {
      return flattenReference(node['Fn::ImportValue']);
    }
    if (node.Ref) {
      return `<${flattenReference(node.Ref)}>`;
    }
  }
  return JSON.stringify(value);
}

/** The AwsSolutions-IAM5 finding ID for a wildcard resource, from the resolved ARN the policy holds. */
export function wildcardResourceFindingId(resolvedArn: unknown): string {
  return `AwsSolutions-IAM5[Resource::${flattenReference(resolvedArn)}]`;
}
