import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { RISK_TIERS, RiskTier, TierFloors, tierFloors } from '../policy/governance';
import { AppIndex, IndexedResource, ResourceTypes } from './app-index';
import { asList, flatten, isIntrinsic, read, UNRESOLVED } from './cfn-values';
import { PolicyDocumentIndex } from './policy-documents';

/** A risk tier read from a tag: a known tier, `MISSING` (absent or not a tier) or `UNRESOLVED` (a token). */
export type TierReading = 'LOW' | 'MEDIUM' | 'HIGH' | 'MISSING' | 'UNRESOLVED';

/** Settings every rule reads: the props of the pack with their defaults applied. */
export interface GovernanceRuleSettings {
  /** Tag key naming the owner. */
  readonly ownerTagKey: string;
  /** Tag key stating the purpose. */
  readonly purposeTagKey: string;
  /** Tag key holding the risk tier. */
  readonly riskTierTagKey: string;
  /** Tag key the kill switch sets on a paused endpoint. */
  readonly killSwitchTagKey: string;
  /** Tag key on the endpoint naming its kill-switch parameter. */
  readonly killSwitchParameterTagKey: string;
  /** Value of the kill-switch tag while the endpoint is paused. */
  readonly pausedValue: string;
  /** Sampling floor for LOW and MEDIUM tier, percent. */
  readonly minimumSamplingPercentage: number;
  /** Sampling floor for HIGH tier and tier-less endpoints, percent. */
  readonly highRiskMinimumSamplingPercentage: number;
  /** Shortest log retention, days. */
  readonly minimumLogRetentionDays: number;
  /** Shortest evidence retention, days: evidence buckets may not expire records sooner. */
  readonly minimumEvidenceRetentionDays: number;
  /** Fewest instances per production variant. */
  readonly minimumInstanceCount: number;
}

/** Where an endpoint config captures inference data: buckets of the app, literal bucket names, or a token. */
export interface CaptureDestination {
  /** Buckets of the app the destination refers to (by reference or by literal `BucketName`). */
  readonly buckets: IndexedResource[];
  /** The bucket name, when the destination is a literal `s3://<name>/...` URI. */
  readonly bucketName?: string;
  /** Whether the destination is set at all. */
  readonly defined: boolean;
}

/**
 * The app index plus the pack's settings and the relations the governance rules follow: endpoint to config to
 * models, log groups, evidence buckets and alarms; tiers; IAM policy documents. Built once per pack run.
 */
export class GovernanceContext extends AppIndex {
  /** Index every resource under the root of `scope`. */
  public static of(scope: IConstruct, settings: GovernanceRuleSettings): GovernanceContext {
    return new GovernanceContext(scope.node.root, settings);
  }

  private policyIndex?: PolicyDocumentIndex;
  private capturedInto?: Map<IndexedResource, IndexedResource[]>;

  private constructor(root: IConstruct, public readonly settings: GovernanceRuleSettings) {
    super(root);
  }

  /** The risk tier of one resource, read from its own risk-tier tag. */
  public tierTag(resource: IndexedResource): TierReading {
    const tags = this.tags(resource);
    if (tags === undefined) {
      return 'UNRESOLVED';
    }
    const value = tags.get(this.settings.riskTierTagKey);
    if (value === undefined) {
      return 'MISSING';
    }
    if (typeof value !== 'string') {
      return 'UNRESOLVED';
    }
    return (RISK_TIERS as readonly string[]).includes(value) ? value as TierReading : 'MISSING';
  }

  /**
   * The risk tier that governs an endpoint config: the strictest tier of the endpoints using it,
   * else its own tag. A config without a readable tier is `MISSING`, which rules treat as HIGH.
   */
  public tierOfConfig(config: IndexedResource): TierReading {
    const endpoints = this.endpointsUsing(config);
    const readings = endpoints.length > 0 ? endpoints.map((e) => this.tierTag(e)) : [this.tierTag(config)];
    return strictest(readings);
  }

  /** The endpoints whose `EndpointConfigName` refers to this config. */
  public endpointsUsing(config: IndexedResource): IndexedResource[] {
    return this.ofType(ResourceTypes.ENDPOINT).filter((e) => this.refersTo(e.props.EndpointConfigName, e, config) ||
      (typeof e.props.EndpointConfigName === 'string' && e.props.EndpointConfigName === config.props.EndpointConfigName));
  }

