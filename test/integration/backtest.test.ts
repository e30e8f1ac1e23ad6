import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backtest, type BacktestCheck } from '../../src/backtest/backtest';
import { estimateAlertRates, noiseGraphiteClient } from '../../src/backtest/noise';
import type { DesiredCheck } from '../../src/checks/desired';
import { planChanges } from '../../src/checks/plan';
import { formatPlanText } from '../../src/checks/plan-format';
import { parseIncidents } from '../../src/backtest/incidents';
import { renderThresholdPng } from '../../src/backtest/png';
import { resolveBacktestCheck } from '../../src/backtest/resolve-check';
import { buildCli } from '../../src/cli';
import { lazySpecs } from '../../src/evaluator/check-tests';
import { loadTemplates } from '../../src/templates/registry';
import { integrationStack } from '../support/integration-stack';
import { DAY, graphiteClient, todayUtc, writeDailySeries } from '../support/graphite-fixtures';

// backtest against the real graphite-web: 150 days of steps with a weekly rhythm and ±10 % noise, with three
// injected anomalies in the last 90 days. --suggest must catch them within the alert budget; --png must be
// graphite-web's own PNG.
const METRIC = 'health.it.bt.steps';
const N = 150;
const INJECTED = [N - 70, N - 40, N - 12];
const templates = loadTemplates();
const sources = { templates, specs: lazySpecs(path.resolve(__dirname, '../../checks'), templates, 'health') };

function series(): number[] {
  let x = 99;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: N }, (_, k) => {
    const base = k % 7 < 5 ? 9000 : 4500;
    const v = Math.round(base * (1 + 0.1 * r()));
    return INJECTED.includes(k) ? Math.round(v * (k === N - 40 ? 2.6 : 0.2)) : v;
  });
}

let days: number[];
const dayOf = (k: number) => new Date(days[k]! * 1000).toISOString().slice(0, 10);
// (from, until]: the 90 whole days before today
const window = () => ({ from: todayUtc() - 90 * DAY - 1, until: todayUtc() - 1 });
const check = (heuristic: string): BacktestCheck =>
  resolveBacktestCheck({ metric: METRIC, heuristic }, sources);

beforeAll(async () => {
  days = await writeDailySeries(METRIC, series());
}, 60000);

