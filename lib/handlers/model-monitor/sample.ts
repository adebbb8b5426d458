/**
 * Sampling a window: choose which capture objects to read, then keep a uniform sample of their records.
 */

/** A uniform random sample of at most `capacity` items from a stream of unknown length (Vitter's algorithm R). */
export class Reservoir<T> {
  private readonly kept: T[] = [];
  private count = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new Error(`Reservoir capacity must be a non-negative integer, got ${capacity}`);
    }
  }

  /** Offers the next item of the stream. */
  offer(item: T): void {
    this.count += 1;
    if (this.kept.length < this.capacity) {
      this.kept.push(item);
      return;
    }
    const j = Math.floor(this.random() * this.count);
    if (j < this.capacity) this.kept[j] = item;
  }

  /** Items offered so far. */
  get seen(): number {
    return this.count;
  }

  /** The sample (a copy). */
  items(): T[] {
    return this.kept.slice();
  }
}

/** A deterministic generator of uniform numbers in [0, 1) (mulberry32), for tests and reproducible runs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes per capture record assumed when the caller has no better figure (a small CSV/JSON invocation). */
export const DEFAULT_BYTES_PER_RECORD = 1024;
/** Records read per sampled record: a sample drawn from whole objects needs more objects than records to stay representative. */
export const OVERSAMPLE_FACTOR = 10;
/** Bytes read per window at most unless the caller says otherwise (bounds time and cost, not memory: objects are streamed). */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * The objects to read for a window, in a random order. Objects are shuffled, then taken until their estimated
 * records (`size / bytesPerRecordHint`) reach `OVERSAMPLE_FACTOR × sampleSize` or the next object would pass
 * `maxBytes` (at least one object is always taken when there is any). Objects of size 0 are skipped.
 * Objects are drawn in a random order, so which records are read does not depend on their content or time; when
 * the byte cap ends the plan, an object larger than the room left is slightly less likely to be taken.
 *
 * @param opts.bytesPerRecordHint average bytes per record. @default DEFAULT_BYTES_PER_RECORD
 * @param opts.maxBytes most bytes to read. @default DEFAULT_MAX_BYTES
 */
export function planObjectSample(
  objects: { key: string; size: number }[],
  sampleSize: number,
  random: () => number,
  opts: { bytesPerRecordHint?: number; maxBytes?: number } = {},
): { key: string; size: number }[] {
  const bytesPerRecord = opts.bytesPerRecordHint && opts.bytesPerRecordHint > 0 ? opts.bytesPerRecordHint : DEFAULT_BYTES_PER_RECORD;
  const maxBytes = opts.maxBytes && opts.maxBytes > 0 ? opts.maxBytes : DEFAULT_MAX_BYTES;
  const shuffled = objects.filter((o) => o.size > 0);
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const wanted = sampleSize * OVERSAMPLE_FACTOR;
  const plan: { key: string; size: number }[] = [];
  let bytes = 0;
  let records = 0;
  for (const o of shuffled) {
    if (records >= wanted) break;
    if (plan.length > 0 && bytes + o.size > maxBytes) break;
    plan.push(o);
    bytes += o.size;
    records += o.size / bytesPerRecord;
  }
  return plan;
}
