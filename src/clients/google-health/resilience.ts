import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
  type IBackoff,
  type IBackoffFactory,
  type IPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { Logger } from '../../util/log';
import { GoogleHealthError } from './errors';

/**
 * What the Google Health client wraps every call in (docs/health-sources.md §2.5): retries of transient failures (429, 503,
 * 504, timeouts, dropped connections) with exponential backoff and jitter, or exactly the `Retry-After` Google
 * asked for; and a circuit breaker, so an API that is down is not hammered by every remaining request of a run.
 */

export interface ResilienceOptions {
  /** Retries after the first attempt. */
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** A longer `Retry-After` (a daily quota, say) is not waited for: the call fails and says so. */
  maxRetryAfterMs: number;
  /** Consecutive transient failures, across calls, that open the circuit. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  logger: Logger;
  baseUrl: string;
}

export function resiliencePolicy(o: ResilienceOptions): IPolicy {
  const retryPolicy = retry(
    handleWhen(
      (err) =>
        err instanceof GoogleHealthError &&
        err.transient &&
        (err.retryAfterMs === undefined || err.retryAfterMs <= o.maxRetryAfterMs),
    ),
    {
      maxAttempts: o.retries,
      backoff: new RetryAfterBackoff(
        new ExponentialBackoff({ initialDelay: o.retryBaseDelayMs, maxDelay: o.retryMaxDelayMs }),
      ),
    },
  );
  retryPolicy.onRetry((event) => {
    const err = 'error' in event ? event.error : undefined;
    const { request, status, rpcStatus, code } = (err ?? {}) as Partial<GoogleHealthError>;
    const { attempt, delay } = event;
    o.logger.warn(
      { request, status, rpcStatus, code, attempt, delayMs: Math.round(delay) },
      'Google Health API request failed, retrying',
    );
  });
  const breaker = circuitBreaker(
    handleWhen((err) => err instanceof GoogleHealthError && err.transient),
    { halfOpenAfter: o.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(o.breakerThreshold) },
  );
  breaker.onBreak(() => o.logger.warn({ baseUrl: o.baseUrl }, 'Google Health API circuit opened'));
  // Retry outside the breaker: every attempt counts towards opening it, and once open the remaining
  // attempts fail at once instead of waiting out their backoff against a dead API.
  return wrap(retryPolicy, breaker);
}

/**
 * Exponential backoff with jitter, except after an answer that carried `Retry-After`: then exactly the delay
 * Google asked for (waiting less only earns another 429).
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly exponential: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return retryAfterStep(this.exponential.next(undefined), context);
  }
}

function retryAfterStep(
  exponential: IBackoff<unknown>,
  context: IRetryBackoffContext<unknown>,
): IBackoff<IRetryBackoffContext<unknown>> {
  const err = 'error' in context.result ? context.result.error : undefined;
  const asked = err instanceof GoogleHealthError ? err.retryAfterMs : undefined;
  return {
    duration: asked ?? exponential.duration,
    next: (nextContext) => retryAfterStep(exponential.next(undefined), nextContext),
  };
}
