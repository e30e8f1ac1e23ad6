/**
 * Reports withheld metrics: one line per file and reason, naming what was lost and every metric and day it
 * cost, e.g. `steps on 2026-10-01..2026-10-05`. Collect and replay both use it, so a day withheld at collection
 * is reported the same way when it is replayed from the archive.
 */
import type { DayInput, DayRecord, SourceWarning, WithheldReason } from '../sources/day-record';
import { addDays } from '../util/civil-date';
import { INPUT_METRICS } from './derive';
import { DAILY_METRICS, type DailyMetric, type DailyMetrics } from './metric-names';

export interface WithheldReport {
  /** Damage and doubt: warnings (the run exits 5). */
  warnings: SourceWarning[];
  /** What every export has (its first and last day are short): information only. */
  notes: SourceWarning[];
}

const INPUT_OF = new Map<DailyMetric, DayInput>(
  (Object.entries(INPUT_METRICS) as Array<[DayInput, readonly DailyMetric[]]>).flatMap(([input, metrics]) =>
    metrics.map((m) => [m, input] as const),
  ),
);

/** Why a withheld metric of a day is withheld: its own input, or for minutes_after the next day's sleep. */
function reasonOf(
  metric: DailyMetric,
  date: string,
  days: ReadonlyMap<string, DayRecord>,
): WithheldReason | undefined {
  if (metric === 'sleep.minutes_after') return days.get(addDays(date, 1))?.withheld?.sleep;
  const input = INPUT_OF.get(metric);
  return input ? days.get(date)?.withheld?.[input] : undefined;
}

/** Consecutive dates as ranges: `2026-10-01..2026-10-05, 2026-10-09`. */
export function dateRanges(dates: readonly string[]): string {
  const sorted = [...new Set(dates)].sort();
  const parts: string[] = [];
  let start = sorted[0];
  let end = start;
  for (const date of sorted.slice(1).concat([''])) {
    if (end !== undefined && date === addDaysOrEmpty(end)) {
      end = date;
      continue;
    }
    if (start !== undefined) parts.push(start === end ? start : `${start}..${end}`);
    start = end = date;
  }
  return parts.join(', ');
}

function addDaysOrEmpty(date: string): string {
  return date === '' ? '' : addDays(date, 1);
}

export function withheldReport(
  metrics: readonly DailyMetrics[],
  days: ReadonlyMap<string, DayRecord>,
): WithheldReport {
  // file → reason → metric → dates
  const grouped = new Map<string, { reason: WithheldReason; dates: Map<DailyMetric, string[]> }>();
  for (const { date, withheld } of metrics) {
    for (const metric of withheld ?? []) {
      const reason = reasonOf(metric, date, days) ?? { file: '?', reason: 'withheld' };
      const key = JSON.stringify([reason.file, reason.reason, reason.expected === true]);
      let group = grouped.get(key);
      if (!group) grouped.set(key, (group = { reason, dates: new Map() }));
      group.dates.set(metric, [...(group.dates.get(metric) ?? []), date]);
    }
  }
  const report: WithheldReport = { warnings: [], notes: [] };
  for (const key of [...grouped.keys()].sort()) {
    const { reason, dates } = grouped.get(key)!;
    // Metrics withheld on the same days are listed together.
    const byDays = new Map<string, DailyMetric[]>();
    for (const metric of DAILY_METRICS) {
      const list = dates.get(metric);
      if (!list) continue;
      const when = dateRanges(list);
      byDays.set(when, [...(byDays.get(when) ?? []), metric]);
    }
    const what = [...byDays].map(([when, ms]) => `${ms.join(', ')} on ${when}`).join('; ');
    const line = { file: reason.file, message: `${reason.reason}; withheld: ${what}` };
    (reason.expected ? report.notes : report.warnings).push(line);
  }
  return report;
}
