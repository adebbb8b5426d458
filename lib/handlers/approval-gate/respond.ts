import * as http from 'node:http';
import * as https from 'node:https';
import { sleep } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { DEFAULT_GATE_BOUNDS, GateBounds } from './bounds';

/** CloudFormation rejects a response body over 4,096 bytes; the reason is cut to leave room for the other fields. */
export const MAX_REASON_CHARS = 2_000;

/** What the gate decided, as sent to CloudFormation. */
export interface GateResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: { readonly ModelApprovalStatus: string };
}

/**
 * Send the response to CloudFormation's pre-signed URL: each PUT is abandoned after its timeout, and network
 * errors, timeouts, 429 and 5xx are retried with doubling waits. Throws once the attempts are spent, or at
 * once on another 4xx (an expired or altered URL does not heal).
 */
export async function send(url: string, response: GateResponse, bounds: GateBounds = DEFAULT_GATE_BOUNDS): Promise<void> {
  const reason = response.Reason.length > MAX_REASON_CHARS ? `${response.Reason.slice(0, MAX_REASON_CHARS - 3)}...` : response.Reason;
  const body = JSON.stringify({ ...response, Reason: reason });
  for (let attempt = 1; ; attempt++) {
    try {
      await putOnce(url, body, bounds.responseAttemptTimeoutMs);
      return;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      const retryable = status === undefined || status === 429 || status >= 500;
      if (!retryable || attempt >= bounds.responseAttempts) {
        throw new Error(`could not deliver the ${response.Status} response to CloudFormation (attempt ${attempt} of ${bounds.responseAttempts}): ${errorText(err)}`);
      }
      const delay = bounds.responseBackoffMs * 2 ** (attempt - 1);
      log('WARN', 'the response PUT failed; retrying', { attempt, delayMs: delay, error: err });
      await sleep(delay);
    }
  }
}

function putOnce(url: string, body: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err?: Error) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (err) {
        reject(err);
      } else {
        resolve();
      }
    };
    // CloudFormation's URL is https; plain http is accepted for local tests only.
    const request = url.startsWith('http:') ? http.request : https.request;
    const req = request(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('error', (err) => done(err));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        done(status >= 200 && status < 300 ? undefined : Object.assign(new Error(`HTTP ${status} from the response URL`), { name: 'ResponseRejected', statusCode: status }));
      });
    });
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`the response URL did not answer within ${timeoutMs} ms`), { name: 'TimeoutError' });
      req.destroy(err);
      done(err);
    }, timeoutMs);
    req.on('error', (err) => done(err));
    req.end(body);
  });
}
