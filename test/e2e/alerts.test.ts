import type { RecordedRequest } from '../support/seyren-double';
import type { CliResult } from '../support/run-cli';
import { runCliInPty } from '../support/run-in-pty';
import { MIN, provisionedScenario, type Scenario } from '../support/seyren-scenario';

// `healthlake alerts` through the built CLI against the Seyren double: episodes across many alert pages, the
// --since boundary, selections, and --prune-before (plan, --dry-run, deletes of managed checks only).

const STEPS_CV = 'healthlake:cv:health.steps'; // warn 0.6, error 0.9
const HEART_TS = 'healthlake:timeshift:health.heart.resting'; // warn 0.08, error 0.15
const LONGEST = 'healthlake:cv:health.sleep.longest_episode'; // warn 0.5, error 0.8
const DAY = 24 * 60 * MIN;

interface Episode {
  check: string | null;
  managed: boolean;
  start: string;
  startKnown: boolean;
  end: string | null;
  still: boolean;
  worst: string;
  peak: number | null;
  peakAt: string | null;
  alerts: number;
  notifications: number;
}

let s: Scenario;
let now: number;
/** The time of run k of the 200 minute runs that end with the last minute. */
const at = (k: number) => now - (199 - k) * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(async () => {
  s = await provisionedScenario();
  now = Math.floor(Date.now() / MIN) * MIN - MIN;
  // steps cv: WARN for runs 10-39, then WARN from 90 and ERROR from 100 on (peak 1.2 at run 150), still;
  // heart timeshift: WARN for runs 150-159; everything else OK
  s.runAll(at(0), at(199) + MIN, (name, t) => {
    const k = Math.round((t - at(0)) / MIN);
    if (name === STEPS_CV) {
      if (k >= 100) return k === 150 ? 1.2 : 0.95;
      return (k >= 10 && k < 40) || k >= 90 ? 0.7 : 0.1;
    }
    if (name === HEART_TS) return k >= 150 && k < 160 ? 0.1 : 0.01;
    return 0.01;
  });
  // 8 days ago: longest-episode was WARN for 100 runs (older than the default --since 7d)
  for (let k = 0; k <= 100; k++) s.run(LONGEST, now - 8 * DAY + k * MIN, k < 100 ? 0.6 : 0.1);
  // a check made by hand, with an old episode of its own
  const legacy = s.double.addCheckDirectly({
    name: 'legacy-steps',
    target: 'health.steps',
    warn: 1,
    error: 2,
    enabled: true,
  });
  for (let k = 0; k < 6; k++)
    s.double.runCheck(legacy.id, {
      at: now - 3 * DAY + k * MIN,
      values: { 'health.steps': k < 5 ? 1.5 : 0.5 },
    });
  s.double.requests.length = 0;
});
afterEach(() => s.close());

const alerts = (...args: string[]) => s.cli(['alerts', ...args]);
const episodes = (r: CliResult) => (JSON.parse(r.stdout) as { episodes: Episode[] }).episodes;
const gets = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'GET');
const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');

describe('healthlake alerts', () => {
  it('groups alerts into episodes across many pages, stopping at --since', async () => {
    const result = await alerts('--json', '--page-size', '20');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      summary: Record<string, number>;
      read: Record<string, number>;
    };
    expect(json.summary).toEqual({ checks: 9, episodes: 3, still: 1 });
    expect(episodes(result)).toEqual([
      expect.objectContaining({
        check: HEART_TS,
        start: iso(at(150)),
        startKnown: true,
        end: iso(at(160)),
        still: false,
        worst: 'WARN',
        peak: 0.1,
        alerts: 11,
        notifications: 1,
      }),
      expect.objectContaining({
        check: STEPS_CV,
        managed: true,
        start: iso(at(90)),
        end: null,
        still: true,
        worst: 'ERROR',
        peak: 1.2,
        peakAt: iso(at(150)),
        alerts: 110,
        notifications: 2,
      }),
      expect.objectContaining({
        check: STEPS_CV,
        start: iso(at(10)),
        end: iso(at(40)),
        worst: 'WARN',
        peak: 0.7,
        alerts: 31,
        notifications: 1,
      }),
    ]);
    // 152 alerts of managed checks in the window, 6 of the hand-made check skipped; read 20 at a time from
    // Seyren's all-alerts listing, and not one page past the --since boundary (101 older alerts stay unread)
    expect(json.read).toEqual({ requests: 8, alerts: 152, skipped: 6 });
    const pages = gets(s.double.requests).filter((r) => r.path === '/api/alerts');
    expect(pages.map((r) => r.query.start?.[0])).toEqual(['0', '20', '40', '60', '80', '100', '120', '140']);
    expect(pages.every((r) => r.query.items?.[0] === '20')).toBe(true);
  });

  it('prints each check with its episodes, "still" for the open one', async () => {
    const result = await alerts('--page-size', '50');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Alerts since .* 3 episode\(s\) in 2 of 9 check\(s\), 1 still unhealthy/);
    expect(result.stdout).toContain(`\n${STEPS_CV}\n`);
    expect(result.stdout).toMatch(
      / {5}\d{4}-\d\d-\d\d \d\d:\d\d UTC {2}still +1h5\dmin {2}ERROR {2}1\.2 +110 +2\n/,
    );
    expect(result.stdout).not.toContain('legacy-steps');
  });

  it('--since reaches older episodes; --all adds the checks healthlake did not create', async () => {
    const older = episodes(await alerts('--json', '--since', '9d'));
    expect(older.map((e) => e.check)).toEqual([HEART_TS, STEPS_CV, STEPS_CV, LONGEST]);
    expect(older[3]).toMatchObject({
      start: iso(now - 8 * DAY),
      end: iso(now - 8 * DAY + 100 * MIN),
      alerts: 101,
    });
    const all = episodes(await alerts('--json', '--since', '4d', '--all'));
    expect(all.map((e) => [e.check, e.managed])).toEqual([
      [HEART_TS, true],
      [STEPS_CV, true],
      [STEPS_CV, true],
      ['legacy-steps', false],
    ]);
  });

  it('--check and --metric read only those checks, from their own alert listings', async () => {
    const one = await alerts('--json', '--check', HEART_TS, '--page-size', '5');
    expect(episodes(one).map((e) => e.check)).toEqual([HEART_TS]);
    const id = s.check(HEART_TS).id;
    expect(new Set(gets(s.double.requests).map((r) => r.path))).toEqual(
      new Set(['/api/checks', `/api/checks/${id}/alerts`]),
    );
    const steps = await alerts('--json', '--metric', 'health.steps');
    expect(episodes(steps).map((e) => e.check)).toEqual([STEPS_CV, STEPS_CV]);
    const unknown = await alerts('--check', 'healthlake:cv:nope');
    expect([unknown.code, unknown.stderr]).toEqual([3, expect.stringContaining('Seyren has no check named')]);
  });
});

