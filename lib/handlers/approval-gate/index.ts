/**
 * `lib/handlers`: Lambda code, each handler bundled from its `index.ts` by `bin/bundle-handlers.mjs` into
 * `build/handlers/<name>/index.js` and never exported from the package. The handlers share only the runtime
 * protocol from `lib/policy` (tag keys, parameter values, event shapes) and `lib/handlers/shared`; they never
 * import aws-cdk-lib, the constructs, the nag pack or the report.
 *
 * CloudFormation custom resource `Custom::ModelApprovalGate`: the deployment fails unless the model
 * package's `ModelApprovalStatus` is `Approved`. Runs on Create and Update (a new package version
 * is an Update); Delete always succeeds.
 *
 * The gate always answers CloudFormation within its function's timeout: FAILED on any fault (an unreadable
 * or hanging package, an unexpected request, its own exceptions), through a bounded, retried PUT. See `bounds.ts`.
 */
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Deadline, withTimeout } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { withRetry } from '../shared/retry';
import { boundedRequestHandler } from '../shared/http-timeouts';
import { DEFAULT_GATE_BOUNDS, GateBounds, worstCaseResponseMs } from './bounds';
import { GateResponse, send } from './respond';

export { DEFAULT_GATE_BOUNDS, send };
export type { GateBounds, GateResponse };

/** The CloudFormation custom resource event fields the gate reads. */
export interface GateEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly ModelPackageArn?: string };
}

/** The part of the Lambda context the gate reads. */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
}

/** Retries of `DescribeModelPackage`, within the check's budget. */
const RETRY = { attempts: 5, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * A SageMaker client whose calls cannot hang: the SDK's retries are off (the gate retries within its budget),
 * and the HTTP handler throws on its request timeout (`throwOnRequestTimeout`; without it,
 * @smithy/node-http-handler 4.x only logs a warning when `requestTimeout` passes).
 */
export function createClient(bounds: GateBounds = DEFAULT_GATE_BOUNDS, extra: Record<string, unknown> = {}): SageMakerClient {
  return new SageMakerClient({
    maxAttempts: 1,
    requestHandler: boundedRequestHandler(bounds.connectionTimeoutMs, bounds.requestTimeoutMs),
    ...extra,
  });
}

let defaultClient: SageMakerClient | undefined;

/** Decide, without sending: exported for tests. Never throws for a fault of the package read: it answers FAILED. */
export async function decide(event: GateEvent, client?: SageMakerClient, bounds: GateBounds = DEFAULT_GATE_BOUNDS, deadline: Deadline = Deadline.after(bounds.checkMs)): Promise<GateResponse> {
  const base = baseOf(event);
  if (event.RequestType === 'Delete') {
    return { ...base, Status: 'SUCCESS', Reason: 'Approval gate removed.' };
  }
  if (event.RequestType !== 'Create' && event.RequestType !== 'Update') {
    return { ...base, Status: 'FAILED', Reason: `Unexpected request type ${JSON.stringify(event.RequestType)}; failing closed.` };
  }
  const arn = event.ResourceProperties?.ModelPackageArn;
  if (typeof arn !== 'string' || arn === '') {
    return { ...base, Status: 'FAILED', Reason: 'ModelPackageArn is missing: the approval gate cannot check an unnamed model package.' };
  }
  const sagemaker = client ?? (defaultClient ??= createClient(bounds));
  try {
    const out = await withRetry('DescribeModelPackage', (abortSignal) => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }), { abortSignal }),
      RETRY, { deadline, attemptTimeoutMs: bounds.attemptTimeoutMs });
    const status = out.ModelApprovalStatus ?? 'Unknown';
    if (status === 'Approved') {
      return { ...base, Status: 'SUCCESS', Reason: `Model package ${arn} is Approved.`, Data: { ModelApprovalStatus: status } };
    }
    return {
      ...base,
      Status: 'FAILED',
      Reason: `Model package ${arn} has ModelApprovalStatus ${status}; only Approved packages may be deployed. ` +
        'Approve it in the SageMaker Model Registry (UpdateModelPackage ModelApprovalStatus=Approved) and deploy again.',
      Data: { ModelApprovalStatus: status },
    };
  } catch (err) {
    return { ...base, Status: 'FAILED', Reason: `Could not read model package ${arn} (${errorText(err)}); failing closed.` };
  }
}

