import type { CliResult } from '../support/run-cli';
import { MIN, provisionedScenario, type Scenario } from '../support/seyren-scenario';

// `healthlake status` through the built CLI against the Seyren double holding the shipped health.yaml checks,
// with alert histories written by simulated Seyren runs (one alert per unhealthy run, as Seyren 1.5.0 does).

const STEPS_CV = 'healthlake:cv:health.steps'; // warn 0.6, error 0.9
const STEPS_TS = 'healthlake:timeshift:health.steps'; // warn 0.6, error 0.85
const HEART_TS = 'healthlake:timeshift:health.heart.resting'; // warn 0.08, error 0.15
const SLEEP_HW = 'healthlake:holtwinters:health.sleep.minutes_before'; // warn 0.2, error 0.4
const HEART_AVG = 'healthlake:cv:health.heart.average';
const LONGEST = 'healthlake:cv:health.sleep.longest_episode';

interface StatusJson {
  summary: Record<string, number | string>;
  checks: Array<{
    name: string;
    status: string;
    managed: boolean;
    since: string | null;
    sinceExact: boolean;
    lastCheck: string | null;
    stale: boolean;
    value: { value: number; source: string; state: string; at: string } | null;
    links: { seyren: string | null; graph: string | null };
    declared: { file: string; line: number | null } | null;
    note: string | null;
  }>;
}

let s: Scenario;
beforeEach(async () => {
  s = await provisionedScenario();
});
afterEach(() => s.close());

const status = (...args: string[]) => s.cli(['status', '--checks', s.checksDir, ...args]);
const parse = (r: CliResult) => JSON.parse(r.stdout) as StatusJson;
const iso = (ms: number) => new Date(ms).toISOString();
/** The minute before now, so that every run below is in the past and fresh. */
const lastMinute = () => Math.floor(Date.now() / MIN) * MIN - MIN;

