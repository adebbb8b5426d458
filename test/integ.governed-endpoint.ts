/**
 * Integration test app: a small governed endpoint, invoked by a grantee, paused through its kill-switch parameter,
 * denied to the grantee while paused, resumed, and invoked again. Deploy it with integ-runner in a real account
 * (README, "Integration tests"); `test/integ-apps.test.ts` synthesizes it in every test run so that it never rots.
 *
 * The model: a public AWS Deep Learning Containers PyTorch inference image and a model artifact in S3. The default
 * artifact URL is a placeholder; give a real one (and, if needed, another image) when deploying, as environment
 * variables (integ-runner passes no context) or as context values (`cdk deploy -c modelDataUrl=...`):
 *   INTEG_MODEL_DATA_URL=s3://<bucket>/<key>/model.tar.gz   INTEG_IMAGE_URI=<ECR image URI>
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { GovernedEndpoint, ModelArtifact, ModelImage, ModelSource, RiskTier } from '../lib';

const app = new App();
const stack = new Stack(app, 'GovernedEndpointInteg');

const endpoint = new GovernedEndpoint(stack, 'Scoring', {
  model: ModelSource.fromArtifact({
    image: ModelImage.fromUri(process.env.INTEG_IMAGE_URI ?? app.node.tryGetContext('imageUri')
      ?? '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker'),
    artifact: ModelArtifact.fromS3Url(process.env.INTEG_MODEL_DATA_URL ?? app.node.tryGetContext('modelDataUrl')
      ?? 's3://governed-endpoint-integ-artifacts/model.tar.gz'),
  }),
  governance: { owner: 'integ-tests@example.com', purpose: 'integration test of the kill switch', riskTier: RiskTier.LOW },
  instanceType: 'ml.m5.large',
  initialInstanceCount: 1,
});

// The grantee: a function whose role gets `grantInvoke`, so the kill switch's Deny applies to it. It answers
// ALLOWED when IAM let the call through (the model answered, even with a model error), DENIED on AccessDenied,
// and ERROR:<name> on anything else (which fails the assertions).
const invoker = new lambda.Function(stack, 'Invoker', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  timeout: Duration.seconds(30),
  environment: { ENDPOINT_NAME: endpoint.endpointName },
  code: lambda.Code.fromInline(`
const { SageMakerRuntimeClient, InvokeEndpointCommand } = require('@aws-sdk/client-sagemaker-runtime');
const client = new SageMakerRuntimeClient({ maxAttempts: 2 });
exports.handler = async () => {
  try {
    await client.send(new InvokeEndpointCommand({ EndpointName: process.env.ENDPOINT_NAME, ContentType: 'application/json', Body: '{}' }),
      { abortSignal: AbortSignal.timeout(20000) });
    return 'ALLOWED';
  } catch (e) {
    if (e.name === 'AccessDeniedException') return 'DENIED';
    if (e.name === 'ModelError') return 'ALLOWED';
    return 'ERROR:' + e.name;
  }
};`),
});
endpoint.grantInvoke(invoker);

const integ = new IntegTest(app, 'GovernedEndpointIntegTest', { testCases: [stack] });

/** The grantee's invoke, retried until it answers `outcome` (tags and IAM are eventually consistent). */
const invokeUntil = (outcome: 'ALLOWED' | 'DENIED') => integ.assertions
  .invokeFunction({ functionName: invoker.functionName })
  .expect(ExpectedResult.objectLike({ Payload: JSON.stringify(outcome) }))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });

/** An operator's write of the kill-switch parameter (no deployment marker in the description). */
const setKillSwitch = (value: 'PAUSED' | 'ACTIVE') => integ.assertions.awsApiCall('SSM', 'PutParameter', {
  Name: endpoint.killSwitch.parameter.parameterName,
  Value: value,
  Overwrite: true,
  Description: `integration test: ${value === 'PAUSED' ? 'pause' : 'resume'}`,
});

invokeUntil('ALLOWED')
  .next(setKillSwitch('PAUSED'))
  .next(invokeUntil('DENIED'))
  .next(setKillSwitch('ACTIVE'))
  .next(invokeUntil('ALLOWED'));

app.synth();