  /** The endpoint config an endpoint uses, when it is in the app. */
  public configOf(endpoint: IndexedResource): IndexedResource | undefined {
    const name = endpoint.props.EndpointConfigName;
    return this.referencedBy(name, endpoint).find((r) => r.type === ResourceTypes.ENDPOINT_CONFIG) ??
      (typeof name === 'string' ? this.ofType(ResourceTypes.ENDPOINT_CONFIG).find((c) => c.props.EndpointConfigName === name) : undefined);
  }

  /** The models behind an endpoint config's production variants, when they are in the app. */
  public modelsOf(config: IndexedResource): IndexedResource[] {
    const models = new Set<IndexedResource>();
    for (const variant of asList(config.props.ProductionVariants)) {
      const name = (variant as any)?.ModelName;
      for (const r of this.referencedBy(name, config)) {
        if (r.type === ResourceTypes.MODEL) models.add(r);
      }
      if (typeof name === 'string') {
        this.ofType(ResourceTypes.MODEL).filter((m) => m.props.ModelName === name).forEach((m) => models.add(m));
      }
    }
    return [...models];
  }

  /**
   * The log groups SageMaker writes an endpoint's logs to, when the app defines them:
   * `/aws/sagemaker/Endpoints/<endpoint name>`, by literal name or by a reference to the endpoint.
   */
  public logGroupsOf(endpoint: IndexedResource): IndexedResource[] {
    const name = endpoint.props.EndpointName;
    const expected = typeof name === 'string' ? `/aws/sagemaker/Endpoints/${name}` : undefined;
    return this.ofType(ResourceTypes.LOG_GROUP).filter((g) => {
      const groupName = g.props.LogGroupName;
      if (typeof groupName === 'string') {
        return groupName === expected;
      }
      return groupName !== undefined && flatten(groupName).startsWith('/aws/sagemaker/Endpoints/') &&
        (this.refersTo(groupName, g, endpoint) || flatten(groupName) === expected);
    });
  }

  /** Where an endpoint config's `DataCaptureConfig.DestinationS3Uri` points. */
  public captureDestination(config: IndexedResource): CaptureDestination {
    const capture = config.props.DataCaptureConfig;
    const uri = capture === undefined || isIntrinsic(capture) ? capture : capture.DestinationS3Uri;
    if (uri === undefined) {
      return { buckets: [], defined: false };
    }
    const referenced = this.referencedBy(uri, config).filter((r) => r.type === ResourceTypes.BUCKET);
    // A literal bucket name, also inside a `Fn::Join` whose bucket part is literal: `s3://evidence/<Endpoint.Name>/`.
    const bucketName = isIntrinsic(capture) ? undefined : /^s3:\/\/([^/<>*]+)(?:\/|$)/.exec(typeof uri === 'string' ? uri : flatten(uri))?.[1];
    const named = bucketName === undefined ? [] : this.ofType(ResourceTypes.BUCKET).filter((b) => b.props.BucketName === bucketName);
    return { buckets: [...new Set([...referenced, ...named])], bucketName, defined: true };
  }

  /** The evidence buckets of the app an endpoint config captures inference data into. */
  public evidenceBucketsOf(config: IndexedResource): IndexedResource[] {
    return this.captureDestination(config).buckets;
  }

  /** The endpoint configs that capture inference data into a bucket: what makes it an evidence bucket. */
  public configsCapturingInto(bucket: IndexedResource): IndexedResource[] {
    if (this.capturedInto === undefined) {
      this.capturedInto = new Map();
      for (const config of this.ofType(ResourceTypes.ENDPOINT_CONFIG)) {
        for (const b of this.evidenceBucketsOf(config)) {
          this.capturedInto.set(b, [...(this.capturedInto.get(b) ?? []), config]);
        }
      }
    }
    return this.capturedInto.get(bucket) ?? [];
  }

  /**
   * The alarms of the app an alarm name refers to: a `Ref` to an alarm (which returns its name),
   * an import of one, or a literal equal to an alarm's `AlarmName`. `undefined` when the name is a
   * token the pack cannot follow (a parameter, an import from outside the app).
   */
  public alarmsNamed(name: unknown, from: IndexedResource): IndexedResource[] | undefined {
    const alarms = this.ofType(ResourceTypes.ALARM, ResourceTypes.COMPOSITE_ALARM);
    if (typeof name === 'string') {
      return alarms.filter((a) => a.props.AlarmName === name);
    }
    const referenced = this.referencedBy(name, from).filter((r) => alarms.includes(r));
    if (referenced.length > 0) {
      return referenced;
    }
    return name === undefined ? [] : undefined;
  }

