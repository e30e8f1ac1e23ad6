import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliResult } from '../support/run-cli';
import { startSeyrenDouble, type RecordedRequest, type SeyrenDouble } from '../support/seyren-double';

// provision-checks through the built CLI: definitions refused before any request (exit 3, file:line),
// --dry-run / --detailed-exitcode / --json, context paths, and SEYREN_AUTH_HEADER. The apply cycle itself
// (create, converge, update, prune, conflicts, partial failure) is in provision-checks.test.ts.

const SECRET = 'PD-SECRET-KEY-123';
const AUTH_VALUE = 'tok-AUTH-SECRET-987';

/** Two checks alerting a PagerDuty service key (a secret stored in the subscription target). */
const PAGED_YAML = `defaults:
  subscriptions:
    - type: PAGERDUTY
      target: ${SECRET}
checks:
  - metric: "{{prefix}}.steps"
    heuristics:
      cv: { warn: 0.6, error: 0.9 }
      timeshift: { warn: 0.6, error: 0.85 }
`;

const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');

/** A tiny reverse proxy that records each request's headers: the double does not. */
async function startHeaderRecorder(targetBase: string) {
  const target = new URL(targetBase);
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let double: SeyrenDouble;
let dir: string;
let checksDir: string;

beforeEach(async () => {
  double = await startSeyrenDouble();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-opt-'));
  checksDir = path.join(dir, 'checks');
  fs.mkdirSync(checksDir);
});
afterEach(async () => {
  await double.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['provision-checks', '--checks', checksDir, ...args], {
    SEYREN_URL: double.url,
    GRAPHITE_URL: 'http://127.0.0.1:9',
    HOME: dir,
    ...env,
  });
}

describe('(g) invalid definitions: exit 3, file:line on stderr, zero requests to Seyren', () => {
  const HEAD = 'checks:\n  - metric: health.steps\n    heuristics:\n';
  it.each([
    ['malformed YAML', `${HEAD}      cv: { warn: 0.6, error: 0.9\n`, ':5: not valid YAML: '],
    [
      'unknown heuristic',
      `${HEAD}      nosuch: { warn: 0.6, error: 0.9 }\n`,
      ':4: checks[0].heuristics.nosuch: unknown heuristic "nosuch" (templates: cv, holtwinters, staleness, timeshift)',
    ],
    [
      'non-numeric threshold',
      `${HEAD}      cv: { warn: high, error: 0.9 }\n`,
      ':4: checks[0].heuristics.cv.warn: must be a number, got string "high"',
    ],
    [
      'quoted numeric threshold',
      `${HEAD}      cv: { warn: "0.6", error: 0.9 }\n`,
      ':4: checks[0].heuristics.cv.warn: must be a number, got string "0.6"',
    ],
    [
      'metric name with "("',
      'checks:\n  - metric: "health.steps(x"\n    heuristics:\n      cv: { warn: 0.6, error: 0.9 }\n',
      ':2: checks[0].metric: metric name "health.steps(x" contains "(", which Graphite would read as a function call',
    ],
  ])('%s', async (_label, yaml, expected) => {
    const file = path.join(checksDir, 'bad.yaml');
    fs.writeFileSync(file, yaml);
    const result = await run([]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`healthlake: ${file}${expected}`);
    expect(result.stdout).toBe('');
    expect(double.requests).toHaveLength(0);
  });

  const templatesDir = () => {
    const t = path.join(dir, 'templates');
    fs.mkdirSync(t, { recursive: true });
    return t;
  };
  const RANGES =
    'defaults:\n  daily: { from: "-30d", until: "now" }\n  fine: { from: "-15min", until: "now" }\n';

  it('a template variable the check does not provide: the check file:line and the variable', async () => {
    const templates = templatesDir();
    fs.writeFileSync(
      path.join(templates, 'needsfoo.mustache'),
      `---\ndescription: needs foo\nparams: [foo]\n${RANGES}---\nmovingAverage({{metric}},{{foo}})\n`,
    );
    const file = path.join(checksDir, 'bad.yaml');
    fs.writeFileSync(file, `${HEAD}      needsfoo: { warn: 0.6, error: 0.9 }\n`);
    const result = await run(['--templates', templates]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `healthlake: ${file}:4: checks[0].heuristics.needsfoo.params.foo: template "needsfoo": missing variable "foo"`,
    );
    expect(double.requests).toHaveLength(0);
  });

  it('a template using {{foo}} with no param or default: the template file is named (without a line)', async () => {
    const templates = templatesDir();
    const template = path.join(templates, 'usesfoo.mustache');
    fs.writeFileSync(
      template,
      `---\ndescription: uses foo\n${RANGES}---\nmovingAverage({{metric}},{{foo}})\n`,
    );
    fs.writeFileSync(path.join(checksDir, 'ok.yaml'), `${HEAD}      usesfoo: { warn: 0.6, error: 0.9 }\n`);
    const result = await run(['--templates', templates]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `healthlake: ${template}: the target uses {{foo}}, which is not in params and has no default`,
    );
    expect(double.requests).toHaveLength(0);
  });

  it('every problem of every file is reported in one run', async () => {
    fs.writeFileSync(path.join(checksDir, 'a.yaml'), `${HEAD}      nosuch: { warn: 0.6, error: 0.9 }\n`);
    fs.writeFileSync(path.join(checksDir, 'b.yaml'), `${HEAD}      cv: { warn: 0.6, error: [1] }\n`);
    const result = await run(['--dry-run']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${path.join(checksDir, 'a.yaml')}:4: checks[0].heuristics.nosuch:`);
    expect(result.stderr).toContain(
      `${path.join(checksDir, 'b.yaml')}:4: checks[0].heuristics.cv.error: must be a number, got a list`,
    );
    expect(double.requests).toHaveLength(0);
  });
});

describe('(h) --dry-run, --detailed-exitcode, --json', () => {
  beforeEach(() => fs.writeFileSync(path.join(checksDir, 'paged.yaml'), PAGED_YAML));

  it('--dry-run writes nothing and shows the plan', async () => {
    const result = await run(['--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.');
    expect(result.stdout).not.toContain('Applied:');
    expect(double.requests.map((r) => r.method)).toEqual(['GET']);
    expect(double.checks.size).toBe(0);
  });

  it('--dry-run --detailed-exitcode exits 2 with pending changes and 0 without', async () => {
    const pending = await run(['--dry-run', '--detailed-exitcode']);
    expect(pending.code).toBe(2);
    expect(pending.stdout).toContain('Plan: 2 to create,');
    expect(writes(double.requests)).toEqual([]);

    expect((await run([])).code).toBe(0);
    expect(double.checks.size).toBe(2);
    double.requests.length = 0;
    const clean = await run(['--dry-run', '--detailed-exitcode']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('No changes.');
    expect(writes(double.requests)).toEqual([]);

    // and a pending update counts as a change too
    fs.writeFileSync(
      path.join(checksDir, 'paged.yaml'),
      PAGED_YAML.replace('warn: 0.6, error: 0.9', 'warn: 0.5, error: 0.9'),
    );
    const update = await run(['--dry-run', '--detailed-exitcode']);
    expect(update.code).toBe(2);
    expect(update.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete, 1 unchanged.');
    expect(writes(double.requests)).toEqual([]);
  });

  it('--json output parses and holds no subscription target in clear (dry run and apply, debug logs too)', async () => {
    const dry = await run(['--dry-run', '--json', '--log-level', 'debug']);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.summary).toEqual({ create: 2, update: 0, delete: 0, unchanged: 0, orphans: 0, conflicts: 0 });
    expect(plan.actions.map((a: { name: string }) => a.name)).toEqual([
      'healthlake:cv:health.steps',
      'healthlake:timeshift:health.steps',
    ]);
    expect(plan.actions[0].subscriptions[0]).toMatchObject({
      type: 'PAGERDUTY',
      target: expect.stringMatching(/^<redacted [0-9a-f]{6}>$/),
    });

    double.failNext(
      (r) => r.method === 'POST' && (r.body as { name: string }).name === 'healthlake:cv:health.steps',
    );
    const applied = await run(['--json', '--log-level', 'debug']);
    expect(applied.code).toBe(1);
    const out = JSON.parse(applied.stdout);
    expect(out.result).toMatchObject({ created: 1, updated: 0, deleted: 0, unchanged: 0 });
    expect(out.result.failures).toEqual([
      {
        name: 'healthlake:cv:health.steps',
        kind: 'create',
        message: expect.stringMatching(/^Seyren POST \/api\/checks answered 500: /),
      },
    ]);
    // the secret really was sent to Seyren, and never printed
    expect(JSON.stringify(double.checks.all())).toContain(SECRET);
    for (const text of [dry.stdout, dry.stderr, applied.stdout, applied.stderr])
      expect(text).not.toContain(SECRET);
  });
});

describe('(i) SEYREN_URL context path and SEYREN_AUTH_HEADER', () => {
  beforeEach(() => fs.writeFileSync(path.join(checksDir, 'paged.yaml'), PAGED_YAML));

  it.each([['/seyren'], ['']])('works with context path %j', async (contextPath) => {
    await double.close();
    double = await startSeyrenDouble({ contextPath });
    expect(double.url.endsWith(`:${new URL(double.url).port}${contextPath}`)).toBe(true);
    const first = await run([]);
    expect(first.code).toBe(0);
    expect(double.checks.size).toBe(2);
    expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/checks',
      'POST /api/checks',
      'POST /api/checks',
    ]);
    double.requests.length = 0;
    const second = await run([]);
    expect(second.stdout).toContain('No changes.');
    expect(writes(double.requests)).toEqual([]);
  });

  it('a SEYREN_URL missing the context path fails with Seyren’s 404 naming the URL and the likely cause', async () => {
    const root = double.url.replace(/\/seyren$/, '');
    const result = await run([], { SEYREN_URL: root });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('healthlake: '))).toEqual([
      `healthlake: Seyren GET /api/checks answered 404: no Seyren API at ${root}/api/checks; does SEYREN_URL ` +
        "include Seyren's context path (e.g. http://host:8080/seyren)?",
    ]);
    expect(double.checks.size).toBe(0);
  });

  it.each([
    ['X-Seyren-Token: tok-AUTH-SECRET-987', 'x-seyren-token', AUTH_VALUE],
    [`Bearer ${AUTH_VALUE}`, 'authorization', `Bearer ${AUTH_VALUE}`],
  ])('SEYREN_AUTH_HEADER %j is sent on every request and never printed', async (setting, header, value) => {
    const proxy = await startHeaderRecorder(double.url);
    try {
      const env = { SEYREN_URL: proxy.url, SEYREN_AUTH_HEADER: setting };
      // a failing write makes the CLI print an error message too
      double.failNext((r) => r.method === 'POST', 1, 500);
      const first = await run(['--log-level', 'debug'], env);
      expect(first.code).toBe(1);
      fs.writeFileSync(path.join(checksDir, 'paged.yaml'), PAGED_YAML.replace('warn: 0.6,', 'warn: 0.55,'));
      const second = await run(['--prune', '--log-level', 'debug'], env);
      expect(second.code).toBe(0);

      // GET, POST, POST (one failed), then GET and the retried POST (plus an update if the 500 hit cv)
      expect(proxy.seen.length).toBe(double.requests.length);
      expect(proxy.seen.length).toBeGreaterThanOrEqual(5);
      for (const headers of proxy.seen) expect(headers[header]).toBe(value);
      for (const text of [first.stdout, first.stderr, second.stdout, second.stderr]) {
        expect(text).not.toContain(AUTH_VALUE);
        expect(text).not.toContain(SECRET);
      }
      expect(double.checks.size).toBe(2);
    } finally {
      await proxy.close();
    }
  });
});
