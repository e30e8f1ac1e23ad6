import { InputError } from '../errors';

/**
 * Civil dates (YYYY-MM-DD, a day on the user's calendar, no time zone). Arithmetic on them is done as if they
 * were UTC midnights, which is exact: a civil day has no DST.
 */

export const MS_PER_DAY = 86_400_000;
const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isCivilDate(text: string): boolean {
  const match = CIVIL_DATE.exec(text);
  if (!match) return false;
  return civilDate(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) === text;
}

/** Milliseconds of the date's midnight as if it were UTC. */
export function civilMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/** The civil date of a UTC-midnight-based millisecond count. */
export function civilDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days (earlier when negative). */
export function addDays(date: string, days: number): string {
  assertCivilDate(date);
  return civilDate(civilMs(date) + days * MS_PER_DAY);
}

/** `date` plus one calendar month, the same day of the month (the month's last day when it has no such day). */
export function addOneMonth(date: string): string {
  assertCivilDate(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)); // 1..12; as a 0-based index it is already the next month
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return civilDate(Date.UTC(year, month, Math.min(Number(date.slice(8, 10)), lastDay)));
}

/** Every civil date from..to inclusive, ascending; empty when from > to. */
export function civilDates(from: string, to: string): string[] {
  assertCivilDate(from);
  assertCivilDate(to);
  const dates: string[] = [];
  for (let ms = civilMs(from), end = civilMs(to); ms <= end; ms += MS_PER_DAY) dates.push(civilDate(ms));
  return dates;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(civilMs(date)).getUTCDay();
}

function assertCivilDate(date: string): void {
  if (!isCivilDate(date))
    throw InputError.single(`Invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
}
