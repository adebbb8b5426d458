// Internal: PropsValidator, which collects every problem with a construct's props and throws once, and its helpers.
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GovernanceProps, RiskTier } from '../../lib/policy/governance';
import { LOG_RETENTION_DAYS, TAG } from '../../lib/policy/aws-limits';

/** `logs.RetentionDays.INFINITE`: the log group's retention is left unset, so logs never expire. */
const INFINITE_RETENTION = 9999;

/**
 * Collects every problem with a construct's props, then throws once.
 *
 * Each problem names the prop, the value received and what is allowed, so a
 * user fixes all of them in one round trip instead of one synth per mistake.
 * Unresolved tokens are never judged: their value is only known at deploy time.
 */
export class PropsValidator {
  private readonly problems: string[] = [];

  constructor(private readonly scope: IConstruct, private readonly constructName: string) {}

  /** Record a problem unless `ok` holds; returns `ok`. */
  public check(ok: boolean, prop: string, received: unknown, allowed: string): boolean {
    if (!ok) {
      this.problems.push(`${prop}: received ${describe(received)}; allowed: ${allowed}`);
    }
    return ok;
  }

  /** Record a problem the received/allowed form cannot say; `problem` names the value and what is allowed. */
  public fail(prop: string, problem: string): void {
    this.problems.push(`${prop}: ${problem}`);
  }

  /** Record a problem for a number outside [min, max]; tokens are skipped. */
  public checkRange(prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
    if (value === undefined || Token.isUnresolved(value)) {
      return;
    }
    const suffix = unit ? ` ${unit}` : '';
    this.check(typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max, prop, value, `${min} to ${max}${suffix}`);
  }

  /** Record a problem for an integer outside [min, max]; tokens are skipped. Returns false only for a problem. */
  public checkInteger(prop: string, value: number | undefined, min: number, max: number, note = ''): boolean {
    if (value === undefined || Token.isUnresolved(value)) {
      return true;
    }
    return this.check(Number.isInteger(value) && value >= min && value <= max, prop, value, `a whole number from ${min} to ${max}${note}`);
  }

  /** Record a problem for a string that does not match `pattern`; tokens are skipped. Returns false only for a problem. */
  public checkPattern(prop: string, value: string | undefined, pattern: RegExp, allowed: string): boolean {
    if (value === undefined || Token.isUnresolved(value)) {
      return true;
    }
    return this.check(typeof value === 'string' && pattern.test(value), prop, value, allowed);
  }

  /**
   * Record a problem for a name longer than `maxLength` or not matching `pattern`; tokens are skipped.
   * Returns false only for a problem.
   */
  public checkName(prop: string, value: string | undefined, maxLength: number, pattern: RegExp, allowed: string): boolean {
    if (value === undefined || Token.isUnresolved(value)) {
      return true;
    }
    const ok = typeof value === 'string' && value.length <= maxLength && pattern.test(value);
    const length = typeof value === 'string' && value.length > maxLength ? ` (this one has ${value.length})` : '';
    return this.check(ok, prop, value, `${allowed}${length}`);
  }

