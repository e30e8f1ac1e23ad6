import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SeyrenCheck } from '../../src/clients/seyren/types';
import { runCli, type CliResult } from '../support/run-cli';
import { startSeyrenDouble, type RecordedRequest, type SeyrenDouble } from '../support/seyren-double';

// `healthlake provision-checks` through the built CLI against the Seyren double, with the shipped
// checks/health.yaml (no wildcards, so Graphite is never asked: GRAPHITE_URL points at a closed port).
// Input errors, output options, context paths and auth: provision-checks-options.test.ts.

const HEALTH_YAML = path.resolve(__dirname, '../../checks/health.yaml');

/** Every check health.yaml declares, with its thresholds as written there. */
const DECLARED: Record<string, [warn: number, error: number]> = {
  'healthlake:cv:health.steps': [0.6, 0.9],
  'healthlake:timeshift:health.steps': [0.6, 0.85],
  'healthlake:holtwinters:health.steps': [0.25, 0.5],
  'healthlake:timeshift:health.heart.resting': [0.08, 0.15],
  'healthlake:holtwinters:health.heart.resting': [0.05, 0.1],
  'healthlake:cv:health.heart.average': [0.12, 0.2],
  'healthlake:timeshift:health.sleep.minutes_before': [0.35, 0.6],
  'healthlake:holtwinters:health.sleep.minutes_before': [0.2, 0.4],
  'healthlake:cv:health.sleep.longest_episode': [0.5, 0.8],
};
const N = Object.keys(DECLARED).length;

const EMAIL_EVERY_DAY = {
  type: 'EMAIL',
  target: 'me@example.com',
  su: true,
  mo: true,
  tu: true,
  we: true,
  th: true,
  fr: true,
  sa: true,
  ignoreWarn: false,
  ignoreError: false,
  ignoreOk: false,
  fromTime: '0000',
  toTime: '2359',
  enabled: true,
};

const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');
const writeSummary = (requests: RecordedRequest[]) => writes(requests).map((r) => `${r.method} ${r.path}`);
const bodyName = (r: RecordedRequest) => (r.body as { name?: string } | undefined)?.name;

