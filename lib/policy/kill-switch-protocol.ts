/**
 * The kill switch's contract, shared by the constructs, the enforcer function and the operator CLI.
 *
 * This module has no dependency on aws-cdk-lib: it is bundled into the enforcer function.
 */
import { GovernanceTags } from './governance';

/** The two values a kill-switch parameter may hold. */
export enum KillSwitchState {
  /** The endpoint serves requests. */
  ACTIVE = 'ACTIVE',
  /** Invocations through the library's grants (and any principal under the documented SCP) are denied. */
  PAUSED = 'PAUSED',
}

/** `AllowedPattern` of every kill-switch parameter. */
export const KILL_SWITCH_ALLOWED_PATTERN = '^(ACTIVE|PAUSED)$';

/** Tag the enforcer sets to `PAUSED` on a paused endpoint; every invoke grant denies on it. */
export const KILL_SWITCH_TAG = GovernanceTags.KILL_SWITCH;

/**
 * Tag (`true`) on the enforcer's role. An organization SCP can let only principals carrying it change the
 * pause tag (see the README's kill-switch runbook).
 */
export const KILL_SWITCH_ENFORCER_ROLE_TAG = 'governance:kill-switch-enforcer';

/** Tag on the endpoint (set by the template) naming its kill-switch parameter. */
export const KILL_SWITCH_PARAMETER_TAG = 'governance:kill-switch-parameter';

/**
 * Prefix of the tags on an auto-pause alarm: `governance:auto-pause:<endpointName>` = `<parameterName>`.
 * The enforcer reads them to know which parameter an alarm pauses.
 */
export const AUTO_PAUSE_TAG_PREFIX = 'governance:auto-pause:';

/**
 * Marker in the description the template gives the parameter. A version whose description carries it was
 * written by a deployment (CloudFormation rewrites the template's `Value` and `Description` whenever it
 * updates the parameter), and a deployment never lifts a pause: the enforcer restores `PAUSED` when such a
 * version replaces a pause. Operators resume by writing `ACTIVE` with their reason as the description.
 */
export const DEPLOYMENT_MARKER = '[set-by-deployment]';

/** Key prefix of the evidence the enforcer writes: `kill-switch/<endpoint>/<time>/`. */
export const SNAPSHOT_PREFIX = 'kill-switch';

/**
 * Timeout of the enforcer function, in seconds. The enforcer's own time bounds (per call, per endpoint, per
 * invocation) are chosen to end well inside it, so a hang is reported by the enforcer rather than cut off by Lambda.
 */
export const KILL_SWITCH_ENFORCER_TIMEOUT_SECONDS = 120;

/** CloudWatch namespace of the metrics the enforcer emits (embedded metric format, per `EndpointName`). */
export const KILL_SWITCH_METRIC_NAMESPACE = 'GovernedEndpoint/KillSwitch';

/**
 * Every kill-switch parameter's name starts with this prefix and ends with {@link KILL_SWITCH_PARAMETER_SUFFIX}: the
 * shared enforcer reacts to changes of parameters named so (an EventBridge wildcard on the name, so that no rule
 * lists endpoints), and its permission to read and restore parameters covers exactly those names.
 */
export const KILL_SWITCH_PARAMETER_PREFIX = '/governed-endpoint/';
/** The last segment of every kill-switch parameter's name. */
export const KILL_SWITCH_PARAMETER_SUFFIX = '/kill-switch';
/** The EventBridge wildcard (and IAM resource pattern after `parameter`) matching every kill-switch parameter name. */
export const KILL_SWITCH_PARAMETER_WILDCARD = `${KILL_SWITCH_PARAMETER_PREFIX}*${KILL_SWITCH_PARAMETER_SUFFIX}`;

/** Whether the shared enforcer can serve a parameter of this name (prefix, at least one segment, suffix). */
export function isKillSwitchParameterName(name: string): boolean {
  return name.startsWith(KILL_SWITCH_PARAMETER_PREFIX) && name.endsWith(KILL_SWITCH_PARAMETER_SUFFIX) &&
    name.length > KILL_SWITCH_PARAMETER_PREFIX.length + KILL_SWITCH_PARAMETER_SUFFIX.length;
}

