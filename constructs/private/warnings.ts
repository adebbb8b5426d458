import { Annotations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/** Prefix of every warning the library emits; acknowledge with `Validations.of(scope).acknowledge({ id, reason })`. */
export const WARNING_PREFIX = 'governed-model-endpoints';

/** The ID of every warning the library emits (`GovernanceWarning` publishes them). */
export const WARNING_IDS = {
  /** A key whose policy the library cannot change. */
  importedKeyPolicy: `${WARNING_PREFIX}:importedKeyPolicy`,
  /** A bring-your-own execution role that may not read the rollback alarms. */
  executionRoleReadsRollbackAlarms: `${WARNING_PREFIX}:executionRoleReadsRollbackAlarms`,
  /** Inf1 instances, on which SageMaker applies no deployment guardrails. */
  inf1NoGuardrails: `${WARNING_PREFIX}:inf1-no-guardrails`,
  /** A deployment whose planned bake time reaches its execution timeout. */
  deploymentTimeout: `${WARNING_PREFIX}:deployment-timeout`,
} as const;

/**
 * Warn (acknowledgeably) when `key` was imported: the library cannot add the key-policy statements that
 * CloudWatch Logs and CloudWatch alarms need, so the deploy succeeds or fails on the key owner's policy.
 */
export function warnIfImportedKey(scope: IConstruct, key: kms.IKey, prop: string): void {
  if (key instanceof kms.Key) {
    return;
  }
  Annotations.of(scope).addWarningV2(WARNING_IDS.importedKeyPolicy,
    `${prop} is an imported key: its key policy must let logs.<region>.amazonaws.com (encrypted log groups) and ` +
    'cloudwatch.amazonaws.com (alarms publishing to the encrypted topic) use it, or the deployment fails. ' +
    'The library cannot add those statements to a key it does not own.');
}
