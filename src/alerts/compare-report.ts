import type { BacktestResult } from '../backtest/backtest';
import type { AlertEpisode } from '../backtest/timeline';
import type { SeyrenClient } from '../clients/seyren/client';
import { InputError } from '../errors';
import { formatDuration } from '../time';
import { compareEpisodes, objectIdTime, type Comparison, type MissedReason } from './compare';
import type { RecordedEpisode } from './episodes';
import { readAlertHistory } from './history';
import { countAlertsBefore } from './prune';
import { episodeToJson } from './report';
import { isoTime, shortNumber, utcMinute } from './text';

/** `backtest --compare-alerts`: reads what Seyren recorded for the backtest's check and window, and reports. */

export interface FiredVsBacktest {
  seyrenUrl: string;
  checkId: string;
  comparison: Comparison;
  recorded: RecordedEpisode[];
  /** Epoch seconds, when known. */
  checkCreated?: number;
  oldestAlert?: number;
}

/**
 * Set up before the backtest runs (a usage error costs no Graphite work), then compares its result with
 * Seyren. `slackSeconds`: default one evaluation step of the backtest.
 */
export function comparisonWithSeyren(
  seyren: SeyrenClient,
  seyrenUrl: string,
  slackSeconds: number | undefined,
): (result: BacktestResult) => Promise<FiredVsBacktest> {
  return (result) => compareWithSeyren(seyren, result, { seyrenUrl, slack: slackSeconds, pageSize: 500 });
}

export async function compareWithSeyren(
  seyren: SeyrenClient,
  result: BacktestResult,
  options: { seyrenUrl: string; slack?: number; pageSize: number },
): Promise<FiredVsBacktest> {
  const current = result.current;
  if (!current) {
    throw InputError.single(
      '--compare-alerts compares at the check’s thresholds: declare the check or give --warn and --error',
    );
  }
  const check = await seyren.findCheckByName(result.check.name);
  if (!check) {
    throw InputError.single(`Seyren has no check named "${result.check.name}": nothing to compare with`, {
      field: 'compare-alerts',
    });
  }
  const { from, until } = result.window;
  const history = await readAlertHistory(
    seyren,
    { checks: [check], named: true },
    { since: from * 1000, until: until * 1000, now: Date.now(), pageSize: options.pageSize, concurrency: 1 },
  );
  const count = await countAlertsBefore(
    (start, items) => seyren.listAlerts({ checkId: check.id, start, items }),
    0,
  );
  const [a, b] = result.history.times;
  const step = a !== undefined && b !== undefined ? b - a : 86400;
  const checkCreated = objectIdTime(check.id);
  const oldestAlert = count.oldest === null ? undefined : Math.floor(count.oldest / 1000);
  const comparison = compareEpisodes(current.timeline.episodes, history.episodes, {
    warn: current.warn,
    error: current.error,
    slack: options.slack ?? step,
    windowEnd: until,
    checkCreated,
    oldestAlert,
  });
  return {
    seyrenUrl: options.seyrenUrl,
    checkId: check.id,
    comparison,
    recorded: history.episodes,
    checkCreated,
    oldestAlert,
  };
}

const MISSED_WHY: Record<MissedReason, (f: FiredVsBacktest) => string> = {
  'before-check-created': (f) =>
    `before the Seyren check existed (created ${utcMinute((f.checkCreated ?? 0) * 1000)})`,
  'before-oldest-alert': (f) =>
    `before Seyren's oldest alert of the check (${utcMinute((f.oldestAlert ?? 0) * 1000)}): pruned?`,
  'no-alert': () => 'no alert recorded: Seyren down, the check disabled, or the data too late?',
};

const span = (start: number, end: number | undefined, toMs: number) =>
  `${utcMinute(start * toMs)} .. ${end === undefined ? 'still' : utcMinute(end * toMs)}`;

function backtestLine(e: AlertEpisode): string {
  return `${span(e.start, e.end, 1000)}  ${e.state.padEnd(5)}  peak ${shortNumber(e.peak)}`;
}

function recordedLine(e: RecordedEpisode): string {
  return `${span(e.start, e.end, 1)}  ${e.worst.padEnd(5)}  peak ${shortNumber(e.peak)}`;
}

export function formatComparisonText(f: FiredVsBacktest): string {
  const c = f.comparison;
  const out = [
    `Fired vs would have fired: Seyren's alerts of this check (id ${f.checkId}, ${f.seyrenUrl}) beside the ` +
      `backtest at warn ${c.warn} / error ${c.error}; episodes within ${formatDuration(c.slack)} of each other count as one.`,
    `  both fired and would fire: ${c.matched.length} episode(s)`,
  ];
  const earlier = c.recordedThresholds.filter((t) => t.warn !== c.warn || t.error !== c.error);
  if (earlier.length > 0)
    out.push(
      `  Seyren fired at other thresholds too: ${earlier.map((t) => `warn ${t.warn} / error ${t.error}`).join(', ')}`,
    );
  out.push(
    `  MISSED by Seyren: ${c.missed.length} episode(s) the backtest raises and Seyren has no alert for`,
  );
  for (const m of c.missed) out.push(`    ${backtestLine(m.backtest)}  ${MISSED_WHY[m.reason](f)}`);
  out.push(
    `  NO LONGER RAISED: ${c.noLongerRaised.length} episode(s) Seyren fired that the current thresholds would not`,
  );
  for (const n of c.noLongerRaised) {
    const e = n.recorded;
    const why =
      n.reason === 'thresholds-changed'
        ? `raised at warn ${e.warn} / error ${e.error}; its peak is ${n.peakNow} at the current thresholds`
        : 'the values Graphite holds now do not cross the thresholds then (data changed since?)';
    out.push(`    ${recordedLine(e)}  ${why}`);
  }
  return out.join('\n');
}

export function comparisonToJson(f: FiredVsBacktest) {
  const c = f.comparison;
  const recorded = (e: RecordedEpisode) => episodeToJson({ ...e, check: null, managed: true });
  return {
    seyrenUrl: f.seyrenUrl,
    checkId: f.checkId,
    checkCreated: isoTime(f.checkCreated === undefined ? undefined : f.checkCreated * 1000),
    oldestAlert: isoTime(f.oldestAlert === undefined ? undefined : f.oldestAlert * 1000),
    warn: c.warn,
    error: c.error,
    slackSeconds: c.slack,
    recordedThresholds: c.recordedThresholds,
    matched: c.matched.map((m) => ({ backtest: m.backtest, recorded: m.recorded.map(recorded) })),
    missed: c.missed.map((m) => ({ ...m.backtest, reason: m.reason })),
    noLongerRaised: c.noLongerRaised.map((n) => ({
      ...recorded(n.recorded),
      reason: n.reason,
      peakNow: n.peakNow ?? null,
    })),
  };
}

/** The `compareAlerts` member of `backtest --json`, or nothing without --compare-alerts. */
export function comparisonJson(fired: FiredVsBacktest | undefined) {
  return fired ? { compareAlerts: comparisonToJson(fired) } : {};
}