describe('healthlake alerts --prune-before', () => {
  it('plans first, deletes nothing with --dry-run, then deletes only managed checks’ alerts before the time', async () => {
    const before = iso(at(100));
    const cvId = s.check(STEPS_CV).id;
    const longestId = s.check(LONGEST).id;
    const legacyId = s.double.checks.findByName('legacy-steps')!.id;

    const dry = await alerts('--prune-before', before, '--dry-run', '--detailed-exitcode');
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain(
      `healthlake will delete these alerts in Seyren (${s.double.url}), all recorded before`,
    );
    expect(dry.stdout).toContain(`  - ${STEPS_CV}  (id ${cvId})\n      alerts         41 of 141`);
    expect(dry.stdout).toContain(`  - ${LONGEST}  (id ${longestId})\n      alerts         101 of 101`);
    expect(dry.stdout).toContain(
      'Plan: delete 142 alert(s) of 2 check(s); 7 managed check(s) have none that old.',
    );
    expect(dry.stdout).not.toContain('legacy-steps');
    expect(writes(s.double.requests)).toEqual([]);
    // counting does not read the alerts: one-alert pages, a bisection per check
    const countPages = gets(s.double.requests).filter((r) => r.path.endsWith('/alerts'));
    expect(countPages.every((r) => r.query.items?.[0] === '1')).toBe(true);
    expect(countPages.filter((r) => r.path === `/api/checks/${cvId}/alerts`).length).toBeLessThanOrEqual(
      2 + 8,
    );

    const json = await alerts('--prune-before', before, '--dry-run', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      before,
      summary: { checks: 2, alerts: 142, unchanged: 7 },
      actions: [
        { action: 'delete-alerts', name: LONGEST, id: longestId, alerts: 101, total: 101 },
        { action: 'delete-alerts', name: STEPS_CV, id: cvId, alerts: 41, total: 141 },
      ],
    });
    expect(s.double.alerts.size).toBe(141 + 11 + 101 + 6);

    s.double.requests.length = 0;
    const applied = await alerts('--prune-before', before);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Applied: 142 alert(s) of 2 check(s) deleted.');
    expect(
      writes(s.double.requests)
        .map((r) => `${r.method} ${r.path} ${r.query.before}`)
        .sort(),
    ).toEqual(
      [
        `DELETE /api/checks/${cvId}/alerts ${before}`,
        `DELETE /api/checks/${longestId}/alerts ${before}`,
      ].sort(),
    );
    const cv = s.double.alerts.all(cvId);
    expect(cv).toHaveLength(100);
    expect(cv.every((a) => a.timestamp >= at(100))).toBe(true);
    expect(s.double.alerts.all(longestId)).toEqual([]);
    expect(s.double.alerts.all(s.check(HEART_TS).id)).toHaveLength(11);
    expect(s.double.alerts.all(legacyId)).toHaveLength(6); // older than the time, but not healthlake's

    const again = await alerts('--prune-before', before);
    expect([again.code, again.stdout]).toEqual([0, expect.stringMatching(/^No changes\. No managed check/)]);
  });

  it('on a terminal asks before deleting: "n" deletes nothing (exit 1), --yes deletes without asking', async () => {
    const before = iso(at(100));
    const env = { SEYREN_URL: s.double.url, GRAPHITE_URL: 'http://127.0.0.1:9' };
    s.double.requests.length = 0;
    const declined = await runCliInPty(['alerts', '--prune-before', before], env, 'n\n');
    expect(declined.output).toContain(
      `Delete 142 alert(s) of 2 check(s) from Seyren (${s.double.url})? [y/N]`,
    );
    expect(declined.output).toContain('prune cancelled; nothing was deleted (--yes deletes without asking)');
    expect(declined.code).toBe(1);
    expect(writes(s.double.requests)).toEqual([]);

    const confirmed = await runCliInPty(['alerts', '--prune-before', before, '--yes'], env);
    expect(confirmed.code).toBe(0);
    expect(confirmed.output).not.toContain('[y/N]');
    expect(confirmed.output).toContain('Applied: 142 alert(s) of 2 check(s) deleted.');
  });

  it('refuses a check healthlake did not create, before any delete', async () => {
    const result = await alerts('--prune-before=-1d', '--check', 'legacy-steps');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('"legacy-steps" not created by healthlake');
    expect(writes(s.double.requests)).toEqual([]);
    expect((await alerts('--prune-before', 'someday')).code).toBe(3);
  });
});