  /** The alarms an endpoint's `DeploymentConfig.AutoRollbackConfiguration` names; `unresolved` when a name is a token. */
  public rollbackAlarmsOf(endpoint: IndexedResource): { alarms: IndexedResource[]; unknown: string[]; unresolved: boolean } {
    const found = new Set<IndexedResource>();
    const unknown: string[] = [];
    const names = read(endpoint.props, 'DeploymentConfig', 'AutoRollbackConfiguration', 'Alarms');
    let unresolved = names === UNRESOLVED;
    for (const alarm of names === UNRESOLVED ? [] : asList(names)) {
      if (isIntrinsic(alarm) || !alarm || typeof alarm !== 'object') {
        unresolved = true;
        continue;
      }
      const name = (alarm as Record<string, unknown>).AlarmName;
      const matches = this.alarmsNamed(name, endpoint);
      if (matches === undefined) {
        unresolved = true;
      } else if (matches.length === 0) {
        unknown.push(flatten(name));
      } else {
        matches.forEach((m) => found.add(m));
      }
    }
    return { alarms: [...found], unknown, unresolved };
  }

  /**
   * The metric alarms of the app that watch an endpoint: a metric (or a metric of a math expression) with the
   * dimension `EndpointName` equal to the endpoint's name or a reference to it, and the rollback alarms it names.
   */
  public alarmsWatching(endpoint: IndexedResource): IndexedResource[] {
    const name = endpoint.props.EndpointName;
    const onEndpoint = (dims: unknown, alarm: IndexedResource) => asList(dims).some((d: any) =>
      d?.Name === 'EndpointName' && (this.refersTo(d.Value, alarm, endpoint) || (typeof name === 'string' && d.Value === name)));
    const watching = this.ofType(ResourceTypes.ALARM).filter((a) =>
      onEndpoint(a.props.Dimensions, a) || asList(a.props.Metrics).some((m: any) => onEndpoint(m?.MetricStat?.Metric?.Dimensions, a)));
    return [...new Set([...watching, ...this.rollbackAlarmsOf(endpoint).alarms])];
  }

  /** The IAM policy documents of the app and the principals they apply to. */
  public get policies(): PolicyDocumentIndex {
    this.policyIndex ??= new PolicyDocumentIndex(this);
    return this.policyIndex;
  }
}

/** The strictest of several tier readings: an unreadable tier beats HIGH, a missing one counts as HIGH. */
export function strictest(readings: TierReading[]): TierReading {
  for (const t of ['UNRESOLVED', 'MISSING', 'HIGH', 'MEDIUM', 'LOW'] as const) {
    if (readings.includes(t)) {
      return t;
    }
  }
  return 'MISSING';
}

/** The floors of the tier a reading names, a missing tier counting as HIGH; undefined when the tier is a token. */
export function floorsOf(tier: TierReading): TierFloors | undefined {
  return tier === 'UNRESOLVED' ? undefined : tierFloors(tier === 'MISSING' ? RiskTier.HIGH : tier as RiskTier);
}

/** A rule's verdict on one resource, with the resources that implement the control and a short explanation. */
export interface Assessment {
  readonly compliance: NagRuleCompliance;
  /** What was found or what is missing, in a few words (used by the governance report). */
  readonly detail: string;
  /** The resources that implement the control (or should), for the report. */
  readonly evidence: IndexedResource[];
}

/** Shorthands for building assessments. */
export const verdict = {
  compliant: (detail: string, evidence: IndexedResource[] = []): Assessment => ({ compliance: NagRuleCompliance.COMPLIANT, detail, evidence }),
  nonCompliant: (detail: string, evidence: IndexedResource[] = []): Assessment => ({ compliance: NagRuleCompliance.NON_COMPLIANT, detail, evidence }),
  notApplicable: (detail = 'not applicable', evidence: IndexedResource[] = []): Assessment => ({ compliance: NagRuleCompliance.NOT_APPLICABLE, detail, evidence }),
};
