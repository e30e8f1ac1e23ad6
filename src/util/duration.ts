/**
 * Graphite time offsets, as written in `from`/`until` and in function arguments (`timeShift(X,'7d')`).
 *
 * graphite-web 1.1.8 (render/attime.py parseTimeOffset) reads a sign, then one or more `<digits><unit>` groups,
 * and picks the unit by prefix: s…=seconds, min…=minutes, h…=hours, d…=days, w…=weeks, mon…=months (30 d),
 * y…=years (365 d). A bare `m` or a bare number is an error there. We accept the common spellings of those units
 * rather than every prefix (graphite-web reads `2hello` as two hours), so a typo fails here instead of meaning
 * something surprising.
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
function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && (t[0] === "'" || t[0] === '"') && t[t.length - 1] === t[0])
    return t.slice(1, -1).trim();
  return t;
}

/** Parses `[+-]<n><unit>[<n><unit>…]` into signed seconds; undefined when the text has another shape. */
function parseOffset(text: string): { sign: '' | '+' | '-'; seconds: number } | undefined {
  const match = OFFSET_RE.exec(text);
  if (!match) return undefined;
  let seconds = 0;
  for (const [, digits, unit] of (match[2] ?? '').matchAll(GROUP_RE)) {
    const perUnit = UNIT_SECONDS[unit ?? ''];
    if (perUnit === undefined) {
      throw new Error(
        `unknown time unit "${unit}" in "${text}" (use s, min, h, d, w, mon or y, e.g. 30s, 10min, 7d)`,
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

/**
 * The length of a duration in seconds, sign dropped: `7d`, `'7d'`, `-30d`, `10min`, `1h30min` → seconds.
 * `now` is 0. Throws a plain Error with a readable message for anything else.
 */
export function parseDurationSeconds(text: string): number {
  const t = unquote(text);
  if (t === 'now') return 0;
  const offset = parseOffset(t);
  if (offset) return Math.abs(offset.seconds);
  if (/^\d+$/.test(t)) {
    throw new Error(`duration "${text}" has no unit (graphite-web needs one, e.g. ${t}s, ${t}min or ${t}d)`);
  }
  throw new Error(`"${text}" is not a Graphite duration (expected e.g. 30s, 10min, 1h, 7d, 2w, 1mon, 1y)`);
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
