// GENERATED FILE: do not edit. Run `npm run generate:limits` (bin/generate-aws-limits.ts) to refresh it.
// Generated from aws-cdk-lib 2.276.0 (CfnLogGroupProps.retentionInDays, from the AWS::Logs::LogGroup resource schema).

/** The package and version these values come from. */
export const LOGS_SCHEMA_SOURCE = 'aws-cdk-lib 2.276.0 (CfnLogGroupProps.retentionInDays, from the AWS::Logs::LogGroup resource schema)';

/** Every `RetentionInDays` value CloudWatch Logs accepts for a log group (never-expire is the property left out). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1,
  3,
  5,
  7,
  14,
  30,
  60,
  90,
  120,
  150,
  180,
  365,
  400,
  545,
  731,
  1096,
  1827,
  2192,
  2557,
  2922,
  3288,
  3653,
];
