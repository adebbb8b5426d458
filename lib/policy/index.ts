/**
 * lib/policy: the one source of governance truth. Tiers and their floors, tag keys, the kill switch's runtime
 * protocol, AWS's own limits (lib/policy/generated is generated from the AWS SDK) and the control catalogue.
 *
 * Pure data and small pure functions: nothing here imports aws-cdk-lib, cdk-nag, the AWS SDK or any other room
 * of the project, so the constructs, the nag pack, the report, the Lambda handlers and the CLI can all read it.
 * A value is written here once and derived everywhere else.
 */
export * from './aws-limits';
export * from './controls';
export * from './governance';
export * from './instance-types';
export * from './kill-switch-protocol';
export * from './nag-findings';
