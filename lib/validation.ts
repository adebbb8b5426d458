import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
    this.check(Number.isFinite(value) && value >= min && value <= max, prop, value, `${min} to ${max}${suffix}`);
  }

  /** Record a problem for an integer outside [min, max]; tokens are skipped. */
  public checkInteger(prop: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined || Token.isUnresolved(value)) {
      return;
    }
    this.check(Number.isInteger(value) && value >= min && value <= max, prop, value, `a whole number from ${min} to ${max}`);
  }

  /** Record a problem for a string that does not match `pattern`; tokens are skipped. Returns false only for a problem. */
  public checkPattern(prop: string, value: string | undefined, pattern: RegExp, allowed: string): boolean {
    if (value === undefined || Token.isUnresolved(value)) {
      return true;
    }
    return this.check(pattern.test(value), prop, value, allowed);
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
