/**
 * The AWS SDK clients and commands the enforcer uses, in one place. The entry point re-exports this module as
 * `sdk` so tests can mock the very classes that are bundled into the function.
 */
import { CloudWatchClient, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AddTagsCommand, DeleteTagsCommand, DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand,
  DescribeModelPackageCommand, ListTagsCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { boundedRequestHandler } from '../shared/http-timeouts';
import { CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './bounds';

export {
  AddTagsCommand, CloudWatchClient, DeleteTagsCommand, DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand,
  DescribeModelPackageCommand, GetParameterCommand, GetParameterHistoryCommand, GetResourcesCommand, ListTagsCommand, ListTagsForResourceCommand,
  PublishCommand, PutObjectCommand, PutParameterCommand, ResourceGroupsTaggingAPIClient, S3Client, SageMakerClient, SNSClient, SSMClient,
};

/** The clients of one function instance. */
export interface Clients {
  readonly ssm: SSMClient;
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
}

/** What may differ from the defaults: timeouts, and (for tests against a local server) endpoint, region and credentials. */
export interface ClientOptions {
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * New clients. The SDK's own retries are off (`maxAttempts: 1`): every call goes through `withRetry`,
 * so attempts, backoff, deadlines and logging are the enforcer's and are the same in tests and in production.
 * The HTTP handler is bounded as `boundedRequestHandler` says; the enforcer's per-attempt deadline is a second,
 * independent bound on top of it.
 */
export function createClients(options: ClientOptions = {}): Clients {
  const config = {
    maxAttempts: 1,
    requestHandler: boundedRequestHandler(options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    ssm: new SSMClient(config),
    sagemaker: new SageMakerClient(config),
    s3: new S3Client({ ...config, ...(options.endpoint ? { forcePathStyle: true } : {}) }),
    sns: new SNSClient(config),
    cloudwatch: new CloudWatchClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
  };
}
