import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GovernedEndpoint } from '../constructs/governed-endpoint';
import { RiskTier } from '../lib/policy/governance';
import { ModelArtifact, ModelImage, ModelSource } from '../constructs/model-source';
import { BaselineFormat, FeatureKind, MonitoringBaseline, MonitoringOptions } from '../constructs/monitoring-options';

/** A public SageMaker/Deep Learning Containers PyTorch CPU inference image. */
export const DEFAULT_IMAGE_URI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker';
/** Where the example expects its model artifact. */
export const DEFAULT_MODEL_DATA_URL = 's3://governed-endpoint-example-artifacts/fraud-scoring/model.tar.gz';

/** Props of {@link ExampleStack}; every value can be set with `-c <name>=<value>`. */
export interface ExampleStackProps extends StackProps {
  /** @default DEFAULT_IMAGE_URI */
  readonly imageUri?: string;
  /** @default DEFAULT_MODEL_DATA_URL */
  readonly modelDataUrl?: string;
  /** @default RiskTier.HIGH */
  readonly riskTier?: RiskTier;
  /** @default 'fraud-ml@example.com' */
  readonly owner?: string;
}

/** Watch the model, not only the server: the example's features, with the training set's statistics as the baseline. */
export function exampleMonitoring(): MonitoringOptions {
  return {
    features: [
      { name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 0 },
      { name: 'merchant_category', kind: FeatureKind.CATEGORICAL, csvIndex: 1 },
      { name: 'card_age_days', kind: FeatureKind.NUMERIC, csvIndex: 2 },
    ],
    prediction: { kind: FeatureKind.NUMERIC, csvIndex: 0 },
    baseline: MonitoringBaseline.fromEvidenceStore('train.csv', BaselineFormat.CSV),
  };
}

/** The example app's stack: one governed, HIGH-tier fraud-scoring endpoint. */
export class ExampleStack extends Stack {
  /** The endpoint. */
  public readonly endpoint: GovernedEndpoint;

  constructor(scope: Construct, id: string, props: ExampleStackProps = {}) {
    super(scope, id, props);
    this.endpoint = new GovernedEndpoint(this, 'FraudScoring', {
      model: ModelSource.fromArtifact({
        image: ModelImage.fromUri(props.imageUri ?? DEFAULT_IMAGE_URI),
        artifact: ModelArtifact.fromS3Url(props.modelDataUrl ?? DEFAULT_MODEL_DATA_URL),
      }),
      governance: {
        owner: props.owner ?? 'fraud-ml@example.com',
        purpose: 'card fraud scoring',
        riskTier: props.riskTier ?? RiskTier.HIGH,
      },
      instanceType: 'ml.m5.large',
      initialInstanceCount: 2,
      monitoring: exampleMonitoring(),
    });
  }
}
