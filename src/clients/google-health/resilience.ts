import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  handleWhen,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/log';
import { BackoffRetryPolicy, type RetrySchedule, type RetryVerdict } from './backoff-retry';
import { GoogleHealthError, type RetryClass } from './errors';
import type { RequestBudgetPolicy } from './request-budget';

/**
 * What the Google Health client wraps every call in, outermost first:
 *
 *   retry    transient failures, with a backoff schedule per kind (backoff-retry.ts); a 429 also pauses the
 *            whole budget for its backoff, so parallel requests back off together
 *   budget   the per-user request budget shared by all parallel requests (request-budget.ts): every attempt,
 *            retries included, starts within it
 *   breaker  protects against an outage, not against throttling: after `breakerThreshold` consecutive 5xx,
 *            timeouts or dropped connections, no request is sent for `breakerHalfOpenAfterMs`; a call that meets
 *            the open circuit waits that long (as one of its retries) and the first one through tests the API.
 *            A 429 neither opens nor closes it.
 */

/** Defaults: minutes of patience for throttling, about a minute for an unavailable API, little for a 500. */
export const DEFAULT_RETRY_SCHEDULES: Record<RetryClass, RetrySchedule> = {
  throttled: { maxRetries: 10, baseDelayMs: 2_000, maxDelayMs: 120_000 },
  unavailable: { maxRetries: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 },
  internal: { maxRetries: 2, baseDelayMs: 1_000, maxDelayMs: 10_000 },
};

export interface ResilienceOptions {
  schedules: Record<RetryClass, RetrySchedule>;
  /** A longer `Retry-After` (a daily quota, say) is not waited for: the call fails and says so. */
  maxRetryAfterMs: number;
  /** Consecutive outage failures, across calls, that open the circuit. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  budget: RequestBudgetPolicy;
  clock: Clock;
  random?: () => number;
  logger: Logger;
  baseUrl: string;
}

const isOutage = (err: unknown) =>
  err instanceof GoogleHealthError && (err.retryClass === 'unavailable' || err.retryClass === 'internal');

export function resiliencePolicy(o: ResilienceOptions): IPolicy {
  const classify = (err: unknown): RetryVerdict | undefined => {
    if (err instanceof BrokenCircuitError)
      return { retryClass: 'unavailable', retryAfterMs: o.breakerHalfOpenAfterMs };
    if (!(err instanceof GoogleHealthError) || err.retryClass === undefined) return undefined;
    return { retryClass: err.retryClass, retryAfterMs: err.retryAfterMs };
  };
  const retryPolicy = new BackoffRetryPolicy({
    schedules: o.schedules,
    classify,
    maxRetryAfterMs: o.maxRetryAfterMs,
    clock: o.clock,
    random: o.random,
  });
  retryPolicy.onRetry(({ error, retryClass, attempt, delayMs }) => {
    if (retryClass === 'throttled') o.budget.pause(delayMs);
    const { request, status, rpcStatus, code } = (error ?? {}) as Partial<GoogleHealthError>;
    o.logger.warn(
      {
        request,
        status,
        rpcStatus,
        code,
        retryClass,
        attempt,
        delayMs: Math.round(delayMs),
        circuitOpen: error instanceof BrokenCircuitError || undefined,
      },
      'Google Health API request failed, retrying',
    );
  });
  const breaker = circuitBreaker(handleWhen(isOutage), {
    halfOpenAfter: o.breakerHalfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.breakerThreshold),
  });
  breaker.onBreak(() => o.logger.warn({ baseUrl: o.baseUrl }, 'Google Health API circuit opened'));
  return wrap(retryPolicy, o.budget, breaker);
}

/** The default schedules, with overrides applied to every kind (`retries` caps, the delays replace). */
export function retrySchedules(o: {
  retries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
}): Record<RetryClass, RetrySchedule> {
  const adjust = (s: RetrySchedule): RetrySchedule => ({
    maxRetries: o.retries === undefined ? s.maxRetries : Math.min(s.maxRetries, o.retries),
    baseDelayMs: o.retryBaseDelayMs ?? s.baseDelayMs,
    maxDelayMs: o.retryMaxDelayMs ?? s.maxDelayMs,
  });
  const { throttled, unavailable, internal } = DEFAULT_RETRY_SCHEDULES;
  return { throttled: adjust(throttled), unavailable: adjust(unavailable), internal: adjust(internal) };
}
