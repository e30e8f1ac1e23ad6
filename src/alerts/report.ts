import type { AlertHistory, EpisodeRow } from './history';
import { elapsed, isoTime, shortNumber, utcMinute } from './text';

/** `healthlake alerts` output for people (text, grouped by check) and programs (--json). */

function episodeCells(e: EpisodeRow, now: number): string[] {
  const start = `${e.startKnown ? ' ' : '≤'}${utcMinute(e.start)}`;
  const end = e.end === undefined ? 'still' : utcMinute(e.end);
  return [
    start,
    end,
    elapsed(e.start, e.end ?? now),
    e.worst,
    shortNumber(e.peak),
    String(e.alerts),
    String(e.notifications),
    e.series,
  ];
}

const HEADER = ['start', 'end', 'lasted', 'worst', 'peak', 'alerts', 'notified', 'series'];

function table(rows: string[][], withSeries: boolean): string[] {
  const cols = withSeries ? HEADER.length : HEADER.length - 1;
  const all = [[' ' + HEADER[0], ...HEADER.slice(1)], ...rows].map((r) => r.slice(0, cols));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map(
    (r) => `    ${r.map((cell, i) => (i === cols - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ')}`,
  );
}

export function formatAlertHistoryText(history: AlertHistory, seyrenUrl: string): string {
  const { episodes } = history;
  const still = episodes.filter((e) => e.end === undefined).length;
  const checks = new Set(episodes.map((e) => e.checkId));
  const out = [
    `Alerts since ${utcMinute(history.since)} in Seyren ${seyrenUrl}: ${episodes.length} episode(s) in ` +
      `${checks.size} of ${history.checks} check(s), ${still} still unhealthy ` +
      `(${history.alertsRead} alert(s) read in ${history.requests} request(s))`,
  ];
  if (episodes.length === 0) {
    out.push('', 'No alerts: every check stayed OK (or Seyren did not run them).');
    return out.join('\n');
  }
  const byCheck = new Map<string, EpisodeRow[]>();
  for (const e of episodes) byCheck.set(e.checkId, [...(byCheck.get(e.checkId) ?? []), e]);
  const ordered = [...byCheck.values()].sort((a, b) => (a[0]?.check ?? '').localeCompare(b[0]?.check ?? ''));
  for (const rows of ordered) {
    const first = rows[0] as EpisodeRow;
    const name = first.check ?? `(check ${first.checkId}, no longer in Seyren)`;
    out.push('', `${name}${first.check !== null && !first.managed ? '  (unmanaged)' : ''}`);
    const withSeries = new Set(rows.map((r) => r.series)).size > 1;
    out.push(
      ...table(
        rows.map((r) => episodeCells(r, history.until)),
        withSeries,
      ),
    );
  }
  if (episodes.some((e) => !e.startKnown))
    out.push(
      '',
      '≤ : the episode began before the oldest alert read (before --since, or its alerts were pruned).',
    );
  return out.join('\n');
}

export function alertHistoryToJson(history: AlertHistory, seyrenUrl: string) {
  const { episodes } = history;
  return {
    seyrenUrl,
    since: isoTime(history.since),
    until: isoTime(history.until),
    read: { requests: history.requests, alerts: history.alertsRead, skipped: history.skipped },
    summary: {
      checks: history.checks,
      episodes: episodes.length,
      still: episodes.filter((e) => e.end === undefined).length,
    },
    episodes: episodes.map(episodeToJson),
  };
}

/** One episode in --json: times as ISO-8601, absent values as null. */
export function episodeToJson(e: EpisodeRow) {
  return {
    check: e.check,
    checkId: e.checkId,
    managed: e.managed,
    series: e.series,
    start: isoTime(e.start),
    startKnown: e.startKnown,
    end: isoTime(e.end),
    still: e.end === undefined,
    worst: e.worst,
    peak: e.peak ?? null,
    peakAt: isoTime(e.peakAt),
    lastValue: e.lastValue ?? null,
    lastAt: isoTime(e.lastAt),
    warn: e.warn,
    error: e.error,
    alerts: e.alerts,
    notifications: e.notifications,
  };
}
