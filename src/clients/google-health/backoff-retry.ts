import { EventEmitter, type IDefaultPolicyContext } from 'cockatiel';
import { systemClock, type Clock } from '../../util/clock';
import { neverAborted, ObservablePolicy } from './observable-policy';
import type { RetryClass } from './errors';

/**
 * Retries of transient failures with exponential backoff and jitter, as Google's rate-limits guide asks for 429
 * RESOURCE_EXHAUSTED, 503 UNAVAILABLE and 504 DEADLINE_EXCEEDED, with a schedule per kind of failure: a long one
 * for throttling (a year's backfill may meet a quota shared with other apps for minutes), a shorter one for an
 * API that is unavailable, and a bounded one for 500s. When the answer carried `Retry-After` (the Health docs
 * never promise one), exactly that delay is waited instead; one longer than `maxRetryAfterMs` (a daily quota,
 * say) is not waited for at all.
 */

export interface RetrySchedule {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The first delay; each further retry doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What the policy needs to know about a failure; undefined: not worth another attempt. */
export interface RetryVerdict {
  retryClass: RetryClass;
  /** The delay the server asked for (`Retry-After`), if any. */
  retryAfterMs?: number;
}

export interface RetryEvent {
  error: unknown;
  retryClass: RetryClass;
  /** Retries of this class so far, this one included. */
  attempt: number;
  delayMs: number;
}

export interface BackoffRetryOptions {
  schedules: Record<RetryClass, RetrySchedule>;
  classify: (error: unknown) => RetryVerdict | undefined;
  maxRetryAfterMs: number;
  clock?: Clock;
  /** [0, 1); tests make the jitter predictable. */
  random?: () => number;
}

/**
 * "Equal jitter": half the exponential delay fixed, half random. A throttled client never retries at once (full
 * jitter can draw ~0), and parallel retries still spread out.
 */
export function backoffDelay(schedule: RetrySchedule, attempt: number, random: () => number): number {
  const cap = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** (attempt - 1));
  return cap / 2 + random() * (cap / 2);
}

export class BackoffRetryPolicy extends ObservablePolicy {
  private readonly retryEmitter = new EventEmitter<RetryEvent>();
  /** Fires before each wait. */
  readonly onRetry = this.retryEmitter.addListener;

  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: BackoffRetryOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  async execute<T>(
    fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T,
    signal: AbortSignal = neverAborted,
  ): Promise<T> {
    const started = this.clock.now();
    const retries: Partial<Record<RetryClass, number>> = {};
    for (;;) {
      try {
        const value = await fn({ signal });
        this.successEmitter.emit({ duration: this.clock.now() - started });
        return value;
      } catch (error) {
        const delayMs = this.delayBeforeRetry(error, retries);
        if (delayMs === undefined || signal.aborted) {
          this.failureEmitter.emit({
            duration: this.clock.now() - started,
            handled: delayMs !== undefined,
            reason: { error: error as Error },
          });
          throw error;
        }
        await this.clock.sleep(delayMs, signal);
      }
    }
  }

  /** The wait before the next attempt, or undefined when there is none. */
  private delayBeforeRetry(error: unknown, retries: Partial<Record<RetryClass, number>>): number | undefined {
    const verdict = this.options.classify(error);
    if (!verdict) return undefined;
    const { retryClass, retryAfterMs } = verdict;
    const schedule = this.options.schedules[retryClass];
    const attempt = (retries[retryClass] ?? 0) + 1;
    if (attempt > schedule.maxRetries) return undefined;
    if (retryAfterMs !== undefined && retryAfterMs > this.options.maxRetryAfterMs) return undefined;
    retries[retryClass] = attempt;
    const delayMs = retryAfterMs ?? backoffDelay(schedule, attempt, this.random);
    this.retryEmitter.emit({ error, retryClass, attempt, delayMs });
    return delayMs;
  }
}