/** The identifying fields of the response, read defensively from whatever CloudFormation sent. */
function baseOf(event: Partial<GateEvent>): Pick<GateResponse, 'PhysicalResourceId' | 'StackId' | 'RequestId' | 'LogicalResourceId'> {
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const arn = str(event.ResourceProperties?.ModelPackageArn);
  const physical = event.RequestType === 'Delete' || !arn ? str(event.PhysicalResourceId) || arn : arn;
  return {
    PhysicalResourceId: physical || str(event.LogicalResourceId) || 'ModelApprovalGate',
    StackId: str(event.StackId),
    RequestId: str(event.RequestId),
    LogicalResourceId: str(event.LogicalResourceId),
  };
}

/** The answer when the check itself failed: FAILED (SUCCESS for a Delete), built from whatever fields can still be read. */
function faultResponse(event: Partial<GateEvent>, err: unknown): GateResponse {
  let base: ReturnType<typeof baseOf>;
  let deleting = false;
  try {
    base = baseOf(event);
    deleting = event.RequestType === 'Delete';
  } catch {
    base = { PhysicalResourceId: 'ModelApprovalGate', StackId: '', RequestId: '', LogicalResourceId: '' };
  }
  return deleting
    ? { ...base, Status: 'SUCCESS', Reason: 'Approval gate removed.' }
    : { ...base, Status: 'FAILED', Reason: `The approval gate failed (${errorText(err)}); failing closed.` };
}

/** A handler over a given client and bounds (tests) or, by default, one client per function instance. */
export function createHandler(options: { client?: SageMakerClient; bounds?: GateBounds } = {}): (event: unknown, context?: InvocationContext) => Promise<void> {
  const bounds = options.bounds ?? DEFAULT_GATE_BOUNDS;
  return async (event: unknown, context?: InvocationContext) => {
    const e = (typeof event === 'object' && event !== null ? event : {}) as Partial<GateEvent>;
    if (typeof e.ResponseURL !== 'string' || !/^https?:\/\//.test(e.ResponseURL)) {
      // Without a response URL there is nobody to answer: fail the invocation loudly.
      log('ERROR', 'not a CloudFormation custom resource event (no ResponseURL); nothing can be answered', { event: preview(event) });
      throw new Error('approval gate: the event has no ResponseURL, so CloudFormation cannot be answered');
    }
    // The check gets what is left once the time the answer may need is set aside.
    const left = typeof context?.getRemainingTimeInMillis === 'function'
      ? context.getRemainingTimeInMillis() - worstCaseResponseMs(bounds) - bounds.reserveMs
      : Infinity;
    const checkMs = Math.max(0, Math.min(bounds.checkMs, left));
    let response: GateResponse;
    try {
      response = await withTimeout('the approval check', checkMs + bounds.reserveMs / 2,
        () => decide(e as GateEvent, options.client, bounds, Deadline.after(checkMs)));
    } catch (err) {
      response = faultResponse(e, err);
    }
    log(response.Status === 'SUCCESS' ? 'INFO' : 'ERROR', `approval gate: ${response.Status}`, {
      gate: response.Status, reason: response.Reason, requestId: response.RequestId, logicalResourceId: response.LogicalResourceId,
    });
    await send(e.ResponseURL, response, bounds);
  };
}

function preview(x: unknown): string {
  try {
    return (JSON.stringify(x) ?? String(x)).slice(0, 500);
  } catch {
    return String(x).slice(0, 500);
  }
}

/** Lambda entry point. */
export const handler = createHandler();
