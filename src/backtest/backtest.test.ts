import type { GraphiteSeries, RenderRange } from '../clients/graphite';
import { evaluate } from '../evaluator/evaluate';
import { MemoryProvider } from '../evaluator/memory-provider';
import { datapoints } from '../evaluator/series';
import { backtest, type BacktestCheck } from './backtest';
import { parseIncidents } from './incidents';
import { thresholdPngTargets } from './png';
import { backtestToJson, formatBacktestText } from './report';

const DAY = 86400;
const T0 = Date.UTC(2026, 0, 5) / 1000; // a Monday
const N = 120;
const values = Array.from({ length: N }, (_, k) => (k === 100 ? 400 : k % 7 < 5 ? 1000 + (k % 5) * 10 : 500));
const memory = new MemoryProvider([{ name: 'm', start: T0, step: DAY, values }]);

/** A graphite-web double that renders any target with the evaluator (as graphite-web would, within 1e-9). */
const graphite = {
  render: async (target: string | string[], range: RenderRange): Promise<GraphiteSeries[]> =>
    (await evaluate(String(target), Number(range.from), Number(range.until ?? 0), memory)).map((s) => ({
      target: s.name,
      datapoints: datapoints(s),
    })),
};

const check: BacktestCheck = {
  name: 'healthlake:timeshift:m',
  target: "absolute(offset(divideSeries(m,timeShift(m,'7d')),-1))",
  from: '-30d',
  until: 'now',
  warn: 0.3,
  error: 0.5,
  allowNoData: false,
};
const window = { from: T0 + 60 * DAY - 1, until: T0 + 118 * DAY };

describe('backtest', () => {
  it('finds when the check would have alerted and how often, from the rendered history', async () => {
    const r = await backtest(check, { ...window, source: 'graphite' }, graphite);
    expect(r.history.times).toHaveLength(59);
    // day 100 drops to 400 (ERROR, 0.6); a week later it is compared with 400: 1.5 (ERROR again)
    expect(r.current!.timeline.episodes.map((e) => [(e.start - T0) / DAY, e.state])).toEqual([
      [100, 'ERROR'],
      [107, 'ERROR'],
    ]);
    expect(r.current!.perWeek).toBeCloseTo((2 / (window.until - window.from)) * 7 * DAY, 9);
  });

  it('replay (the evaluator per run) agrees with the render for timeshift', async () => {
    const rendered = await backtest(check, { ...window, source: 'graphite' }, graphite);
    const replayed = await backtest(check, { ...window, source: 'replay' }, graphite);
    expect(replayed.history).toEqual(rendered.history);
  });

  it('suggests thresholds within the budget and reports incidents', async () => {
    const day100 = new Date((T0 + 100 * DAY) * 1000).toISOString().slice(0, 10);
    const r = await backtest(
      { ...check, warn: undefined, error: undefined },
      {
        ...window,
        source: 'graphite',
        suggest: { maxAlertsPerWeek: 0.5 },
        incidents: parseIncidents(`${day100} drop`, 'i'),
      },
      graphite,
    );
    expect(r.current).toBeUndefined();
    expect(r.suggestion!.perWeek).toBeLessThanOrEqual(0.5);
    expect(r.suggestion!.report.incidents![0]!.caught).toBe(true);
    const text = formatBacktestText(r);
    expect(text).toContain('Suggested for at most 0.5 alert(s) per week');
    expect(text).toMatch(new RegExp(`${day100}\\s+caught: (WARN|ERROR)`));
    // one series: the episode rows hold dates, state and peak, not the target again
    const rows = text.split('\n').filter((l) => /^ {4}\d{4}-\d\d-\d\d /.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).not.toContain(check.target);
    expect(text).toMatch(/^ {4}from {13}back to OK {7}worst {2}peak$/m);
    expect(backtestToJson(r).suggestion).toMatchObject({
      maxAlertsPerWeek: 0.5,
      incidents: [{ caught: true }],
    });
  });

  it('draws the thresholds as constantLines for the PNG', () => {
    expect(thresholdPngTargets(check, 0.3, 0.5)).toEqual([
      "alias(absolute(offset(divideSeries(m,timeShift(m,'7d')),-1)),'healthlake:timeshift:m')",
      "alias(color(constantLine(0.3),'orange'),'warn 0.3')",
      "alias(color(constantLine(0.5),'red'),'error 0.5')",
    ]);
  });
});
