import { SNAPSHOT_PREFIX } from '../../kill-switch-protocol';
import {
  Clients, DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, DescribeModelPackageCommand, PutObjectCommand,
} from './aws';
import { Decision, ParameterVersion } from './decide';
import { RetryPolicy, withRetry } from './retry';

/** Where a snapshot went. */
export interface SnapshotLocation {
  readonly bucket: string;
  readonly key: string;
}

/** Object key of a record: `kill-switch/<endpoint>/<time>/<file>`, the time with `:` replaced by `-`. */
export function evidenceKey(endpointName: string, at: Date, file: string): string {
  return `${SNAPSHOT_PREFIX}/${endpointName}/${at.toISOString().replace(/:/g, '-')}/${file}`;
}

/**
 * Describe the endpoint, its configuration, its models and their model packages, and write them with the
 * parameter's version entry and the decision to `kill-switch/<endpoint>/<time>/snapshot.json`.
 * A Describe that fails is recorded in the snapshot as its error; the write itself throws on failure.
 */
export async function writeSnapshot(clients: Clients, retry: RetryPolicy, input: {
  readonly bucket: string;
  readonly endpointName: string;
  readonly parameterName: string;
  readonly decision: Decision;
  readonly history?: ParameterVersion[];
  readonly trigger: Record<string, unknown>;
  readonly at: Date;
}): Promise<SnapshotLocation> {
  const describe = async <T>(what: string, call: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return strip(await withRetry(what, call, retry));
    } catch (err) {
      return { error: errorText(err) };
    }
  };
  const endpoint = await describe('DescribeEndpoint', () => clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: input.endpointName })));
  const configName = 'EndpointConfigName' in endpoint ? endpoint.EndpointConfigName : undefined;
  const endpointConfig = configName
    ? await describe('DescribeEndpointConfig', () => clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })))
    : { error: 'no endpoint configuration: the endpoint could not be described' };
  const modelNames = 'ProductionVariants' in endpointConfig
    ? [...(endpointConfig.ProductionVariants ?? []), ...(endpointConfig.ShadowProductionVariants ?? [])]
      .map((v) => v.ModelName).filter((n): n is string => !!n)
    : [];
  const models = [];
  const packageNames = new Set<string>();
  for (const name of new Set(modelNames)) {
    const model = await describe('DescribeModel', () => clients.sagemaker.send(new DescribeModelCommand({ ModelName: name })));
    models.push(model);
    if ('ModelName' in model) {
      for (const c of [model.PrimaryContainer, ...(model.Containers ?? [])]) {
        if (c?.ModelPackageName) {
          packageNames.add(c.ModelPackageName);
        }
      }
    }
  }
  const modelPackages = [];
  for (const name of packageNames) {
    modelPackages.push(await describe('DescribeModelPackage', () => clients.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: name }))));
  }
  const snapshot = {
    schema: 'governed-endpoint/kill-switch-snapshot/1',
    takenAt: input.at.toISOString(),
    endpointName: input.endpointName,
    trigger: input.trigger,
    decision: { state: input.decision.state, failClosed: input.decision.failClosed, restore: input.decision.restore, reason: input.decision.reason },
    parameter: { name: input.parameterName, version: input.decision.current ?? null, recentVersions: (input.history ?? []).slice(-5) },
    endpoint,
    endpointConfig,
    models,
    modelPackages,
  };
  const location = { bucket: input.bucket, key: evidenceKey(input.endpointName, input.at, 'snapshot.json') };
  await withRetry('PutObject', () => clients.s3.send(new PutObjectCommand({
    Bucket: location.bucket,
    Key: location.key,
    Body: JSON.stringify(snapshot, null, 2),
    ContentType: 'application/json',
    // Object Lock buckets require an integrity checksum on every write.
    ChecksumAlgorithm: 'SHA256',
  })), retry);
  return location;
}

/** Drop the SDK's response metadata. */
function strip<T>(output: T): T {
  if (output && typeof output === 'object' && '$metadata' in output) {
    const { $metadata: _ignored, ...rest } = output as T & { $metadata: unknown };
    return rest as T;
  }
  return output;
}

/** `Name: message` of an error. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; message?: string };
    return [e.name, e.message].filter(Boolean).join(': ') || String(err);
  }
  return String(err);
}
