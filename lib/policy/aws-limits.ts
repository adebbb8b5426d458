/**
 * AWS's own limits on the values the library writes into a template, each with the AWS definition it comes from.
 *
 * Enums are generated from the AWS SDK and the CloudFormation resource schema (see `./generated`); the rest are
 * taken from the API references and CloudFormation resource schemas cited on each constant. This module has no
 * dependency on aws-cdk-lib or the AWS SDK.
 */
import { LOG_RETENTION_DAYS, LOGS_SCHEMA_SOURCE } from './generated/cloudwatch-logs';
import { OBJECT_LOCK_RETENTION_MODES, S3_SDK_SOURCE } from './generated/s3';
import { PRODUCTION_VARIANT_INSTANCE_TYPES, SAGEMAKER_SDK_SOURCE } from './generated/sagemaker';

export { LOG_RETENTION_DAYS, LOGS_SCHEMA_SOURCE, OBJECT_LOCK_RETENTION_MODES, PRODUCTION_VARIANT_INSTANCE_TYPES, S3_SDK_SOURCE, SAGEMAKER_SDK_SOURCE };

/** The largest value of an API `Integer` (a signed 32-bit integer in every AWS API model). */
export const MAX_API_INTEGER = 2_147_483_647;

/**
 * SageMaker resource names: `EndpointName` (CreateEndpoint) and `VariantName` (ProductionVariant).
 * SageMaker API Reference: "Length Constraints: Maximum length of 63. Pattern: `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`".
 * The pattern alone allows longer names (each `-*` group is unbounded): both limits apply.
 */
export const SAGEMAKER_NAME = {
  maxLength: 63,
  pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
} as const;

/**
 * `ProductionVariant.InitialInstanceCount`: an API Integer, minimum 1 (SageMaker API Reference, ProductionVariant).
 * Application Auto Scaling's `MinCapacity` and `MaxCapacity` (RegisterScalableTarget) and a target-tracking
 * policy's `ScaleInCooldown`/`ScaleOutCooldown` (seconds) are API Integers too.
 */
export const INSTANCE_COUNT = { min: 1, max: MAX_API_INTEGER } as const;

/**
 * `VpcConfig` of a SageMaker model (SageMaker API Reference, VpcConfig; AWS::SageMaker::Model VpcConfig):
 * `Subnets` 1 to 16 items, `SecurityGroupIds` 1 to 5 items.
 */
export const SAGEMAKER_VPC = { minSubnets: 1, maxSubnets: 16, minSecurityGroups: 1, maxSecurityGroups: 5 } as const;

/**
 * A model's `ContainerDefinition` (SageMaker API Reference, ContainerDefinition): `Image` up to 255 characters without
 * whitespace; `ModelDataUrl` up to 1024 characters; `Environment` up to 100 entries, each key up to 1024 characters
 * matching `[a-zA-Z_][a-zA-Z0-9_]*` and each value up to 1024, at most 32 KB (32768 bytes) for all keys and values.
 * A `ModelPackageGroupName` is 1 to 63 characters like an endpoint name.
 */
export const SAGEMAKER_CONTAINER = {
  maxImageLength: 255,
  maxModelDataUrlLength: 1024,
  maxEnvironmentEntries: 100,
  environmentKey: /^[a-zA-Z_][a-zA-Z0-9_]*$/,
  maxEnvironmentKeyLength: 1024,
  maxEnvironmentValueLength: 1024,
  maxEnvironmentBytes: 32_768,
} as const;

/**
 * Tags (AWS::SageMaker::* `Tag` in the CloudFormation resource schema, and the tagging APIs of SageMaker, SSM,
 * CloudWatch, S3, KMS, SNS and Lambda): key 1 to 128 characters, value 0 to 256 characters, both matching
 * `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`. Lengths count Unicode characters (code points).
 */
export const TAG = {
  maxKeyLength: 128,
  maxValueLength: 256,
  characters: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  allowedCharacters: 'letters, digits, spaces and _ . : / = + - @',
} as const;

/**
 * SSM parameter names (PutParameter `Name`, @aws-sdk/client-ssm documentation): letters, digits and `_ . -`, with
 * `/` delimiting a hierarchy of at most 15 levels; not prefixed with "aws" or "ssm" (case-insensitive); and at most
 * 1011 characters counted together with the parameter's ARN prefix (`arn:<partition>:ssm:<region>:<account>:parameter/`,
 * 45 characters in us-east-2 of the aws partition).
 */
