import type { GraphiteRenderer } from '../evaluator/graphite-provider';
import { prefetchFromGraphite } from '../evaluator/graphite-provider';
import { evaluateCheckAt } from '../evaluator/check-eval';
import { EvaluationError } from '../evaluator/errors';
import { historyNeeded, targetPaths } from '../evaluator/lookback';
import { parseTarget } from '../evaluator/parser';
import { seriesFromDatapoints, visibleValues } from '../evaluator/series';
import { lastNonNullValue } from '../evaluator/seyren-rule';
import { parseRelativeTime } from '../time';
import { matchIncidents, type Incident, type IncidentResult } from './incidents';
import { distribution, suggestThresholds, type Distribution, type Suggestion } from './suggest';
import { judgedHistory, perWeek, replay, WEEK, type JudgedHistory, type Timeline } from './timeline';

/** A check to backtest: its target and range as Seyren runs it, and (optionally) its thresholds. */
export interface BacktestCheck {
  name: string;
  target: string;
  /** The check's own range, relative (`-30d`, `now`). */
  from: string;
  until: string;
  warn?: number;
  error?: number;
  allowNoData: boolean;
}

export type BacktestSource = 'graphite' | 'replay';

export interface BacktestOptions {
  /** The history to judge, epoch seconds: evaluations at times in (from, until]. */
  from: number;
  until: number;
  /**
   * graphite: graphite-web renders the target once over the history (plus one check range before it, so the
   * first evaluations see full windows); the value at t is the last non-null point within the check's range
   * ending at t. replay: the raw data is fetched once and the local evaluator runs the check at every
   * evaluation time over its own range, exactly as Seyren would have (holtWinters restarts from its bootstrap
   * at every run, stdev sees only the range).
   */
  source: BacktestSource;
  /** replay: seconds between evaluations (default: the metric's step). */
  every?: number;
  suggest?: { maxAlertsPerWeek: number; errorShare?: number };
  incidents?: Incident[];
  incidentSlack?: number;
}

export interface ThresholdReport {
  warn: number;
  error: number;
  timeline: Timeline;
  perWeek: number;
  incidents?: IncidentResult[];
}

export interface BacktestResult {
  check: BacktestCheck;
  window: { from: number; until: number; weeks: number };
  source: BacktestSource;
  history: JudgedHistory;
  distribution?: Distribution;
  /** At the check's own (or given) thresholds. */
  current?: ThresholdReport;
  suggestion?: Suggestion & { report: ThresholdReport };
}

const MAX_REPLAY_EVALUATIONS = 20000;

export async function backtest(
  check: BacktestCheck,
  options: BacktestOptions,
  graphite: GraphiteRenderer,
): Promise<BacktestResult> {
  const range = { from: parseRelativeTime(check.from), until: parseRelativeTime(check.until) };
  const window = { from: options.from, until: options.until };
  const history =
    options.source === 'graphite'
      ? await renderedHistory(check, range, window, graphite)
      : await replayedHistory(check, window, options.every, graphite);
  return judge(check, history, window, options);
}

/** The judging part of a backtest, given the values Seyren would have seen (pure). */
export function judge(
  check: BacktestCheck,
  history: JudgedHistory,
  window: { from: number; until: number },
  options: Pick<BacktestOptions, 'source' | 'suggest' | 'incidents' | 'incidentSlack'>,
): BacktestResult {
  const weeks = (window.until - window.from) / WEEK;
  const result: BacktestResult = {
    check,
    window: { ...window, weeks },
    source: options.source,
    history,
    distribution: distribution(history),
  };
  const report = (warn: number, error: number): ThresholdReport => {
    const timeline = replay(history, { warn, error, allowNoData: check.allowNoData });
    return {
      warn,
      error,
      timeline,
      perWeek: perWeek(timeline.notifications, window),
      incidents: options.incidents
        ? matchIncidents(options.incidents, timeline, history, {
            slack: options.incidentSlack,
            highIsBad: warn <= error,
          })
        : undefined,
    };
  };
  if (check.warn !== undefined && check.error !== undefined) result.current = report(check.warn, check.error);
  if (options.suggest) {
    const direction =
      check.warn !== undefined && check.error !== undefined && check.warn > check.error
        ? 'low-is-bad'
        : 'high-is-bad';
    const s = suggestThresholds(history, {
      ...options.suggest,
      weeks,
      direction,
      allowNoData: check.allowNoData,
    });
    if (s) result.suggestion = { ...s, report: report(s.warn, s.error) };
  }
  return result;
}

async function renderedHistory(
  check: BacktestCheck,
  range: { from: number; until: number },
  window: { from: number; until: number },
  graphite: GraphiteRenderer,
): Promise<JudgedHistory> {
  const rendered = await graphite.render(check.target, {
    from: String(window.from + range.from),
    until: String(window.until),
  });
  const series = rendered.map((s) => seriesFromDatapoints(s.target, s.datapoints, 60));
  return judgedHistory(series, range, window);
}

async function replayedHistory(
  check: BacktestCheck,
  window: { from: number; until: number },
  every: number | undefined,
  graphite: GraphiteRenderer,
): Promise<JudgedHistory> {
  const expr = parseTarget(check.target);
  const paths = targetPaths(expr);
  const range = { from: parseRelativeTime(check.from), until: parseRelativeTime(check.until) };
  // First learn the step from the raw data over the window, then fetch once with all the history needed.
  const probe = await prefetchFromGraphite(graphite, paths, window.from, window.until);
  const step = probe.steps()[0];
  if (step === undefined) throw new EvaluationError(`no data for ${paths.join(', ')} in the backtest window`);
  const need = historyNeeded(expr, step);
  const provider = await prefetchFromGraphite(
    graphite,
    paths,
    window.from + range.from - need.before - step,
    window.until + need.after,
    window.until + need.after,
  );
  const interval = every ?? step;
  const first = Math.floor(window.from / interval) * interval + interval;
  const count = Math.floor((window.until - first) / interval) + 1;
  if (count > MAX_REPLAY_EVALUATIONS) {
    throw new EvaluationError(
      `replay would run the check ${count} times; use --every (e.g. ${Math.ceil((window.until - window.from) / MAX_REPLAY_EVALUATIONS / 60)}min) or a shorter history`,
    );
  }
  const times: number[] = [];
  const byName = new Map<string, Array<number | undefined>>();
  for (let k = 0; k < count; k++) {
    const t = first + k * interval;
    const evaluation = await evaluateCheckAt({ ...check, warn: 0, error: 0 }, t, provider);
    for (const s of evaluation.rendered) {
      if (!byName.has(s.name)) byName.set(s.name, new Array<number | undefined>(k).fill(undefined));
      (byName.get(s.name) as Array<number | undefined>).push(lastNonNullValue(visibleValues(s)));
    }
    times.push(t);
    for (const values of byName.values()) if (values.length < times.length) values.push(undefined);
  }
  return { times, series: [...byName].map(([name, values]) => ({ name, values })) };
}
