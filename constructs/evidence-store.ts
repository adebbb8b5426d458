import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, inCompliancePacks } from './private/acknowledge';
import { AWS_LIMIT_SOURCES, OBJECT_LOCK_RETENTION_MODES, S3_DAYS } from '../lib/policy/aws-limits';
import { MINIMUM_EVIDENCE_RETENTION_DAYS } from '../lib/policy/governance';
import { SettingsHandoff } from './private/handoff';
import { PropsValidator } from './private/validation';

/** How S3 Object Lock protects each evidence object during its retention period (S3 `ObjectLockRetentionMode`). */
export enum ObjectLockMode {
  /**
   * Nobody can overwrite or delete an object version during its retention, except principals with
   * `s3:BypassGovernanceRetention` who ask for the bypass; the retention can be shortened the same way.
   */
  GOVERNANCE = 'GOVERNANCE',
  /**
   * Nobody, the account's root user included, can overwrite or delete an object version or shorten its retention
   * until the retention ends. Irreversible for the objects written meanwhile.
   */
  COMPLIANCE = 'COMPLIANCE',
}

/** Props of {@link EvidenceStore}. */
export interface EvidenceStoreProps {
  /** Customer-managed key that encrypts every evidence object (SSE-KMS, bucket key on). */
  readonly encryptionKey: kms.IKey;

  /**
   * Turn on S3 Object Lock with a default retention in `objectLockMode`, so that no evidence object
   * can be overwritten or deleted for `objectLockRetention`.
   * Required for HIGH-tier endpoints. Object Lock can only be set when the bucket is created.
   * @default true
   */
  readonly objectLock?: boolean;

  /**
   * The Object Lock mode of the default retention (only with `objectLock`).
   *
   * HIGH-tier evidence should use `ObjectLockMode.COMPLIANCE` once its retention period is agreed: in GOVERNANCE
   * mode any principal allowed `s3:BypassGovernanceRetention` (an account administrator, say) can still delete or
   * overwrite evidence, so the lock alone does not show a reviewer that the record of a high-risk system is
   * intact; COMPLIANCE mode holds against everyone, the root user included. GOVERNANCE is the default because
   * COMPLIANCE cannot be undone: the objects written meanwhile cannot be deleted before their retention ends, not
   * for a mistaken upload, an erasure request or a test stack's teardown, and the bucket cannot be deleted until then.
   * @default ObjectLockMode.GOVERNANCE
   */
  readonly objectLockMode?: ObjectLockMode;

  /**
   * Default Object Lock retention for each evidence object: whole days, 1 to 36500 (only with `objectLock`).
   * @default Duration.days(365)
   */
  readonly objectLockRetention?: Duration;

  /**
   * Expire evidence objects after this long: whole days, at least 365 (S3 lifecycle rules count whole days).
   * @default - evidence is never expired
   */
  readonly expiration?: Duration;

  /**
   * Bucket that receives the evidence bucket's server access logs.
   * @default - a new SSE-S3 bucket, versioned, TLS-only, retained on stack deletion
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/** The names under which the user wrote an evidence store's options (a foundation names them its own way). @internal */
export interface EvidenceStoreOptionNames {
  readonly objectLock: string;
  readonly objectLockMode: string;
  readonly objectLockRetention: string;
  readonly expiration: string;
}

/** The evidence store's options, checked and with their defaults applied. @internal */
export interface ResolvedEvidenceStore {
  readonly objectLockEnabled: boolean;
  readonly objectLockMode?: ObjectLockMode;
  readonly objectLockRetention: Duration;
  readonly expiration?: Duration;
}

const OWN_NAMES: EvidenceStoreOptionNames = {
  objectLock: 'objectLock', objectLockMode: 'objectLockMode', objectLockRetention: 'objectLockRetention', expiration: 'expiration',
};

/** Settings a foundation resolved for its evidence store, handed to it with its props. */
const RESOLVED = new SettingsHandoff<ResolvedEvidenceStore>();

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
  /** The Object Lock mode of the default retention, when Object Lock is on. */
  public readonly objectLockMode?: ObjectLockMode;

