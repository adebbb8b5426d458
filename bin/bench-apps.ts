/**
 * The apps `npm run bench` synthesizes: plain L1 endpoints, governed endpoints filling stacks, and the fleet
 * layouts (one stack; a foundation stack and endpoint stacks; nested endpoint stacks under the foundation's stack;
 * endpoints spread over many stacks). Benchmark code, not library code.
 */
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { DEFAULT_IMAGE_URI, DEFAULT_MODEL_DATA_URL, exampleMonitoring } from './example-stack';
import { GovernanceFoundation } from '../constructs/governance-foundation';
import { GovernedEndpoint } from '../constructs/governed-endpoint';
import { IGovernanceFoundation } from '../constructs/governance-foundation-ref';
import { ModelArtifact, ModelImage, ModelSource } from '../constructs/model-source';
import { RiskTier } from '../lib/policy/governance';

/**
 * How the endpoints are laid out:
 * - `plain`: `endpoints` L1 endpoints (CfnModel + CfnEndpointConfig + CfnEndpoint) in one stack;
 * - `governed`: governed endpoints filling stacks of `perStack` endpoints, each stack with its own foundation;
 * - `single`: (a) one stack holding all `endpoints`;
 * - `foundation-stack`: (b) a foundation stack and `stacks` endpoint stacks using its foundation;
 * - `nested`: (c) a parent stack holding the foundation and `stacks` nested stacks of endpoints using it;
 * - `spread`: (d) `endpoints` spread evenly over `stacks` stacks that share one foundation in its own stack.
 */
export type Layout = 'plain' | 'governed' | 'single' | 'foundation-stack' | 'nested' | 'spread';

/** The shape of one benchmarked app. */
export interface AppShape {
  readonly layout: Layout;
  /** Endpoints in the whole app. */
  readonly endpoints: number;
  /** Endpoint stacks (`foundation-stack`, `nested`, `spread`). */
  readonly stacks?: number;
  /** Governed endpoints per stack (`governed`). */
  readonly perStack?: number;
}

/** Every endpoint is HIGH tier with every default on and its model monitored, like the example app's. */
function governed(scope: Construct, id: string, i: number, foundation?: IGovernanceFoundation): GovernedEndpoint {
  return new GovernedEndpoint(scope, id, {
    model: ModelSource.fromArtifact({
      image: ModelImage.fromUri(DEFAULT_IMAGE_URI),
      artifact: ModelArtifact.fromS3Url(DEFAULT_MODEL_DATA_URL),
    }),
    governance: { owner: 'fraud-ml@example.com', purpose: `scoring model ${i}`, riskTier: RiskTier.HIGH },
    instanceType: 'ml.m5.large',
    initialInstanceCount: 2,
    // Model monitoring as the example app declares it (HIGH tier requires it).
    monitoring: exampleMonitoring(),
    foundation,
  });
}

function plain(scope: Construct, i: number): void {
  const model = new sagemaker.CfnModel(scope, `Model${i}`, {
    executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    primaryContainer: { image: DEFAULT_IMAGE_URI, modelDataUrl: DEFAULT_MODEL_DATA_URL },
  });
  const config = new sagemaker.CfnEndpointConfig(scope, `Config${i}`, {
    productionVariants: [{ variantName: 'primary', modelName: model.attrModelName, instanceType: 'ml.m5.large', initialInstanceCount: 2, initialVariantWeight: 1 }],
  });
  new sagemaker.CfnEndpoint(scope, `Endpoint${i}`, { endpointConfigName: config.attrEndpointConfigName });
}

/** Sizes of `groups` groups holding `total` items, as even as possible (earlier groups take the remainder). */
export function split(total: number, groups: number): number[] {
  return Array.from({ length: groups }, (_, g) => Math.floor(total / groups) + (g < total % groups ? 1 : 0));
}

/** Add the endpoints of `shape` to `app`; returns the stacks created (nested stacks included). */
export function buildApp(app: App, shape: AppShape): Stack[] {
  const stacks: Stack[] = [];
  const stack = (scope: Construct, id: string) => {
    const s = new Stack(scope, id);
    stacks.push(s);
    return s;
  };
  let next = 0;
  const fill = (scope: Construct, count: number, foundation?: IGovernanceFoundation) => {
    for (let k = 0; k < count; k++, next++) {
      governed(scope, `Endpoint${next}`, next, foundation);
    }
  };
  const groups = shape.stacks ?? 1;
  switch (shape.layout) {
    case 'plain': {
      const s = stack(app, 'Plain');
      for (let i = 0; i < shape.endpoints; i++) {
        plain(s, i);
      }
      break;
    }
    case 'governed': {
      const per = shape.perStack ?? shape.endpoints;
      split(shape.endpoints, Math.ceil(shape.endpoints / per)).forEach((n, g) => fill(stack(app, `Governed${g}`), n));
      break;
    }
    case 'single':
      fill(stack(app, 'Models'), shape.endpoints);
      break;
    case 'foundation-stack': {
      const platform = stack(app, 'Platform');
      const foundation = new GovernanceFoundation(platform, 'GovernanceFoundation');
      split(shape.endpoints, groups).forEach((n, g) => fill(stack(app, `Models${g}`), n, foundation));
      break;
    }
    case 'nested': {
      const parent = stack(app, 'Platform');
      const foundation = new GovernanceFoundation(parent, 'GovernanceFoundation');
      split(shape.endpoints, groups).forEach((n, g) => {
        const nested = new NestedStack(parent, `Models${g}`);
        stacks.push(nested);
        fill(nested, n, foundation);
      });
      break;
    }
    case 'spread': {
      // One foundation for the account and region, in its own stack; the endpoints spread over many stacks.
      const platform = stack(app, 'Platform');
      const foundation = new GovernanceFoundation(platform, 'GovernanceFoundation');
      split(shape.endpoints, groups).forEach((n, g) => fill(stack(app, `Models${g}`), n, foundation));
      break;
    }
  }
  return stacks;
}
