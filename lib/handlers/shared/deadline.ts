/**
 * Time bounds for handler work: a `Deadline` is a point in time after which no new AWS call starts, and
 * `withTimeout` abandons one piece of work when it overruns, whatever that work does meanwhile.
 *
 * Both read the clock through `Date.now()` and wait with `setTimeout`, so fake timers drive them in tests.
 * They are written here rather than taken from a library because the handlers are bundled without runtime
 * dependencies beyond the AWS SDK, and they need only these few lines.
 */

/** A point in time after which work is abandoned. Deadlines nest: a child never ends after its parent. */
export class Deadline {
  /** A deadline `ms` from now, never later than `parent`. */
  public static after(ms: number, parent?: Deadline): Deadline {
    const at = Date.now() + Math.max(0, ms);
    return new Deadline(parent ? Math.min(at, parent.at) : at);
  }

  private constructor(
    /** Epoch milliseconds. */
    public readonly at: number,
  ) {}

  /** Milliseconds left; 0 once passed. */
  public remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** A deadline `ms` from now, never later than this one. */
  public child(ms: number): Deadline {
    return Deadline.after(ms, this);
  }

  /** This deadline moved `ms` earlier (never before now). */
  public shortenedBy(ms: number): Deadline {
    return new Deadline(Math.max(Date.now(), this.at - ms));
  }
}

/** Work was abandoned because it did not finish in time. Retryable: another attempt may answer. */
export class TimeoutError extends Error {
  public readonly code = 'ETIMEDOUT';
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms and was abandoned`);
    this.name = 'TimeoutError';
  }
}

/** A deadline passed before work could (re)start. Not retryable: the time is spent. */
export class DeadlineExceeded extends Error {
  constructor(what: string, last?: unknown) {
    const cause = last instanceof Error ? ` (last error: ${last.name}: ${last.message})` : '';
    super(`${what}: out of time${cause}`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Run `work`, and reject with a {@link TimeoutError} after `ms` if it has not settled by then. The signal given
 * to `work` is aborted at that moment: an AWS SDK call passed it as `abortSignal` closes its connection. The
 * timer is cleared as soon as `work` settles, so nothing keeps the process alive.
 */
export function withTimeout<T>(what: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new TimeoutError(what, ms);
      controller.abort(err);
      reject(err);
    }, Math.max(0, ms));
    let started: Promise<T>;
    try {
      // A value that is not a promise (a stubbed client, for one) is accepted as an immediate answer.
      started = Promise.resolve(work(controller.signal));
    } catch (err) {
      clearTimeout(timer);
      reject(err);
      return;
    }
    started.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err) => { clearTimeout(timer); reject(err); },
    );
  });
}

/** Wait `ms` (fake timers advance it in tests). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Run `work` for every item, at most `concurrency` at a time, and report each item's result separately: one
 * item that fails or hangs (until its own deadline) never holds back the others beyond taking one slot.
 */
export async function eachBounded<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index], index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  const slots = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  await Promise.all(Array.from({ length: slots }, worker));
  return results;
}
