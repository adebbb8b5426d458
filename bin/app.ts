#!/usr/bin/env node
/**
 * The example app (`npx cdk synth`): one governed endpoint on built-in defaults, reviewed at synth by
 * the four cdk-nag packs and the library's AiGovernance pack, with the governance report written to
 * `cdk.out/governance-report.{json,md}`. Override the model with context values:
 *
 *   npx cdk synth -c imageUri=<ecr-image-uri> -c modelDataUrl=s3://<bucket>/<key> -c riskTier=MEDIUM
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ExampleStack } from './example-stack';
import { AiGovernanceChecks } from '../lib/nag/ai-governance-checks';
import { GovernanceReport } from '../lib/report/governance-report';

const app = new App();
new ExampleStack(app, 'GovernedEndpointExample', {
  imageUri: app.node.tryGetContext('imageUri'),
  modelDataUrl: app.node.tryGetContext('modelDataUrl'),
  riskTier: app.node.tryGetContext('riskTier'),
  owner: app.node.tryGetContext('owner'),
});
const packs = [
  // Acknowledgements (with reasons) are also written into the template as Metadata.cdk_nag, for auditors.
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new NIST80053R5Checks(app),
  new HIPAASecurityChecks(app),
  new PCIDSS321Checks(app),
  new AiGovernanceChecks(app),
];
Validations.of(app).addPlugins(...packs);
// Per endpoint: owner, controls present or absent, readiness checklist; per pack: findings and acknowledgements.
new GovernanceReport(app, 'GovernanceReport', { packs });
