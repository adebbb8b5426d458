import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fullDataCapture, governedL1Endpoint, l1Endpoint, newStack, verdictOn } from '../kit';

type Governed = ReturnType<typeof governedL1Endpoint>;

/** The verdict of `rule` on the evidence bucket of a fully governed L1 deployment at `tier`, after `change`. */
function onEvidence(rule: string, change: (g: Governed, stack: Stack) => void = () => {}, tier = 'HIGH') {
  const stack = newStack();
  const g = governedL1Endpoint(stack, tier);
  change(g, stack);
  return verdictOn(rule, g.evidence);
}

const cfnBucket = (g: Governed) => g.evidence.node.defaultChild as s3.CfnBucket;

describe('GIVEN the rule AiGovernance-EvidenceBucketEncrypted and the bucket an endpoint captures data into', () => {
  const rule = 'EvidenceBucketEncrypted';
  test('WHEN it uses SSE-S3 THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => {
      cfnBucket(g).bucketEncryption = { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] };
    })).toBe('non-compliant');
  });
  test('WHEN it uses SSE-KMS with the AWS managed key THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => {
      cfnBucket(g).bucketEncryption = { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }] };
    })).toBe('non-compliant');
  });
  test('WHEN it sets no default encryption THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => { cfnBucket(g).bucketEncryption = undefined; })).toBe('non-compliant');
  });
  test('WHEN it uses SSE-KMS with a customer key THEN it is compliant', () => {
    expect(onEvidence(rule)).toBe('compliant');
  });
  test('WHEN it uses dual-layer SSE-KMS with a customer key THEN it is compliant', () => {
    expect(onEvidence(rule, (g) => {
      cfnBucket(g).bucketEncryption = { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms:dsse', kmsMasterKeyId: g.key.keyArn } }] };
    })).toBe('compliant');
  });
  test('WHEN the bucket receives no data capture THEN it is not applicable, whatever its encryption', () => {
    const stack = newStack();
    governedL1Endpoint(stack);
    expect(verdictOn(rule, new s3.Bucket(stack, 'Plain', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true }))).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EvidenceBucketImmutable and the bucket an endpoint captures data into', () => {
  const rule = 'EvidenceBucketImmutable';
  test('WHEN versioning is off THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => { cfnBucket(g).versioningConfiguration = undefined; })).toBe('non-compliant');
  });
  test('WHEN public access is not fully blocked THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => {
      cfnBucket(g).publicAccessBlockConfiguration = { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true };
    })).toBe('non-compliant');
  });
  test('WHEN it has no access logs THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => { cfnBucket(g).loggingConfiguration = undefined; })).toBe('non-compliant');
  });
  test('WHEN no bucket policy denies requests without TLS THEN it is non-compliant', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Evidence', {
      encryptionKey: key, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(365)), serverAccessLogsPrefix: 'logs/',
    });
    l1Endpoint(stack, 'E', { config: { dataCaptureConfig: { ...fullDataCapture(), destinationS3Uri: `s3://${bucket.bucketName}/capture` } } });
    expect(verdictOn(rule, bucket)).toBe('non-compliant');
  });
  test('WHEN a HIGH tier endpoint captures into it without Object Lock THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => { cfnBucket(g).objectLockEnabled = false; cfnBucket(g).objectLockConfiguration = undefined; })).toBe('non-compliant');
  });
  test('WHEN Object Lock is on without a default retention for a HIGH tier endpoint THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => { cfnBucket(g).objectLockConfiguration = { objectLockEnabled: 'Enabled' }; })).toBe('non-compliant');
  });
  test('WHEN everything is on THEN it is compliant', () => {
    expect(onEvidence(rule)).toBe('compliant');
  });
  test('WHEN only a LOW tier endpoint captures into it without Object Lock THEN it is compliant', () => {
    expect(onEvidence(rule, (g) => { cfnBucket(g).objectLockEnabled = false; cfnBucket(g).objectLockConfiguration = undefined; }, 'LOW')).toBe('compliant');
  });
  test('WHEN the tier is a parameter and there is no Object Lock THEN it is not applicable', () => {
    expect(onEvidence(rule, (g, stack) => {
      cfnBucket(g).objectLockEnabled = false;
      cfnBucket(g).objectLockConfiguration = undefined;
      g.endpoint.tags.setTag('governance:risk-tier', new CfnParameter(stack, 'Tier').valueAsString, 1000);
    })).toBe('not-applicable');
  });
  test('WHEN the bucket receives no data capture THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, new s3.Bucket(stack, 'Plain'))).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EvidenceBucketRetention and the bucket an endpoint captures data into', () => {
  const rule = 'EvidenceBucketRetention';
  test('WHEN it is deleted with its stack THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => g.evidence.applyRemovalPolicy(RemovalPolicy.DESTROY))).toBe('non-compliant');
  });
  test('WHEN a lifecycle rule expires objects after 90 days THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => g.evidence.addLifecycleRule({ expiration: Duration.days(90) }))).toBe('non-compliant');
  });
  test('WHEN a lifecycle rule expires noncurrent versions after 30 days THEN it is non-compliant', () => {
    expect(onEvidence(rule, (g) => g.evidence.addLifecycleRule({ noncurrentVersionExpiration: Duration.days(30) }))).toBe('non-compliant');
  });
  test('WHEN objects expire after 200 days THEN it is non-compliant under the default floor (365) and compliant under a floor of 180', () => {
    const stack = newStack();
    const g = governedL1Endpoint(stack);
    g.evidence.addLifecycleRule({ expiration: Duration.days(200) });
    expect(verdictOn(rule, g.evidence)).toBe('non-compliant');
    expect(verdictOn(rule, g.evidence, { minimumEvidenceRetentionDays: 180 })).toBe('compliant');
  });
  test('WHEN objects expire after the default floor THEN it is compliant', () => {
    expect(onEvidence(rule, (g) => g.evidence.addLifecycleRule({ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(365) }))).toBe('compliant');
  });
  test('WHEN a disabled lifecycle rule would expire objects early THEN it is compliant', () => {
    expect(onEvidence(rule, (g) => g.evidence.addLifecycleRule({ enabled: false, expiration: Duration.days(30) }))).toBe('compliant');
  });
  test('WHEN it is retained and never expired THEN it is compliant', () => {
    expect(onEvidence(rule)).toBe('compliant');
  });
  test('WHEN the expiration is a parameter THEN it is not applicable', () => {
    expect(onEvidence(rule, (g, stack) => {
      cfnBucket(g).lifecycleConfiguration = { rules: [{ status: 'Enabled', expirationInDays: new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber }] };
    })).toBe('not-applicable');
  });
  test('WHEN the bucket receives no data capture THEN it is not applicable, even when deleted with its stack', () => {
    const stack = newStack();
    expect(verdictOn(rule, new s3.Bucket(stack, 'Scratch', { removalPolicy: RemovalPolicy.DESTROY }))).toBe('not-applicable');
  });
});
