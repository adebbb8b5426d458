import { SNAPSHOT_PREFIX } from '../../policy/kill-switch-protocol';
import { Deadline, withTimeout } from '../shared/deadline';
import { errorText } from '../shared/log';
import {
  DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, DescribeModelPackageCommand, PutObjectCommand,
} from './aws';
import { call, EnforceContext } from './context';
import { Decision, ParameterVersion } from './decide';

/** Where a snapshot went; `incomplete` when some Describe calls did not answer in time (recorded as errors). */
export interface SnapshotLocation {
  readonly bucket: string;
  readonly key: string;
  readonly incomplete?: boolean;
}

/** Why there is no snapshot; `late` when it did not finish within its bound. */
export interface SnapshotFailure {
  readonly error: string;
  readonly late: boolean;
}

export type SnapshotResult = SnapshotLocation | SnapshotFailure;

/** Object key of a record: `kill-switch/<endpoint>/<time>/<file>`, the time with `:` replaced by `-`. */
export function evidenceKey(endpointName: string, at: Date, file: string): string {
  return `${SNAPSHOT_PREFIX}/${endpointName}/${at.toISOString().replace(/:/g, '-')}/${file}`;
}

/** What the snapshot records. */
export interface SnapshotInput {
  readonly bucket: string;
  readonly endpointName: string;
  readonly parameterName: string;
  readonly decision: Decision;
  readonly history?: ParameterVersion[];
  readonly trigger: Record<string, unknown>;
  readonly at: Date;
}

/**
 * The snapshot within `deadline`, never throwing: past the deadline the caller pauses without it. Describe
 * calls get the deadline less the write reserve, so a Describe that hangs still leaves a partial record.
 */
export async function boundedSnapshot(ctx: EnforceContext, input: SnapshotInput, deadline: Deadline): Promise<SnapshotResult> {
  const bound = deadline.remaining();
  try {
    return await withTimeout('the evidence snapshot', bound + ctx.bounds.graceMs, () => writeSnapshot(ctx, input, deadline));
  } catch (err) {
    const name = (err as { name?: string }).name;
    const late = name === 'TimeoutError' || name === 'DeadlineExceeded' || deadline.remaining() === 0;
    return { error: late ? `not written within ${bound} ms (${errorText(err)})` : errorText(err), late };
  }
}

/**
 * Describe the endpoint, its configuration, its models and their model packages, and write them with the
 * parameter's version entry and the decision to `kill-switch/<endpoint>/<time>/snapshot.json`.
 * A Describe that fails or runs out of time is recorded in the snapshot as its error; the write itself throws on failure.
 */
export async function writeSnapshot(ctx: EnforceContext, input: SnapshotInput, deadline: Deadline): Promise<SnapshotLocation> {
  const sm = ctx.clients.sagemaker;
  const describeBy = deadline.shortenedBy(ctx.bounds.snapshotWriteReserveMs);
  let incomplete = false;
  const describe = async <T>(what: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T | { error: string }> => {
    try {
      return strip(await call(ctx, what, describeBy, send));
    } catch (err) {
      const name = (err as { name?: string }).name;
      incomplete ||= name === 'TimeoutError' || name === 'DeadlineExceeded';
      return { error: errorText(err) };
    }
  };
  const endpoint = await describe('DescribeEndpoint', (abortSignal) => sm.send(new DescribeEndpointCommand({ EndpointName: input.endpointName }), { abortSignal }));
  const configName = 'EndpointConfigName' in endpoint ? endpoint.EndpointConfigName : undefined;
  const endpointConfig = configName
    ? await describe('DescribeEndpointConfig', (abortSignal) => sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }), { abortSignal }))
    : { error: 'no endpoint configuration: the endpoint could not be described' };
  const modelNames = 'ProductionVariants' in endpointConfig
    ? [...(endpointConfig.ProductionVariants ?? []), ...(endpointConfig.ShadowProductionVariants ?? [])]
      .map((v) => v.ModelName).filter((n): n is string => !!n)
    : [];
  const models = await Promise.all([...new Set(modelNames)].map((name) =>
    describe('DescribeModel', (abortSignal) => sm.send(new DescribeModelCommand({ ModelName: name }), { abortSignal }))));
  const packageNames = new Set<string>();
  for (const model of models) {
    if ('ModelName' in model) {
      for (const c of [model.PrimaryContainer, ...(model.Containers ?? [])]) {
        if (c?.ModelPackageName) {
          packageNames.add(c.ModelPackageName);
        }
      }
    }
  }
  // `MetadataOnly` returns the package without the content of an embedded model card, so describing a package
  // whose card is encrypted with a customer-managed key needs no kms:Decrypt on the registry's key.
  const modelPackages = await Promise.all([...packageNames].map((name) =>
    describe('DescribeModelPackage', (abortSignal) => sm.send(new DescribeModelPackageCommand({ ModelPackageName: name, IncludedData: 'MetadataOnly' }), { abortSignal }))));
  const snapshot = {
    schema: 'governed-endpoint/kill-switch-snapshot/1',
    takenAt: input.at.toISOString(),
    endpointName: input.endpointName,
    trigger: input.trigger,
    decision: { state: input.decision.state, failClosed: input.decision.failClosed, restore: input.decision.restore, reason: input.decision.reason },
    parameter: { name: input.parameterName, version: input.decision.current ?? null, recentVersions: (input.history ?? []).slice(-5) },
    incomplete,
    endpoint,
    endpointConfig,
    models,
    modelPackages,
  };
  const location = { bucket: input.bucket, key: evidenceKey(input.endpointName, input.at, 'snapshot.json') };
  await call(ctx, 'PutObject', deadline, (abortSignal) => ctx.clients.s3.send(new PutObjectCommand({
    Bucket: location.bucket,
    Key: location.key,
    Body: JSON.stringify(snapshot, null, 2),
    ContentType: 'application/json',
    // Object Lock buckets require an integrity checksum on every write.
    ChecksumAlgorithm: 'SHA256',
  }), { abortSignal }));
  return incomplete ? { ...location, incomplete } : location;
}

/** Drop the SDK's response metadata. */
function strip<T>(output: T): T {
  if (output && typeof output === 'object' && '$metadata' in output) {
    const { $metadata: _ignored, ...rest } = output as T & { $metadata: unknown };
    return rest as T;
  }
  return output;
}
