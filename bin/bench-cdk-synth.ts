/**
 * The whole-command comparison of `npm run bench`: `npx cdk synth` of the example app against a plain
 * `cdk init`-style app. Benchmark code, not library code.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = join(__dirname, '..');

/** Wall time of `npx cdk synth` in `cwd`, in seconds. */
export function cdkSynth(cwd: string, outdir: string): number {
  const t0 = performance.now();
  const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir], { cwd, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    throw new Error(`npx cdk synth in ${cwd} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-4000)}`);
  }
  return s;
}

/** A plain `cdk init app --language typescript`-style project: ts-node with type checking, one L1 endpoint. */
export function plainProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plain-cdk-'));
  mkdirSync(join(dir, 'bin'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'plain-endpoint', version: '0.1.0', bin: { app: 'bin/app.js' } }, null, 2));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/app.ts' }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2020', module: 'commonjs', lib: ['es2020', 'dom'], declaration: true, strict: true, noImplicitAny: true,
      strictNullChecks: true, noImplicitThis: true, alwaysStrict: true, noUnusedLocals: false, noUnusedParameters: false,
      noImplicitReturns: true, noFallthroughCasesInSwitch: false, inlineSourceMap: true, inlineSources: true,
      experimentalDecorators: true, strictPropertyInitialization: false, typeRoots: ['./node_modules/@types'],
    },
    exclude: ['node_modules', 'cdk.out'],
  }, null, 2));
  writeFileSync(join(dir, 'bin', 'app.ts'), `#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';

const app = new cdk.App();
const stack = new cdk.Stack(app, 'PlainEndpoint');
const model = new sagemaker.CfnModel(stack, 'Model', {
  executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
  primaryContainer: { image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker', modelDataUrl: 's3://governed-endpoint-example-artifacts/fraud-scoring/model.tar.gz' },
});
const config = new sagemaker.CfnEndpointConfig(stack, 'Config', {
  productionVariants: [{ variantName: 'primary', modelName: model.attrModelName, instanceType: 'ml.m5.large', initialInstanceCount: 2, initialVariantWeight: 1 }],
});
new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
`);
  return dir;
}
