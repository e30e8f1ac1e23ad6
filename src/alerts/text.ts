import { formatDuration } from '../time';

/** Small text pieces shared by the alert and status outputs (people read them; programs read --json). */

/** Epoch ms as `2026-11-16 09:41 UTC`. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Epoch ms as ISO-8601 (UTC), the form of every time in --json; null stays null. */
export function isoTime(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** A length of time between two epoch-ms times, to the minute: `2d3h27min`, `0min` when under a minute. */
export function elapsed(fromMs: number, toMs: number): string {
  const minutes = Math.max(0, Math.floor((toMs - fromMs) / 60000));
  return minutes === 0 ? '0min' : formatDuration(minutes * 60);
}

/** A value to four significant digits, as the backtest prints them. */
export function shortNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}
