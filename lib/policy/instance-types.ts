import { PRODUCTION_VARIANT_INSTANCE_TYPES } from './aws-limits';

/**
 * Instance families whose storage is NVMe instance store. SageMaker encrypts those volumes with a
 * hardware key and rejects an endpoint config that sets `KmsKeyId` for them
 * (see "KmsKeyId" in the CreateEndpointConfig API reference, and the instance store volumes of each
 * type in the Amazon EC2 documentation).
 */
export const INSTANCE_STORE_FAMILIES: readonly string[] = [
  'c5d', 'c6gd', 'c6id', 'm5d', 'm6gd', 'm6id', 'r5d', 'r6gd', 'r6id', 'r7gd', 'dl1',
  'g4dn', 'g5', 'g6', 'g6e', 'gr6', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200',
  'trn1', 'trn1n', 'trn2', 'inf2',
];

const KNOWN_INSTANCE_TYPES = new Set(PRODUCTION_VARIANT_INSTANCE_TYPES);

/** The family of an `ml.<family>.<size>` instance type (`p6-b200` in `ml.p6-b200.48xlarge`), or undefined for a token or another shape. */
export function instanceFamily(instanceType: string): string | undefined {
  // An unresolved token ("${Token[...]}") has no `ml.` prefix, so it has no family either.
  return /^ml\.([a-z0-9-]+)\./.exec(instanceType)?.[1];
}

/** Whether SageMaker accepts this instance type for a production variant (a value of `ProductionVariantInstanceType`). */
export function isProductionVariantInstanceType(instanceType: string): boolean {
  return KNOWN_INSTANCE_TYPES.has(instanceType);
}

/**
 * What a user probably meant by an instance type SageMaker does not know: the same type in lower case, or with
 * the `ml.` prefix; undefined when there is no such type.
 */
export function suggestInstanceType(instanceType: string): string | undefined {
  const lower = instanceType.trim().toLowerCase();
  return [lower, `ml.${lower}`].find((candidate) => candidate !== instanceType && KNOWN_INSTANCE_TYPES.has(candidate));
}

/** Whether the endpoint config may carry a volume KMS key for this instance type. */
export function supportsVolumeEncryption(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family === undefined || !INSTANCE_STORE_FAMILIES.includes(family);
}
