/**
 * Seyren 1.5.0's judgement of a check, as a pure function (docs/seyren-api.md, section 4;
 * GraphiteTargetChecker + DefaultValueChecker):
 * - each series is judged by its LAST NON-NULL point in the check's range; an all-null series has no value and
 *   is skipped (it neither raises nor lowers the state);
 * - warn <= error means high is bad: ERROR at value >= error, else WARN at value >= warn, else OK;
 *   warn > error means low is bad: ERROR at value <= error, else WARN at value <= warn, else OK
 *   (all comparisons inclusive; warn == error behaves as high is bad, so only ERROR can occur);
 * - the check starts at UNKNOWN (OK with allowNoData) and is raised to the worst series state in the order
 *   UNKNOWN < OK < WARN < ERROR.
 */

export type CheckState = 'UNKNOWN' | 'OK' | 'WARN' | 'ERROR';

/** Seyren's order of states: the check takes the highest of its series. */
export const STATE_ORDER: Readonly<Record<CheckState, number>> = { UNKNOWN: 0, OK: 1, WARN: 2, ERROR: 3 };

export interface Thresholds {
  warn: number;
  error: number;
  /** A check with no value at all is OK instead of UNKNOWN. */
  allowNoData?: boolean;
}

/** The values of one series as Graphite returned them for the check's range, oldest first. */
export interface JudgedInput {
  name?: string;
  values: ReadonlyArray<number | null>;
}

export interface SeriesVerdict {
  name?: string;
  /** The value Seyren used: the last non-null point, or undefined when the series has none. */
  value: number | undefined;
  /** undefined when the series has no value (Seyren skips it). */
  state: 'OK' | 'WARN' | 'ERROR' | undefined;
}

export interface CheckVerdict {
  state: CheckState;
  series: SeriesVerdict[];
}

/** The last non-null point of the values (Seyren scans backwards), or undefined. */
export function lastNonNullValue(values: ReadonlyArray<number | null>): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}

/** DefaultValueChecker: the state of one value against the thresholds. */
export function judgeValue(value: number, warn: number, error: number): 'OK' | 'WARN' | 'ERROR' {
  if (warn <= error) {
    if (value >= error) return 'ERROR';
    if (value >= warn) return 'WARN';
    return 'OK';
  }
  if (value <= error) return 'ERROR';
  if (value <= warn) return 'WARN';
  return 'OK';
}

/** The worse of two states in Seyren's order. */
export function worstState(a: CheckState, b: CheckState): CheckState {
  return STATE_ORDER[b] > STATE_ORDER[a] ? b : a;
}

/** Judges one series on its own: UNKNOWN (or OK with allowNoData) when it has no value. */
export function judgeSeries(values: ReadonlyArray<number | null>, thresholds: Thresholds): CheckState {
  return judgeCheck([{ values }], thresholds).state;
}

/** Judges every series separately; the check takes the worst of them. */
export function judgeCheck(seriesList: ReadonlyArray<JudgedInput>, thresholds: Thresholds): CheckVerdict {
  let state: CheckState = thresholds.allowNoData ? 'OK' : 'UNKNOWN';
  const series: SeriesVerdict[] = seriesList.map((s) => {
    const value = lastNonNullValue(s.values);
    const verdict = value === undefined ? undefined : judgeValue(value, thresholds.warn, thresholds.error);
    if (verdict) state = worstState(state, verdict);
    return { name: s.name, value, state: verdict };
  });
  return { state, series };
}
