/**
 * The AWS SDK clients and commands the model monitor uses, in one place. The entry point re-exports this module as
 * `sdk` so tests mock exactly the classes that are bundled into the function.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, GetParameterHistoryCommand, SSMClient } from '@aws-sdk/client-ssm';
import { boundedRequestHandler } from '../shared/http-timeouts';
import { DEFAULT_BOUNDS, OBJECT_REQUEST_TIMEOUT_MS } from './bounds';

export {
  CloudWatchClient, DescribeAlarmsCommand, DescribeEndpointCommand, GetObjectCommand, GetParameterCommand, GetParameterHistoryCommand,
  GetResourcesCommand, HeadObjectCommand, ListObjectsV2Command, PublishCommand, PutObjectCommand, ResourceGroupsTaggingAPIClient,
  S3Client, SageMakerClient, SNSClient, SSMClient,
};

/** The clients of one function instance. */
export interface Clients {
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly ssm: SSMClient;
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
}

/** What may differ from the defaults: timeouts, and (for tests against a local server) endpoint, region and credentials. */
export interface ClientOptions {
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Request timeout of the S3 client, which reads object bodies. */
  readonly objectRequestTimeoutMs?: number;
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * New clients. The SDK's own retries are off (`maxAttempts: 1`): every call goes through `withRetry`, so attempts,
 * backoff and deadlines are the monitor's. The HTTP handler is bounded as `boundedRequestHandler` says; the
 * monitor's per-attempt deadline is a second, independent bound on top of it.
 */
export function createClients(options: ClientOptions = {}): Clients {
  const connect = options.connectionTimeoutMs ?? DEFAULT_BOUNDS.connectionTimeoutMs;
  const base = {
    maxAttempts: 1,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const config = { ...base, requestHandler: boundedRequestHandler(connect, options.requestTimeoutMs ?? DEFAULT_BOUNDS.requestTimeoutMs) };
  return {
    tagging: new ResourceGroupsTaggingAPIClient(config),
    ssm: new SSMClient(config),
    sagemaker: new SageMakerClient(config),
    s3: new S3Client({
      ...base,
      requestHandler: boundedRequestHandler(connect, options.objectRequestTimeoutMs ?? OBJECT_REQUEST_TIMEOUT_MS),
      ...(options.endpoint ? { forcePathStyle: true } : {}),
    }),
    sns: new SNSClient(config),
    cloudwatch: new CloudWatchClient(config),
  };
}
