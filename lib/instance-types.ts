import { Token } from 'aws-cdk-lib';

/**
 * Instance families whose storage is NVMe instance store. SageMaker encrypts those volumes with a
 * hardware key and rejects an endpoint config that sets `KmsKeyId` for them
 * (see "KmsKeyId" in the CreateEndpointConfig API reference).
 */
export const INSTANCE_STORE_FAMILIES: readonly string[] = [
  'c5d', 'c6gd', 'c6id', 'm5d', 'm6gd', 'm6id', 'r5d', 'r6gd', 'r6id',
  'g4dn', 'g5', 'g6', 'g6e', 'gr6', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n', 'inf2',
];

/** The family of an `ml.<family>.<size>` instance type, or undefined for a token or another shape. */
export function instanceFamily(instanceType: string): string | undefined {
  if (Token.isUnresolved(instanceType)) {
    return undefined;
  }
  return /^ml\.([a-z0-9]+)\./.exec(instanceType)?.[1];
}

/** Whether the endpoint config may carry a volume KMS key for this instance type. */
export function supportsVolumeEncryption(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family === undefined || !INSTANCE_STORE_FAMILIES.includes(family);
}
