import { describeDirection } from '../checks/lint';
import type { BacktestResult, ThresholdReport } from './backtest';
import type { AlertEpisode } from './timeline';

/** Backtest output for people (text) and programs (`--json`). */

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const stamp = (t: number, step: number) =>
  step >= 86400 && t % 86400 === 0 ? day(t) : new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
const fmt = (v: number | undefined) =>
  v === undefined ? '-' : Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
const rate = (v: number) => v.toFixed(2);

function stepOf(result: BacktestResult): number {
  const [a, b] = result.history.times;
  return a !== undefined && b !== undefined ? b - a : 86400;
}

function episodeLines(episodes: AlertEpisode[], step: number, limit = 25): string[] {
  if (episodes.length === 0) return ['    never left OK'];
  // The series column only when there are several: a single series is the target printed above, and
  // repeating it (often 80 characters) on every row would bury the dates.
  const several = new Set(episodes.map((e) => e.series)).size > 1;
  const row = (cells: string[], series: string) =>
    `    ${cells.join(' ')}${several ? ` ${series}` : ''}`.trimEnd();
  const out = [
    row(['from'.padEnd(16), 'back to OK'.padEnd(16), 'worst'.padEnd(6), 'peak'.padEnd(8)], 'series'),
  ];
  for (const e of episodes.slice(0, limit)) {
    const end = e.end === undefined ? '(still)' : stamp(e.end, step);
    out.push(
      row(
        [stamp(e.start, step).padEnd(16), end.padEnd(16), e.state.padEnd(6), fmt(e.peak).padEnd(8)],
        e.series,
      ),
    );
  }
  if (episodes.length > limit) out.push(`    … and ${episodes.length - limit} more`);
  return out;
}

function thresholdLines(r: ThresholdReport, result: BacktestResult, title: string): string[] {
  const step = stepOf(result);
  const warnCount = r.timeline.episodes.filter((e) => e.state === 'WARN').length;
  const errorCount = r.timeline.episodes.length - warnCount;
  const out = [
    `  ${title}: ${describeDirection(r.warn, r.error)}`,
    `    ${r.timeline.notifications} alert(s), ${rate(r.perWeek)} per week (${r.timeline.episodes.length} episode(s): ${errorCount} reached ERROR, ${warnCount} only WARN)`,
    ...episodeLines(r.timeline.episodes, step),
  ];
  if (r.incidents) {
    const caught = r.incidents.filter((i) => i.caught).length;
    out.push(`    incidents: ${caught} of ${r.incidents.length} caught`);
    for (const i of r.incidents) {
      const what = i.caught
        ? `caught: ${i.firstAlert?.state} at ${stamp(i.firstAlert?.at ?? 0, step)}`
        : `MISSED (${i.worst ?? 'no evaluation'}${i.peak !== undefined ? `, most extreme value ${fmt(i.peak)}` : ''})`;
      out.push(`      ${i.label.padEnd(22)} ${what}${i.description ? `  ${i.description}` : ''}`);
    }
  }
  return out;
}

export function formatBacktestText(result: BacktestResult): string {
  const { check, window, distribution: d } = result;
  const out = [
    `Backtest of ${check.name}`,
    `  target        ${check.target}`,
    `  check range   ${check.from} .. ${check.until}${check.allowNoData ? ' (allowNoData)' : ''}`,
    `  history       ${stamp(window.from, 1)} .. ${stamp(window.until, 1)} UTC (${window.weeks.toFixed(1)} weeks, ${result.history.times.length} evaluations, ${result.source === 'graphite' ? "graphite-web's render of the target" : "the local evaluator replaying each run from Graphite's raw data"})`,
    d
      ? `  values        min ${fmt(d.min)}  p50 ${fmt(d.p50)}  p90 ${fmt(d.p90)}  p99 ${fmt(d.p99)}  max ${fmt(d.max)}  (${d.count} evaluations with a value)`
      : '  values        none: the target had no value in the history',
    '',
  ];
  if (result.current) out.push(...thresholdLines(result.current, result, 'At the thresholds'), '');
  if (result.suggestion) {
    const s = result.suggestion;
    out.push(
      `Suggested for at most ${s.budget} alert(s) per week: warn ${s.warn}, error ${s.error}`,
      ...thresholdLines(s.report, result, 'At the suggested thresholds'),
      '',
    );
  }
  return out.join('\n').trimEnd();
}

export function backtestToJson(result: BacktestResult) {
  const thresholds = (r: ThresholdReport | undefined) =>
    r && {
      warn: r.warn,
      error: r.error,
      alerts: r.timeline.notifications,
      alertsPerWeek: r.perWeek,
      episodes: r.timeline.episodes,
      incidents: r.incidents,
    };
  return {
    check: result.check,
    window: result.window,
    source: result.source,
    evaluations: result.history.times.length,
    distribution: result.distribution,
    current: thresholds(result.current),
    suggestion: result.suggestion && {
      warn: result.suggestion.warn,
      error: result.suggestion.error,
      maxAlertsPerWeek: result.suggestion.budget,
      ...thresholds(result.suggestion.report),
    },
  };
}
