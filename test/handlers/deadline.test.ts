import { Deadline, DeadlineExceeded, eachBounded, TimeoutError, withTimeout } from '../../lib/handlers/shared/deadline';
import { isRetryable, withRetry } from '../../lib/handlers/shared/retry';

/** A call that never answers, and records the abort signal it was given. */
function hanging(signals: AbortSignal[]): (signal: AbortSignal) => Promise<never> {
  return (signal) => {
    signals.push(signal);
    return new Promise<never>(() => undefined);
  };
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const POLICY = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };

beforeEach(() => {
  jest.useFakeTimers();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('withTimeout', () => {
  test('GIVEN work that never settles, WHEN its time passes, THEN it is abandoned with a TimeoutError and its signal is aborted', async () => {
    const signals: AbortSignal[] = [];
    const result = withTimeout('ListTags', 6_000, hanging(signals)).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(5_999);
    expect(signals[0].aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const err = await result;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('ListTags did not finish within 6000 ms and was abandoned');
    expect(signals[0].aborted).toBe(true);
  });

  test('GIVEN work that answers in time, THEN its value is returned and no timer is left behind', async () => {
    await expect(withTimeout('x', 1_000, async () => 42)).resolves.toBe(42);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('GIVEN work that throws synchronously, THEN the error is passed on and no timer is left behind', async () => {
    await expect(withTimeout('x', 1_000, () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('Deadline', () => {
  test('GIVEN a parent deadline, THEN a child never ends later than its parent', () => {
    const parent = Deadline.after(10_000);
    expect(parent.child(60_000).at).toBe(parent.at);
    expect(parent.child(1_000).remaining()).toBe(1_000);
    jest.advanceTimersByTime(10_500);
    expect(parent.remaining()).toBe(0);
    expect(parent.child(1_000).remaining()).toBe(0);
  });

  test('GIVEN a deadline shortened by more than it has left, THEN it ends now, not in the past', () => {
    const d = Deadline.after(3_000).shortenedBy(5_000);
    expect(d.remaining()).toBe(0);
    expect(d.at).toBe(Date.now());
  });
});

describe('withRetry', () => {
  test('GIVEN a call that never answers, THEN every attempt is abandoned at the attempt timeout and the retries stop at the deadline', async () => {
    const signals: AbortSignal[] = [];
    const start = Date.now();
    let failedAfter = -1;
    const result = withRetry('GetParameterHistory', hanging(signals), POLICY, { deadline: Deadline.after(20_000), attemptTimeoutMs: 6_000 })
      .catch((e: unknown) => { failedAfter = Date.now() - start; return e; });
    await jest.advanceTimersByTimeAsync(30_000);
    const err = await result as Error;
    // THEN it gave up with the attempt's TimeoutError, inside the 20 s deadline
    expect(err.name).toBe('TimeoutError');
    expect(signals.length).toBeGreaterThanOrEqual(3);
    expect(signals.length).toBeLessThanOrEqual(4);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    expect(failedAfter).toBeGreaterThan(6_000);
    expect(failedAfter).toBeLessThanOrEqual(20_000);
  });

  test('GIVEN a throttling storm, THEN the call stops at the deadline even with attempts left', async () => {
    let calls = 0;
    const result = withRetry('AddTags', async () => { calls++; throw throttled(); }, { attempts: 1_000, baseDelayMs: 200, maxDelayMs: 5_000 },
      { deadline: Deadline.after(20_000), attemptTimeoutMs: 6_000 }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(25_000);
    expect((await result as Error).name).toBe('ThrottlingException');
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(1_000);
  });

  test('GIVEN a deadline already passed, THEN no attempt starts and the error says the time is spent', async () => {
    const deadline = Deadline.after(100);
    jest.advanceTimersByTime(100);
    const call = jest.fn(async () => 'never');
    await expect(withRetry('Publish', call, POLICY, { deadline, attemptTimeoutMs: 6_000 })).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(call).not.toHaveBeenCalled();
  });

  test('GIVEN a permission error, THEN it is not retried', async () => {
    const call = jest.fn(async () => { throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' }); });
    await expect(withRetry('ListTags', call, POLICY, { deadline: Deadline.after(20_000), attemptTimeoutMs: 6_000 })).rejects.toThrow('denied');
    expect(call).toHaveBeenCalledTimes(1);
  });

  test.each([
    ['a throttling error', true, throttled()],
    ['a 5xx', true, Object.assign(new Error('x'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } })],
    ['a timeout', true, new TimeoutError('x', 1)],
    ['a spent deadline', false, new DeadlineExceeded('x')],
    ['a missing parameter', false, Object.assign(new Error('x'), { name: 'ParameterNotFound', $metadata: { httpStatusCode: 400 } })],
  ])('GIVEN %s, THEN it is retryable: %s', (_what, retryable, err) => {
    expect(isRetryable(err)).toBe(retryable);
  });
});

describe('eachBounded', () => {
  test('GIVEN one item that hangs until its own deadline, THEN the others finish first, at most `concurrency` at a time', async () => {
    let running = 0;
    let peak = 0;
    const finished: number[] = [];
    const results = eachBounded([0, 1, 2, 3, 4, 5], 2, async (i) => {
      running++;
      peak = Math.max(peak, running);
      try {
        if (i === 0) {
          return await withTimeout('item 0', 60_000, () => new Promise<number>(() => undefined));
        }
        await new Promise((r) => setTimeout(r, 1_000));
        finished.push(i);
        return i;
      } finally {
        running--;
      }
    });
    await jest.advanceTimersByTimeAsync(5_000);
    // THEN every other item is done within 5 s, while item 0 still holds its slot
    expect(finished).toEqual([1, 2, 3, 4, 5]);
    await jest.advanceTimersByTimeAsync(60_000);
    const settled = await results;
    expect(settled[0]).toEqual({ status: 'rejected', reason: expect.any(TimeoutError) });
    expect(settled.slice(1).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(peak).toBe(2);
  });
});
