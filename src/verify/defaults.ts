/**
 * Read-back verification defaults (HEALTHLAKE_VERIFY_WAIT_MS, HEALTHLAKE_VERIFY_POLL_MS).
 * A point for a metric carbon already has is readable through carbonlink within milliseconds; a new metric
 * needs its whisper file first (about a second on an idle carbon; 2000 new metrics took 6 s with Debian's
 * 500 updates/s). A relay in front of several caches adds its own buffering. A minute covers all of that,
 * and a run only waits that long when points really are missing.
 */
export const DEFAULT_VERIFY_WAIT_MS = 60_000;
export const DEFAULT_VERIFY_POLL_MS = 500;
