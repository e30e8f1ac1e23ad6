/**
 * Civil dates, a time zone's wall clock and the two timestamp spellings of a classic Fitbit export, for the sample
 * generator. Uses Intl (Node ships full ICU) rather than a fixed offset table, so a window crossing a DST change
 * gets the real 23- or 25-hour day.
 */

import { civilMs } from '../../util/civil-date';

const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes the zone's wall clock is ahead of UTC at an instant (+120 for Berlin in summer). */
export function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  // Intl drops the milliseconds; offsets are whole minutes in every zone we care about.
  return Math.round((wall - (instantMs - (instantMs % 1000))) / MINUTE_MS);
}

/**
 * The instant a wall-clock time of a civil date happens. Two passes settle the offset; a time that the clocks
 * repeat resolves to one of its two instants, a skipped one to a nearby instant, so callers keep their schedules
 * away from 02:00–03:00 where the distinction would matter.
 */
export function wallClockToUtc(date: string, minuteOfDay: number, timeZone: string): number {
  const wall = civilMs(date) + minuteOfDay * MINUTE_MS;
  const first = wall - zoneOffsetMinutes(wall, timeZone) * MINUTE_MS;
  return wall - zoneOffsetMinutes(first, timeZone) * MINUTE_MS;
}

/** The instant a civil day starts: its local midnight (which exists in every zone with DST at 01:00–03:00). */
export function dayStartUtc(date: string, timeZone: string): number {
  return wallClockToUtc(date, 0, timeZone);
}

// Template literals rather than String(): under jest a global lookup per call is slow (see seeded-random).
function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** `MM/DD/YY HH:MM:SS` read off a Date's UTC fields: the heart_rate/steps spelling (those files are UTC). */
export function fitbitUtcStamp(instantMs: number): string {
  const d = new Date(instantMs);
  return (
    `${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${pad2(d.getUTCFullYear() % 100)} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

/** `MM/DD/YY` of a civil date: how resting_heart_rate names its day. */
export function fitbitShortDate(date: string): string {
  return `${date.slice(5, 7)}/${date.slice(8, 10)}/${date.slice(2, 4)}`;
}

/** `YYYY-MM-DDTHH:MM:SS.000` on the zone's wall clock, no offset: how sleep logs spell their times. */
export function localIsoStamp(instantMs: number, timeZone: string): string {
  const wall = new Date(instantMs + zoneOffsetMinutes(instantMs, timeZone) * MINUTE_MS);
  return wall.toISOString().slice(0, 19) + '.000';
}

/** `HH:MM` on the zone's wall clock, for the human-readable summary. */
export function localClock(instantMs: number, timeZone: string): string {
  return localIsoStamp(instantMs, timeZone).slice(11, 16);
}