export const SSM_PARAMETER_NAME = {
  characters: /^[a-zA-Z0-9_.\-/]+$/,
  reservedPrefix: /^\/?(aws|ssm)/i,
  maxLevels: 15,
  maxLengthWithArn: 1011,
  /** `arn:` + `:ssm:` + `:` + 12-digit account + `:parameter`, without the partition and region. */
  fixedArnLength: 4 + 5 + 1 + 12 + 10,
  /** The longest partition (`aws-us-gov`) and region (`us-isof-south-1`) names, for stacks whose region is not fixed. */
  longestPartition: 10,
  longestRegion: 15,
} as const;

/**
 * The longest parameter name SSM accepts in a partition and region (undefined: the longest of any).
 * A hierarchical name (`/a/b`) supplies the ARN's `/` itself; a simple name (`a`) gets one added.
 */
export function maxParameterNameLength(name: string, partition?: string, region?: string): number {
  const arn = SSM_PARAMETER_NAME.fixedArnLength + (partition?.length ?? SSM_PARAMETER_NAME.longestPartition)
    + (region?.length ?? SSM_PARAMETER_NAME.longestRegion) + (name.startsWith('/') ? 0 : 1);
  return SSM_PARAMETER_NAME.maxLengthWithArn - arn;
}

/**
 * CloudWatch alarm windows (PutMetricAlarm, @aws-sdk/client-cloudwatch documentation of `Period`): "Valid values
 * are 10, 20, 30, and any multiple of 60 ... Period multiplied by EvaluationPeriods can't be more than 604,800
 * seconds. For alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't be
 * longer than one day (86,400 seconds)." `EvaluationPeriods` and `DatapointsToAlarm` are Integers of at least 1;
 * `DatapointsToAlarm` is at most `EvaluationPeriods`.
 */
export const ALARM_WINDOW = {
  subMinutePeriods: [10, 20, 30],
  periodMultipleSeconds: 60,
  shortPeriodBelowSeconds: 3600,
  maxShortWindowSeconds: 86_400,
  maxWindowSeconds: 604_800,
} as const;

/** The most evaluation periods CloudWatch allows for a period of `periodSeconds`. */
export function maxEvaluationPeriods(periodSeconds: number): number {
  const window = periodSeconds < ALARM_WINDOW.shortPeriodBelowSeconds ? ALARM_WINDOW.maxShortWindowSeconds : ALARM_WINDOW.maxWindowSeconds;
  return Math.floor(window / periodSeconds);
}

/**
 * S3 durations are whole days: a lifecycle rule's `Expiration.Days` and `NoncurrentVersionExpiration.NoncurrentDays`
 * are Integers of at least 1 (S3 API Reference, LifecycleExpiration and NoncurrentVersionExpiration), and so is
 * Object Lock's `DefaultRetention.Days` (S3 API Reference, DefaultRetention), which S3 caps at 100 years.
 */
export const S3_DAYS = { min: 1, max: MAX_API_INTEGER, maxObjectLockDays: 36_500 } as const;

/**
 * SageMaker's limits for deployment guardrails (SageMaker API Reference: DeploymentConfig, BlueGreenUpdatePolicy,
 * TrafficRoutingConfig, RollingUpdatePolicy, AutoRollbackConfig of CreateEndpoint / UpdateEndpoint).
 */
export const DEPLOYMENT_LIMITS = {
  /** WaitIntervalInSeconds and TerminationWaitInSeconds. */
  maxWaitSeconds: 3600,
  /** MaximumExecutionTimeoutInSeconds. */
  minExecutionTimeoutSeconds: 600,
  maxExecutionTimeoutSeconds: 28800,
  /** CanarySize: at most 50% of the variant's instances. */
  canaryMaxPercent: 50,
  /** LinearStepSize: 10% to 50% of the variant's instances. */
  linearMinPercent: 10,
  linearMaxPercent: 50,
  /** RollingUpdatePolicy.MaximumBatchSize: 5% to 50% of the variant's instances. */
  rollingMinPercent: 5,
  rollingMaxPercent: 50,
  /** AutoRollbackConfiguration.Alarms: 1 to 10 alarms. */
  minRollbackAlarms: 1,
  maxRollbackAlarms: 10,
} as const;

/** The sources cited in messages and in the README, by the limit they define. */
export const AWS_LIMIT_SOURCES = {
  instanceType: `ProductionVariantInstanceType of ${SAGEMAKER_SDK_SOURCE}`,
  logRetention: `RetentionInDays of AWS::Logs::LogGroup (${LOGS_SCHEMA_SOURCE})`,
  objectLockMode: `ObjectLockRetentionMode of ${S3_SDK_SOURCE}`,
} as const;