/** The default parameter name of an endpoint's kill switch. */
export function defaultKillSwitchParameterName(endpointName: string): string {
  return `${KILL_SWITCH_PARAMETER_PREFIX}${endpointName}${KILL_SWITCH_PARAMETER_SUFFIX}`;
}

/** The endpoint name a default parameter name was made from, or undefined for any other name. */
export function endpointNameOfDefaultParameter(parameterName: string): string | undefined {
  const m = /^\/governed-endpoint\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/kill-switch$/.exec(parameterName);
  // SageMaker endpoint names have at most 63 characters.
  return m && m[1].length <= 63 ? m[1] : undefined;
}

/**
 * Tag on a governed endpoint holding its name as written. SageMaker lower-cases names in the ARNs it reports, and the
 * enforcer finds endpoints by ARN; the name as written is the `EndpointName` of its metrics.
 */
export const ENDPOINT_NAME_TAG = 'governance:endpoint-name';

/** The name in an endpoint ARN (`arn:...:endpoint/<name>`), which SageMaker writes in lower case. */
export function endpointNameOfArn(arn: string): string {
  return arn.slice(arn.indexOf(':endpoint/') + ':endpoint/'.length);
}

/** Tag on a governed endpoint naming the foundation whose enforcer (and monitor) serve it. */
export const FOUNDATION_TAG = GovernanceTags.FOUNDATION;

/** Environment variables of the enforcer function: what it serves and where it reports. */
export const EnforcerEnvironment = {
  /** The foundation name: the enforcer serves the endpoints tagged `governance:foundation=<it>`. */
  FOUNDATION: 'GOVERNANCE_FOUNDATION',
  /** The evidence bucket for snapshots (optional). */
  EVIDENCE_BUCKET: 'EVIDENCE_BUCKET',
  /** The alert topic ARN (optional). */
  ALERT_TOPIC_ARN: 'ALERT_TOPIC_ARN',
} as const;

/** The description the template gives a kill-switch parameter. */
export function deploymentDescription(endpointName: string): string {
  return `Kill switch of SageMaker endpoint ${endpointName}: ACTIVE serves requests, PAUSED denies invocation. ` +
    `${DEPLOYMENT_MARKER} A deployment never lifts a pause: to resume, write ACTIVE with your reason as the description.`;
}

/** True when a parameter version was written by a deployment (its description carries the marker). */
export function isDeploymentWrite(description: string | undefined): boolean {
  return description !== undefined && description.includes(DEPLOYMENT_MARKER);
}

/**
 * One endpoint the enforcer is responsible for, as the enforcer receives it in its event input
 * (not part of the package's public API).
 */
export interface EnforcementTarget {
  /** Endpoint name. */
  readonly endpoint: string;
  /** Endpoint ARN (the tag is set on it). */
  readonly endpointArn: string;
  /** Kill-switch parameter name. */
  readonly parameter: string;
  /** Evidence bucket name for snapshots. */
  readonly bucket?: string;
  /** Topic ARN for notifications. */
  readonly topic?: string;
}

/**
 * What the enforcer's rules send it: a matched event (parameter change or endpoint state change) or a reconcile
 * tick (not part of the package's public API). The enforcer finds the endpoints concerned by their tags; `targets`,
 * when given (an operator's manual invocation), names them instead.
 */
export interface EnforcerInput {
  readonly kind: 'event' | 'reconcile';
  readonly event?: {
    readonly id?: string; readonly time?: string; readonly source?: string; readonly 'detail-type'?: string;
    readonly account?: string; readonly region?: string; readonly resources?: string[]; readonly detail?: Record<string, unknown>;
  };
  readonly targets?: EnforcementTarget[];
}

/**
 * The SageMaker actions that invoke an endpoint: what an invoke grant allows, and what the kill switch denies while
 * the endpoint is paused.
 */
export const INVOKE_ACTIONS: readonly string[] = [
  'sagemaker:InvokeEndpoint',
  'sagemaker:InvokeEndpointAsync',
  'sagemaker:InvokeEndpointWithResponseStream',
];

/** CloudWatch namespace of an endpoint's invocation metrics (per `EndpointName` and `VariantName`). */
export const INVOCATION_METRIC_NAMESPACE = 'AWS/SageMaker';
/** CloudWatch namespace of an endpoint's instance metrics (CPU, memory, disk). */
export const INSTANCE_METRIC_NAMESPACE = '/aws/sagemaker/Endpoints';
