/**
 * Lengths of time and relative times, as people write them for healthlake: `7d`, `30min`, `1h30min`, `2weeks`
 * (durations), `now`, `-30d`, `now-1h` (a Graphite range's from/until).
 *
 * The units are graphite-web 1.1.8's (render/attime.py): seconds, minutes, hours, days, weeks, months of 30 days
 * and years of 365 days. graphite-web picks a unit by prefix, so `2hello` is two hours and `5m` an error; here
 * only the usual spellings of each unit are accepted (s, sec, second(s); min, minute(s); h, hr, hour(s); d, day(s);
 * w, week(s); mon, month(s); y, year(s)), so a typo fails instead of meaning something surprising. The evaluator,
 * which must read targets exactly as graphite-web does, has its own lenient parser (src/evaluator/time-offset.ts).
 */

const SECOND = 1;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  // graphite-web turns months and years into fixed day counts, not calendar arithmetic.
  mon: 30 * DAY,
  month: 30 * DAY,
  months: 30 * DAY,
  y: 365 * DAY,
  year: 365 * DAY,
  years: 365 * DAY,
};

const OFFSET_RE = /^([+-]?)((?:\d+[a-z]+)+)$/;
const GROUP_RE = /(\d+)([a-z]+)/g;

/** Removes one pair of matching quotes, as a duration appears inside a target: `'7d'` or `"7d"`. */
export function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && (t[0] === "'" || t[0] === '"') && t[t.length - 1] === t[0])
    return t.slice(1, -1).trim();
  return t;
}

/** Parses `[+-]<n><unit>[<n><unit>…]` into signed seconds; undefined when the text has another shape. */
function parseOffset(text: string, original = text): { sign: '' | '+' | '-'; seconds: number } | undefined {
  const match = OFFSET_RE.exec(text.toLowerCase());
  if (!match) return undefined;
  let seconds = 0;
  for (const [, digits, unit] of (match[2] ?? '').matchAll(GROUP_RE)) {
    const perUnit = UNIT_SECONDS[unit ?? ''];
    if (perUnit === undefined) {
      throw new Error(
        `unknown time unit "${unit}" in "${original}" (use s, min, h, d, w, mon or y, e.g. 30s, 10min, 7d)`,
      );
    }
    seconds += Number(digits) * perUnit;
  }
  const sign = (match[1] ?? '') as '' | '+' | '-';
  return { sign, seconds: sign === '-' ? -seconds : seconds };
}

/** True for texts graphite-web reads as a point in time rather than an offset (epoch, YYYYMMDD, HH:MM_…, names). */
function looksAbsolute(text: string): boolean {
  return (
    /^\d+$/.test(text) ||
    /[:/]/.test(text) ||
    /^(today|yesterday|tomorrow|noon|midnight|teatime)/.test(text) ||
    /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\d/.test(text)
  );
}

export interface DurationOptions {
  /** Whether `0s` is a valid answer (an incident slack may be 0; a step or an interval may not). */
  allowZero?: boolean;
}

/**
 * A duration in seconds: one or more `<whole number><unit>` groups, e.g. `7d`, `10min`, `1h30min`. No sign (a
 * duration is a length), no bare number (`7`: seconds or days?), no bare `m` (minutes or months?), and zero only
 * when `allowZero`. Throws a plain Error whose message says what is allowed.
 */
export function parseDuration(text: string, options: DurationOptions = {}): number {
  const t = text.trim();
  const allowed = 'a duration such as 30s, 10min, 6h, 7d or 2w';
  if (t === '') throw new Error(`empty; expected ${allowed}`);
  if (/^[+-]/.test(t)) throw new Error(`"${text}" has a sign; expected ${allowed} (a length of time)`);
  if (/^\d+$/.test(t)) throw new Error(`"${text}" has no unit; expected e.g. ${t}s, ${t}min, ${t}h or ${t}d`);
  const offset = parseOffset(t, text);
  if (!offset) throw new Error(`"${text}" is not ${allowed}`);
  if (offset.seconds === 0 && !options.allowZero)
    throw new Error(`"${text}" is zero; expected a duration longer than 0`);
  return offset.seconds;
}

/**
 * A duration parameter of a Graphite function as a check file writes it (`shift: 7d`, `bootstrap: '84d'`):
 * one pair of quotes and a sign are tolerated, as graphite-web ignores the sign of these; the rest is a
 * duration, zero included (lint reports a window or season that is too short with its own message).
 */
export function parseDurationParameter(text: string): number {
  return parseDuration(unquote(text).replace(/^[+-]/, ''), { allowZero: true });
}

/**
 * A `from`/`until` value as seconds relative to now (negative = past): `now` → 0, `-30d` → -2592000,
 * `now-1h` → -3600. An unsigned `30d` is refused because graphite-web reads it as an unknown day reference
 * (HTTP 400). Absolute times (`12:00_20240101`, epoch seconds, `yesterday`) are refused too: checks must slide
 * with the clock.
 */
export function parseRelativeTime(text: string): number {
  // graphite-web lower-cases and drops `_`, `,` and spaces before parsing; do the same.
  const t = unquote(text).toLowerCase().replace(/[_, ]/g, '');
  if (t === '') throw new Error('empty time (use now, or a relative time like -30d)');
  if (t === 'now') return 0;
  const offsetText = t.startsWith('now') ? t.slice(3) : t;
  const offset = parseOffset(offsetText);
  if (offset && offset.sign !== '') return offset.seconds;
  if (offset) {
    throw new Error(
      `relative time "${text}" needs a sign: write -${offsetText} for the past ` +
        `(graphite-web rejects "${offsetText}" as an unknown day reference)`,
    );
  }
  if (looksAbsolute(t)) {
    throw new Error(
      `absolute times are not supported here: "${text}" (use now or a relative time like -30d)`,
    );
  }
  throw new Error(`"${text}" is not a Graphite relative time (expected now, -30d, -15min or now-1h)`);
}

/** Seconds as the shortest Graphite-style text: 2592000 → `30d`, 83700 → `23h15min`, 0 → `0s`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = Math.abs(seconds);
  let text = '';
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['min', MINUTE],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  // Fractions of a second only come from callers doing arithmetic; keep them visible rather than dropping them.
  if (rest > 0) text += `${Number(rest.toFixed(3))}s`;
  return (seconds < 0 ? '-' : '') + text;
}
