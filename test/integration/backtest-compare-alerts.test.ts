import { runCli, type CliResult } from '../support/run-cli';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';
import { DAY, writeDailySeries } from '../support/graphite-fixtures';
import { integrationStack } from '../support/integration-stack';

// `backtest --compare-alerts` through the built CLI: the real graphite-web renders 120 days of steps with three
// injected anomaly days; the Seyren double holds the alerts Seyren would have recorded for the check, except that
// it was down during the last anomaly (missed), and it fired once, months ago, at tighter thresholds on a day
// the current thresholds find normal (no longer raised). Both differences must be shown.
const METRIC = 'health.it.cmp.steps';
const CHECK = `healthlake:timeshift:${METRIC}`;
const N = 120;
const INJECTED = [N - 60, N - 30]; // the first one Seyren recorded, the last one it missed
const NORMAL_DAY = N - 45; // Seyren fired here at warn 0.1 / error 0.2
const LAG = 6 * 3600 + 15 * 60; // a daily value reaches Graphite the next morning (cron at 06:15)
const EVERY = 600; // Seyren runs simulated every 10 minutes

function series(): number[] {
  let x = 7;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: N }, (_, k) => {
    const v = Math.round((k % 7 < 5 ? 9000 : 4500) * (1 + 0.05 * r()));
    return INJECTED.includes(k) ? v * 3 : v;
  });
}

interface BacktestEpisode {
  series: string;
  start: number;
  end?: number;
  state: 'WARN' | 'ERROR';
  peak: number;
}

let seyren: SeyrenDouble;
let days: number[];

beforeAll(async () => {
  days = await writeDailySeries(METRIC, series());
}, 60000);
beforeEach(async () => {
  seyren = await startSeyrenDouble();
});
afterEach(() => seyren.close());

const ARGS = ['backtest', '--metric', METRIC, '--heuristic', 'timeshift', '--warn', '0.6', '--error', '0.85'];
const backtest = (...extra: string[]): Promise<CliResult> =>
  runCli([...ARGS, '--from=-90d', ...extra], {
    GRAPHITE_URL: integrationStack().graphiteUrl,
    SEYREN_URL: seyren.url,
  });

/** Epoch-seconds id prefix: the check was created well before the window, as an ObjectId says. */
const oldObjectId = (seconds: number) => `${seconds.toString(16).padStart(8, '0')}a1b2c3d4e5f60718`;

/** Seyren's runs over [from, to): every EVERY seconds, with `value`, then one run back at OK. */
function recordRuns(
  id: string,
  from: number,
  to: number,
  value: number,
  thresholds?: { warn: number; error: number },
) {
  for (let t = from; t < to; t += EVERY)
    seyren.runCheck(id, { at: t * 1000, values: { s: value }, ...thresholds });
  seyren.runCheck(id, { at: to * 1000, values: { s: 0.01 }, ...thresholds });
}

describe('backtest --compare-alerts against graphite-web and the Seyren double', () => {
  it('shows the episode Seyren missed and the one the current thresholds no longer raise', async () => {
    const plain = await backtest('--json');
    expect(plain.code).toBe(0);
    const episodes = (JSON.parse(plain.stdout) as { current: { episodes: BacktestEpisode[] } }).current
      .episodes;
    const missedDay = days[INJECTED[1]!]!;
    // each injected day and its echo a week later (timeShift compares with 7 days before)
    expect(episodes.map((e) => e.start)).toEqual(
      expect.arrayContaining(INJECTED.flatMap((k) => [days[k], days[k]! + 7 * DAY])),
    );

    const check = seyren.addCheckDirectly({
      id: oldObjectId(days[0]!),
      name: CHECK,
      description: '[managed by healthlake] timeshift',
      target: 'absolute(...)',
      warn: 0.6,
      error: 0.85,
      enabled: true,
    });
    // Seyren saw every episode a morning late, but was down while the last anomaly happened, and, at its old
    // tighter thresholds, fired on a day that is normal at the current ones. Runs are recorded in time order.
    const normal = days[NORMAL_DAY]! + LAG;
    const runs: Array<[number, number, number, { warn: number; error: number }?]> = [
      [normal, normal + DAY, 0.15, { warn: 0.1, error: 0.2 }],
      ...episodes
        .filter((e) => e.start !== missedDay)
        .map((e): [number, number, number] => [e.start + LAG, (e.end ?? e.start + DAY) + LAG, e.peak]),
    ];
    for (const [from, to, value, thresholds] of runs.sort((a, b) => a[0] - b[0]))
      recordRuns(check.id, from, to, value, thresholds);
    expect(seyren.alerts.size).toBeGreaterThan(500); // more than one page of alerts to read

    const compared = await backtest('--compare-alerts', '--json');
    expect(compared.code).toBe(0);
    const c = (JSON.parse(compared.stdout) as { compareAlerts: Record<string, unknown[]> }).compareAlerts;
    expect(c.missed).toEqual([expect.objectContaining({ start: missedDay, reason: 'no-alert' })]);
    expect(c.noLongerRaised).toEqual([
      expect.objectContaining({
        start: new Date(normal * 1000).toISOString(),
        warn: 0.1,
        error: 0.2,
        peak: 0.15,
        reason: 'thresholds-changed',
        peakNow: 'OK',
      }),
    ]);
    expect(c.matched).toHaveLength(episodes.length - 1);
    const pages = seyren.requests.filter(
      (r) => r.path === `/api/checks/${check.id}/alerts` && r.query.items?.[0] === '500',
    );
    expect(pages.length).toBeGreaterThan(1);

    const text = await backtest('--compare-alerts');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Fired vs would have fired: Seyren's alerts of this check (id ${check.id}`);
    expect(text.stdout).toContain(`both fired and would fire: ${episodes.length - 1} episode(s)`);
    expect(text.stdout).toContain(
      'MISSED by Seyren: 1 episode(s) the backtest raises and Seyren has no alert for',
    );
    expect(text.stdout).toMatch(
      new RegExp(
        `\\n {4}${new Date(missedDay * 1000).toISOString().slice(0, 10)} 00:00 UTC .*no alert recorded`,
      ),
    );
    expect(text.stdout).toContain(
      'NO LONGER RAISED: 1 episode(s) Seyren fired that the current thresholds would not',
    );
    expect(text.stdout).toMatch(
      /WARN +peak 0\.15 +raised at warn 0\.1 \/ error 0\.2; its peak is OK at the current thresholds/,
    );
  });

  it('needs SEYREN_URL, and a check of that name in Seyren', async () => {
    const noUrl = await runCli([...ARGS, '--compare-alerts'], {
      GRAPHITE_URL: integrationStack().graphiteUrl,
    });
    expect([noUrl.code, noUrl.stderr]).toEqual([3, expect.stringContaining('SEYREN_URL is not set')]);
    const unknown = await backtest('--compare-alerts');
    expect([unknown.code, unknown.stderr]).toEqual([
      3,
      expect.stringContaining(`Seyren has no check named "${CHECK}"`),
    ]);
  });
});
