import { replay, type JudgedHistory } from './timeline';

/**
 * Threshold suggestions from the distribution of a check's values over its history, for a noise budget:
 * - error: the lowest threshold at which ERROR alone would have notified at most `errorShare` of the budget;
 * - warn: from there downwards, the lowest threshold at which WARN and ERROR together stay within the budget
 *   (every change into WARN or ERROR counts, as Seyren notifies each).
 * Each is then rounded to the shortest number that still separates the same values ("0.45" rather than
 * "0.4519"). `direction` low-is-bad mirrors everything.
 */

export interface SuggestOptions {
  maxAlertsPerWeek: number;
  /** Share of the budget ERROR may use on its own (default 0.25). */
  errorShare?: number;
  direction?: 'high-is-bad' | 'low-is-bad';
  weeks: number;
  /** Candidate thresholds tried at most (quantiles of the values); default 400. */
  maxCandidates?: number;
  allowNoData?: boolean;
}

export interface Suggestion {
  warn: number;
  error: number;
  /** Notifications at the suggested thresholds over the history, and per week. */
  notifications: number;
  perWeek: number;
  budget: number;
}

export interface Distribution {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function distribution(history: JudgedHistory): Distribution | undefined {
  const values = history.series.flatMap((s) =>
    s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)),
  );
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  const q = (p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))] as number;
  return {
    count: values.length,
    min: values[0] as number,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: values[values.length - 1] as number,
  };
}

export function suggestThresholds(history: JudgedHistory, options: SuggestOptions): Suggestion | undefined {
  const low = options.direction === 'low-is-bad';
  const sign = low ? -1 : 1;
  // Work in "badness" (higher is worse) so one search serves both directions.
  const mirrored: JudgedHistory = {
    times: history.times,
    series: history.series.map((s) => ({
      name: s.name,
      values: s.values.map((v) => (v === undefined ? v : sign * v)),
    })),
  };
  const all = [
    ...new Set(
      mirrored.series.flatMap((s) =>
        s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)),
      ),
    ),
  ].sort((a, b) => b - a);
  if (all.length === 0) return undefined;
  const candidates = sampleDescending(all, options.maxCandidates ?? 400);
  const budget = options.maxAlertsPerWeek * options.weeks;
  const errorBudget = budget * (options.errorShare ?? 0.25);
  const count = (warn: number, error: number) =>
    replay(mirrored, { warn, error, allowNoData: options.allowNoData }).notifications;

  // ERROR alone: warn = error, so only ERROR can occur.
  const errorIndex = lowestWithin(candidates, (t) => count(t, t) <= errorBudget);
  const top = candidates[0] as number;
  // Even the highest value alone would exceed the ERROR budget: put error just above it.
  const errorRaw = errorIndex < 0 ? top + Math.abs(top) * 0.1 + 1e-9 : (candidates[errorIndex] as number);
  const error = roundBetween(candidates[errorIndex + 1], errorRaw, (t) => count(t, t) <= errorBudget);
  const below = candidates.filter((c) => c <= error);
  const warnIndex = lowestWithin(below, (t) => count(t, error) <= budget);
  const warnRaw = warnIndex < 0 ? error : (below[warnIndex] as number);
  const warn = roundBetween(below[warnIndex + 1], warnRaw, (t) => t <= error && count(t, error) <= budget);
  const notifications = count(warn, error);
  return {
    warn: sign * warn,
    error: sign * error,
    notifications,
    perWeek: options.weeks > 0 ? notifications / options.weeks : 0,
    budget: options.maxAlertsPerWeek,
  };
}

/** Index of the lowest candidate (list sorted descending) such that it and every higher one pass; -1 if none. */
function lowestWithin(descending: number[], ok: (t: number) => boolean): number {
  let best = -1;
  for (let i = 0; i < descending.length; i++) {
    if (!ok(descending[i] as number)) break;
    best = i;
  }
  return best;
}

/** At most `n` values of a descending list, always keeping the extremes. */
function sampleDescending(values: number[], n: number): number[] {
  if (values.length <= n) return values;
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(values[Math.round((k * (values.length - 1)) / (n - 1))] as number);
  return [...new Set(out)];
}

/**
 * The number with the fewest significant digits in (lower, upper] that still passes `ok`, so that exactly
 * the same values alert; `upper` itself when nothing shorter does.
 */
export function roundBetween(lower: number | undefined, upper: number, ok: (t: number) => boolean): number {
  const reference = Math.abs(upper) > 0 ? Math.abs(upper) : Math.abs(lower ?? 1) || 1;
  const magnitude = Math.floor(Math.log10(reference));
  for (let digits = 1; digits <= 8; digits++) {
    const unit = 10 ** (magnitude - digits + 1);
    const candidate =
      lower === undefined ? Math.floor(upper / unit) * unit : (Math.floor(lower / unit + 1e-9) + 1) * unit;
    const rounded = Number(candidate.toPrecision(digits + 2));
    if ((lower === undefined || rounded > lower) && rounded <= upper && ok(rounded)) return rounded;
  }
  return upper;
}
