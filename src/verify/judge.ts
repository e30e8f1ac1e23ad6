import type { GraphiteSeries } from '../clients/graphite';
import { formatMetricValue } from '../metrics/format-value';

/**
 * How one written point compares with what graphite-web rendered for its metric: a pure function of the
 * render, so every cause below is tested without a Graphite. What a render tells (graphite-web 1.1.8 with
 * whisper, each fact checked against the real one):
 * - a metric without a whisper file is absent from the answer;
 * - the datapoints start at the requested `from`, or at the oldest time the file still keeps when that is
 *   later (whisper clamps `from` to now − retention), so a series starting after the day means "not kept";
 * - the step between datapoints is the step of the archive graphite-web read for the whole range.
 */

export const DAY_SECONDS = 86400;

export type Cause =
  /** graphite-web finds no such metric: carbon never created its file. */
  | { kind: 'no-metric' }
  /** The metric's file keeps data only from `keepsFrom` (epoch s), after the day. */
  | { kind: 'retention'; keepsFrom: number }
  /** The archive read has a step coarser than a day: several days share one slot. */
  | { kind: 'coarse-step'; step: number }
  /** The day's value is in a finer archive (`fineStep`) but empty in the one read over the range (`step`). */
  | { kind: 'rollup'; step: number; fineStep: number }
  /** The day's slot is empty. */
  | { kind: 'missing' }
  /** The day's slot holds another value. */
  | { kind: 'different' }
  /** graphite-web did not answer the render. */
  | { kind: 'unreadable'; error: string };

export type Judgement =
  | { confirmed: true }
  | {
      confirmed: false;
      /** Waiting cannot change it (the schema decides), so it is not asked again. */
      final: boolean;
      cause: Cause;
      /** What Graphite has: a value, null for an empty slot, undefined when it has no slot for the day. */
      actual: number | null | undefined;
    };

/** Two values are the same point when carbon's formatting writes them identically. */
export function sameValue(actual: number, expected: number): boolean {
  return Number.isFinite(actual) && formatMetricValue(actual) === formatMetricValue(expected);
}

/** The archive step of a rendered series, when it has at least two datapoints. */
export function stepOf(series: GraphiteSeries): number | undefined {
  const [first, second] = series.datapoints;
  return first && second ? second[1] - first[1] : undefined;
}

/** The value of the slot holding `timestamp`, null for an empty one, undefined when the series has no such slot. */
export function valueAt(series: GraphiteSeries, timestamp: number): number | null | undefined {
  const first = series.datapoints[0];
  if (!first || timestamp < first[1]) return undefined;
  const step = stepOf(series) ?? DAY_SECONDS;
  const slot = series.datapoints[Math.floor((timestamp - first[1]) / step)];
  return slot === undefined ? undefined : slot[0];
}

export function judgePoint(
  expected: number,
  timestamp: number,
  series: GraphiteSeries | undefined,
): Judgement {
  if (!series) return { confirmed: false, final: false, cause: { kind: 'no-metric' }, actual: undefined };
  const first = series.datapoints[0];
  const step = stepOf(series);
  const actual = valueAt(series, timestamp);
  if (step !== undefined && step > DAY_SECONDS) {
    return { confirmed: false, final: true, cause: { kind: 'coarse-step', step }, actual };
  }
  if (first && timestamp < first[1]) {
    return { confirmed: false, final: true, cause: { kind: 'retention', keepsFrom: first[1] }, actual };
  }
  if (actual === undefined || actual === null) {
    return { confirmed: false, final: false, cause: { kind: 'missing' }, actual: actual ?? null };
  }
  if (sameValue(actual, expected)) return { confirmed: true };
  return { confirmed: false, final: false, cause: { kind: 'different' }, actual };
}
