import { isDeploymentWrite, KillSwitchState } from '../../policy/kill-switch-protocol';

/** One version of a kill-switch parameter, from `GetParameterHistory`. */
export interface ParameterVersion {
  readonly version: number;
  readonly value?: string;
  readonly description?: string;
  readonly lastModifiedUser?: string;
  readonly lastModifiedDate?: string;
  readonly labels?: string[];
}

/** The parameter's history, or why it could not be read (every page). */
export type History = ParameterVersion[] | { readonly error: string };

/** What the enforcer knows about the endpoint's tags. */
export type TagState =
  /** Every page of `ListTags` was read: `value` is the kill-switch tag's value, absent when the tag is not set. */
  | { readonly kind: 'known'; readonly value?: string }
  /** A page could not be read (or the pages did not end): the tag may or may not be set. */
  | { readonly kind: 'unknown'; readonly error: string }
  /** The endpoint does not exist. */
  | { readonly kind: 'missing' };

/** What the endpoint's state must be, and why. */
export interface Decision {
  readonly state: KillSwitchState;
  /** The state is PAUSED because something the enforcer needs to know is unknown (parameter, value or tags). */
  readonly failClosed: boolean;
  /** A deployment overwrote a pause: write PAUSED back to the parameter. */
  readonly restore: boolean;
  /**
   * Removing an existing pause tag is allowed: the parameter's newest version is an operator's ACTIVE, read
   * with certainty, and every page of the endpoint's tags was read. Nothing else ever removes a pause.
   */
  readonly mayLift: boolean;
  /** One sentence an operator reads in the log and the notification. */
  readonly reason: string;
  /** The parameter's newest version, when it could be read. */
  readonly current?: ParameterVersion;
}

/**
 * Decide the state from the parameter's history (or the error reading it) and the endpoint's tags. Pure.
 *
 * - Unreadable parameter, no version, or a value other than ACTIVE/PAUSED: PAUSED (fail closed).
 * - PAUSED: PAUSED.
 * - ACTIVE written by an operator (description without the deployment marker): ACTIVE when the tags are known
 *   (the only case that may lift a pause); PAUSED (fail closed) when they are unknown.
 * - ACTIVE written by a deployment never lifts a pause. PAUSED, with PAUSED written back, when the newest earlier
 *   version that is not itself a deployment's ACTIVE is PAUSED (or holds an unknown value), or when the endpoint
 *   carries the pause tag (for example because the parameter was re-created while it was paused). Otherwise
 *   PAUSED (fail closed, nothing written back) when the tags are unknown, and ACTIVE when they are known.
 */
export function decide(history: History, tags: TagState): Decision {
  if (!Array.isArray(history)) {
    return paused({ failClosed: true }, `the parameter could not be read (${history.error}); failing closed`);
  }
  const versions = [...history].sort((a, b) => a.version - b.version);
  const current = versions[versions.length - 1];
  if (current === undefined) {
    return paused({ failClosed: true }, 'the parameter has no version; failing closed');
  }
  const by = describeVersion(current);
  if (current.value === KillSwitchState.PAUSED) {
    return paused({ current }, `parameter version ${by}`);
  }
  if (current.value !== KillSwitchState.ACTIVE) {
    return paused({ failClosed: true, current }, `parameter version ${current.version} holds ${JSON.stringify(current.value)}, which is neither ACTIVE nor PAUSED; failing closed`);
  }
  const unknownTags = tags.kind === 'unknown'
    ? `the endpoint's tags could not be read (${tags.error}), and a pause is only lifted when they are known; failing closed`
    : undefined;

  if (!isDeploymentWrite(current.description)) {
    if (unknownTags) {
      return paused({ failClosed: true, current }, `parameter version ${by}, but ${unknownTags}`);
    }
    return { state: KillSwitchState.ACTIVE, failClosed: false, restore: false, mayLift: tags.kind === 'known', reason: `parameter version ${by}`, current };
  }

  const never = 'a deployment never lifts a pause';
  const earlier = versions.slice(0, -1).reverse()
    .find((v) => !(v.value === KillSwitchState.ACTIVE && isDeploymentWrite(v.description)));
  if (earlier !== undefined && earlier.value !== KillSwitchState.ACTIVE) {
    const failClosed = earlier.value !== KillSwitchState.PAUSED;
    return paused({ failClosed, restore: true, current }, `a deployment wrote ACTIVE (version ${current.version}) over version ${describeVersion(earlier)}; ${never}`);
  }
  if (tags.kind === 'known' && tags.value === KillSwitchState.PAUSED) {
    const what = earlier === undefined
      ? `a deployment (re)created the parameter as ACTIVE (version ${current.version}) while the endpoint was paused`
      : `a deployment wrote ACTIVE (version ${current.version}) while the endpoint carries the pause tag (last operator write: version ${describeVersion(earlier)})`;
    return paused({ restore: true, current }, `${what}; ${never}`);
  }
  if (unknownTags) {
    return paused({ failClosed: true, current }, `the newest parameter version is a deployment's ACTIVE (version ${current.version}), and ${unknownTags}`);
  }
  const reason = earlier === undefined ? `parameter version ${by}` : `parameter version ${by}; last operator write: version ${describeVersion(earlier)}`;
  return { state: KillSwitchState.ACTIVE, failClosed: false, restore: false, mayLift: false, reason, current };
}

function paused(flags: { failClosed?: boolean; restore?: boolean; current?: ParameterVersion }, reason: string): Decision {
  return { state: KillSwitchState.PAUSED, failClosed: flags.failClosed ?? false, restore: flags.restore ?? false, mayLift: false, reason, current: flags.current };
}

/** `7 = PAUSED, written by <user> at <date>: "<description>"`. */
export function describeVersion(v: ParameterVersion): string {
  const parts = [`${v.version} = ${v.value ?? '(no value)'}`];
  if (v.lastModifiedUser) {
    parts.push(`written by ${v.lastModifiedUser}`);
  }
  if (v.lastModifiedDate) {
    parts.push(`at ${v.lastModifiedDate}`);
  }
  return parts.join(', ') + (v.description ? `: "${v.description}"` : '');
}