describe('backtest against graphite-web', () => {
  it.each(['timeshift', 'holtwinters'])(
    '%s: --suggest catches every injected day and stays within 0.5 alerts/week on the rest',
    async (heuristic) => {
      const incidents = parseIncidents(INJECTED.map((k) => `${dayOf(k)} injected`).join('\n'), 'incidents');
      const result = await backtest(
        check(heuristic),
        { ...window(), source: 'graphite', suggest: { maxAlertsPerWeek: 0.5 }, incidents },
        graphiteClient(),
      );
      const s = result.suggestion!;
      expect(result.history.times).toHaveLength(90);
      expect(s.report.incidents!.map((i) => [i.label, i.caught])).toEqual(
        INJECTED.map((k) => [dayOf(k), true]),
      );
      expect(s.perWeek).toBeLessThanOrEqual(0.5);
      // alerts that started on none of the injected days, per week
      const injectedDays = new Set(INJECTED.map((k) => days[k]));
      const rest = s.report.timeline.episodes.filter((e) => !injectedDays.has(e.start));
      const restNotifications = rest.reduce((n, e) => n + e.notifications, 0);
      expect(restNotifications / result.window.weeks).toBeLessThanOrEqual(0.5);
      expect(s.warn).toBeLessThanOrEqual(s.error);
    },
  );

  it("replaying each run with the local evaluator gives graphite-web's values (timeshift, every day)", async () => {
    const c = check('timeshift');
    const rendered = await backtest(c, { ...window(), source: 'graphite' }, graphiteClient());
    const replayed = await backtest(c, { ...window(), source: 'replay' }, graphiteClient());
    expect(replayed.history.times).toEqual(rendered.history.times);
    const a = rendered.history.series[0]!.values;
    const b = replayed.history.series[0]!.values;
    a.forEach((v, i) => (v === undefined ? expect(b[i]).toBeUndefined() : expect(b[i]).toBeCloseTo(v, 9)));
  });

  it('--png is the PNG graphite-web rendered, with the thresholds as constant lines', async () => {
    const png = await renderThresholdPng(
      graphiteClient(),
      check('timeshift'),
      { warn: 0.6, error: 0.85 },
      window(),
      {
        width: 640,
        height: 320,
      },
    );
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height as requested
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 320]);
    expect(png.length).toBeGreaterThan(5000);
  });

  it('the command: text report, incidents, suggestion and the PNG file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-backtest-'));
    const incidentsFile = path.join(dir, 'incidents.txt');
    fs.writeFileSync(incidentsFile, `# known trouble\n${dayOf(INJECTED[0]!)} watch battery\n`);
    const pngFile = path.join(dir, 'bt.png');
    const logs: string[] = [];
    const spy = jest
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    const previous = process.env.GRAPHITE_URL;
    process.env.GRAPHITE_URL = integrationStack().graphiteUrl;
    try {
      // Through the real parser: `--from -90d` is the value of --from, not three short flags.
      await buildCli([
        'backtest',
        '--metric',
        METRIC,
        '--heuristic',
        'timeshift',
        '--warn',
        '0.6',
        '--error',
        '0.85',
        '--from',
        '-90d',
        '--suggest',
        '--max-alerts-per-week',
        '0.5',
        '--incidents',
        incidentsFile,
        '--png',
        pngFile,
        '--width',
        '800',
        '--height',
        '300',
        '--checks',
        path.resolve(__dirname, '../../checks'),
        '--templates',
        path.resolve(__dirname, '../../templates'),
        '--log-level',
        'silent',
      ]).parseAsync();
    } finally {
      spy.mockRestore();
      if (previous === undefined) delete process.env.GRAPHITE_URL;
      else process.env.GRAPHITE_URL = previous;
    }
    const out = logs.join('\n');
    expect(out).toContain(`Backtest of healthlake:timeshift:${METRIC}`);
    expect(out).toMatch(/At the thresholds: high is bad: WARN at >= 0\.6, ERROR at >= 0\.85/);
    expect(out).toMatch(/Suggested for at most 0\.5 alert\(s\) per week: warn [\d.]+, error [\d.]+/);
    expect(out).toMatch(new RegExp(`${dayOf(INJECTED[0]!)}\\s+caught: (WARN|ERROR)`));
    expect(fs.readFileSync(pngFile).subarray(1, 4).toString('latin1')).toBe('PNG');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("provision-checks' plan: alerts per week over the last 4 weeks next to a create", async () => {
    const c = check('timeshift');
    const desired: DesiredCheck = {
      name: c.name,
      description: 'd',
      target: c.target,
      from: c.from,
      until: c.until,
      warn: 0.3,
      error: 0.5,
      enabled: true,
      allowNoData: false,
      subscriptions: [],
      direction: 'high-is-bad',
      source: { file: 'f', heuristic: 'timeshift', metric: METRIC },
    };
    const plan = planChanges([desired], [], { prune: false });
    const graphite = noiseGraphiteClient({ baseUrl: integrationStack().graphiteUrl });
    const rates = await estimateAlertRates(plan, graphite);
    // the last 4 weeks hold the injected day N-12 and its echo a week later: 2 alerts at least
    expect(rates.get(c.name)!.perWeek).toBeGreaterThanOrEqual(0.5);
    const text = formatPlanText(plan, { seyrenUrl: 'http://seyren', prune: false, alertRates: rates });
    expect(text).toMatch(/alerts\/week {4}\d+\.\d\d \(over the last 4 weeks of Graphite data\)/);
    const dead = await estimateAlertRates(plan, noiseGraphiteClient({ baseUrl: 'http://127.0.0.1:9' }));
    expect(dead.size).toBe(0);
  });
});
