import { Annotations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/** Prefix of every warning the library emits; acknowledge with `Validations.of(scope).acknowledge({ id, reason })`. */
export const WARNING_PREFIX = 'governed-model-endpoints';

/** Warning ID for a key whose policy the library cannot change. */
export const IMPORTED_KEY_WARNING = `${WARNING_PREFIX}:importedKeyPolicy`;

/**
 * Warn (acknowledgeably) when `key` was imported: the library cannot add the key-policy statements that
 * CloudWatch Logs and CloudWatch alarms need, so the deploy succeeds or fails on the key owner's policy.
 */
export function warnIfImportedKey(scope: IConstruct, key: kms.IKey, prop: string): void {
  if (key instanceof kms.Key) {
    return;
  }
  Annotations.of(scope).addWarningV2(IMPORTED_KEY_WARNING,
    `${prop} is an imported key: its key policy must let logs.<region>.amazonaws.com (encrypted log groups) and ` +
    'cloudwatch.amazonaws.com (alarms publishing to the encrypted topic) use it, or the deployment fails. ' +
    'The library cannot add those statements to a key it does not own.');
}
