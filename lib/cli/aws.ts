import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SSMClient } from '@aws-sdk/client-ssm';

/** The AWS clients the CLI uses. */
export interface CliClients {
  readonly sagemaker: SageMakerClient;
  readonly ssm: SSMClient;
  readonly cloudwatch: CloudWatchClient;
}

/** Where the CLI talks to: the standard credential chain, with `--region` and `--profile` when given. */
export interface AwsTarget {
  readonly region?: string;
  readonly profile?: string;
}

/** Time to open a connection to an AWS endpoint before the call fails. */
export const CLI_CONNECTION_TIMEOUT_MS = 5_000;
/** Time for one request to answer before it is abandoned (and retried by the SDK's standard retry strategy). */
export const CLI_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Clients on the standard AWS credential chain (environment, SSO, profile, instance role). Every call is bounded:
 * the HTTP handler only logs a warning when `requestTimeout` passes unless `throwOnRequestTimeout` is set
 * (@smithy/node-http-handler 4.x), so it is set, with a socket timeout as a second bound. An operator pausing an
 * endpoint gets an error to act on, never a command that hangs.
 */
export function createClients(target: AwsTarget): CliClients {
  const config = clientConfig(target);
  return { sagemaker: new SageMakerClient(config), ssm: new SSMClient(config), cloudwatch: new CloudWatchClient(config) };
}

/** An S3 client with the same credential chain and timeouts as {@link createClients} (`review` reads the monitoring reports). */
export function createS3Client(target: AwsTarget): S3Client {
  return new S3Client(clientConfig(target));
}

function clientConfig(target: AwsTarget) {
  return {
    region: target.region,
    profile: target.profile,
    requestHandler: {
      connectionTimeout: CLI_CONNECTION_TIMEOUT_MS,
      requestTimeout: CLI_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      socketTimeout: CLI_REQUEST_TIMEOUT_MS,
    },
  };
}

/** How a command that polls until something happens reports progress, waits and tells the time (injectable for tests). */
export interface PollingOptions {
  readonly timeoutSeconds: number;
  readonly region?: string;
  readonly progress: (text: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}
