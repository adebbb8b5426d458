import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
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

/** Clients on the standard AWS credential chain (environment, SSO, profile, instance role). */
export function createClients(target: AwsTarget): CliClients {
  const config = { region: target.region, profile: target.profile };
  return { sagemaker: new SageMakerClient(config), ssm: new SSMClient(config), cloudwatch: new CloudWatchClient(config) };
}

/** How a command that polls until something happens reports progress, waits and tells the time (injectable for tests). */
export interface PollingOptions {
  readonly timeoutSeconds: number;
  readonly region?: string;
  readonly progress: (text: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}