  /**
   * Record a problem for a value that cannot be the value of tag `tagKey`: more than 256 characters, or a character
   * outside AWS's tag character set. Empty values are a problem when `required`. Tokens are skipped.
   */
  public checkTagValue(prop: string, value: string | undefined, tagKey: string, required = true): boolean {
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      return true;
    }
    if (typeof value !== 'string' || (required && value.trim().length === 0)) {
      return this.check(!required && value === undefined, prop, value, `a non-empty string (it becomes the value of tag ${tagKey})`);
    }
    const length = [...value].length;
    const bad = [...new Set([...value].filter((c) => !TAG.characters.test(c)))];
    const problems = [
      ...(length > TAG.maxValueLength ? [`this one has ${length}`] : []),
      ...(bad.length > 0 ? [`${bad.map((c) => JSON.stringify(c)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not allowed`] : []),
    ];
    return this.check(problems.length === 0, prop, value,
      `a tag value of at most ${TAG.maxValueLength} characters, each a letter, digit, space or one of _ . : / = + - @ ` +
      `(it becomes the value of tag ${tagKey})${problems.length ? `; ${problems.join(' and ')}` : ''}`);
  }

  /**
   * Record a problem for a Duration that is not a whole number of days from `min` to `max` (AWS takes these
   * durations in whole days); tokens are skipped. Returns the days, or undefined for a token or a problem.
   */
  public checkWholeDays(prop: string, d: Duration | undefined, min: number, max: number, allowed = ''): number | undefined {
    if (d === undefined) {
      return undefined;
    }
    const days = amountIn(d, 'days');
    if (days === undefined) {
      return undefined;
    }
    const ok = this.check(Number.isInteger(days) && days >= min && days <= max, prop, durationReceived(d, 'days'),
      `a whole number of days from ${min} to ${max}${allowed ? `, ${allowed}` : ''}`);
    return ok ? days : undefined;
  }

  /**
   * Record a problem for a log retention CloudWatch Logs does not accept, or below `floorDays`; INFINITE (never
   * expire) is accepted. Tokens are skipped.
   */
  public checkLogRetention(prop: string, value: number | undefined, floorDays: number): boolean {
    if (value === undefined || Token.isUnresolved(value)) {
      return true;
    }
    const accepted = LOG_RETENTION_DAYS.filter((d) => d >= floorDays);
    return this.check(value === INFINITE_RETENTION || accepted.includes(value), prop, value,
      `at least ${floorDays} days, as CloudWatch Logs takes them: one of ${accepted.join(', ')} ` +
      '(logs.RetentionDays.SIX_MONTHS or longer), or logs.RetentionDays.INFINITE');
  }

  /** The problems recorded so far. */
  public get count(): number {
    return this.problems.length;
  }

  /** Throw one error listing every problem, if there is any. */
  public throwIfInvalid(): void {
    if (this.problems.length === 0) {
      return;
    }
    throw new Error(
      `${this.constructName} at '${this.scope.node.path}' has invalid props:\n` +
        this.problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

/**
 * The name of `key` under `path`, as the user wrote it: `alarms.modelLatency` for a part's options under the
 * endpoint's `alarms` prop, `modelLatency` for the part's own prop (an empty `path`).
 */
export function propPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * A Duration in seconds or days, or undefined when it holds a token (its value is known at deploy time only, or
 * it cannot be converted at synth: aws-cdk-lib reports that itself).
 */
export function amountIn(d: Duration, unit: 'seconds' | 'days'): number | undefined {
  try {
    const n = unit === 'days' ? d.toDays({ integral: false }) : d.toSeconds({ integral: false });
    return Token.isUnresolved(n) ? undefined : n;
  } catch {
    return undefined;
  }
}

/**
 * A Duration as received, exactly, in `unit`: "1.5 days", or "1.5 days (Duration.hours(36))" when it was written in
 * another unit. Only for a Duration that `amountIn` converts.
 */
export function durationReceived(d: Duration, unit: 'seconds' | 'days'): string {
  const n = amountIn(d, unit);
  const label = `${n} ${n === 1 ? unit.slice(0, -1) : unit}`;
  return d.unitLabel() === unit ? label : `${label} (${d.toString()})`;
}

/**
 * Check `governance` (owner, purpose, risk tier) with prop names under `prefix`; returns the tier when it is valid.
 * Owner and purpose become tag values, so they must be AWS tag values.
 */
export function checkGovernance(v: PropsValidator, prefix: string, governance: Partial<GovernanceProps> | undefined): RiskTier | undefined {
  const gov: Partial<GovernanceProps> = governance ?? {};
  const tiers = Object.values(RiskTier) as string[];
  const tierOk = v.check(tiers.includes(gov.riskTier as string), `${prefix}.riskTier`, gov.riskTier, `one of ${tiers.join(', ')}`);
  const what = { owner: 'a non-empty owner contact, e.g. "fraud-ml@example.com"', purpose: 'a non-empty description of what the model is for' };
  for (const key of ['owner', 'purpose'] as const) {
    const value = gov[key];
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      continue;
    }
    if (v.check(typeof value === 'string' && value.trim().length > 0, `${prefix}.${key}`, value, what[key])) {
      v.checkTagValue(`${prefix}.${key}`, value, `governance:${key}`);
    }
  }
  return tierOk ? gov.riskTier : undefined;
}

interface NameClaim {
  readonly path: string;
  readonly account?: string;
  readonly region?: string;
}

/**
 * Names that must be unique wherever two stacks of one app may deploy to the same account and region (SageMaker
 * endpoint names, SSM parameter names). Stacks with different, fixed accounts or regions never collide; a stack
 * whose account or region is not fixed may deploy next to any other.
 */
export class UniqueNames {
  private static readonly claims = new WeakMap<IConstruct, Map<string, NameClaim[]>>();

  /** The path of the construct that holds `name` of `kind` where `scope`'s stack may deploy, other than `path`. */
  public static holder(kind: string, scope: IConstruct, name: string, path: string): string | undefined {
    const mine = UniqueNames.claimOf(scope, path);
    return UniqueNames.registry(scope).get(`${kind}\0${name}`)?.find((c) => c.path !== path && UniqueNames.mayMeet(c, mine))?.path;
  }

  /** Record that the construct at `path` holds `name` of `kind`. */
  public static claim(kind: string, scope: IConstruct, name: string, path: string): void {
    const registry = UniqueNames.registry(scope);
    const key = `${kind}\0${name}`;
    registry.set(key, [...(registry.get(key) ?? []).filter((c) => c.path !== path), UniqueNames.claimOf(scope, path)]);
  }

  private static registry(scope: IConstruct): Map<string, NameClaim[]> {
    const root = scope.node.root;
    let registry = UniqueNames.claims.get(root);
    if (!registry) {
      registry = new Map();
      UniqueNames.claims.set(root, registry);
    }
    return registry;
  }

  private static claimOf(scope: IConstruct, path: string): NameClaim {
    const stack = Stack.of(scope);
    const fixed = (s: string) => (Token.isUnresolved(s) ? undefined : s);
    return { path, account: fixed(stack.account), region: fixed(stack.region) };
  }

  private static mayMeet(a: NameClaim, b: NameClaim): boolean {
    const differ = (x?: string, y?: string) => x !== undefined && y !== undefined && x !== y;
    return !differ(a.account, b.account) && !differ(a.region, b.region);
  }
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
