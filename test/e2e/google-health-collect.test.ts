import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readToken, writeToken } from '../../src/auth/token-store';
import { civilDates } from '../../src/util/civil-date';

// `collect --source google-health` through the CLI (bin/healthlake.js → dist/) in child processes. A
// --require preload replaces Google inside each child with nock: the token endpoint, and the Health API v4
// served by test/support/google-health-fixtures.ts (loaded through a TypeScript require hook), every reply
// delayed a little so that two runs started together overlap. Self-telemetry goes to a UDP socket bound here.

const ROOT = path.resolve(__dirname, '../..');
const CLIENT_ID = 'cid-456.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-client-SECRET-collect';
const REFRESH = '1//refresh-SECRET-collect';
const OLD_ACCESS = 'ya29.old-SECRET-collect';
const NEW_ACCESS = 'ya29.new-SECRET-collect';
const SECRETS = [REFRESH, OLD_ACCESS, NEW_ACCESS, CLIENT_SECRET];
const SCOPE = [
  'activity_and_fitness.readonly',
  'health_metrics_and_measurements.readonly',
  'sleep.readonly',
  'settings.readonly',
]
  .map((s) => `https://www.googleapis.com/auth/googlehealth.${s}`)
  .join(' ');
const WEEK = civilDates('2026-11-09', '2026-11-15');
// The API holds one more day: collect reads D+1 of --to (sleep after), and archives it.
const SERVED = civilDates('2026-11-09', '2026-11-16');
const steps = (i: number) => 4000 + 111 * i;
const resting = (i: number) => 55 + i;
const RANGE = ['--from', '2026-11-09', '--to', '2026-11-15'];
const COLLECT = ['collect', '--source', 'google-health', ...RANGE, '--sink', 'stdout'];
const DELAY_MS = 200;

const PRELOAD = `
const fs = require('fs');
const ts = require(${JSON.stringify(path.join(ROOT, 'node_modules/typescript'))});
require.extensions['.ts'] = (m, filename) => {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const source = fs.readFileSync(filename, 'utf8');
  m._compile(ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText, filename);
};
const nock = require(${JSON.stringify(path.join(ROOT, 'node_modules/nock'))});
const { Scope } = require(${JSON.stringify(path.join(ROOT, 'node_modules/nock/lib/scope'))});
const fixtures = require(${JSON.stringify(path.join(ROOT, 'test/support/google-health-fixtures.ts'))});
const scenario = JSON.parse(process.env.HL_E2E_SCENARIO);
const record = (entry) =>
  fs.appendFileSync(process.env.HL_E2E_REQUESTS, JSON.stringify({ pid: process.pid, ...entry }) + '\\n');
// Every reply (token endpoint and API) comes after a delay, as a real network's would.
const intercept = Scope.prototype.intercept;
Scope.prototype.intercept = function (...args) {
  return intercept.apply(this, args).delay(scenario.delayMs);
};
nock.disableNetConnect();
nock.enableNetConnect('127.0.0.1');
const token = nock('https://oauth2.googleapis.com');
for (const reply of scenario.replies) {
  token.post('/token', (body) => (record({ token: body }), true)).reply(reply.status, reply.body);
}
const server = fixtures.serveGoogleHealth({
  timeZone: 'Europe/Berlin',
  heartRate: [],
  stepsByDay: new Map(scenario.steps),
  restingHeartRate: scenario.resting.map(([date, bpm]) => fixtures.restingPoint(date, bpm)),
  sleep: [],
});
process.on('exit', () => server.requests.forEach((r) => record({ api: r.path })));
`;

interface Run {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let dataDir: string;
let tokenFile: string;
let requestsFile: string;
let statsd: dgram.Socket;
let datagrams: string[] = [];
const outputs: string[] = [];

function cli(args: string[], replies: object[]): Promise<Run> {
  const scenario = {
    delayMs: DELAY_MS,
    replies,
    steps: SERVED.map((d, i) => [d, String(steps(i))]),
    resting: SERVED.map((d, i) => [d, resting(i)]),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', path.join(dir, 'preload.js'), path.join(ROOT, 'bin/healthlake.js'), ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          XDG_CONFIG_HOME: path.join(dir, 'config'),
          HEALTHLAKE_DATA_DIR: dataDir,
          HEALTHLAKE_LOG_LEVEL: 'trace', // every log line there is, to grep for secrets
          GOOGLE_CLIENT_ID: CLIENT_ID,
          GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
          STATSD_HOST: '127.0.0.1',
          STATSD_PORT: String(statsd.address().port),
          HL_E2E_SCENARIO: JSON.stringify(scenario),
          HL_E2E_REQUESTS: requestsFile,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      outputs.push(stdout, stderr);
      resolve({ pid: child.pid as number, code, signal, stdout, stderr });
    });
    child.stdin.end();
  });
}

const refreshed = {
  status: 200,
  body: { access_token: NEW_ACCESS, expires_in: 3599, scope: SCOPE, token_type: 'Bearer' },
};
const invalidGrant = {
  status: 400,
  body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
};

