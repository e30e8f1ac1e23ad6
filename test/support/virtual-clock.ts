import type { Clock } from '../../src/util/clock';

/**
 * Virtual time for the pacing and backoff policies: `sleep` returns at once in real time, but only when it is
 * its turn. Time moves only from one waiting sleeper to the next, and only once the process has gone quiet
 * (nothing else to do for a few real event-loop turns: nock replies, promise chains, file writes), so work that
 * does not wait on this clock happens "instantly" at the current virtual time. Hours of waiting at the
 * documented rate limit then take seconds, and every wait is still taken in full and in order.
 */
export class VirtualClock implements Clock {
  private time: number;
  private sequence = 0;
  private pumping = false;
  private readonly sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  /** Every wait asked for, in order: what the run would have spent waiting in real time. */
  readonly waits: number[] = [];

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.waits.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = () => {
        const i = this.sleepers.indexOf(sleeper);
        if (i >= 0) this.sleepers.splice(i, 1);
        reject(signal?.reason as Error);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const sleeper = { at: this.time + Math.max(0, ms), seq: this.sequence++, wake };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        await quiet();
        if (this.sleepers.length === 0) return;
        this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = this.sleepers.shift() as (typeof this.sleepers)[number];
        this.time = Math.max(this.time, next.at);
        next.wake();
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** A few real event-loop turns, timers included, for everything not waiting on the clock to run. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
