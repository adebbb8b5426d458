/**
 * Writes lib/policy/generated/*.ts: the AWS enums the library validates against, taken from AWS's own
 * definitions at build time so that the published package needs neither the AWS SDK nor a network at runtime.
 *
 *   npm run generate:limits
 *
 * Sources, read from node_modules (their versions go into each file's header):
 * - @aws-sdk/client-sagemaker: ProductionVariantInstanceType, TrafficRoutingConfigType, CapacitySizeType, CaptureMode
 * - @aws-sdk/client-s3: ObjectLockRetentionMode
 * - aws-cdk-lib: the `RetentionInDays` values of AWS::Logs::LogGroup, as the CloudFormation resource schema
 *   documents them in `CfnLogGroupProps.retentionInDays` (the same list as PutRetentionPolicy's)
 *
 * `test/policy/generated.test.ts` renders these files in memory and fails when the committed ones are stale.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A generated file: its path from the repository root and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

const ROOT = path.resolve(__dirname, '..');

/** The installed directory of a package (its `exports` may hide package.json and .d.ts files from require.resolve). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name, { paths: [ROOT] }));
  while (!fs.existsSync(path.join(dir, 'package.json')) || readManifest(dir).name !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the package directory of ${name}`);
    }
    dir = parent;
  }
  return dir;
}

function readManifest(dir: string): { name: string; version: string } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
}

function packageVersion(name: string): string {
  return readManifest(packageDir(name)).version;
}

/** The installed package, loaded by name at generation time (a static import would fix the package in the code). */
function load(name: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve(name, { paths: [ROOT] })) as Record<string, unknown>;
}

/** The values of an SDK enum object (`{ ML_M5_LARGE: 'ml.m5.large', ... }`), sorted. */
function enumValues(module: Record<string, unknown>, enumName: string, packageName: string): string[] {
  const e = module[enumName];
  if (!e || typeof e !== 'object') {
    throw new Error(`${packageName} has no enum ${enumName}: update bin/generate-aws-limits.ts for this SDK version`);
  }
  const values = Object.values(e as Record<string, unknown>);
  if (values.length === 0 || values.some((v) => typeof v !== 'string')) {
    throw new Error(`${packageName} ${enumName} is not an enum of strings`);
  }
  return [...new Set(values as string[])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function header(sources: string[]): string {
  return [
    '// GENERATED FILE: do not edit. Run `npm run generate:limits` (bin/generate-aws-limits.ts) to refresh it.',
    `// Generated from ${sources.join(', ')}.`,
    '',
  ].join('\n');
}

function stringList(doc: string, name: string, values: string[]): string {
  return [
    `/** ${doc} */`,
    `export const ${name}: readonly string[] = [`,
    ...values.map((v) => `  '${v}',`),
    '];',
    '',
  ].join('\n');
}

function sagemaker(): GeneratedFile {
  const pkg = '@aws-sdk/client-sagemaker';
  const version = packageVersion(pkg);
  const sdk = load(pkg);
  const source = `${pkg} ${version}`;
  return {
    path: 'lib/policy/generated/sagemaker.ts',
    text: [
      header([source]),
      `/** The SDK package and version these values come from. */`,
      `export const SAGEMAKER_SDK_SOURCE = '${source}';`,
      '',
      stringList('Every value of `ProductionVariantInstanceType`: the instance types a production variant accepts.',
        'PRODUCTION_VARIANT_INSTANCE_TYPES', enumValues(sdk, 'ProductionVariantInstanceType', pkg)),
      stringList('Every value of `TrafficRoutingConfigType` (blue/green traffic shifting of `DeploymentConfig`).',
        'TRAFFIC_ROUTING_CONFIG_TYPES', enumValues(sdk, 'TrafficRoutingConfigType', pkg)),
      stringList('Every value of `CapacitySizeType` (canary, linear step and rolling batch sizes).',
        'CAPACITY_SIZE_TYPES', enumValues(sdk, 'CapacitySizeType', pkg)),
      stringList('Every value of `CaptureMode` (`DataCaptureConfig.CaptureOptions`).',
        'CAPTURE_MODES', enumValues(sdk, 'CaptureMode', pkg)),
    ].join('\n'),
  };
}

function s3(): GeneratedFile {
  const pkg = '@aws-sdk/client-s3';
  const version = packageVersion(pkg);
  const source = `${pkg} ${version}`;
  return {
    path: 'lib/policy/generated/s3.ts',
    text: [
      header([source]),
      `/** The SDK package and version these values come from. */`,
      `export const S3_SDK_SOURCE = '${source}';`,
      '',
      stringList('Every value of `ObjectLockRetentionMode`: the modes of a bucket\'s default Object Lock retention.',
        'OBJECT_LOCK_RETENTION_MODES', enumValues(load(pkg), 'ObjectLockRetentionMode', pkg)),
    ].join('\n'),
  };
}

/**
 * The retention values of AWS::Logs::LogGroup as aws-cdk-lib's L1 documents them from the CloudFormation
 * resource schema: "Possible values are: 1, 3, 5, ... and 3653."
 */
function logRetentionDays(): { values: number[]; source: string } {
  const pkg = 'aws-cdk-lib';
  const file = path.join(packageDir(pkg), 'aws-logs', 'lib', 'logs.generated.d.ts');
  const text = fs.readFileSync(file, 'utf8');
  const props = text.slice(text.indexOf('export interface CfnLogGroupProps'));
  const doc = /Possible values are: ([\d, and]+)\./.exec(props.slice(0, props.indexOf('readonly retentionInDays')));
  if (!doc) {
    throw new Error(`${pkg}: CfnLogGroupProps.retentionInDays no longer lists its possible values: update bin/generate-aws-limits.ts`);
  }
  const values = doc[1].replace(/\band\b/g, ',').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (values.some((n) => !Number.isInteger(n))) {
    throw new Error(`${pkg}: unexpected retentionInDays values ${doc[1]}`);
  }
  return { values: [...new Set(values)].sort((a, b) => a - b), source: `${pkg} ${packageVersion(pkg)} (CfnLogGroupProps.retentionInDays, from the AWS::Logs::LogGroup resource schema)` };
}

function logs(): GeneratedFile {
  const { values, source } = logRetentionDays();
  return {
    path: 'lib/policy/generated/cloudwatch-logs.ts',
    text: [
      header([source]),
      `/** The package and version these values come from. */`,
      `export const LOGS_SCHEMA_SOURCE = '${source}';`,
      '',
      '/** Every `RetentionInDays` value CloudWatch Logs accepts for a log group (never-expire is the property left out). */',
      'export const LOG_RETENTION_DAYS: readonly number[] = [',
      ...values.map((v) => `  ${v},`),
      '];',
      '',
    ].join('\n'),
  };
}

/** Render every generated file from the installed packages, without writing anything. */
export function renderAwsLimits(): GeneratedFile[] {
  return [sagemaker(), s3(), logs()];
}

if (require.main === module) {
  for (const file of renderAwsLimits()) {
    const target = path.join(ROOT, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.text);
    console.log(`wrote ${file.path}`);
  }
}
