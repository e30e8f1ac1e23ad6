/**
 * Time as the pacing and backoff policies see it: the current instant and a wait. Injected, so a test can replay
 * a year's backfill (hours of waiting at the documented rate limit) in virtual time instead of waiting for it.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The process's monotonic clock, as epoch milliseconds: waits measured on it are not shortened or stretched when
 * the wall clock is stepped (NTP, a suspended laptop), nor by a test that freezes Date.now.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
