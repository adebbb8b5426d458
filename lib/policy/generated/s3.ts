// GENERATED FILE: do not edit. Run `npm run generate:limits` (bin/generate-aws-limits.ts) to refresh it.
// Generated from @aws-sdk/client-s3 3.1169.0.

/** The SDK package and version these values come from. */
export const S3_SDK_SOURCE = '@aws-sdk/client-s3 3.1169.0';

/** Every value of `ObjectLockRetentionMode`: the modes of a bucket's default Object Lock retention. */
export const OBJECT_LOCK_RETENTION_MODES: readonly string[] = [
  'COMPLIANCE',
  'GOVERNANCE',
];
