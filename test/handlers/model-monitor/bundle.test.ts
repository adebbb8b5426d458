/**
 * The shipped model monitor: `build/handlers/model-monitor/index.js`, built by `bin/bundle-handlers.mjs` from
 * `lib/handlers/model-monitor/index.ts`, carries everything it needs (the SDK clients, the statistics library) and
 * answers an invocation as Lambda makes it.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { BUCKET, baselineCsv, captureHour, configOf, ENDPOINT, ensureMonitorBundle, FOUNDATION, MonitorModule, SimulatedAccount } from './fixture';

describe('the model monitor bundle', () => {
  let path: string;
  let mod: MonitorModule;

  beforeAll(() => {
    path = ensureMonitorBundle();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path) as MonitorModule;
  });

  test('GIVEN the bundle WHEN its requires are listed THEN it needs only Node.js built-in modules (and the optional CRT signer of the SDK)', () => {
    const text = readFileSync(path, 'utf8');
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    // The SDK loads the CRT signer only for SigV4a (multi-region access points), inside a try/catch; the monitor never signs SigV4a.
    const optional = new Set(['@aws-sdk/signature-v4-crt']);
    expect(required.filter((r) => !builtins.has(r) && !optional.has(r))).toEqual([]);
    expect(text).not.toContain('aws-cdk-lib');
  });

  test('GIVEN the bundle WHEN loaded THEN it exports the Lambda entry point, the SDK it runs and the review summary', () => {
    expect(typeof mod.handler).toBe('function');
    expect(typeof mod.createHandler).toBe('function');
    expect(typeof mod.reviewSummary).toBe('function');
    expect(typeof mod.sdk.S3Client).toBe('function');
    expect(mod.DEFAULT_BOUNDS.invocationMs).toBeLessThan(300_000);
  });

  test('GIVEN a Lambda context with little time left WHEN the entry point is invoked THEN endpoints are reported as not served, loudly', async () => {
    const aws = new SimulatedAccount(mod.sdk);
    aws.reset();
    const logs: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((l: string) => { logs.push(l); });
    jest.spyOn(console, 'error').mockImplementation((l: string) => { logs.push(l); });
    try {
      aws.endpoint(ENDPOINT, configOf());
      aws.put(BUCKET, 'baselines/fraud-scoring.csv', baselineCsv(100, 0, 1));
      aws.put(BUCKET, 'data-capture/fraud-scoring/AllTraffic/2030/03/10/09/p.jsonl', captureHour(10, '2030-03-10T09:00:00Z', 0, 1));
      const handler = mod.createHandler({ clients: mod.sdk.createClients({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }) });
      // 25 s left: the invocation reserve (20 s) leaves less than an endpoint's minimum start time (10 s)
      await expect(handler({ kind: 'window', foundation: FOUNDATION }, { getRemainingTimeInMillis: () => 25_000 })).rejects.toThrow(/not served: only \d+ ms were left/);
      expect(logs.some((l) => l.includes('"MonitorFailed":1') && l.includes(ENDPOINT))).toBe(true);
    } finally {
      aws.mocks.forEach((m) => m.restore());
      jest.restoreAllMocks();
    }
  });
});
