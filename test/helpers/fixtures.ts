import { FeatureKind } from '../../constructs/monitoring-options';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { RiskTier } from '../../lib/policy/governance';
import { ModelArtifact, ModelImage, ModelSource } from '../../constructs/model-source';

export const IMAGE_URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-scoring:1.4.2';
export const ARTIFACT_URL = 's3://model-artifacts-bucket/fraud/v14/model.tar.gz';

/** Props that make a valid HIGH-tier endpoint; override any of them. */
export function endpointProps(overrides: Partial<GovernedEndpointProps> = {}): GovernedEndpointProps {
  return {
    model: ModelSource.fromArtifact({ image: ModelImage.fromUri(IMAGE_URI), artifact: ModelArtifact.fromS3Url(ARTIFACT_URL) }),
    governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: RiskTier.HIGH },
    monitoring: { features: [{ name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 0 }] },
    ...overrides,
  };
}

/** A fresh app and environment-agnostic stack. */
export function newStack(id = 'TestStack'): Stack {
  return new Stack(new App(), id);
}

/** Synthesize one endpoint with `overrides` in a fresh stack. */
export function synthEndpoint(overrides: Partial<GovernedEndpointProps> = {}): { stack: Stack; endpoint: GovernedEndpoint; template: Template } {
  const stack = newStack();
  const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps(overrides));
  return { stack, endpoint, template: Template.fromStack(stack) };
}

/** Every IAM policy statement in a template (managed, inline and role-inline policies). */
export function allStatements(template: Template): any[] {
  const out: any[] = [];
  for (const r of Object.values(template.toJSON().Resources ?? {}) as any[]) {
    if (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') {
      out.push(...r.Properties.PolicyDocument.Statement);
    }
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties.Policies ?? []) {
        out.push(...p.PolicyDocument.Statement);
      }
    }
  }
  return out;
}

/** Normalise a string-or-array IAM field to an array. */
export function asArray<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}
