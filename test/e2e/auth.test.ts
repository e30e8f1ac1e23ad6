import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// `healthlake auth` and `auth status` through the CLI (bin/healthlake.js, i.e. dist/) in a child process,
// with Google's token endpoint replaced by nock inside that child (a --require preload written below). A
// child process is what makes the crash test real: it is SIGKILLed between receiving the refreshed token and
// renaming the new file into place, the moment a power cut or an OOM kill would hit.

const ROOT = path.resolve(__dirname, '../..');
const CLIENT_ID = 'cid-123.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-client-SECRET-e2e';
const REFRESH = '1//refresh-SECRET-e2e';
const OLD_ACCESS = 'ya29.old-SECRET-e2e';
const NEW_ACCESS = 'ya29.new-SECRET-e2e';
const SECRETS = [REFRESH, OLD_ACCESS, NEW_ACCESS, CLIENT_SECRET];
const SCOPE = [
  'activity_and_fitness.readonly',
  'health_metrics_and_measurements.readonly',
  'sleep.readonly',
  'settings.readonly',
]
  .map((s) => `https://www.googleapis.com/auth/googlehealth.${s}`)
  .concat(['openid', 'email'])
  .join(' ');
const ONE_LINE = 'Google authorisation is missing or expired: run `healthlake auth`';

/** Runs inside the child before the CLI: nock for the token endpoint, and an optional kill mid-save. */
const PRELOAD = `
const fs = require('fs');
const nock = require(${JSON.stringify(path.join(ROOT, 'node_modules/nock'))});
const scenario = JSON.parse(process.env.HL_E2E_SCENARIO || '{}');
nock.disableNetConnect();
nock.enableNetConnect('127.0.0.1');
const scope = nock('https://oauth2.googleapis.com');
for (const reply of scenario.replies || []) {
  scope.post('/token', (body) => {
    fs.appendFileSync(process.env.HL_E2E_REQUESTS, JSON.stringify(body) + '\\n');
    return true;
  }).reply(reply.status, reply.body);
}
if (scenario.killAt) {
  // write-file-atomic: open the temp file, write, fsync, close, chmod, then rename it over the token file.
  const original = fs[scenario.killAt];
  fs[scenario.killAt] = function (...args) {
    const target = String(args[scenario.killAt === 'rename' ? 1 : 0]);
    if (scenario.killAt === 'write' || target.endsWith('google-token.json')) process.kill(process.pid, 'SIGKILL');
    return original.apply(this, args);
  };
}
`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let dataDir: string;
let tokenFile: string;
let requestsFile: string;
const failingOutputs: string[] = [];

/**
 * Runs the CLI. `input` is written to stdin, which is then closed; or, to converse, a function that sees all of
 * stderr so far after each write to it, with stdin left open for it to answer.
 */
function cli(
  args: string[],
  scenario: object = {},
  input: string | ((stderr: string, stdin: NodeJS.WritableStream) => void) = '',
): Promise<Run> {
  fs.writeFileSync(path.join(dir, 'preload.js'), PRELOAD);
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
          HL_E2E_SCENARIO: JSON.stringify(scenario),
          HL_E2E_REQUESTS: requestsFile,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (typeof input === 'function') input(stderr, child.stdin);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = { code, signal, stdout, stderr };
      if (code !== 0) failingOutputs.push(stdout, stderr);
      resolve(result);
    });
    if (typeof input === 'string') child.stdin.end(input);
  });
}

const stored = {
  refresh_token: REFRESH,
  access_token: OLD_ACCESS,
  expiry_date: Date.parse('2026-01-01T00:00:00Z'),
  scope: SCOPE,
  token_type: 'Bearer',
  account: 'me@example.com',
  obtained_at: '2025-12-31T23:00:00.000Z',
};
const storedText = `${JSON.stringify(stored, null, 2)}\n`;
const refreshed = {
  status: 200,
  body: { access_token: NEW_ACCESS, expires_in: 3599, scope: SCOPE, token_type: 'Bearer' },
};
const requests = () =>
  fs.existsSync(requestsFile)
    ? fs
        .readFileSync(requestsFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, string>)
    : [];
const mode = (f: string) => fs.statSync(f).mode & 0o777;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-auth-'));
  dataDir = path.join(dir, 'data');
  tokenFile = path.join(dataDir, 'google-token.json');
  requestsFile = path.join(dir, 'requests.jsonl');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeStored() {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(tokenFile, storedText, { mode: 0o600 });
}

