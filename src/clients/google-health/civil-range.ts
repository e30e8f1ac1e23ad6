/** Civil-date ranges of dailyRollUp requests: the per-type range limits and the request's CivilDateTime. */
import { civilDates } from '../../util/civil-date';

/** Inclusive civil dates YYYY-MM-DD. */
export interface CivilRange {
  start: string;
  end: string;
}

/** dailyRollUp range limits (the DailyRollUpDataPointsRequest range): 14 days for these types, 90 for every other. */
const ROLLUP_14_DAY_TYPES = new Set([
  'heart-rate',
  'total-calories',
  'active-minutes',
  'calories-in-heart-rate-zone',
]);

export function rollupMaxDays(type: string): number {
  return ROLLUP_14_DAY_TYPES.has(type) ? 14 : 90;
}

/** Splits an inclusive range into consecutive chunks of at most maxDays (a multiple of the window size). */
export function civilChunks(range: CivilRange, maxDays: number, windowSizeDays = 1): CivilRange[] {
  const size = Math.max(windowSizeDays, maxDays - (maxDays % windowSizeDays));
  const dates = civilDates(range.start, range.end);
  const chunks: CivilRange[] = [];
  for (let i = 0; i < dates.length; i += size) {
    const slice = dates.slice(i, i + size);
    chunks.push({ start: slice[0] as string, end: slice[slice.length - 1] as string });
  }
  return chunks;
}

/** A civil date as google.type.Date inside a CivilDateTime (midnight: no `time`). */
export function civilDateTime(date: string) {
  return {
    date: { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) },
  };
}
