import { isCivilDate } from '../util/civil-date';
import { formatDuration, parseDuration, parseRelativeTime } from './duration';

/**
 * Points in time as a person gives them on the command line or in a test file:
 * `now`; a relative time (`-90d`, `-12weeks`, `now-6h`); a calendar date `YYYY-MM-DD` (00:00 UTC, where a daily
 * point is stored); a date-time `YYYY-MM-DDTHH:MM[:SS]` (UTC, or with `Z` or an offset); or epoch seconds. A date must exist
 * on the calendar: `2026-02-30` is an error, never 2 March.
 */
export type TimePoint =
  { kind: 'now' } | { kind: 'relative'; seconds: number } | { kind: 'absolute'; epoch: number };

const FORMS = 'now, a relative time like -90d, a date YYYY-MM-DD or epoch seconds';
/** A date-time is UTC unless it carries an offset (JavaScript would read it as the machine's local time). */
const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
/** Epoch seconds have at least 9 digits (after March 1973); a shorter number is more likely a missing unit. */
const EPOCH_RE = /^\d{9,}$/;

/**
 * A point in time for a CLI option: now or the past (`+1d` is refused). Throws a plain Error whose message says
 * what was wrong and which forms are allowed.
 */
export function parseTimePoint(text: string): TimePoint {
  const t = text.trim();
  const absolute = parseAbsoluteTimeOrUndefined(t);
  if (absolute !== undefined) return { kind: 'absolute', epoch: absolute };
  if (/^\d+$/.test(t))
    throw new Error(`"${text}" is not a time: use ${FORMS} (${t}d is a duration, -${t}d a time)`);
  let seconds: number;
  try {
    seconds = parseRelativeTime(t);
  } catch {
    throw new Error(`"${text}" is not a time: use ${FORMS}`);
  }
  if (seconds > 0) throw new Error(`"${text}" is in the future: use now or a time before it, e.g. -1d`);
  return seconds === 0 ? { kind: 'now' } : { kind: 'relative', seconds };
}

/**
 * A fixed point in time, in epoch seconds: a date, a date-time or epoch seconds (test files; their times do not
 * move with the clock). Throws a plain Error naming the allowed forms.
 */
export function parseAbsoluteTime(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isInteger(text) || text < 0) throw new Error(`${text} is not epoch seconds (a whole number)`);
    return text;
  }
  const epoch = parseAbsoluteTimeOrUndefined(text.trim());
  if (epoch === undefined) {
    if (/^\d+$/.test(text.trim())) return Number(text.trim());
    throw new Error(
      `"${text}" is not a time: use a date YYYY-MM-DD, a date-time 2024-01-01T06:00:00Z or epoch seconds`,
    );
  }
  return epoch;
}

/** Epoch seconds of a date, a date-time or an epoch text; undefined for other shapes; throws for impossible dates. */
function parseAbsoluteTimeOrUndefined(t: string): number | undefined {
  if (EPOCH_RE.test(t)) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return civilEpoch(t, t);
  const m = DATE_TIME_RE.exec(t);
  if (m) {
    const [, date = '', hh = '', mm = '', ss = '0', fraction = '', zone = 'Z'] = m;
    if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) throw new Error(`"${t}" is not a time of day`);
    const offset =
      zone === 'Z'
        ? 0
        : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4))) * 60;
    return (
      civilEpoch(date, t) + Number(hh) * 3600 + Number(mm) * 60 + Number(ss) + Number(`0${fraction}`) - offset
    );
  }
  // A date in another notation is not guessed at: 11/20/2026 is November in one country, nonsense in others.
  if (/^\d{1,4}[/.]\d{1,2}[/.]\d{1,4}$/.test(t))
    throw new Error(`"${t}" is not a date: write it as YYYY-MM-DD`);
  return undefined;
}

function civilEpoch(date: string, text: string): number {
  if (!isCivilDate(date)) throw new Error(`"${text}" is not a calendar date (no such day)`);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 1000;
}

/** A civil day `YYYY-MM-DD` that exists (collect and replay ranges). Throws a plain Error otherwise. */
export function parseCivilDate(text: string): string {
  const t = text.trim();
  if (isCivilDate(t)) return t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) throw new Error(`"${text}" is not a calendar date (no such day)`);
  throw new Error(`"${text}" is not a date: write it as YYYY-MM-DD`);
}

/**
 * The start of a history (`alerts --since`): a length of time back from now (`7d`, `12h`), or a time point
 * (`-2w`, `2026-11-01`, epoch seconds).
 */
export function parseSince(text: string): TimePoint {
  const t = text.trim();
  if (/^\d+[a-z]+$/i.test(t)) return { kind: 'relative', seconds: -parseDuration(t) };
  return parseTimePoint(t);
}

/** Epoch seconds of a time point, given the current time. */
export function epochOf(point: TimePoint, nowSeconds: number): number {
  if (point.kind === 'now') return nowSeconds;
  if (point.kind === 'relative') return nowSeconds + point.seconds;
  return point.epoch;
}

/** A time for people: `2026-11-16` at 00:00 UTC (a daily point), else `2026-11-16 14:05 UTC`. */
export function formatTime(epochSeconds: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  if (epochSeconds % 86400 === 0) return iso.slice(0, 10);
  const seconds = epochSeconds % 60 === 0 ? '' : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}

/** How a time point was given, for people: `now`, `-90d`, or the formatted time. */
export function describeTimePoint(point: TimePoint): string {
  if (point.kind === 'now') return 'now';
  if (point.kind === 'absolute') return formatTime(point.epoch);
  return formatDuration(point.seconds);
}
