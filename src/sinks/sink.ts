import { isCivilDate } from '../util/civil-date';
import { DAILY_METRICS, DailyMetrics } from '../metrics/metric-names';

/** One value of one metric for one day, ready for any sink. */
export interface MetricPoint {
  /** Full Graphite path, `<prefix>.<metric>`. */
  path: string;
  value: number;
  /** Epoch seconds of 00:00 UTC of the civil day. */
  timestamp: number;
}

/** Where derived points go: carbon (history), statsD (today's live gauge), stdout (--dry-run). */
export interface Sink {
  readonly name: string;
  /** Await each call before the next; a sink may keep one connection for all of them. */
  write(points: MetricPoint[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Epoch seconds of 00:00 UTC of a civil date. Whisper aligns every point to `ts - ts % step` in epoch time, so
 * a 1d archive's buckets start at UTC midnight whatever the user's zone: the day's point must sit exactly there,
 * and sending it again later overwrites the same slot instead of adding another.
 */
export function utcMidnight(date: string): number {
  if (!isCivilDate(date)) throw new RangeError(`Invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

/** The civil date a point's timestamp stands for (the inverse of utcMidnight). */
export function dateOfTimestamp(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

/** Points by date ascending, then in DAILY_METRICS order, whatever the order of `metrics`. */
export function toPoints(metrics: DailyMetrics[], prefix: string): MetricPoint[] {
  const byDate = [...metrics].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const points: MetricPoint[] = [];
  // One path string per metric, shared by all its points: a backfill holds fewer strings, and the carbon
  // writer validates each distinct path once.
  const paths = DAILY_METRICS.map((metric) => `${prefix}.${metric}`);
  for (const { date, values } of byDate) {
    const timestamp = utcMidnight(date);
    for (const [i, metric] of DAILY_METRICS.entries()) {
      const value = values[metric];
      if (value !== undefined) points.push({ path: paths[i] as string, value, timestamp });
    }
  }
  return points;
}
