import { Aws, Duration, Lazy, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { GovernanceProps, GovernanceTags, highestRiskTier, RiskTier } from '../lib/policy/governance';
import {
  checkFoundationAttributes, checkFoundationName, FOUNDATION_PARAMETER_PREFIX, FOUNDATION_PARAMETERS, foundationParameterName,
  ImportedGovernanceFoundation, lookupFoundationAttributes, PublishedAttribute,
} from './private/imported-foundation';
import { checkGovernance, PropsValidator, UniqueNames } from './private/validation';
import { warnIfImportedKey } from './private/warnings';
import { AlarmTopic } from './alarm-topic';
import { EvidenceStore, ObjectLockMode } from './evidence-store';
import { KillSwitchEnforcer, KillSwitchEnforcerOptions } from './kill-switch-enforcer';
import { ModelMonitor, ModelMonitorOptions } from './model-monitor';
import type { IKillSwitchEnforcer } from './kill-switch-enforcer-ref';
import type { GovernanceFoundationAttributes, GovernanceFoundationLookupOptions, IGovernanceFoundation } from './governance-foundation-ref';

/** The kind of name `UniqueNames` keeps for foundations: the segment of their published parameters' names. */
const FOUNDATION_NAMES = 'governance-foundation';

/** Props of {@link GovernanceFoundation}. */
export interface GovernanceFoundationProps {
  /**
   * Owner, purpose and risk tier tagged on the foundation's own resources (owner and purpose must be AWS tag values).
   * @default - the owner of the first endpoint that uses the foundation, purpose
   *   "shared governance foundation for model endpoints", and the highest risk tier of the endpoints using it
   */
  readonly governance?: GovernanceProps;

  /**
   * Customer-managed key for evidence, data capture, logs and volumes of every endpoint that uses this foundation.
   * Bring your own key only if its key policy lets CloudWatch Logs (`logs.<region>.amazonaws.com`) use it.
   * @default - a new key with yearly rotation on, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Topic that receives every alarm and kill-switch notification of the endpoints using this foundation.
   * Bring your own only if it is KMS-encrypted and its key lets CloudWatch (`cloudwatch.amazonaws.com`) use it.
   * @default - a new topic encrypted with `encryptionKey`, accepting TLS publishes only
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * Turn on S3 Object Lock (365-day default retention, in `objectLockMode`) on the evidence bucket.
   * HIGH-tier endpoints require it.
   * @default true
   */
  readonly objectLock?: boolean;

  /**
   * The Object Lock mode of the evidence bucket's default retention (only with `objectLock`).
   *
   * HIGH-tier endpoints should use `ObjectLockMode.COMPLIANCE` once the retention period is agreed: in GOVERNANCE
   * mode any principal allowed `s3:BypassGovernanceRetention` can still delete or overwrite evidence; in COMPLIANCE
   * mode nobody can, the root user included. GOVERNANCE is the default because COMPLIANCE cannot be undone: objects
   * cannot be deleted before their retention ends (not for a mistaken upload, an erasure request or a test teardown).
   * @default ObjectLockMode.GOVERNANCE
   */
  readonly objectLockMode?: ObjectLockMode;

  /**
   * Expire evidence after this long: whole days, at least 365.
   * @default - evidence is never expired
   */
  readonly evidenceExpiration?: Duration;

  /**
   * The name the foundation publishes its references under, as SSM String parameters
   * `/governed-endpoint/foundation/<name>/{key-arn,evidence-bucket-name,object-lock,alert-topic-arn,auto-pause-topic-arn}`,
   * which other apps read with `GovernanceFoundation.fromLookup`; also the value of the `governance:foundation` tag by
   * which its kill-switch enforcer finds the endpoints it serves: 1 to 128 letters, digits and `_ . -`, unique in the
   * account and region.
   * @default - the stack's name for the foundation `GovernanceFoundation.of` creates (ID `GovernanceFoundation` at the
   *   root of a top-level stack); for any other (nested stacks included), the top-level stack's name, a dot and the
   *   foundation's construct path below that stack, with `/` written `.` and other characters outside the allowed set
   *   written `-`
   */
  readonly name?: string;

  /**
   * How the foundation's kill-switch enforcer runs (reconcile interval, VPC, concurrency, log retention). One enforcer
   * serves every endpoint tagged with the foundation's name, in any stack or app.
   * @default - reconcile every 5 minutes, not in a VPC, reserved concurrency 5, logs kept a year
   */
  readonly killSwitchEnforcer?: KillSwitchEnforcerOptions;

  /**
   * How the foundation's model monitor runs (VPC, concurrency, log retention). One monitor serves every monitored
   * endpoint tagged with the foundation's name, in any stack or app.
   * @default - not in a VPC, reserved concurrency 2, logs kept a year
   */
  readonly modelMonitor?: ModelMonitorOptions;
}

/**
 * The governance parts that endpoints in any number of stacks and apps share: one KMS key, one evidence store, one
 * alert topic and one kill-switch enforcer (which finds the endpoints it serves by their `governance:foundation` tag,
 * so the foundation never refers to an endpoint and does not change when endpoints are added).
 *
 * `GovernedEndpoint` uses the stack's foundation ({@link GovernanceFoundation.of}) unless you pass one (a foundation
 * of another stack, or one imported with `fromLookup`/`fromAttributes`), so 50 endpoints cost one key and one bucket, not 50.
 */
export class GovernanceFoundation extends Construct implements IGovernanceFoundation {
  /** The construct ID of the per-stack foundation. Part of the logical IDs of the key and bucket: never change it. */
  public static readonly STACK_SINGLETON_ID = 'GovernanceFoundation';

  /** The prefix of the SSM parameters every foundation publishes: `<prefix><name>/<parameter>`. */
  public static readonly PARAMETER_PREFIX = FOUNDATION_PARAMETER_PREFIX;

  /**
   * A foundation defined in another app or stack, by its references. Its kill-switch enforcer (deployed with it)
   * serves the endpoints that use it: they get no enforcer of their own.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: GovernanceFoundationAttributes): IGovernanceFoundation {
    const v = new PropsValidator(scope, 'GovernanceFoundation.fromAttributes');
    checkFoundationAttributes(v, attrs, { name: 'name', encryptionKeyArn: 'encryptionKeyArn', evidenceBucketName: 'evidenceBucketName',
      alertTopicArn: 'alertTopicArn', objectLockEnabled: 'objectLockEnabled', autoPauseTopicArn: 'autoPauseTopicArn' });
    v.throwIfInvalid();
    return new ImportedGovernanceFoundation(scope, id, attrs);
  }

  /**
   * A foundation defined in another app, from the SSM parameters it publishes under `options.name`, read at synth
   * (the CDK CLI caches them in cdk.context.json). The calling stack needs a concrete `env` (account and region).
   */
  public static fromLookup(scope: Construct, id: string, options: GovernanceFoundationLookupOptions): IGovernanceFoundation {
    const v = new PropsValidator(scope, 'GovernanceFoundation.fromLookup');
    const stack = Stack.of(scope);
    if (Token.isUnresolved(options.name)) {
      v.fail('name', 'received a token; allowed: a name known at synth (the parameters are read at synth)');
    } else {
      checkFoundationName(v, 'name', options.name);
    }
    v.check(!Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region), 'scope', `a stack without a concrete env (${stack.stackName})`,
      'a scope in a stack with `env: { account, region }`: the lookup reads the parameters of that account and region');
    v.throwIfInvalid();
    const { pending, ...attrs } = lookupFoundationAttributes(scope, options.name);
    const labels = {
      name: 'name',
      ...Object.fromEntries(Object.keys(FOUNDATION_PARAMETERS).map((a) => [a, foundationParameterName(options.name, a as PublishedAttribute)])),
    } as Record<keyof GovernanceFoundationAttributes, string>;
    if (!pending) {
      checkFoundationAttributes(v, attrs, labels);
      v.throwIfInvalid();
    }
    return new ImportedGovernanceFoundation(scope, id, attrs);
  }

  /** The stack's shared foundation, created with defaults on first use. */
  public static of(scope: IConstruct): GovernanceFoundation {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(GovernanceFoundation.STACK_SINGLETON_ID);
    if (existing instanceof GovernanceFoundation) {
      return existing;
    }
    return new GovernanceFoundation(stack, GovernanceFoundation.STACK_SINGLETON_ID);
  }

  /** The key that encrypts evidence, capture, logs and volumes. */
  public readonly encryptionKey: kms.IKey;
  /** The evidence store. */
  public readonly evidenceStore: EvidenceStore;
  /** The alert topic for alarms and kill-switch notifications. */
  public readonly alertTopic: sns.ITopic;
  /** The name the foundation publishes its references under (`<PARAMETER_PREFIX><name>/`) and tags its endpoints with. */
  public readonly name: string;
  /** The kill-switch enforcer of every endpoint that uses the foundation. */
  public readonly killSwitchEnforcer: IKillSwitchEnforcer;
  /** The same enforcer, as the construct (its function, role, alarm and metrics). */
  public readonly enforcer: KillSwitchEnforcer;
  /** The model monitor serving the foundation's monitored endpoints (drift, quality, hypercare, reviews). */
  public readonly modelMonitor: ModelMonitor;

  private readonly endpointGovernance: GovernanceProps[] = [];

  constructor(scope: Construct, id: string, props: GovernanceFoundationProps = {}) {
    super(scope, id);
    // Every prop is checked before any resource exists; the evidence store's options under the names written here.
    const v = new PropsValidator(this, 'GovernanceFoundation');
    if (props.governance !== undefined) {
      checkGovernance(v, 'governance', props.governance);
    }
    const evidence = EvidenceStore._resolve(v, { objectLock: props.objectLock, objectLockMode: props.objectLockMode, expiration: props.evidenceExpiration },
      { objectLock: 'objectLock', objectLockMode: 'objectLockMode', objectLockRetention: 'objectLockRetention', expiration: 'evidenceExpiration' });
    this.name = props.name ?? defaultName(this);
    if (checkFoundationName(v, 'name', this.name) && !Token.isUnresolved(this.name)) {
      const holder = UniqueNames.holder(FOUNDATION_NAMES, this, this.name, this.node.path);
      v.check(holder === undefined, 'name', this.name, `a name no other foundation in the account and region uses (${holder} uses it${props.name === undefined ? ', and it defaults to the stack name' : ''})`);
    }
    v.throwIfInvalid();
    if (!Token.isUnresolved(this.name)) {
      UniqueNames.claim(FOUNDATION_NAMES, this, this.name, this.node.path);
    }

    const gov = props.governance;
    const first = () => this.endpointGovernance[0];
    Tags.of(this).add(GovernanceTags.OWNER, gov?.owner ?? Lazy.string({ produce: () => first()?.owner ?? 'unassigned' }));
    Tags.of(this).add(GovernanceTags.PURPOSE, gov?.purpose ?? 'shared governance foundation for model endpoints');
    Tags.of(this).add(GovernanceTags.RISK_TIER, gov?.riskTier ?? Lazy.string({ produce: () => this.highestTier() }));
    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: 'Governed model endpoints: evidence, data capture, logs and volumes',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    warnIfImportedKey(this, this.encryptionKey, 'encryptionKey');
    // CloudWatch Logs encrypts log groups with the key only if the key policy lets it (no-op on imported keys).
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsInThisAccountAndRegion',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
      },
    }));
    // CloudWatch alarms publish to the encrypted alert topic only if the key lets them (no-op on imported keys).
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }));
    // Grants on the key only through AWS services. A grant lets its grantee use the key whatever the key policy and
    // IAM policies say, so a grant made directly (CreateGrant by any principal of the account, which the
    // account-root statement of the default key policy allows) would be a way around every other control on the
    // key. The services that need grants on this key (SageMaker for the endpoint's ML storage volume; EBS or Lambda
    // if you use the key for them) create them on behalf of the caller's request, where KMS sets
    // kms:GrantIsForAWSResource to true; CloudWatch Logs, CloudWatch alarms, SNS, SQS and S3 use the key without
    // grants. A Deny, rather than an Allow conditioned on that key, leaves the account-root statement as it is, so
    // IAM policies still govern the key and the key policy lockout check passes. Key administrators are not exempt:
    // administering the key (PutKeyPolicy, rotation, deletion, ListGrants, RevokeGrant) is not CreateGrant, and
    // lifting the rule means changing the key policy, an audited change. An AWS service calling with its own
    // service principal is exempt too. It is the key-policy counterpart of Control Tower's
    // preventive (SCP-based) control CT.KMS.PV.1, which limits grant creation to AWS services.
    // A no-op on an imported key.
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyGrantsExceptThroughAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    if (props.alertTopic) {
      this.alertTopic = props.alertTopic;
    } else {
      const topic = new AlarmTopic(this, 'AlertTopic', {
        displayName: 'Governed model endpoint alerts',
        encryptionKey: this.encryptionKey,
      });
      this.alertTopic = topic;
    }
    this.evidenceStore = EvidenceStore._fromResolved(this, 'Evidence', {
      encryptionKey: this.encryptionKey,
      objectLock: props.objectLock,
      objectLockMode: props.objectLockMode,
      expiration: props.evidenceExpiration,
    }, evidence);
    this.enforcer = new KillSwitchEnforcer(this, 'KillSwitchEnforcer', {
      ...props.killSwitchEnforcer,
      foundationName: this.name,
      encryptionKey: this.encryptionKey,
      evidenceBucket: this.evidenceBucket,
      alertTopic: this.alertTopic,
    });
    this.killSwitchEnforcer = this.enforcer;
    this.modelMonitor = new ModelMonitor(this, 'ModelMonitor', {
      ...props.modelMonitor,
      foundationName: this.name,
      encryptionKey: this.encryptionKey,
      evidenceBucket: this.evidenceBucket,
      alertTopic: this.alertTopic,
    });
    this.publish();
  }

  /** Whether the evidence bucket has S3 Object Lock on. */
  public get objectLockEnabled(): boolean {
    return this.evidenceStore.objectLockEnabled;
  }

  /**
   * Record that an endpoint uses this foundation. An endpoint in the foundation's own stack feeds the foundation's
   * default tags (the first owner, the highest tier); one in another stack does not, so that adding an endpoint stack
   * never changes the foundation's stack. `GovernedEndpoint` calls this for you.
   */
  public registerEndpoint(governance: GovernanceProps, scope?: IConstruct): void {
    if (scope === undefined || Stack.of(scope) === Stack.of(this)) {
      this.endpointGovernance.push(governance);
    }
  }

  /** Publish the references other apps import with `fromLookup`, one String parameter each. */
  private publish(): void {
    const values: Record<PublishedAttribute, [string, string]> = {
      encryptionKeyArn: ['KeyArnParameter', this.encryptionKey.keyArn],
      evidenceBucketName: ['EvidenceBucketNameParameter', this.evidenceBucket.bucketName],
      objectLockEnabled: ['ObjectLockParameter', String(this.objectLockEnabled)],
      alertTopicArn: ['AlertTopicArnParameter', this.alertTopic.topicArn],
      autoPauseTopicArn: ['AutoPauseTopicArnParameter', this.enforcer.autoPauseTopic!.topicArn],
    };
    for (const [attribute, [id, value]] of Object.entries(values)) {
      new ssm.StringParameter(this, id, {
        parameterName: foundationParameterName(this.name, attribute as PublishedAttribute),
        stringValue: value,
        description: `Governance foundation ${this.name}: ${attribute}, for GovernanceFoundation.fromLookup`,
      });
    }
  }

  private highestTier(): string {
    return highestRiskTier(this.endpointGovernance.map((g) => g.riskTier)) ?? RiskTier.HIGH;
  }

  /** The evidence bucket. */
  public get evidenceBucket(): s3.IBucket {
    return this.evidenceStore.bucket;
  }
}

/** The default name: the stack's for its singleton foundation, the stack's and the path within it for any other. */
function defaultName(foundation: GovernanceFoundation): string {
  // A nested stack's name is a token until deployment: name it by its top-level stack and its path below it.
  let top = Stack.of(foundation);
  while (top.nestedStackParent) {
    top = top.nestedStackParent;
  }
  const stack = Stack.of(foundation);
  if (top === stack && foundation.node.scope === stack && foundation.node.id === GovernanceFoundation.STACK_SINGLETON_ID) {
    return stack.stackName;
  }
  const path = foundation.node.scopes.slice(foundation.node.scopes.indexOf(top) + 1).map((c) => c.node.id).join('.');
  return `${top.stackName}.${path.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}
