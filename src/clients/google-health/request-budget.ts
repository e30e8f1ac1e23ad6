import type { IDefaultPolicyContext } from 'cockatiel';
import { systemClock, type Clock } from '../../util/clock';
import { neverAborted, ObservablePolicy } from './observable-policy';

/**
 * Google limits the Health API to 300 requests per minute per user (rate-limits guide; a 429 RESOURCE_EXHAUSTED
 * beyond it). This policy keeps one user's requests under a budget below that, however many are in parallel:
 *
 * - no 60-second window ever holds more than `requestsPerMinute` starts (a sliding window of start times);
 * - two starts are never closer than 60 s / 300 = 200 ms, so even a short burst stays at the documented
 *   per-user rate (5 per second): a 7-day run of ~12 requests takes ~2.5 s, a year's backfill runs at the
 *   budget;
 * - after a 429, `pause` holds every request back for the cool-down the retry chose, so parallel requests do
 *   not keep hitting the limit one after the other.
 *
 * Requests are served in the order they asked.
 */

/**
 * The default budget: 2 requests a second. Below the documented 300/min per user, and below the 2.5 requests a
 * second per user that the same guide gives for unverified applications (a personal Cloud project is one).
 */
export const DEFAULT_REQUESTS_PER_MINUTE = 120;
/** The documented per-user quota; a budget above it would be throttled by design. */
export const GOOGLE_REQUESTS_PER_MINUTE_PER_USER = 300;

export interface RequestBudgetOptions {
  requestsPerMinute: number;
  clock?: Clock;
}

const WINDOW_MS = 60_000;

export class RequestBudgetPolicy extends ObservablePolicy {
  readonly requestsPerMinute: number;
  private readonly clock: Clock;
  private readonly spacingMs: number;
  /** Start times of the last 60 s, oldest first. */
  private readonly window: number[] = [];
  private pausedUntil = -Infinity;
  /** The queue of waiting requests: each waits for the one before it. */
  private queue: Promise<unknown> = Promise.resolve();
  private startedCount = 0;

  constructor(options: RequestBudgetOptions) {
    super();
    if (!(options.requestsPerMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    this.requestsPerMinute = options.requestsPerMinute;
    this.clock = options.clock ?? systemClock;
    // Above the documented rate (only tests ask for that) the spacing shrinks with the budget.
    this.spacingMs = WINDOW_MS / Math.max(options.requestsPerMinute, GOOGLE_REQUESTS_PER_MINUTE_PER_USER);
  }

  /** Requests started through this budget so far. */
  get started(): number {
    return this.startedCount;
  }

  /** No request starts before `ms` from now (a 429 asked everyone to back off). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  async execute<T>(
    fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T,
    signal: AbortSignal = neverAborted,
  ): Promise<T> {
    await this.acquire(signal);
    const started = this.clock.now();
    try {
      const value = await fn({ signal });
      this.successEmitter.emit({ duration: this.clock.now() - started });
      return value;
    } catch (error) {
      this.failureEmitter.emit({
        duration: this.clock.now() - started,
        handled: false,
        reason: { error: error as Error },
      });
      throw error;
    }
  }

  /** Waits for this request's turn and its start time, then claims it. */
  private acquire(signal: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForStart(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForStart(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const now = this.clock.now();
      while (this.window.length > 0 && (this.window[0] as number) <= now - WINDOW_MS) this.window.shift();
      const last = this.window[this.window.length - 1];
      const full = this.window.length >= this.requestsPerMinute;
      const at = Math.max(
        last === undefined ? -Infinity : last + this.spacingMs,
        full ? (this.window[0] as number) + WINDOW_MS : -Infinity,
        this.pausedUntil,
      );
      if (at <= now) {
        this.window.push(now);
        this.startedCount++;
        return;
      }
      // Re-checked after the wait: a 429 meanwhile may have moved the pause further.
      await this.clock.sleep(at - now, signal);
    }
  }
}
