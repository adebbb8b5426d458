/**
 * Per-call time bounds of every AWS SDK client the handlers create, and the HTTP handler settings that enforce
 * them. In @smithy/node-http-handler 4.x (`dist-es/set-request-timeout.js`), `requestTimeout` only logs a warning
 * when it passes unless `throwOnRequestTimeout` is true; only then is the request destroyed and rejected with a
 * `TimeoutError`. `connectionTimeout` always rejects, and `socketTimeout` rejects after that much socket
 * inactivity. Callers add their own per-attempt deadline (`withRetry`) as a second, independent bound.
 */

/** TCP and TLS connection to an AWS endpoint, per attempt. */
export const CONNECTION_TIMEOUT_MS = 3_000;
/** One HTTP request and its full response, per attempt (the SDK's `requestTimeout`, made to throw). */
export const REQUEST_TIMEOUT_MS = 5_000;
/** The handler's own deadline per attempt: a little above the request timeout, which should fire first. */
export const ATTEMPT_TIMEOUT_MS = 6_000;

/** The `requestHandler` settings of a client whose calls cannot hang. */
export function boundedRequestHandler(connectionTimeoutMs: number, requestTimeoutMs: number): Record<string, unknown> {
  return { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true, socketTimeout: requestTimeoutMs };
}