  /**
   * Check an evidence store's options, recording problems in `v` under the names the user wrote (`names`), and
   * resolve their defaults: S3 takes lifecycle expirations and Object Lock retentions in whole days, and the mode
   * is one of `ObjectLockRetentionMode`.
   * @internal
   */
  public static _resolve(v: PropsValidator, props: Omit<EvidenceStoreProps, 'encryptionKey'>, names: EvidenceStoreOptionNames = OWN_NAMES): ResolvedEvidenceStore {
    v.check(props.objectLock === undefined || typeof props.objectLock === 'boolean', names.objectLock, props.objectLock, 'true or false');
    const lockOn = props.objectLock !== false;
    if (props.objectLockMode !== undefined) {
      v.check(lockOn, names.objectLockMode, props.objectLockMode, `only with ${names.objectLock} on (it is off)`);
      v.check(OBJECT_LOCK_RETENTION_MODES.includes(props.objectLockMode), names.objectLockMode, props.objectLockMode,
        `ObjectLockMode.GOVERNANCE or ObjectLockMode.COMPLIANCE (${AWS_LIMIT_SOURCES.objectLockMode})`);
    }
    if (props.objectLockRetention !== undefined) {
      v.check(lockOn, names.objectLockRetention, props.objectLockRetention.toString(), `only with ${names.objectLock} on (it is off)`);
      v.checkWholeDays(names.objectLockRetention, props.objectLockRetention, S3_DAYS.min, S3_DAYS.maxObjectLockDays, 'S3 counts Object Lock retention in days');
    }
    v.checkWholeDays(names.expiration, props.expiration, MINIMUM_EVIDENCE_RETENTION_DAYS, S3_DAYS.max,
      'S3 lifecycle rules count whole days; leave unset to keep evidence forever');
    const objectLockEnabled = props.objectLock ?? true;
    return {
      objectLockEnabled,
      objectLockMode: objectLockEnabled ? (props.objectLockMode ?? ObjectLockMode.GOVERNANCE) : undefined,
      objectLockRetention: props.objectLockRetention ?? Duration.days(MINIMUM_EVIDENCE_RETENTION_DAYS),
      expiration: props.expiration,
    };
  }

  /**
   * An evidence store whose props were resolved by `_resolve` already (by the foundation that owns it, with its own
   * props, in one error): built from `settings`, without checking them again.
   * @internal
   */
  public static _fromResolved(scope: Construct, id: string, props: EvidenceStoreProps, settings: ResolvedEvidenceStore): EvidenceStore {
    return new EvidenceStore(scope, id, RESOLVED.attach(props, settings));
  }

  constructor(scope: Construct, id: string, props: EvidenceStoreProps) {
    super(scope, id);
    const settings = RESOLVED.take(props) ?? EvidenceStore.resolveOwnProps(this, props);
    this.objectLockEnabled = settings.objectLockEnabled;
    this.objectLockMode = settings.objectLockMode;
    const lockRetention = settings.objectLockRetention;
    const expiration = settings.expiration;
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
      objectLockDefaultRetention: this.objectLockMode === ObjectLockMode.COMPLIANCE
        ? s3.ObjectLockRetention.compliance(lockRetention)
        : this.objectLockMode === ObjectLockMode.GOVERNANCE ? s3.ObjectLockRetention.governance(lockRetention) : undefined,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...(expiration ? [{ id: 'expire-evidence', expiration, noncurrentVersionExpiration: expiration }] : []),
      ],
    });
    acknowledge(this.bucket.node.defaultChild!, inCompliancePacks('S3BucketReplicationEnabled'),
      'Evidence stays in the region of the endpoint it describes (data residency). Add replication with the bucket escape hatch if your policy requires a second region.');
  }

  /** Resolve the props of an evidence store built on its own, throwing one error that lists every problem. */
  private static resolveOwnProps(scope: Construct, props: EvidenceStoreProps): ResolvedEvidenceStore {
    const v = new PropsValidator(scope, 'EvidenceStore');
    const settings = EvidenceStore._resolve(v, props);
    v.throwIfInvalid();
    return settings;
  }

  /** Grant `s3:PutObject` on one prefix of the evidence store (writes only; no reads, no deletes). */
  public grantWrite(grantee: iam.IGrantable, prefix: string): iam.Grant {
    return this.bucket.grantPut(grantee, `${prefix}*`);
  }
}

