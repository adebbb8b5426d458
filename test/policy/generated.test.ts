import * as fs from 'fs';
import * as path from 'path';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3sdk from '@aws-sdk/client-s3';
import * as sagemakerSdk from '@aws-sdk/client-sagemaker';
import { renderAwsLimits } from '../../bin/generate-aws-limits';
import { CapacityType, DeploymentStrategy } from '../../constructs/deployment-policy';
import { ObjectLockMode } from '../../constructs/evidence-store';
import {
  LOG_RETENTION_DAYS, OBJECT_LOCK_RETENTION_MODES, PRODUCTION_VARIANT_INSTANCE_TYPES, SAGEMAKER_SDK_SOURCE,
} from '../../lib/policy/aws-limits';
import { CAPACITY_SIZE_TYPES, CAPTURE_MODES, TRAFFIC_ROUTING_CONFIG_TYPES } from '../../lib/policy/generated/sagemaker';

const ROOT = path.resolve(__dirname, '../..');

describe('the AWS limits generated from AWS\'s own definitions', () => {
  const rendered = renderAwsLimits();

  test.each(rendered.map((f) => [f.path, f.text]))('GIVEN the installed SDKs WHEN %s is generated again THEN the committed file is identical (run `npm run generate:limits` when this fails)', (file, text) => {
    expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).toBe(text);
  });

  test('GIVEN the generated files WHEN read THEN each header says it is generated and from which package version', () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@aws-sdk/client-sagemaker/package.json'), 'utf8')).version;
    for (const file of rendered) {
      expect(file.text.split('\n')[0]).toMatch(/^\/\/ GENERATED FILE: do not edit\. Run `npm run generate:limits`/);
      expect(file.text.split('\n')[1]).toMatch(/^\/\/ Generated from (@aws-sdk\/client-[a-z0-9]+|aws-cdk-lib) \d+\.\d+\.\d+/);
    }
    expect(SAGEMAKER_SDK_SOURCE).toBe(`@aws-sdk/client-sagemaker ${version}`);
  });

  test('GIVEN the library\'s instance types WHEN compared with the SDK enum THEN they are exactly ProductionVariantInstanceType', () => {
    expect([...PRODUCTION_VARIANT_INSTANCE_TYPES].sort()).toEqual(Object.values(sagemakerSdk.ProductionVariantInstanceType).sort());
    expect(PRODUCTION_VARIANT_INSTANCE_TYPES).toEqual(expect.arrayContaining(['ml.p6-b200.48xlarge', 'ml.p6e-gb200.36xlarge', 'ml.trn2.48xlarge', 'ml.m5.large']));
  });

  test('GIVEN the deployment and capture values the library renders WHEN compared with the SDK enums THEN SageMaker knows each', () => {
    expect(TRAFFIC_ROUTING_CONFIG_TYPES).toEqual(expect.arrayContaining(Object.values(DeploymentStrategy).filter((s) => s !== DeploymentStrategy.ROLLING)));
    expect([...CAPACITY_SIZE_TYPES].sort()).toEqual(Object.values(CapacityType).sort());
    expect(CAPTURE_MODES).toEqual(expect.arrayContaining(['Input', 'Output']));
  });

  test('GIVEN the ObjectLockMode enum WHEN compared with the S3 SDK THEN its values are exactly ObjectLockRetentionMode', () => {
    expect(Object.values(ObjectLockMode).sort()).toEqual([...OBJECT_LOCK_RETENTION_MODES].sort());
    expect([...OBJECT_LOCK_RETENTION_MODES].sort()).toEqual(Object.values(s3sdk.ObjectLockRetentionMode).sort());
  });

  test('GIVEN the log retention values of the CloudFormation schema WHEN compared with logs.RetentionDays THEN they are the same, INFINITE aside', () => {
    const cdkValues = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v !== logs.RetentionDays.INFINITE);
    expect([...LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual(cdkValues.sort((a, b) => a - b));
    expect(LOG_RETENTION_DAYS).not.toContain(200);
  });
});

describe('the published library needs no AWS SDK at runtime', () => {
  test('GIVEN the library sources WHEN their imports are read THEN none outside the handlers, the CLI and the build scripts imports @aws-sdk', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!['lib/handlers', 'lib/cli'].includes(rel)) {
            walk(rel);
          }
        } else if (rel.endsWith('.ts') && /from '@aws-sdk\//.test(fs.readFileSync(path.join(ROOT, rel), 'utf8'))) {
          offenders.push(rel);
        }
      }
    };
    walk('lib');
    walk('constructs');
    expect(offenders).toEqual([]);
  });
});
