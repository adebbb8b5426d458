// Internal: upper estimates of resolved template values, for checking service size limits at synth.
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Longest values of the pseudo parameters (aws-us-gov, ap-southeast-4-like regions, 12-digit accounts). */
const PSEUDO_LENGTHS: Record<string, number> = {
  'AWS::Partition': 10,
  'AWS::Region': 14,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 16,
  'AWS::StackName': 128,
};

/** Assumed length of a resource reference: ARNs and generated names of the resources the library references. */
const REFERENCE_LENGTH = 128;

/**
 * An upper estimate of the length a value has once CloudFormation resolves it, for checking service limits
 * (IAM policy size, EventBridge pattern and input size) at synth. Literal text counts as is; pseudo parameters
 * count at their longest; any other reference counts as {@link REFERENCE_LENGTH} characters.
 */
export function resolvedLength(scope: IConstruct, value: string): number {
  if (!Token.isUnresolved(value)) {
    return value.length;
  }
  return measure(Stack.of(scope).resolve(value));
}

function measure(x: unknown): number {
  if (typeof x === 'string') {
    return x.length;
  }
  if (typeof x === 'number' || typeof x === 'boolean') {
    return String(x).length;
  }
  if (Array.isArray(x)) {
    return x.reduce((n: number, v) => n + measure(v), 0);
  }
  if (x && typeof x === 'object') {
    const entries = Object.entries(x as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      if (fn === 'Ref') {
        return PSEUDO_LENGTHS[arg as string] ?? REFERENCE_LENGTH;
      }
      if (fn === 'Fn::Join' && Array.isArray(arg)) {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.reduce((n: number, v) => n + measure(v), 0) + separator.length * Math.max(0, parts.length - 1);
      }
      if (fn.startsWith('Fn::')) {
        return REFERENCE_LENGTH;
      }
    }
    return JSON.stringify(x).length;
  }
  return 0;
}
