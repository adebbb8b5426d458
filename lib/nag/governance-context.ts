import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { asList, isIntrinsic } from './cfn-values';
import { PolicyDocumentIndex } from './policy-documents';

/** CloudFormation resource types the governance rules read. */
export const ResourceTypes = {
  ENDPOINT: 'AWS::SageMaker::Endpoint',
  ENDPOINT_CONFIG: 'AWS::SageMaker::EndpointConfig',
  MODEL: 'AWS::SageMaker::Model',
  ALARM: 'AWS::CloudWatch::Alarm',
  COMPOSITE_ALARM: 'AWS::CloudWatch::CompositeAlarm',
  LOG_GROUP: 'AWS::Logs::LogGroup',
  SSM_PARAMETER: 'AWS::SSM::Parameter',
  ROLE: 'AWS::IAM::Role',
  USER: 'AWS::IAM::User',
  GROUP: 'AWS::IAM::Group',
  POLICY: 'AWS::IAM::Policy',
  MANAGED_POLICY: 'AWS::IAM::ManagedPolicy',
  BUCKET: 'AWS::S3::Bucket',
  BUCKET_POLICY: 'AWS::S3::BucketPolicy',
  KMS_KEY: 'AWS::KMS::Key',
  APPROVAL_GATE: 'Custom::ModelApprovalGate',
} as const;

/** The risk tiers a `risk-tier` tag may carry. */
export const RISK_TIERS = ['LOW', 'MEDIUM', 'HIGH'] as const;

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
  /** Fewest instances per production variant. */
  readonly minimumInstanceCount: number;
}

/** One CloudFormation resource of the app, with its template properties resolved in its own stack. */
export interface IndexedResource {
  /** The L1 construct. */
  readonly node: CfnResource;
  /** Its stack. */
  readonly stack: Stack;
  /** Its logical ID in the stack's template. */
  readonly logicalId: string;
  /** Its CloudFormation type. */
  readonly type: string;
  /**
   * `Properties` as the template will hold them (overrides and tags applied), resolved in the resource's stack.
   * Empty when the resource cannot be rendered.
   */
  readonly props: Record<string, any>;
}

/**
 * A read-only index of every CloudFormation resource in an app, built once per pack run, plus the
 * settings of the pack. Rules use it to follow references between resources (endpoint to config
 * to model to role, rollback alarms, kill-switch parameters), across stacks too.
 */
export class GovernanceContext {
  /** Index every resource under the root of `scope`. */
  public static of(scope: IConstruct, settings: GovernanceRuleSettings): GovernanceContext {
    return new GovernanceContext(scope.node.root, settings);
  }

  private readonly resources = new Map<CfnResource, IndexedResource>();
  private readonly byStack = new Map<Stack, Map<string, IndexedResource>>();
  private policyIndex?: PolicyDocumentIndex;

  private constructor(root: IConstruct, public readonly settings: GovernanceRuleSettings) {
    for (const c of root.node.findAll()) {
      if (!CfnResource.isCfnResource(c)) {
        continue;
      }
      const stack = Stack.of(c);
      const logicalId = stack.resolve(c.logicalId) as string;
      const entry: IndexedResource = { node: c, stack, logicalId, type: c.cfnResourceType, props: renderProperties(c, stack, logicalId) };
      this.resources.set(c, entry);
      let ids = this.byStack.get(stack);
      if (!ids) {
        ids = new Map();
        this.byStack.set(stack, ids);
      }
      ids.set(logicalId, entry);
    }
  }

  /** The indexed entry of a resource (indexing it now if it was added after the run began). */
  public entry(node: CfnResource): IndexedResource {
    const known = this.resources.get(node);
    if (known) {
      return known;
    }
    const stack = Stack.of(node);
    const logicalId = stack.resolve(node.logicalId) as string;
    return { node, stack, logicalId, type: node.cfnResourceType, props: renderProperties(node, stack, logicalId) };
  }

  /** Every resource of a CloudFormation type, in construct-tree order. */
  public ofType(...types: string[]): IndexedResource[] {
    return [...this.resources.values()].filter((r) => types.includes(r.type));
  }

  /** Every indexed resource. */
  public all(): IndexedResource[] {
    return [...this.resources.values()];
  }

