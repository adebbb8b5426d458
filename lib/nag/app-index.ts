import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isIntrinsic } from './cfn-values';

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
  /** `DeletionPolicy` as the template will hold it (overrides applied); undefined when unset. */
  readonly deletionPolicy?: string;
}

/**
 * A read-only index of every CloudFormation resource in an app, and the references between them: `Ref`,
 * `Fn::GetAtt` and `Fn::Sub` in a stack, `Fn::ImportValue` across stacks. Knows nothing about governance.
 */
export class AppIndex {
  private readonly resources = new Map<CfnResource, IndexedResource>();
  private readonly byStack = new Map<Stack, Map<string, IndexedResource>>();

  protected constructor(root: IConstruct) {
    for (const c of root.node.findAll()) {
      if (!CfnResource.isCfnResource(c)) {
        continue;
      }
      const entry = indexed(c);
      this.resources.set(c, entry);
      let ids = this.byStack.get(entry.stack);
      if (!ids) {
        ids = new Map();
        this.byStack.set(entry.stack, ids);
      }
      ids.set(entry.logicalId, entry);
    }
  }

  /** The indexed entry of a resource (indexing it now if it was added after the run began). */
  public entry(node: CfnResource): IndexedResource {
    return this.resources.get(node) ?? indexed(node);
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

  /** How a report names a resource seen from `from`: its logical ID, prefixed by its stack when that differs. */
  public label(resource: IndexedResource, from?: IndexedResource): string {
    // A nested stack's name is a token until deployment: it is named by its construct path.
    const stackLabel = resource.stack.nested ? resource.stack.node.path : resource.stack.stackName;
    return from && from.stack !== resource.stack ? `${stackLabel}/${resource.logicalId}` : resource.logicalId;
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

/** Whether a resource is kept when its stack is deleted (`DeletionPolicy` `Retain` or `RetainExceptOnCreate`). */
export function isRetained(resource: IndexedResource): boolean {
  return resource.deletionPolicy === 'Retain' || resource.deletionPolicy === 'RetainExceptOnCreate';
}

function indexed(node: CfnResource): IndexedResource {
  const stack = Stack.of(node);
  const logicalId = stack.resolve(node.logicalId) as string;
  const rendered = render(node, stack, logicalId);
  const deletionPolicy = typeof rendered.DeletionPolicy === 'string' ? rendered.DeletionPolicy : undefined;
  return { node, stack, logicalId, type: node.cfnResourceType, props: rendered.Properties ?? {}, deletionPolicy };
}

/** The resource as the template will hold it, resolved in its stack; empty when it cannot be rendered. */
function render(node: CfnResource, stack: Stack, logicalId: string): { Properties?: Record<string, any>; DeletionPolicy?: unknown } {
  try {
    const rendered = stack.resolve(node._toCloudFormation()) as { Resources?: Record<string, { Properties?: Record<string, any> }> };
    return rendered.Resources?.[logicalId] ?? {};
  } catch {
    return {};
  }
}