describe('provision-checks with the shipped health.yaml', () => {
  let double: SeyrenDouble;
  let dir: string;
  let checksDir: string;
  let yamlFile: string;

  beforeEach(async () => {
    double = await startSeyrenDouble();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-'));
    checksDir = path.join(dir, 'checks');
    fs.mkdirSync(checksDir);
    yamlFile = path.join(checksDir, 'health.yaml');
    fs.copyFileSync(HEALTH_YAML, yamlFile);
  });
  afterEach(async () => {
    await double.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...extra: string[]): Promise<CliResult> =>
    runCli(['provision-checks', '--checks', checksDir, ...extra], {
      SEYREN_URL: double.url,
      GRAPHITE_URL: 'http://127.0.0.1:9',
      HOME: dir,
    });
  /** Runs and forgets the requests made so far, so each assertion sees one run only. */
  const fresh = (...extra: string[]) => {
    double.requests.length = 0;
    return run(...extra);
  };
  const editYaml = (from: string, to: string) => {
    const text = fs.readFileSync(yamlFile, 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(yamlFile, text.replace(from, to));
  };
  const idOf = (name: string) => (double.checks.findByName(name) as SeyrenCheck).id;

  it('(a) the first apply creates each declared check exactly once, as declared', async () => {
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Plan: ${N} to create, 0 to update, 0 to delete, 0 unchanged.`);
    expect(result.stdout).toContain(`Applied: ${N} created, 0 updated, 0 deleted, 0 unchanged.`);

    // one listing of the managed checks, then one POST per check and nothing else
    expect(double.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    expect(double.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/checks',
      query: { fields: ['name'], regexes: ['^healthlake:'] },
    });
    const posts = writes(double.requests);
    expect(posts).toHaveLength(N);
    expect(posts.every((r) => r.method === 'POST' && r.path === '/api/checks')).toBe(true);
    expect(posts.map(bodyName).sort()).toEqual(Object.keys(DECLARED).sort());

    for (const post of posts) {
      const [warn, error] = DECLARED[bodyName(post) as string]!;
      expect(post.body).toMatchObject({
        warn,
        error,
        from: '-30d',
        until: 'now',
        enabled: true,
        live: false,
        allowNoData: false,
        subscriptions: [EMAIL_EVERY_DAY],
      });
      expect((post.body as { description: string }).description).toMatch(/^\[managed by healthlake\] /);
    }
    // and Seyren stored them so: thresholds as BigDecimal strings, subscriptions that can fire
    expect(double.checks.size).toBe(N);
    const steps = double.checks.findByName('healthlake:cv:health.steps') as SeyrenCheck;
    expect(steps).toMatchObject({
      warn: '0.6',
      error: '0.9',
      enabled: true,
      target: 'divideSeries(stdev(health.steps,14),movingAverage(health.steps,14))',
    });
    expect(steps.subscriptions).toEqual([{ ...EMAIL_EVERY_DAY, id: expect.any(String) }]);
  });

  it('(b) a second apply sends no write, only GETs, and prints "No changes"', async () => {
    expect((await run()).code).toBe(0);
    const second = await fresh();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      `No changes. Seyren (${double.url}) matches the definitions: ${N} checks`,
    );
    expect(second.stdout).toContain(`Applied: 0 created, 0 updated, 0 deleted, ${N} unchanged.`);
    expect(double.requests.length).toBeGreaterThan(0);
    expect(writes(double.requests)).toEqual([]);
  });

  it('(c) changing one threshold sends exactly one PUT, of the full check, and nothing else', async () => {
    expect((await run()).code).toBe(0);
    const name = 'healthlake:cv:health.steps';
    const before = double.checks.findByName(name) as SeyrenCheck;
    editYaml(
      'cv: { warn: 0.6, error: 0.9, params: { window: 14 } }',
      'cv: { warn: 0.65, error: 0.9, params: { window: 14 } }',
    );

    const result = await fresh();
    expect(result.code).toBe(0);
    expect(writeSummary(double.requests)).toEqual([`PUT /api/checks/${before.id}`]);
    expect(writes(double.requests)[0]!.body).toMatchObject({
      id: before.id,
      name,
      warn: '0.65',
      error: '0.9',
      state: 'OK',
      live: false,
    });
    expect(result.stdout).toContain(`  ~ ${name}  (id ${before.id})`);
    // only the threshold changes: the description holds no thresholds, so it does not diff
    expect(result.stdout).toContain('      warn           0.6 → 0.65');
    expect(result.stdout).not.toContain('      description');
    expect(result.stdout).toContain(`Plan: 0 to create, 1 to update, 0 to delete, ${N - 1} unchanged.`);
    const after = double.checks.get(before.id) as SeyrenCheck;
    expect(after).toEqual({ ...before, warn: '0.65' });
    expect((await fresh()).stdout).toContain('No changes.');
  });

  it('(d) a removed entry is listed as an orphan without --prune, and deleted by exactly one DELETE with it', async () => {
    expect((await run()).code).toBe(0);
    const gone = 'healthlake:cv:health.heart.average';
    const goneId = idOf(gone);
    editYaml(
      "  - metric: '{{prefix}}.heart.average'\n    heuristics:\n      cv: { warn: 0.12, error: 0.2, params: { window: 14 } }\n",
      '',
    );

    const kept = await fresh();
    expect(kept.code).toBe(0);
    expect(writes(double.requests)).toEqual([]);
    expect(kept.stdout).toContain(
      '1 managed check(s) are no longer declared; run with --prune to delete them:',
    );
    expect(kept.stdout).toContain(`    ${gone}  (id ${goneId})`);
    expect(double.checks.size).toBe(N);

    const pruned = await fresh('--prune');
    expect(pruned.code).toBe(0);
    expect(writeSummary(double.requests)).toEqual([`DELETE /api/checks/${goneId}`]);
    expect(pruned.stdout).toContain(`  - ${gone}  (id ${goneId})`);
    expect(pruned.stdout).toContain(`Applied: 0 created, 0 updated, 1 deleted, ${N - 1} unchanged.`);
    expect(double.checks.size).toBe(N - 1);
    expect(double.checks.findByName(gone)).toBeUndefined();

    const again = await fresh('--prune');
    expect(writes(double.requests)).toEqual([]);
    expect(again.stdout).toContain('No changes.');
  });

  it('(e) checks made by hand are never PUT or DELETEd, even with --prune, and the conflict is reported', async () => {
    const conflict = double.addCheckDirectly({
      name: 'healthlake:cv:health.steps',
      description: 'made by hand in the UI',
      target: 'health.steps',
      warn: '1',
      error: '2',
      enabled: true,
    });
    const lookalike = double.addCheckDirectly({
      name: 'healthlake:cv:health.retired',
      description: 'also by hand, never declared',
      target: 'health.retired',
      warn: 5,
      error: 10,
    });
    const unrelated = double.addCheckDirectly({
      name: 'disk-space',
      description: '[managed by healthlake] copied by someone',
      target: 'servers.*.disk.free',
      warn: 10,
      error: 5,
      enabled: true,
      subscriptions: [{ type: 'EMAIL', target: 'ops@example.com', enabled: true }],
    });
    const handMade = [conflict, lookalike, unrelated];

    for (const attempt of [1, 2]) {
      const result = await fresh('--prune');
      // The rest is applied, but a declared check could not be: the run did not converge.
      expect(result.code).toBe(1);
      const w = writes(double.requests);
      expect(w.filter((r) => r.method === 'POST')).toHaveLength(attempt === 1 ? N - 1 : 0);
      expect(w.filter((r) => r.method !== 'POST')).toEqual([]);
      expect(w.map(bodyName)).not.toContain(conflict.name);
      expect(result.stdout).toContain(
        '1 declared check(s) have a name already used by a check healthlake did not create; they are left alone',
      );
      expect(result.stdout).toContain(`    healthlake:cv:health.steps  (id ${conflict.id})`);
      expect(result.stdout).not.toContain('disk-space');
      expect(result.stdout).not.toContain('healthlake:cv:health.retired');
      for (const c of handMade) expect(double.checks.get(c.id)).toEqual(c);
    }
    expect(double.checks.size).toBe(N - 1 + handMade.length);
  });

  it('(f) a Seyren 500 on one write: exit 1, the others applied, the failure listed; the next run converges', async () => {
    const broken = 'healthlake:holtwinters:health.heart.resting';
    double.failNext((r) => r.method === 'POST' && bodyName(r) === broken, 1, 500);

    const first = await run();
    expect(first.code).toBe(1);
    expect(double.checks.size).toBe(N - 1);
    expect(double.checks.findByName(broken)).toBeUndefined();
    expect(writes(double.requests).filter((r) => bodyName(r) === broken)).toHaveLength(1);
    expect(first.stdout).toContain(`Applied: ${N - 1} created, 0 updated, 0 deleted, 0 unchanged, 1 FAILED:`);
    expect(first.stdout).toMatch(
      new RegExp(
        `\\n  create ${broken}: Seyren POST /api/checks answered 500: HTTP Status 500 - injected failure`,
      ),
    );
    expect(first.stdout).toContain('A re-run retries what failed; what succeeded stays applied.');

    const second = await fresh();
    expect(second.code).toBe(0);
    expect(writeSummary(double.requests)).toEqual(['POST /api/checks']);
    expect(bodyName(writes(double.requests)[0]!)).toBe(broken);
    expect(second.stdout).toContain(`Applied: 1 created, 0 updated, 0 deleted, ${N - 1} unchanged.`);
    expect(double.checks.size).toBe(N);

    const third = await fresh('--dry-run', '--detailed-exitcode');
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('No changes.');
    expect(writes(double.requests)).toEqual([]);
  });
});