describe('healthlake auth status', () => {
  it('without a token: exit 6 and the one-line instruction naming the file', async () => {
    const run = await cli(['auth', 'status']);
    expect(run).toEqual({
      code: 6,
      signal: null,
      stdout: '',
      stderr: `healthlake: ${ONE_LINE} (no token file at ${tokenFile})\n`,
    });
  });

  it('shows account, scopes, expiry, refresh token present and file mode, and never a token', async () => {
    writeStored();
    const text = await cli(['auth', 'status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${tokenFile} (mode 0600)`);
    expect(text.stdout).toMatch(/^account +me@example\.com$/m);
    expect(text.stdout).toMatch(
      /^scopes +activity_and_fitness\.readonly, .*sleep\.readonly, settings\.readonly, openid, email$/m,
    );
    expect(text.stdout).toMatch(/^refresh token +present$/m);
    expect(text.stdout).toMatch(/^access token +expired 2026-01-01 \(refreshed on the next run\)$/m);

    const json = await cli(['auth', 'status', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      file: tokenFile,
      mode: '0600',
      account: 'me@example.com',
      missingScopes: [],
      refreshToken: true,
      accessTokenExpiry: '2026-01-01T00:00:00.000Z',
      accessTokenExpired: true,
    });
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr])
      for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(requests()).toEqual([]); // status alone asks Google nothing
  });

  it('--check refreshes through the token endpoint and saves the new access token, 0600, refresh token kept', async () => {
    writeStored();
    const run = await cli(['auth', 'status', '--check'], { replies: [refreshed] });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^check +refresh worked$/m);
    expect(requests()).toEqual([
      {
        refresh_token: REFRESH,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_type: 'refresh_token',
      },
    ]);
    const saved = JSON.parse(fs.readFileSync(tokenFile, 'utf8')) as typeof stored;
    expect(saved).toMatchObject({ ...stored, access_token: NEW_ACCESS, expiry_date: expect.any(Number) });
    expect(saved.expiry_date).toBeGreaterThan(Date.now() + 3500_000);
    expect(mode(tokenFile)).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual(['google-token.json']);
  });

  it('an expired consent (invalid_grant): exit 6, one line, the token file untouched', async () => {
    writeStored();
    const run = await cli(['auth', 'status', '--check'], {
      replies: [
        {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
        },
      ],
    });
    expect(run.code).toBe(6);
    expect(run.stdout).toBe('');
    const printed = run.stderr.split('\n').filter((l) => l.startsWith('healthlake: '));
    expect(printed).toEqual([
      `healthlake: ${ONE_LINE} (Google answered invalid_grant: the consent expired or was revoked (a "Testing" consent screen ends it after 7 days))`,
    ]);
    expect(fs.readFileSync(tokenFile, 'utf8')).toBe(storedText);
  });
});

describe('a refresh killed between receiving the new token and saving it', () => {
  it.each([
    ['before the rename (temp file complete)', 'rename'],
    ['while writing the temp file', 'write'],
  ])('%s: the token file is still the old, complete, valid one', async (_, killAt) => {
    writeStored();
    const crashed = await cli(['auth', 'status', '--check'], { replies: [refreshed], killAt });
    expect(crashed.signal).toBe('SIGKILL');
    expect(requests()).toHaveLength(1); // Google answered; the process died saving

    expect(fs.readFileSync(tokenFile, 'utf8')).toBe(storedText);
    const leftovers = fs.readdirSync(dataDir).filter((n) => n !== 'google-token.json');
    for (const name of leftovers) {
      expect(name).toMatch(/^google-token\.json\.\d+$/);
      expect(mode(path.join(dataDir, name))).toBe(0o600); // the temp file never exposed the token either
    }
    expect(leftovers).toHaveLength(1);
    const temp = fs.readFileSync(path.join(dataDir, leftovers[0]!), 'utf8');
    if (killAt === 'rename') {
      // Killed after the new token was received and fully written: it is complete in the temp file only.
      expect(JSON.parse(temp)).toMatchObject({ refresh_token: REFRESH, access_token: NEW_ACCESS });
    } else {
      expect(temp).toBe(''); // killed before a byte was written
    }

    // The next run works with the old file, and removes the (by then old) temp file after its own save.
    const old = new Date(Date.now() - 120_000);
    for (const name of leftovers) fs.utimesSync(path.join(dataDir, name), old, old);
    const next = await cli(['auth', 'status', '--check'], { replies: [refreshed] });
    expect(next.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(tokenFile, 'utf8'))).toMatchObject({
      refresh_token: REFRESH,
      access_token: NEW_ACCESS,
    });
    expect(fs.readdirSync(dataDir)).toEqual(['google-token.json']);
  });
});

