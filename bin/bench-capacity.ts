/**
 * Capacity benchmark (`npm run bench:capacity`): how many governed endpoints (HIGH tier, every default on) fit in
 * one stack, found by synthesizing stacks of growing size until CloudFormation's 500-resource limit refuses one.
 * Options: --from <n> (default 25).
 */
import { App, Stack } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GovernedEndpoint } from '../constructs/governed-endpoint';
import { ModelArtifact, ModelImage, ModelSource } from '../constructs/model-source';
import { RiskTier } from '../lib/policy/governance';

const context = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')).context;
const fromArg = process.argv.indexOf('--from');
let n = fromArg > 0 ? Number(process.argv[fromArg + 1]) : 25;

function synthesize(count: number): { resources?: number; error?: string } {
  const app = new App({ context });
  const stack = new Stack(app, 'Capacity');
  for (let i = 0; i < count; i++) {
    new GovernedEndpoint(stack, `Endpoint${i}`, {
      model: ModelSource.fromArtifact({
        image: ModelImage.fromUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1'),
        artifact: ModelArtifact.fromS3Url('s3://model-artifacts/model.tar.gz'),
      }),
      governance: { owner: 'ml@example.com', purpose: 'capacity benchmark', riskTier: RiskTier.HIGH },
    });
  }
  try {
    return { resources: Object.keys(app.synth().getStackByName('Capacity').template.Resources).length };
  } catch (e) {
    return { error: String((e as Error).message).split('\n')[0] };
  }
}

let last: { count: number; resources: number } | undefined;
for (;;) {
  const r = synthesize(n);
  if (r.resources === undefined) {
    console.log(`${n} endpoints: synth fails: ${r.error}`);
    break;
  }
  console.log(`${n} endpoints: ${r.resources} resources`);
  last = { count: n, resources: r.resources };
  n++;
}
console.log(last ? `at most ${last.count} governed endpoints fit in one stack (${last.resources} resources)` : 'none fit: lower --from');
