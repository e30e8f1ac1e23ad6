import type { CheckState, SeyrenAlert } from '../clients/seyren/types';

/**
 * Test fixtures: the alert records Seyren 1.5.0's CheckRunner writes for a check over consecutive runs (one
 * per series and run unless OK→OK; every alert of a run shares its timestamp; DefaultValueChecker's inclusive
 * comparisons, warn <= error meaning high is bad). Used by the tests beside the alert and status modules only.
 */

export interface RunsOptions {
  checkId?: string;
  warn?: number;
  error?: number;
  /** Time of the first run, epoch ms. */
  t0?: number;
  /** Time between runs, ms (Seyren's GRAPHITE_REFRESH, 60 s by default). */
  every?: number;
}

let counter = 0;

export function judge(value: number, warn: number, error: number): CheckState {
  if (warn <= error) return value >= error ? 'ERROR' : value >= warn ? 'WARN' : 'OK';
  return value <= error ? 'ERROR' : value <= warn ? 'WARN' : 'OK';
}

/** Alerts, oldest first, of runs whose values per series are given; null is "no data" (skipped). */
export function seyrenRuns(
  series: Record<string, Array<number | null>>,
  options: RunsOptions = {},
): SeyrenAlert[] {
  const { checkId = 'c', warn = 0.5, error = 0.9, t0 = 0, every = 60000 } = options;
  const previous = new Map<string, CheckState>();
  const out: SeyrenAlert[] = [];
  const runs = Math.max(...Object.values(series).map((v) => v.length));
  for (let i = 0; i < runs; i++) {
    for (const [target, values] of Object.entries(series)) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      const fromType = previous.get(target) ?? 'OK';
      const toType = judge(value, warn, error);
      previous.set(target, toType);
      if (fromType === 'OK' && toType === 'OK') continue;
      const timestamp = t0 + i * every;
      out.push({ id: `alert${counter++}`, checkId, target, value, warn, error, fromType, toType, timestamp });
    }
  }
  return out;
}

/** Newest first, as Seyren pages them. */
export function newestFirst(alerts: readonly SeyrenAlert[]): SeyrenAlert[] {
  return [...alerts].sort((a, b) => b.timestamp - a.timestamp);
}
