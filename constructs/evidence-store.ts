import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../lib/nag/acknowledge';
import { PropsValidator } from '../lib/validation';

/** Records must be kept at least this long (EU AI Act Art. 19 / 26(6): six months; the library's floor is a year). */
export const MINIMUM_EVIDENCE_RETENTION_DAYS = 365;

/** Props of {@link EvidenceStore}. */
export interface EvidenceStoreProps {
  /** Customer-managed key that encrypts every evidence object (SSE-KMS, bucket key on). */
  readonly encryptionKey: kms.IKey;

  /**
   * Turn on S3 Object Lock with a default GOVERNANCE-mode retention, so that no evidence object
   * can be overwritten or deleted for `objectLockRetention` without the bypass permission.
   * Required for HIGH-tier endpoints. Object Lock can only be set when the bucket is created.
   * @default true
   */
  readonly objectLock?: boolean;

  /**
   * Default Object Lock retention for each evidence object.
   * @default Duration.days(365)
   */
  readonly objectLockRetention?: Duration;

  /**
   * Expire evidence objects after this long. Must be at least 365 days.
   * @default - evidence is never expired
   */
  readonly expiration?: Duration;

  /**
   * Bucket that receives the evidence bucket's server access logs.
   * @default - a new SSE-S3 bucket, versioned, TLS-only, retained on stack deletion
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/**
 * The audit bucket: data capture, kill-switch snapshots and other evidence.
 *
 * KMS-encrypted with the customer key, versioned, TLS-only, public access blocked,
 * server access logged, Object Lock on by default, never expired before a year,
 * and retained when the stack is deleted.
 */
export class EvidenceStore extends Construct {
  /** The evidence bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket receiving server access logs. */
  public readonly accessLogsBucket: s3.IBucket;
  /** Whether Object Lock is on. */
  public readonly objectLockEnabled: boolean;

  constructor(scope: Construct, id: string, props: EvidenceStoreProps) {
    super(scope, id);
    const v = new PropsValidator(this, 'EvidenceStore');
    const lockDays = props.objectLockRetention?.toDays();
    if (props.objectLockRetention && !Token.isUnresolved(props.objectLockRetention.toSeconds())) {
      v.checkInteger('objectLockRetention (days)', lockDays, 1, 36500);
    }
    if (props.expiration && !Token.isUnresolved(props.expiration.toSeconds())) {
      v.check(props.expiration.toDays({ integral: false }) >= MINIMUM_EVIDENCE_RETENTION_DAYS, 'expiration',
        `${props.expiration.toDays({ integral: false })} days`, `at least ${MINIMUM_EVIDENCE_RETENTION_DAYS} days, or leave unset to keep evidence forever`);
    }
    v.throwIfInvalid();

    this.objectLockEnabled = props.objectLock ?? true;
    // Deliver access logs through a bucket policy, never ACLs, whatever the app's feature flags say.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    if (props.accessLogsBucket) {
      this.accessLogsBucket = props.accessLogsBucket;
    } else {
      const logs = new s3.Bucket(this, 'AccessLogs', {
        // S3 server access logging can only deliver to buckets encrypted with SSE-S3.
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      });
      acknowledge(logs.node.defaultChild!, inCompliancePacks('S3DefaultEncryptionKMS'),
        'S3 server access logging only delivers to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.');
      acknowledge(logs.node.defaultChild!, inCompliancePacks('S3BucketReplicationEnabled'),
        'Access logs are operational records in one region; cross-region replication is a deployment choice left to the user.');
      this.accessLogsBucket = logs;
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'evidence/',
      removalPolicy: RemovalPolicy.RETAIN,
      objectLockEnabled: this.objectLockEnabled || undefined,
      objectLockDefaultRetention: this.objectLockEnabled
        ? s3.ObjectLockRetention.governance(Duration.days(lockDays ?? MINIMUM_EVIDENCE_RETENTION_DAYS))
        : undefined,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...(props.expiration ? [{ id: 'expire-evidence', expiration: props.expiration, noncurrentVersionExpiration: props.expiration }] : []),
      ],
    });
    acknowledge(this.bucket.node.defaultChild!, inCompliancePacks('S3BucketReplicationEnabled'),
      'Evidence stays in the region of the endpoint it describes (data residency). Add replication with the bucket escape hatch if your policy requires a second region.');
  }

  /** Grant `s3:PutObject` on one prefix of the evidence store (writes only; no reads, no deletes). */
  public grantWrite(grantee: iam.IGrantable, prefix: string): iam.Grant {
    return this.bucket.grantPut(grantee, `${prefix}*`);
  }
}
