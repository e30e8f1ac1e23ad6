import { handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { Logger } from '../util/log';
import { isResendable } from './carbon-error';

/**
 * One reconnect and resend when a connection to carbon breaks (EPIPE, ECONNRESET, closed by carbon) or stops
 * making progress, then give up. Plaintext carbon acknowledges nothing, so nobody knows which lines of a broken
 * connection it read; the whole unconfirmed data goes again on a new connection. That is harmless: whisper
 * keeps one value per metric and slot, so a resent line overwrites a point with the same value.
 * One resend, not more: a carbon that fails twice in a row is not going to take the data in this run, and every
 * further attempt would add a progress timeout to a cron run that should end and say "replay later".
 */
export interface ResendPolicy {
  readonly policy: RetryPolicy;
  /** Resends still allowed; one per delivery, given back once a delivery is confirmed. */
  readonly left: number;
  reset(): void;
}

export function resendOnce(logger: Logger, address: string): ResendPolicy {
  let left = 1;
  const policy = retry(
    handleWhen((err) => left > 0 && isResendable(err)),
    { maxAttempts: 1 },
  );
  policy.onRetry((event) => {
    left--;
    const cause = 'error' in event ? event.error.message : 'unexpected result';
    logger.warn({ carbon: address, cause }, 'carbon connection failed; reconnecting and resending once');
  });
  return {
    policy,
    get left() {
      return left;
    },
    reset() {
      left = 1;
    },
  };
}
