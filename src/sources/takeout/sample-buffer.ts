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
    if (this.times.length > MAX_KEPT || spare.length >= 2) return;
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
