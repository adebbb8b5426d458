import { flattenReference } from '../policy/nag-findings';

/** Whether a resolved value is a CloudFormation intrinsic (`Ref`, `Fn::*`) the pack cannot evaluate. */
export function isIntrinsic(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition');
}

/** A value as a list: `undefined` is empty, a single value is a list of one. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** A resolved reference flattened to text, as cdk-nag flattens it (`<Logical.Attr>`, `<Logical>`). */
export function flatten(value: unknown): string {
  return flattenReference(value);
}

/** Shell-style glob match (`*`, `?`), case-insensitive, as IAM matches actions. */
export function globMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(value);
}

/** Marks a value the pack cannot read at synth: an intrinsic function stands where a value was expected. */
export const UNRESOLVED = Symbol('unresolved');

/**
 * Read a nested property of resolved CloudFormation properties. Returns {@link UNRESOLVED} when the
 * value, or any object on the way to it, is an intrinsic; `undefined` when it is absent.
 */
export function read(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === undefined || current === null) {
      return undefined;
    }
    if (isIntrinsic(current)) {
      return UNRESOLVED;
    }
    if (typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return isIntrinsic(current) ? UNRESOLVED : current;
}
