/** The daily metrics, written as <HEALTHLAKE_PREFIX>.<name>, and the columns of summary.csv in this order. */
export const DAILY_METRICS = [
  'steps',
  'heart.resting',
  'heart.average',
  'heart.max_sustained',
  'sleep.minutes_before',
  'sleep.minutes_after',
  'sleep.longest_episode',
  'worked',
] as const;
export type DailyMetric = (typeof DAILY_METRICS)[number];

export type DailyValues = Partial<Record<DailyMetric, number>>;

export interface DailyMetrics {
  date: string;
  values: DailyValues;
  /**
   * Metrics of the day that get no value because an input they need is incomplete or doubtful (a damaged
   * file, a skipped record): no point is sent and summary.csv leaves the cell empty. Absent when none.
   */
  withheld?: DailyMetric[];
}
