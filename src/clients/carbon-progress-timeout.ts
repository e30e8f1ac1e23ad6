import { TaskCancelledError, timeout, TimeoutStrategy } from 'cockatiel';
import { CarbonError, NOT_READING } from './carbon-error';

/**
 * Carbon's plaintext protocol has no acknowledgement, so the only sign that carbon is alive is progress on the
 * connection: carbon's host acknowledging more of our bytes (tcp-ack-meter.ts), or carbon closing its side
 * after reading everything. A whole write has no sensible deadline (a backfill of years is large, a busy
 * carbon reads slowly), but the time since the last progress does: once it exceeds `ms`, the attempt ends as
 * "carbon is not reading".
 *
 * Each wait (for a chunk to be taken, for carbon's close) runs as a step under cockatiel's timeout for the time
 * still left; a step ends early when progress happens, and the next step gets the full time again. A kernel
 * that keeps taking chunks while carbon reads nothing is not progress: it only fills the send queue.
 */
export class ProgressTimeout {
  private lastProgressAt = Date.now();

  constructor(
    readonly ms: number,
    private readonly address: string,
  ) {}

  /** Starts the clock afresh: a new connection, or progress on the current one. */
  progressed(): void {
    this.lastProgressAt = Date.now();
  }

  /** How long carbon has made no progress. */
  get idleMs(): number {
    return Date.now() - this.lastProgressAt;
  }

  /**
   * Runs `wait` until it settles, or rejects with a CarbonError (code NOT_READING) once the time since the last
   * progress exceeds `ms`; `wait` gets a signal that is aborted then, so it can remove its listeners.
   */
  async step<T>(waitingFor: string, wait: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const left = this.ms - this.idleMs;
    try {
      if (left <= 0) throw new TaskCancelledError();
      // Aggressive: the step rejects when the time is up, even if `wait` ignores the signal.
      return await timeout(left, TimeoutStrategy.Aggressive).execute(({ signal }) => wait(signal));
    } catch (err) {
      if (!(err instanceof TaskCancelledError)) throw err;
      throw new CarbonError(
        `Carbon at ${this.address} is not reading: no progress for ${formatSeconds(this.ms)} while ${waitingFor}`,
        NOT_READING,
      );
    }
  }
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))} s`;
}
