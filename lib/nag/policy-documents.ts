import { asList, flatten, globMatch, isIntrinsic } from './cfn-values';
import { AppIndex, IndexedResource, ResourceTypes } from './app-index';

/** One IAM policy statement, normalised: lists everywhere, intrinsics kept as they are. */
export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: unknown[];
  readonly notActions: unknown[];
  readonly resources: unknown[];
  readonly condition: Record<string, any> | undefined;
}

/** A policy document of the app, where it is defined and the principals it applies to. */
export interface AttachedDocument {
  /** The resource that holds the document (`AWS::IAM::Policy`, `ManagedPolicy`, or the role with an inline policy). */
  readonly holder: IndexedResource;
  readonly statements: Statement[];
  /** Keys of the principals (roles, users, groups) the document applies to; the holder itself when unattached. */
  readonly principals: string[];
}

const PRINCIPAL_TYPES = [ResourceTypes.ROLE, ResourceTypes.USER, ResourceTypes.GROUP];
const PRINCIPAL_NAME_PROP: Record<string, string> = { [ResourceTypes.ROLE]: 'RoleName', [ResourceTypes.USER]: 'UserName', [ResourceTypes.GROUP]: 'GroupName' };

/** Every IAM policy document of an app, with what it is attached to. */
export class PolicyDocumentIndex {
  public readonly documents: AttachedDocument[] = [];

  constructor(private readonly ctx: AppIndex) {
    const principals = ctx.ofType(...PRINCIPAL_TYPES);
    const keyOf = (r: IndexedResource) => `${r.stack.stackName}/${r.logicalId}`;
    const attachedTo = (holder: IndexedResource, prop: string, type: string): string[] =>
      asList(holder.props[prop]).flatMap((v) => {
        if (typeof v === 'string') {
          const named = principals.filter((p) => p.type === type && p.props[PRINCIPAL_NAME_PROP[type]] === v);
          return named.length > 0 ? named.map(keyOf) : [`${type}:${v}`];
        }
        const refs = ctx.referencedBy(v, holder).filter((r) => r.type === type);
        return refs.length > 0 ? refs.map(keyOf) : [`${type}:${flatten(v)}`];
      });

    for (const holder of ctx.ofType(ResourceTypes.POLICY, ResourceTypes.MANAGED_POLICY)) {
      const attached = [
        ...attachedTo(holder, 'Roles', ResourceTypes.ROLE),
        ...attachedTo(holder, 'Users', ResourceTypes.USER),
        ...attachedTo(holder, 'Groups', ResourceTypes.GROUP),
      ];
      // A managed policy can also be attached from the principal's side (ManagedPolicyArns).
      if (holder.type === ResourceTypes.MANAGED_POLICY) {
        for (const p of principals) {
          if (asList(p.props.ManagedPolicyArns).some((arn) => ctx.refersTo(arn, p, holder))) {
            attached.push(keyOf(p));
          }
        }
      }
      this.documents.push({
        holder,
        statements: statementsOf(holder.props.PolicyDocument),
        principals: attached.length > 0 ? [...new Set(attached)] : [keyOf(holder)],
      });
    }
    for (const principal of principals) {
      for (const inline of asList(principal.props.Policies)) {
        this.documents.push({ holder: principal, statements: statementsOf((inline as any)?.PolicyDocument), principals: [keyOf(principal)] });
      }
    }
  }

  /** The documents that apply to a principal (role, user or group). */
  public documentsOf(principal: IndexedResource): AttachedDocument[] {
    const key = `${principal.stack.stackName}/${principal.logicalId}`;
    return this.documents.filter((d) => d.principals.includes(key));
  }

  /** The documents that apply to any of the principals, by key. */
  public documentsOfKeys(keys: string[]): AttachedDocument[] {
    return this.documents.filter((d) => d.principals.some((p) => keys.includes(p)));
  }

  /** The indexed principal with this key, when it is a resource of the app. */
  public principal(key: string): IndexedResource | undefined {
    return this.ctx.ofType(...PRINCIPAL_TYPES).find((p) => `${p.stack.stackName}/${p.logicalId}` === key);
  }
}

/** The statements of a resolved policy document; an intrinsic document has none the pack can read. */
export function statementsOf(document: unknown): Statement[] {
  if (!document || typeof document !== 'object' || isIntrinsic(document)) {
    return [];
  }
  return asList((document as any).Statement)
    .filter((s): s is Record<string, any> => !!s && typeof s === 'object' && !isIntrinsic(s))
    .map((s) => ({
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: asList(s.Action),
      notActions: asList(s.NotAction),
      resources: asList(s.Resource),
      condition: s.Condition && typeof s.Condition === 'object' && !isIntrinsic(s.Condition) ? s.Condition : undefined,
    }));
}

/** Whether a statement's `Action` covers `action` (IAM wildcards, case-insensitive). */
export function coversAction(statement: Statement, action: string): boolean {
  if (statement.notActions.length > 0) {
    return statement.notActions.every((a) => typeof a === 'string' && !globMatch(a, action));
  }
  return statement.actions.some((a) => typeof a === 'string' && globMatch(a, action));
}

/** The actions of an Allow statement that grant a whole service or everything (`*`, `s3:*`), and NotAction grants. */
export function wildcardActions(statement: Statement): string[] {
  if (statement.effect !== 'Allow') {
    return [];
  }
  const wild = statement.actions.filter((a): a is string => typeof a === 'string' && (a === '*' || /^[a-z0-9-]+:\*$/i.test(a)));
  return statement.notActions.length > 0 ? [...wild, 'NotAction'] : wild;
}

/** The string values a condition operator (e.g. `StringEquals`) sets for a key, matching the key case-insensitively. */
export function conditionValues(statement: Statement, operators: string[], key: string): unknown[] {
  const out: unknown[] = [];
  for (const [op, body] of Object.entries(statement.condition ?? {})) {
    if (!operators.includes(op) || !body || typeof body !== 'object') {
      continue;
    }
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k.toLowerCase() === key.toLowerCase()) {
        out.push(...asList(v));
      }
    }
  }
  return out;
}

/**
 * Whether a statement's `Resource` covers an endpoint of the app: `*`, an ARN pattern matching
 * `endpoint/<name>`, or a reference to the endpoint (also through `Fn::Join`, `Fn::Sub` or an import).
 */
export function coversEndpoint(ctx: AppIndex, holder: IndexedResource, statement: Statement, endpoint: IndexedResource): boolean {
  const name = typeof endpoint.props.EndpointName === 'string' ? endpoint.props.EndpointName : undefined;
  return statement.resources.some((r) => {
    if (typeof r !== 'string' && ctx.refersTo(r, holder, endpoint)) {
      return true;
    }
    // Other references become wildcards: `arn:<AWS::Partition>:sagemaker:...` matches any partition.
    const pattern = typeof r === 'string' ? r : flatten(r).replace(/<[^>]*>/g, '*');
    if (pattern === '*') {
      return true;
    }
    const parts = pattern.split(':');
    if (parts.length < 6 || !globMatch(parts[2], 'sagemaker')) {
      return false;
    }
    // With an unknown endpoint name only a wildcard covers it.
    return globMatch(parts.slice(5).join(':'), `endpoint/${name ?? '\u0000unknown-endpoint-name'}`);
  });
}
