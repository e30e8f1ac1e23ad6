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
}
