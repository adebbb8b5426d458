import { isDeploymentWrite, KillSwitchState } from '../../kill-switch-protocol';

/** One version of a kill-switch parameter, from `GetParameterHistory`. */
export interface ParameterVersion {
  readonly version: number;
  readonly value?: string;
  readonly description?: string;
  readonly lastModifiedUser?: string;
  readonly lastModifiedDate?: string;
  readonly labels?: string[];
}

/** What the endpoint's state must be, and why. */
export interface Decision {
  readonly state: KillSwitchState;
  /** The state is PAUSED because the parameter could not be read or holds an unknown value. */
  readonly failClosed: boolean;
  /** A deployment overwrote a pause: write PAUSED back to the parameter. */
  readonly restore: boolean;
  /** One sentence an operator reads in the log and the notification. */
  readonly reason: string;
  /** The parameter's newest version, when it could be read. */
  readonly current?: ParameterVersion;
}

/**
 * Decide the state from the parameter's history (or the error reading it) and the endpoint's current tag.
 *
 * - Unreadable parameter, no version, or a value other than ACTIVE/PAUSED: PAUSED (fail closed).
 * - PAUSED: PAUSED.
 * - ACTIVE written by an operator (description without the deployment marker): ACTIVE.
 * - ACTIVE written by a deployment: the state of the newest earlier version that is not itself a deployment's
 *   ACTIVE; when there is none, PAUSED if the endpoint is tagged PAUSED (the parameter was re-created while
 *   the endpoint was paused), else ACTIVE (first deployment). A deployment never lifts a pause.
 */
export function decide(history: ParameterVersion[] | { readonly error: string }, endpointTag: string | undefined): Decision {
  if (!Array.isArray(history)) {
    return paused(true, false, `the parameter could not be read (${history.error}); failing closed`);
  }
  const versions = [...history].sort((a, b) => a.version - b.version);
  const current = versions[versions.length - 1];
  if (current === undefined) {
    return paused(true, false, 'the parameter has no version; failing closed');
  }
  const by = describeVersion(current);
  if (current.value === KillSwitchState.PAUSED) {
    return { state: KillSwitchState.PAUSED, failClosed: false, restore: false, reason: `parameter version ${by}`, current };
  }
  if (current.value !== KillSwitchState.ACTIVE) {
    return { ...paused(true, false, `parameter version ${current.version} holds ${JSON.stringify(current.value)}, which is neither ACTIVE nor PAUSED; failing closed`), current };
  }
  if (!isDeploymentWrite(current.description)) {
    return { state: KillSwitchState.ACTIVE, failClosed: false, restore: false, reason: `parameter version ${by}`, current };
  }
  const earlier = versions.slice(0, -1).reverse()
    .find((v) => !(v.value === KillSwitchState.ACTIVE && isDeploymentWrite(v.description)));
  if (earlier === undefined) {
    if (endpointTag === KillSwitchState.PAUSED) {
      return { ...paused(false, true, `a deployment (re)created the parameter as ACTIVE (version ${current.version}) while the endpoint was paused; a deployment never lifts a pause`), current };
    }
    return { state: KillSwitchState.ACTIVE, failClosed: false, restore: false, reason: `parameter version ${by}`, current };
  }
  if (earlier.value === KillSwitchState.ACTIVE) {
    return { state: KillSwitchState.ACTIVE, failClosed: false, restore: false, reason: `parameter version ${by}; last operator write: version ${describeVersion(earlier)}`, current };
  }
  return {
    ...paused(earlier.value !== KillSwitchState.PAUSED, true,
      `a deployment wrote ACTIVE (version ${current.version}) over version ${describeVersion(earlier)}; a deployment never lifts a pause`),
    current,
  };
}

function paused(failClosed: boolean, restore: boolean, reason: string): Decision {
  return { state: KillSwitchState.PAUSED, failClosed, restore, reason };
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
