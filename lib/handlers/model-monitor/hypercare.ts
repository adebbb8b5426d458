/**
 * Hypercare: for `hypercareHours` after every deployment of an endpoint (a change of its endpoint config, which
 * SageMaker records as the endpoint's `LastModifiedTime`), the monitor also analyses short windows on a 15-minute
 * tick. Stateless: each tick works out from the times alone whether the endpoint is in hypercare, and whether this
 * is the first tick after the deployment ("hypercare started") or after the end of the period ("hypercare ended").
 * Ticks are taken as aligned to the interval (an invocation a little late still counts as its tick).
 */

/** What one tick means for one endpoint. */
export interface HypercareTick {
  /** The endpoint is in hypercare at the tick: analyse the tick's window. */
  readonly active: boolean;
  /** This is the first tick after the deployment. */
  readonly started: boolean;
  /** This is the first tick after hypercare ended. */
  readonly ended: boolean;
  /** When the current (or last) hypercare period ends. */
  readonly endsAt: Date;
}

/**
 * The tick at `now` (taken as the aligned tick `floor(now / interval) * interval`) for an endpoint last deployed at
 * `deployedAt` with `hours` of hypercare. A deployment or an end that falls in `[tick - interval, tick)` is this
 * tick's news, so every one is announced exactly once by ticks one interval apart.
 */
export function hypercareTick(now: Date, deployedAt: Date, hours: number, intervalMinutes: number): HypercareTick {
  const interval = intervalMinutes * 60_000;
  const tick = Math.floor(now.getTime() / interval) * interval;
  const from = deployedAt.getTime();
  const end = from + hours * 3_600_000;
  const inLastInterval = (t: number) => t >= tick - interval && t < tick;
  const active = hours > 0 && from < tick && tick - interval < end;
  return { active, started: hours > 0 && inLastInterval(from), ended: hours > 0 && inLastInterval(end), endsAt: new Date(end) };
}