interface Request {
  pid: number;
  token?: Record<string, string>;
  api?: string;
}
const requests = (): Request[] =>
  fs.existsSync(requestsFile)
    ? fs
        .readFileSync(requestsFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Request)
    : [];
const mode = (f: string) => fs.statSync(f).mode & 0o777;
const refreshRequest = {
  refresh_token: REFRESH,
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  grant_type: 'refresh_token',
};

/** Every file under the data directory (relative path → bytes). */
function snapshot(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dataDir, p), fs.readFileSync(p));
    }
  };
  walk(dataDir);
  return files;
}

/** The carbon lines of the week, as the stdout sink prints them: steps then resting rate per day. */
const weekLines = WEEK.flatMap((d, i) => {
  const ts = Date.parse(`${d}T00:00:00Z`) / 1000;
  return [`health.steps ${steps(i)} ${ts}`, `health.heart.resting ${resting(i)} ${ts}`];
});
const weekSummary = [
  'date,steps,heart.resting,heart.average,heart.max_sustained,sleep.minutes_before,sleep.minutes_after,sleep.longest_episode,worked',
  ...WEEK.map((d, i) => `${d},${steps(i)},${resting(i)},,,,,,`),
  '',
].join('\n');

/** The statsD lines received, once one matching `until` has arrived (UDP to a local socket is quick). */
async function telemetry(until: RegExp): Promise<string[]> {
  for (let waited = 0; !datagrams.some((d) => until.test(d)) && waited < 5000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200)); // anything sent after it arrives too
  const got = datagrams.flatMap((d) => d.split('\n')).filter(Boolean);
  datagrams = [];
  return got;
}

beforeAll(async () => {
  statsd = dgram.createSocket('udp4');
  statsd.on('message', (m) => datagrams.push(m.toString()));
  await new Promise<void>((r) => statsd.bind(0, '127.0.0.1', r));
});
afterAll(() => statsd.close());

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-gh-'));
  dataDir = path.join(dir, 'data');
  tokenFile = path.join(dataDir, 'google-token.json');
  requestsFile = path.join(dir, 'requests.jsonl');
  fs.writeFileSync(path.join(dir, 'preload.js'), PRELOAD);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  await writeToken(tokenFile, {
    refresh_token: REFRESH,
    access_token: OLD_ACCESS,
    expiry_date: Date.parse('2026-01-01T00:00:00Z'), // expired: the run that collects refreshes it
    scope: SCOPE,
    token_type: 'Bearer',
    account: 'me@example.com',
    obtained_at: '2025-12-31T23:00:00.000Z',
  });
  datagrams = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('two collects at once: one collects the week, the other exits 7 and does nothing; the token is intact', async () => {
  const runs = await Promise.all([cli(COLLECT, [refreshed]), cli(COLLECT, [refreshed])]);
  expect(runs.map((r) => r.code).sort()).toEqual([0, 7]);
  const winner = runs.find((r) => r.code === 0)!;
  const loser = runs.find((r) => r.code === 7)!;

  expect(loser.stdout).toBe('');
  expect(loser.stderr.split('\n').filter((l) => !l.startsWith('{'))).toEqual([
    `healthlake: another healthlake collect is running on ${dataDir} ` +
      `(lock ${path.join(dataDir, 'collect')}.lock); this run did nothing`,
    '',
  ]);
  // The loser asked Google nothing; the winner refreshed once and read the API once.
  const seen = requests();
  expect(seen.filter((r) => r.pid !== winner.pid)).toEqual([]);
  expect(seen.filter((r) => r.token).map((r) => r.token)).toEqual([refreshRequest]);
  const api = seen.flatMap((r) => (r.api ? [r.api] : []));
  expect(api).toContain('/v4/users/me/settings');
  // One reconciled heart-rate stream per day; nothing read twice.
  expect(api.filter((p) => p.endsWith('/heart-rate/dataPoints:reconcile'))).toHaveLength(SERVED.length);
  expect(api.filter((p) => p.endsWith('/dataPoints'))).toEqual([]);

  // What the winner wrote, once: the week on stdout, in summary.csv, and each served day in the archive.
  expect(winner.stdout).toBe(`${weekLines.join('\n')}\n`);
  expect(winner.stderr).toMatch(
    /^7 days 2026-11-09\.\.2026-11-15, 14 points \(14 to stdout\), 0 input records skipped, \d+\.\d s$/m,
  );
  expect(fs.readFileSync(path.join(dataDir, 'summary.csv'), 'utf8')).toBe(weekSummary);
  expect(fs.readdirSync(path.join(dataDir, 'archive', 'google-health', '2026')).sort()).toEqual(
    SERVED.map((d) => `${d}.json`),
  );
  expect(fs.existsSync(path.join(dataDir, 'collect.lock'))).toBe(false);

  // The token file after both: complete, the refresh token intact, the new access token, 0600.
  expect(await readToken(tokenFile)).toMatchObject({
    refresh_token: REFRESH,
    access_token: NEW_ACCESS,
    scope: SCOPE,
    account: 'me@example.com',
  });
  expect(mode(tokenFile)).toBe(0o600);
  expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('google-token'))).toEqual(['google-token.json']);
}, 60_000);