  /**
   * The app's resources a resolved value refers to: `Ref` and `Fn::GetAtt` in the same stack,
   * `${Logical}` in `Fn::Sub`, and `Fn::ImportValue` of another stack's export of that resource.
   */
  public referencedBy(value: unknown, from: IndexedResource): IndexedResource[] {
    const found = new Set<IndexedResource>();
    const local = this.byStack.get(from.stack);
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(visit);
        return;
      }
      if (v === null || typeof v !== 'object') {
        return;
      }
      const obj = v as Record<string, unknown>;
      if (typeof obj.Ref === 'string') {
        const hit = local?.get(obj.Ref);
        if (hit) found.add(hit);
      }
      const getAtt = obj['Fn::GetAtt'];
      if (getAtt !== undefined) {
        const id = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
        const hit = typeof id === 'string' ? local?.get(id) : undefined;
        if (hit) found.add(hit);
      }
      const sub = obj['Fn::Sub'];
      const template = Array.isArray(sub) ? sub[0] : sub;
      if (typeof template === 'string') {
        for (const m of template.matchAll(/\$\{([^}.!]+)(?:\.[^}]*)?\}/g)) {
          const hit = local?.get(m[1]);
          if (hit) found.add(hit);
        }
      }
      const imported = obj['Fn::ImportValue'];
      if (typeof imported === 'string') {
        this.exporters(imported).forEach((r) => found.add(r));
      }
      Object.values(obj).forEach(visit);
    };
    visit(value);
    return [...found];
  }

  /** Whether a resolved value refers to `target` (see {@link referencedBy}). */
  public refersTo(value: unknown, from: IndexedResource, target: IndexedResource): boolean {
    return this.referencedBy(value, from).includes(target);
  }

  /** The tags of a resource, key to resolved value; `undefined` when the whole tag list is a token. */
  public tags(resource: IndexedResource): Map<string, unknown> | undefined {
    const raw = resource.props.Tags;
    const out = new Map<string, unknown>();
    if (raw === undefined) {
      return out;
    }
    if (isIntrinsic(raw)) {
      return undefined;
    }
    if (Array.isArray(raw)) {
      for (const t of raw) {
        if (t && typeof t === 'object' && typeof t.Key === 'string') {
          out.set(t.Key, t.Value);
        }
      }
      return out;
    }
    if (typeof raw === 'object') {
      for (const [k, v] of Object.entries(raw)) {
        out.set(k, v);
      }
    }
    return out;
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

  /** The IAM policy documents of the app and the principals they apply to. */
  public get policies(): PolicyDocumentIndex {
    this.policyIndex ??= new PolicyDocumentIndex(this);
    return this.policyIndex;
  }

  /** How a report names a resource seen from `from`: its logical ID, prefixed by its stack when that differs. */
  public label(resource: IndexedResource, from?: IndexedResource): string {
    return from && from.stack !== resource.stack ? `${resource.stack.stackName}/${resource.logicalId}` : resource.logicalId;
  }

  /** Resources in other stacks whose export this import name is (`<Stack>:ExportsOutputRef<Logical>...`). */
  private exporters(exportName: string): IndexedResource[] {
    const out: IndexedResource[] = [];
    for (const [stack, ids] of this.byStack) {
      const prefix = `${stack.stackName}:ExportsOutput`;
      if (!exportName.startsWith(prefix)) {
        continue;
      }
      const rest = exportName.slice(prefix.length);
      for (const [id, entry] of ids) {
        if (rest.startsWith(`Ref${id}`) || rest.startsWith(`FnGetAtt${id}`)) {
          out.push(entry);
        }
      }
    }
    return out;
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

function renderProperties(node: CfnResource, stack: Stack, logicalId: string): Record<string, any> {
  try {
    const rendered = stack.resolve(node._toCloudFormation()) as { Resources?: Record<string, { Properties?: Record<string, any> }> };
    return rendered.Resources?.[logicalId]?.Properties ?? {};
  } catch {
    return {};
  }
}

/** A rule's verdict on one resource, with the resources that implement the control and a short explanation. */
export interface Assessment {
  readonly compliance: NagRuleCompliance;
  /** What was found or what is missing, in a few words (used by the governance report). */
  readonly detail: string;
  /** The resources that implement the control (or should), for the report. */
  readonly evidence: IndexedResource[];
}

/** A rule of the AI governance pack: a cdk-nag rule that also reads the app index and the pack settings. */
export type GovernanceRule = (node: CfnResource, ctx: GovernanceContext) => NagRuleResult;

/** Shorthands for building assessments. */
export const verdict = {
  compliant: (detail: string, evidence: IndexedResource[] = []): Assessment => ({ compliance: NagRuleCompliance.COMPLIANT, detail, evidence }),
  nonCompliant: (detail: string, evidence: IndexedResource[] = []): Assessment => ({ compliance: NagRuleCompliance.NON_COMPLIANT, detail, evidence }),
  notApplicable: (detail = 'not applicable', evidence: IndexedResource[] = []): Assessment => ({ compliance: NagRuleCompliance.NOT_APPLICABLE, detail, evidence }),
};