describe('healthlake status', () => {
  it('shows states, since when (across several alert pages), values and links; worst first; exit 11', async () => {
    const now = lastMinute();
    const start = now - 89 * MIN;
    // 90 minute runs: steps cv WARN for its last 60 runs; steps timeshift WARN for 20 runs, then ERROR for 40;
    // heart timeshift had an episode and recovered; the rest stayed OK.
    s.runAll(start, now + MIN, (name, at) => {
      const k = (at - start) / MIN;
      if (name === STEPS_CV) return k >= 30 ? 0.7 : 0.1;
      if (name === STEPS_TS) return k >= 50 ? 0.9 : k >= 30 ? 0.7 : 0.1;
      if (name === HEART_TS) return k >= 10 && k < 20 ? 0.1 : 0.01;
      return 0.01;
    });
    await s.remove(SLEEP_HW);
    await s.disable(HEART_AVG);
    s.double.addCheckDirectly({
      name: 'legacy-steps',
      target: 'health.steps',
      warn: 1,
      error: 2,
      enabled: true,
    });
    s.double.requests.length = 0;

    const result = await status('--json', '--page-size', '25');
    expect(result.code).toBe(11);
    const json = parse(result);
    expect(json.summary).toMatchObject({
      checks: 9,
      OK: 5,
      WARN: 1,
      ERROR: 1,
      MISSING: 1,
      DISABLED: 1,
      stale: 0,
      verdict: 'ERROR',
      exitCode: 11,
    });
    const byName = new Map(json.checks.map((c) => [c.name, c]));
    expect(json.checks.map((c) => c.status)).toEqual([
      'ERROR',
      'WARN',
      'MISSING',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'DISABLED',
    ]);
    expect(byName.has('legacy-steps')).toBe(false); // unmanaged: only with --all

    const ts = byName.get(STEPS_TS)!;
    expect(ts).toMatchObject({ since: iso(start + 50 * MIN), sinceExact: true, lastCheck: iso(now) });
    expect(ts.value).toEqual({
      value: 0.9,
      series: expect.stringContaining('timeShift(health.steps'),
      at: iso(now),
      source: 'alert',
      state: 'ERROR',
    });
    const cv = byName.get(STEPS_CV)!;
    // 60 WARN alerts behind it, read 25 at a time: the entry is on the third page
    expect(cv).toMatchObject({ since: iso(start + 30 * MIN), sinceExact: true, value: { value: 0.7 } });
    const cvId = s.check(STEPS_CV).id;
    const cvPages = s.double.requests.filter((r) => r.path === `/api/checks/${cvId}/alerts`);
    expect(cvPages.map((r) => r.query.start?.[0])).toEqual(['0', '25', '50']);
    expect(byName.get(HEART_TS)).toMatchObject({
      status: 'OK',
      since: iso(start + 20 * MIN),
      sinceExact: true,
    });
    // an OK check costs one one-alert request
    const heartId = s.check(HEART_TS).id;
    expect(s.double.requests.filter((r) => r.path === `/api/checks/${heartId}/alerts`)).toEqual([
      expect.objectContaining({ query: { start: ['0'], items: ['1'] } }),
    ]);
    expect(byName.get(LONGEST)).toMatchObject({ status: 'OK', since: null, value: null }); // never alerted
    expect(byName.get(SLEEP_HW)).toMatchObject({
      status: 'MISSING',
      declared: { file: expect.stringMatching(/health\.yaml$/), line: expect.any(Number) },
      note: expect.stringContaining('provision-checks'),
    });
    expect(byName.get(HEART_AVG)).toMatchObject({ status: 'DISABLED', value: null });
    expect(ts.links.seyren).toBe(`${s.double.url}/#/checks/${s.check(STEPS_TS).id}`);
    const graph = new URL(ts.links.graph!);
    expect(graph.pathname).toBe('/render');
    expect(graph.searchParams.getAll('target')).toEqual([
      `alias(${s.check(STEPS_TS).target},'${STEPS_TS}')`,
      "alias(color(constantLine(0.6),'orange'),'warn 0.6')",
      "alias(color(constantLine(0.85),'red'),'error 0.85')",
    ]);
    expect(graph.searchParams.get('from')).toBe('-30d');
    // nothing is written by status
    expect(s.double.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    const text = await status('--page-size', '25');
    expect(text.code).toBe(11);
    expect(text.stdout).toContain('healthlake status: ERROR (exit 11)');
    expect(text.stdout).toMatch(new RegExp(`^ERROR +${STEPS_TS}$`, 'm'));
    expect(text.stdout).toContain("    value     0.9 >= error 0.85, Seyren's run at ");
    expect(text.stdout).toContain('    since     ');
    expect(text.stdout).toMatch(/^ {4}value {5}0\.7 >= warn 0\.6 \(error 0\.9\)/m);
    expect(text.stdout).toMatch(new RegExp(`^MISSING +${SLEEP_HW}$`, 'm'));
    expect(text.stdout).not.toContain('legacy-steps');
    expect(text.stdout.indexOf(STEPS_TS)).toBeLessThan(text.stdout.indexOf(STEPS_CV));
  });

  it('--all also shows the checks healthlake did not create, marked unmanaged, and counts them', async () => {
    s.runAll(lastMinute(), lastMinute() + MIN, () => 0.01);
    s.double.addCheckDirectly({
      name: 'legacy-steps',
      target: 'health.steps',
      warn: 20000,
      error: 30000,
      enabled: true,
    });
    s.double.runCheck(s.double.checks.findByName('legacy-steps')!.id, {
      at: lastMinute(),
      values: { 'health.steps': 25000 },
    });
    const without = await status('--json');
    expect(without.code).toBe(0);
    expect(parse(without).checks.map((c) => c.name)).not.toContain('legacy-steps');

    const withAll = await status('--json', '--all');
    expect(withAll.code).toBe(10);
    expect(parse(withAll).checks[0]).toMatchObject({ name: 'legacy-steps', managed: false, status: 'WARN' });
    const text = await status('--all');
    expect(text.stdout).toMatch(/^WARN +legacy-steps {2}\(unmanaged\)$/m);
  });

  it('exit codes follow the documented table, and --nagios maps them to 0/1/2/3', async () => {
    const now = lastMinute();
    s.runAll(now - 2 * MIN, now + MIN, () => 0.01);
    expect((await status()).code).toBe(0);
    const ok = await status('--nagios');
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe(
      'HEALTHLAKE OK - 9 check(s) OK | ok=9 warn=0 error=0 unknown=0 missing=0 stale=0 disabled=0',
    );

    s.run(LONGEST, now + 1, null); // a run without data: UNKNOWN
    expect((await status()).code).toBe(12);
    const unknown = await status('--nagios');
    expect([unknown.code, unknown.stdout]).toEqual([
      3,
      expect.stringContaining(`HEALTHLAKE UNKNOWN - 1 unknown, missing or stale: ${LONGEST}`),
    ]);

    s.run(STEPS_CV, now + 2, 0.65); // WARN outranks UNKNOWN
    expect((await status()).code).toBe(10);
    expect((await status('--nagios')).code).toBe(1);

    s.run(STEPS_TS, now + 3, 1.5); // ERROR outranks WARN
    expect((await status()).code).toBe(11);
    const critical = await status('--nagios');
    expect([critical.code, critical.stdout]).toEqual([
      2,
      expect.stringContaining(`HEALTHLAKE CRITICAL - 1 ERROR: ${STEPS_TS} |`),
    ]);
  });

  it('a missing check, or one Seyren has not run lately, is exit 12; Seyren unreachable is 1 (--nagios: 3)', async () => {
    const now = lastMinute();
    s.runAll(now - MIN, now + MIN, () => 0.01);
    await s.remove(HEART_AVG);
    const missing = await status('--json');
    expect(missing.code).toBe(12);
    expect(parse(missing).summary).toMatchObject({ MISSING: 1, verdict: 'UNKNOWN' });

    const fresh = await provisionedScenario();
    try {
      fresh.runAll(now - 30 * MIN, now - 29 * MIN, () => 0.01); // last run 30 min ago
      const stale = await fresh.cli(['status', '--checks', fresh.checksDir, '--json']);
      expect(stale.code).toBe(12);
      expect(parse(stale).summary).toMatchObject({ OK: 9, stale: 9, verdict: 'UNKNOWN' });
      const text = await fresh.cli(['status', '--checks', fresh.checksDir]);
      expect(text.stdout).toContain('STALE, Seyren has not run it within 10min');
      expect((await fresh.cli(['status', '--checks', fresh.checksDir, '--stale-after', '1h'])).code).toBe(0);
    } finally {
      await fresh.close();
    }

    const down = await s.cli(['status', '--checks', s.checksDir], {
      SEYREN_URL: 'http://127.0.0.1:9/seyren',
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/healthlake: Seyren GET \/api\/checks failed/);
    const downNagios = await s.cli(['status', '--checks', s.checksDir, '--nagios'], {
      SEYREN_URL: 'http://127.0.0.1:9/seyren',
    });
    expect(downNagios.code).toBe(3);
    expect(downNagios.stdout).toMatch(/^HEALTHLAKE UNKNOWN - Seyren GET \/api\/checks failed/);
  });
});
