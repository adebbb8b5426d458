#!/usr/bin/env node
/**
 * The example app (`npx cdk synth`): one governed endpoint on built-in defaults, reviewed by the
 * four cdk-nag packs at synth. Override the model with context values:
 *
 *   npx cdk synth -c imageUri=<ecr-image-uri> -c modelDataUrl=s3://<bucket>/<key> -c riskTier=MEDIUM
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ExampleStack } from '../lib/example-stack';

const app = new App();
new ExampleStack(app, 'GovernedEndpointExample', {
  imageUri: app.node.tryGetContext('imageUri'),
  modelDataUrl: app.node.tryGetContext('modelDataUrl'),
  riskTier: app.node.tryGetContext('riskTier'),
  owner: app.node.tryGetContext('owner'),
});
Validations.of(app).addPlugins(
  // Acknowledgements (with reasons) are also written into the template as Metadata.cdk_nag, for auditors.
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new NIST80053R5Checks(app),
  new HIPAASecurityChecks(app),
  new PCIDSS321Checks(app),
);
