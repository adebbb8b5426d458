/**
 * The model monitor's bounds: time, pages, bytes and concurrency. Every AWS call is bounded twice: by the HTTP
 * handler (connection and request timeouts) and by a per-attempt deadline; retries stop at the deadline of the
 * stage they belong to, and every endpoint has its own deadline inside the invocation's, so one endpoint that
 * hangs or fails never holds back another. The work per window does not grow with traffic: listing stops after
 * `maxListPages` pages per prefix, at most `maxObjects` objects are sampled and at most `maxWindowBytes` are read.
 */
import { MODEL_MONITOR_TIMEOUT_SECONDS } from '../../policy/monitoring-protocol';
import { ATTEMPT_TIMEOUT_MS, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../shared/http-timeouts';

/** Reading an object body may take longer than a small API call: its own request timeout and per-attempt deadline. */
export const OBJECT_REQUEST_TIMEOUT_MS = 20_000;

/** All bounds together; tests shrink them. */
export interface Bounds {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  /** Per-attempt deadline of a GetObject (the body is read inside it). */
  readonly objectAttemptTimeoutMs: number;
  /** Finding the foundation's endpoints (every GetResources page). */
  readonly discoverMs: number;
  /** One endpoint, from reading its configuration to its report and notices. */
  readonly endpointMs: number;
  /** Part of the endpoint's budget kept for publishing its metrics, report and alert when the analysis overran. */
  readonly reportReserveMs: number;
  /** Endpoints analysed at the same time. */
  readonly concurrency: number;
  /** Objects read at the same time within one endpoint. */
  readonly objectConcurrency: number;
  /** Pages of one paginated listing (GetResources, ListObjectsV2 per prefix, DescribeAlarms, GetParameterHistory). */
  readonly maxListPages: number;
  /** Endpoints served per invocation (more are reported as failed, loudly, rather than dropped). */
  readonly maxEndpoints: number;
  /** Objects read per window, whatever the traffic. */
  readonly maxObjects: number;
  /** Bytes read from one object (a ranged GetObject; a cut-off last line is dropped). */
  readonly maxObjectBytes: number;
  /** Bytes read per window over all objects. */
  readonly maxWindowBytes: number;
  /** Bytes read from a baseline dataset. */
  readonly maxDatasetBytes: number;
  /** Bytes read from one stored baseline or report. */
  readonly maxDocumentBytes: number;
  /** Bytes of ground-truth labels read per window. */
  readonly maxLabelBytes: number;
  /** Reports read for the drift trend of a review. */
  readonly maxTrendReports: number;
  /** Time kept back at the end of the invocation to report failures before Lambda's timeout. */
  readonly invocationReserveMs: number;
  /** The invocation's budget when Lambda does not say how much time is left. */
  readonly invocationMs: number;
  /** An endpoint is not started with less time than this left (it is reported as failed instead). */
  readonly minStartMs: number;
  /** Extra time after an endpoint's deadline before its work is abandoned by force. */
  readonly graceMs: number;
}

const MiB = 1024 * 1024;
const INVOCATION_RESERVE_MS = 20_000;

export const DEFAULT_BOUNDS: Bounds = {
  connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
  objectAttemptTimeoutMs: OBJECT_REQUEST_TIMEOUT_MS + 1_000,
  discoverMs: 20_000,
  endpointMs: 100_000,
  reportReserveMs: 15_000,
  concurrency: 6,
  objectConcurrency: 8,
  maxListPages: 20,
  maxEndpoints: 200,
  maxObjects: 400,
  maxObjectBytes: 16 * MiB,
  maxWindowBytes: 128 * MiB,
  maxDatasetBytes: 64 * MiB,
  maxDocumentBytes: 8 * MiB,
  maxLabelBytes: 32 * MiB,
  maxTrendReports: 24,
  invocationReserveMs: INVOCATION_RESERVE_MS,
  invocationMs: MODEL_MONITOR_TIMEOUT_SECONDS * 1000 - INVOCATION_RESERVE_MS,
  minStartMs: 10_000,
  graceMs: 1_000,
};

/** Lag between an invocation and the end of the window it analyses: SageMaker delivers capture within minutes. */
export const CAPTURE_SETTLE_MS = 5 * 60_000;
