import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';

/**
 * The reconnect of the one resend (carbon-resend.ts). A carbon that just reset or closed the connection is often
 * restarting, and refuses connections for a moment (a restart of carbon-cache takes about a second); the
 * resend's new connection therefore tries again on ECONNREFUSED, with backoff, for a few seconds in all. That is
 * bounded far below the progress timeout, so a carbon that stays down still ends the run soon.
 */
export const RECONNECT_ATTEMPTS = 5; // waits of about 0.2, 0.4, 0.8, 1.6 and 3.2 s: ~6 s in all

export function reconnectWhileRefused(initialDelayMs = 200): RetryPolicy {
  return retry(
    handleWhen((err) => (err as NodeJS.ErrnoException).code === 'ECONNREFUSED'),
    {
      maxAttempts: RECONNECT_ATTEMPTS,
      backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: 16 * initialDelayMs }),
    },
  );
}
