import { InputError } from '../errors';
import { parseDurationSeconds, parseRelativeTime } from './duration';

/** Command-line times: points in time and lengths of time, as usage errors naming the option when wrong. */

/**
 * `now`, a relative time (-90d), a date (2026-08-01: 00:00 UTC), an ISO date-time (UTC unless it has an offset)
 * or epoch seconds → epoch seconds.
 */
export function parseTimePoint(text: string, now: number, field: string): number {
  const t = text.trim();
  if (/^\d{9,}$/.test(t)) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    // JavaScript reads a date-time without an offset as local time; here every time without one is UTC.
    const utc = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : /T[\d:.]+$/.test(t) ? `${t}Z` : t;
    const ms = Date.parse(utc);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  try {
    return now + parseRelativeTime(t);
  } catch (err) {
    throw InputError.single((err as Error).message, { field });
  }
}

/** A length of time (`7d`, `10min`, `1h30min`) in seconds. */
export function parseDurationOption(text: string, field: string): number {
  try {
    return parseDurationSeconds(text);
  } catch (err) {
    throw InputError.single((err as Error).message, { field });
  }
}

/** A start of history: a length of time back from now (`7d`), or a point in time (`2026-11-01`, `-7d`). */
export function parseSince(text: string, now: number, field: string): number {
  const t = text.trim();
  if (/^\d+[a-z]+$/i.test(t)) return now - parseDurationOption(t, field);
  return parseTimePoint(t, now, field);
}