describe('healthlake auth --no-browser', () => {
  it('prints the consent URL, takes the pasted code, and stores the token 0600', async () => {
    const idToken = ['{"alg":"RS256"}', '{"email":"me@example.com"}', 'sig']
      .map((p) => Buffer.from(p).toString('base64url'))
      .join('.');
    const run = await cli(
      ['auth', '--no-browser'],
      { replies: [{ status: 200, body: { ...refreshed.body, refresh_token: REFRESH, id_token: idToken } }] },
      '4/0Ab-pasted-code\n',
    );
    expect(run.stderr).toContain('https://accounts.google.com/o/oauth2/v2/auth?');
    expect(run.stdout).toBe(`authorised as me@example.com; token saved to ${tokenFile} (mode 0600)\n`);
    expect(run.code).toBe(0);
    const [exchange] = requests();
    expect(exchange).toMatchObject({ grant_type: 'authorization_code', code: '4/0Ab-pasted-code' });
    expect(exchange!.code_verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(JSON.parse(fs.readFileSync(tokenFile, 'utf8'))).toMatchObject({
      refresh_token: REFRESH,
      scope: SCOPE,
    });
    expect(mode(tokenFile)).toBe(0o600);
    for (const secret of SECRETS) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('stdin closed before anything was pasted: exit 1, nothing saved', async () => {
    const run = await cli(['auth', '--no-browser'], {}, '');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('healthlake: stdin closed before a redirect URL or code was pasted');
    expect(fs.existsSync(tokenFile)).toBe(false);
  });
});

describe('healthlake auth with each kind of OAuth client', () => {
  const clientFile = (doc: object) => {
    const file = path.join(dir, 'client.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const entry = {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  const exchanged = { status: 200, body: { ...refreshed.body, refresh_token: REFRESH } };
  const consentUrl = (text: string) =>
    /https:\/\/accounts\.google\.com\/o\/oauth2\/v2\/auth\?\S+/.exec(text)?.[0];

  it('a Web client (Google’s setup guide): consent URL with redirect https://www.google.com, pasted address accepted', async () => {
    const file = clientFile({ web: { ...entry, redirect_uris: ['https://www.google.com'] } });
    let url: URL | undefined;
    const run = await cli(
      ['auth', '--no-browser', '--client-file', file],
      { replies: [exchanged] },
      (text, stdin) => {
        const found = consentUrl(text);
        if (!url && found) {
          url = new URL(found);
          // What the address bar shows after "Allow": Google's home page with the code.
          stdin.end(
            `https://www.google.com/?state=${url.searchParams.get('state')}&code=4%2F0Ab-web-code&scope=x\n`,
          );
        }
      },
    );
    expect(run.code).toBe(0);
    expect(url?.searchParams.get('redirect_uri')).toBe('https://www.google.com');
    expect(run.stderr).toContain(
      'Google then sends the browser to https://www.google.com/?state=…&code=…&scope=…',
    );
    expect(run.stderr).not.toContain('127.0.0.1');
    expect(requests()).toEqual([
      expect.objectContaining({
        grant_type: 'authorization_code',
        code: '4/0Ab-web-code',
        redirect_uri: 'https://www.google.com',
      }),
    ]);
    expect(run.stdout).toBe(`authorised; token saved to ${tokenFile} (mode 0600)\n`);
  });

  it('a Desktop client keeps the loopback flow: the browser’s redirect to 127.0.0.1 delivers the code', async () => {
    const file = clientFile({ installed: { ...entry, redirect_uris: ['http://localhost'] } });
    let redirected: Promise<number> | undefined;
    const run = await cli(
      ['auth', '--no-browser', '--client-file', file],
      { replies: [exchanged] },
      (text, stdin) => {
        const found = consentUrl(text);
        if (!redirected && found) {
          const url = new URL(found);
          const loopback = new URL(url.searchParams.get('redirect_uri') as string);
          loopback.search = new URLSearchParams({
            state: url.searchParams.get('state')!,
            code: '4/0Ab-loop',
          }).toString();
          // The browser following Google's redirect; stdin stays open (nothing is pasted).
          redirected = fetch(loopback).then((r) => r.status);
          void redirected.then(() => stdin.end());
        }
      },
    );
    expect(run.code).toBe(0);
    expect(await redirected).toBe(200);
    expect(requests()).toEqual([
      expect.objectContaining({
        code: '4/0Ab-loop',
        redirect_uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      }),
    ]);
  });

  it('an unknown client file: exit 3 with one line naming it, nothing asked of Google', async () => {
    const file = clientFile({ type: 'service_account', client_email: 'x@p.iam.gserviceaccount.com' });
    const run = await cli(['auth', '--no-browser', '--client-file', file]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'))).toEqual([
      `healthlake: ${file}: a service-account key, not an OAuth client: Google Health data belongs to a person, ` +
        'who must consent through an OAuth client ("Desktop app" or "Web application"); see "Setting up Google ' +
        'access" in the README',
    ]);
    expect(requests()).toEqual([]);
  });

  it('auth status names the scopes the consent lacks, exit 5', async () => {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const partial = SCOPE.split(' ')
      .filter((s) => !s.endsWith('sleep.readonly'))
      .join(' ');
    fs.writeFileSync(tokenFile, JSON.stringify({ ...stored, scope: partial }), { mode: 0o600 });
    const run = await cli(['auth', 'status']);
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/^MISSING +sleep\.readonly: run `healthlake auth` and tick every box$/m);
    const json = JSON.parse((await cli(['auth', 'status', '--json'])).stdout) as { missingScopes: string[] };
    expect(json.missingScopes).toEqual(['https://www.googleapis.com/auth/googlehealth.sleep.readonly']);
  });
});

afterAll(() => {
  // Every output of every failing run above, logs at trace level included: no token, secret or header.
  expect(failingOutputs.length).toBeGreaterThan(0);
  const all = failingOutputs.join('\n');
  for (const secret of SECRETS) expect(all).not.toContain(secret);
  expect(all).not.toMatch(/authorization/i);
  expect(all).not.toMatch(/bearer/i);
});
