/**
 * A file's samples in arrival order (time, value, record number), in typed arrays that grow by doubling and are
 * reused by the next file once a file is done: a heart-rate file holds tens of thousands of samples, and a
 * year of them read into fresh arrays would be mostly garbage for the collector (and resident memory).
 */
const INITIAL = 4096;
/** Buffers up to this many samples are kept for reuse (a day at 1 s is 86,400); bigger ones are let go. */
const MAX_KEPT = 1 << 17;
const spare: SampleBuffer[] = [];

export class SampleBuffer {
  length = 0;

  private constructor(
    public times: Float64Array,
    public values: Float64Array,
    public records: Float64Array,
  ) {}

  /** An empty buffer: a spare one when there is one. */
  static take(): SampleBuffer {
    const reused = spare.pop();
    if (reused) return reused;
    return new SampleBuffer(new Float64Array(INITIAL), new Float64Array(INITIAL), new Float64Array(INITIAL));
  }

  push(time: number, value: number, record: number): void {
    if (this.length === this.times.length) this.grow();
    this.times[this.length] = time;
    this.values[this.length] = value;
    this.records[this.length] = record;
    this.length++;
  }

  /** Hands the buffer back for the next file; it must not be used after. */
  release(): void {
    if (this.times.length > MAX_KEPT || spare.length >= 1) return;
    this.length = 0;
    spare.push(this);
  }

  /** Indexes in time order (stable: among equal times, arrival order); undefined when already in order. */
  timeOrder(): Int32Array | undefined {
    const { times, length } = this;
    for (let i = 1; i < length; i++) {
      if ((times[i] as number) <= (times[i - 1] as number)) {
        const order = new Int32Array(length).map((_, k) => k);
        return order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
      }
    }
    return undefined;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const grown = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.times = grown(this.times);
    this.values = grown(this.values);
    this.records = grown(this.records);
  }
}

/** Samples of a file sorted and totalled at once, at most (the buffer: 6 MB). */
export const SAMPLE_BATCH = 1 << 18;

/** What the totals report back: exact repeats (counted) and conflicting ones (skipped, naming both records). */
export interface RepeatSink {
  repeat(): void;
  conflict(record: number, t: number, keptRecord: number, keptValue: number, value: number): void;
}

export interface MinuteTotals {
  minutes: Int32Array;
  sums: Float64Array;
  counts: Uint32Array;
}

/**
 * A file's samples as totals per UTC minute, each timestamp counted once: in time order (stable: among equal
 * times the earlier record comes first and is the one kept), an exact repeat is counted, a repeat with another
 * value is reported as a conflict.
 *
 * Samples are buffered and sorted in batches of `batch`, so that a file of any size needs bounded memory: the
 * totals grow with the minutes the file spans, not with its samples. Real files are in time order, and then the
 * batches are exactly the file's sorted order. A sample earlier than a batch already totalled cannot be put in
 * its place any more: the file is then refused (`refused` says why) and none of it is used.
 */
export class SampleTotals {
  first: number | undefined;
  last: number | undefined;
  refused: string | undefined;
  private buffer: SampleBuffer | undefined;
  /** The latest time of the batches totalled so far (-Infinity before the first). */
  private totalled = -Infinity;
  private kept = { time: Number.NaN, value: 0, record: 0 };
  private minutes = new Int32Array(256);
  private sums = new Float64Array(256);
  private counts = new Uint32Array(256);
  private n = 0;

  constructor(
    private readonly sink: RepeatSink,
    private readonly batch = SAMPLE_BATCH,
  ) {}

  push(time: number, value: number, record: number): void {
    if (this.refused) return;
    if (time < this.totalled) {
      this.refused =
        `its samples are not in time order, and more than ${this.batch.toLocaleString('en-US')} of them ` +
        '(the most the import sorts at once) come before a later one: refused';
      this.buffer?.release();
      this.buffer = undefined;
      return;
    }
    const buffer = (this.buffer ??= SampleBuffer.take());
    buffer.push(time, value, record);
    if (buffer.length >= this.batch) this.total();
  }

  /** The totals of every sample; the buffer goes back for the next file. */
  finish(): MinuteTotals {
    this.total();
    this.buffer?.release();
    this.buffer = undefined;
    const n = this.n;
    return {
      minutes: this.minutes.slice(0, n),
      sums: this.sums.slice(0, n),
      counts: this.counts.slice(0, n),
    };
  }

  /** Adds the buffered samples, in time order, to the totals, and empties the buffer. */
  private total(): void {
    const buffer = this.buffer;
    if (!buffer || buffer.length === 0 || this.refused) return;
    const { times, values, records, length } = buffer;
    const order = buffer.timeOrder();
    const kept = this.kept;
    for (let k = 0; k < length; k++) {
      const i = order ? (order[k] as number) : k;
      const t = times[i] as number;
      const value = values[i] as number;
      if (kept.time === t) {
        if (kept.value === value) this.sink.repeat();
        else this.sink.conflict(records[i] as number, t, kept.record, kept.value, value);
        continue;
      }
      kept.time = t;
      kept.value = value;
      kept.record = records[i] as number;
      this.first ??= t;
      this.last = t;
      const minute = Math.floor(t / 60_000);
      if (this.n === 0 || this.minutes[this.n - 1] !== minute) {
        if (this.n === this.minutes.length) this.grow();
        this.minutes[this.n] = minute;
        this.n++;
      }
      this.sums[this.n - 1] = (this.sums[this.n - 1] as number) + value;
      this.counts[this.n - 1] = (this.counts[this.n - 1] as number) + 1;
    }
    this.totalled = kept.time;
    buffer.length = 0;
  }

  private grow(): void {
    const size = this.minutes.length * 2;
    const minutes = new Int32Array(size);
    const sums = new Float64Array(size);
    const counts = new Uint32Array(size);
    minutes.set(this.minutes);
    sums.set(this.sums);
    counts.set(this.counts);
    this.minutes = minutes;
    this.sums = sums;
    this.counts = counts;
  }
}