it('expired consent: exit 6 with one line, nothing collected before is lost, last_success stops', async () => {
  const before = Math.floor(Date.now() / 1000);
  const ok = await cli(COLLECT, [refreshed]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toBe(`${weekLines.join('\n')}\n`);
  expect(fs.readFileSync(path.join(dataDir, 'summary.csv'), 'utf8')).toBe(weekSummary);
  const okTelemetry = await telemetry(/^healthlake\.collector\.last_success:/);
  const lastSuccess = okTelemetry.find((l) => l.startsWith('healthlake.collector.last_success:'));
  expect(lastSuccess).toMatch(/^healthlake\.collector\.last_success:\d+\|g$/);
  const epoch = Number(/:(\d+)\|/.exec(lastSuccess!)![1]);
  expect(epoch).toBeGreaterThanOrEqual(before);
  expect(epoch).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  expect(okTelemetry).toContain('healthlake.collector.errors:0|c');

  // An hour later the access token has expired, and Google no longer accepts the refresh token.
  const token = await readToken(tokenFile);
  await writeToken(tokenFile, { ...token, expiry_date: Date.now() - 1000 });
  const archived = snapshot();
  expect([...archived.keys()]).toEqual(expect.arrayContaining(['summary.csv', 'google-token.json']));
  expect([...archived.keys()].filter((f) => f.startsWith('archive/')).sort()).toEqual([
    ...SERVED.map((d) => `archive/google-health/2026/${d}.json`),
    'archive/google-health/fetched.json', // the ledger of fetched days
  ]);
  fs.rmSync(requestsFile);

  // The week ended more than 7 days ago, so it is settled: a plain re-run reads it from the archive and asks
  // Google nothing, not even a token (the resume of a backfill). --refetch asks again, and meets the refusal.
  const resumed = await cli(COLLECT, [invalidGrant]);
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toBe(`${weekLines.join('\n')}\n`);
  expect(requests()).toEqual([]);
  await telemetry(/^healthlake\.collector\.last_success:/);
  const kept = snapshot();

  const failed = await cli([...COLLECT, '--refetch'], [invalidGrant]);
  expect(failed.code).toBe(6);
  expect(failed.stdout).toBe('');
  expect(failed.stderr.split('\n').filter((l) => l.startsWith('healthlake: '))).toEqual([
    'healthlake: Google authorisation is missing or expired: run `healthlake auth` (Google answered ' +
      'invalid_grant: the consent expired or was revoked (a "Testing" consent screen ends it after 7 days))',
  ]);
  // Only JSON log lines besides it: no stack trace, no second message.
  expect(failed.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'))).toHaveLength(1);
  expect(requests()).toEqual([{ pid: failed.pid, token: refreshRequest }]); // no API request without a token
  // Byte for byte: the archive, summary.csv, the raw answers and the token file with its refresh token.
  expect(snapshot()).toEqual(kept);
  expect(mode(tokenFile)).toBe(0o600);

  const failedTelemetry = await telemetry(/^healthlake\.collector\.errors:/);
  expect(failedTelemetry).toContain('healthlake.collector.errors:1|c');
  expect(failedTelemetry.filter((l) => l.includes('last_success'))).toEqual([]);
}, 60_000);

it('partial consent: exit 5, the missing scope named, everything granted collected and nothing else asked', async () => {
  // The user unticked sleep on Google's granular consent screen; the token says so.
  const token = await readToken(tokenFile);
  await writeToken(tokenFile, {
    ...token,
    scope: SCOPE.split(' ')
      .filter((s) => !s.endsWith('.sleep.readonly'))
      .join(' '),
  });
  const run = await cli(COLLECT, [refreshed]);
  expect(run.code).toBe(5);
  expect(run.stdout).toBe(`${weekLines.join('\n')}\n`);
  const warnings = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; file?: string; record?: string })
    .filter((l) => l.msg.startsWith('skipped input:'));
  expect(warnings).toEqual([
    expect.objectContaining({
      file: 'Google consent',
      record: 'sleep.readonly',
      msg:
        'skipped input: the consent does not include sleep.readonly, so the sleep metrics are not collected; ' +
        'run `healthlake auth` and tick every box on the consent screen to collect it',
    }),
  ]);
  expect(run.stderr).toMatch(
    /^7 days 2026-11-09\.\.2026-11-15, 14 points \(14 to stdout\), 1 input records skipped/m,
  );
  const api = requests().flatMap((r) => (r.api ? [r.api] : []));
  expect(api.filter((p) => p.includes('/sleep/'))).toEqual([]);
  expect(api.filter((p) => p.includes('/heart-rate/'))).toHaveLength(SERVED.length);
}, 60_000);

afterAll(() => {
  // Every output of every run above (the failing ones included), logs at trace level: no secret, no header.
  expect(outputs.length).toBeGreaterThan(0);
  const all = outputs.join('\n');
  for (const secret of SECRETS) expect(all).not.toContain(secret);
  expect(all).not.toMatch(/authorization/i);
  expect(all).not.toMatch(/bearer/i);
});
