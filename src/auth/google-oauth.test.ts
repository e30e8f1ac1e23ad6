import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import pino from 'pino';
import { ExitCode, HealthlakeError } from '../errors';
import {
  AuthRequiredError,
  HEALTH_SCOPES,
  SCOPES,
  authorize,
  createOAuthClient,
  parsePasted,
  tokenProvider,
  type AuthorizeOptions,
} from './google-oauth';
import { AUTH_REQUIRED_MESSAGE, createTokenStore, type StoredToken, type TokenStore } from './token-store';

const GOOGLE = 'https://oauth2.googleapis.com';
const CLIENT = { clientId: 'cid-123.apps.googleusercontent.com', clientSecret: 'GOCSPX-client-SECRET' };
const REFRESH = '1//refresh-SECRET-token';
const OLD_ACCESS = 'ya29.old-SECRET-access';
const NEW_ACCESS = 'ya29.new-SECRET-access';
const SECRETS = [REFRESH, OLD_ACCESS, NEW_ACCESS, CLIENT.clientSecret];
const NOW = Date.parse('2026-11-29T06:00:00Z');

function memoryLogger() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'trace' }, { write: (l: string) => lines.push(l) }) };
}

let root: string;
let store: TokenStore;
let log: ReturnType<typeof memoryLogger>;

const stored = (over: Partial<StoredToken> = {}): StoredToken => ({
  refresh_token: REFRESH,
  access_token: OLD_ACCESS,
  expiry_date: NOW - 1000, // expired a second ago
  scope: SCOPES.join(' '),
  token_type: 'Bearer',
  account: 'me@example.com',
  obtained_at: '2026-11-28T06:00:00.000Z',
  ...over,
});

const refreshBody = {
  grant_type: 'refresh_token',
  refresh_token: REFRESH,
  client_id: CLIENT.clientId,
  client_secret: CLIENT.clientSecret,
};

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // the loopback redirect server of authorize()
});
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-oauth-'));
  store = createTokenStore(root);
  log = memoryLogger();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  fs.rmSync(root, { recursive: true, force: true });
  expect(pending).toEqual([]);
  for (const secret of SECRETS) expect(log.lines.join('\n')).not.toContain(secret);
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

// gaxios' default HTTP (node-fetch, imported dynamically) cannot load inside jest's VM; nock intercepts fetch too.
const client = () => createOAuthClient(CLIENT, { fetchImplementation: fetch });
const provider = () => tokenProvider(store, client(), { log: log.logger, now: () => NOW });

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('tokenProvider', () => {
  it('returns the stored access token while it is valid, without asking Google', async () => {
    await store.writeToken(stored({ expiry_date: NOW + 30 * 60_000 }));
    expect(await provider().getAccessToken()).toBe(OLD_ACCESS);
  });

  it('refreshes an expired token at the token endpoint and saves it (0600), keeping the refresh token', async () => {
    await store.writeToken(stored());
    nock(GOOGLE)
      .post('/token', refreshBody)
      .reply(200, {
        access_token: NEW_ACCESS,
        expires_in: 3599,
        scope: SCOPES.join(' '),
        token_type: 'Bearer',
      });
    const before = Date.now();
    expect(await provider().getAccessToken()).toBe(NEW_ACCESS);

    const saved = await store.readToken();
    expect(saved).toMatchObject({ ...stored(), access_token: NEW_ACCESS, expiry_date: expect.any(Number) });
    expect(saved.expiry_date!).toBeGreaterThanOrEqual(before + 3599_000);
    expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
  });

  it('refreshes a token that expires within the margin, once for concurrent callers', async () => {
    await store.writeToken(stored({ expiry_date: NOW + 30_000 }));
    nock(GOOGLE)
      .post('/token', refreshBody)
      .once()
      .reply(200, { access_token: NEW_ACCESS, expires_in: 3599 });
    const p = provider();
    expect(await Promise.all([p.getAccessToken(), p.getAccessToken()])).toEqual([NEW_ACCESS, NEW_ACCESS]);
  });

  it('stores a rotated refresh token when Google sends one', async () => {
    await store.writeToken(stored());
    nock(GOOGLE)
      .post('/token')
      .reply(200, { access_token: NEW_ACCESS, expires_in: 3599, refresh_token: '1//rotated' });
    await provider().getAccessToken();
    expect((await store.readToken()).refresh_token).toBe('1//rotated');
  });

  it('invalid_grant: AuthRequiredError, exit 6, one line, the stored token file untouched', async () => {
    await store.writeToken(stored());
    const before = fs.readFileSync(store.file, 'utf8');
    nock(GOOGLE)
      .post('/token', refreshBody)
      .reply(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const err = await failure(provider().getAccessToken());
    expect(err).toBeInstanceOf(AuthRequiredError);
    expect((err as AuthRequiredError).exitCode).toBe(ExitCode.authRequired);
    expect(err.message.startsWith(AUTH_REQUIRED_MESSAGE)).toBe(true);
    expect(err.message).toContain('invalid_grant');
    expect(err.message).not.toContain('\n');
    for (const secret of SECRETS) expect(`${err.message}${err.stack}`).not.toContain(secret);
    expect(fs.readFileSync(store.file, 'utf8')).toBe(before);
  });

  it('invalid_client: AuthRequiredError pointing at the client settings', async () => {
    await store.writeToken(stored());
    nock(GOOGLE).post('/token').reply(401, { error: 'invalid_client', error_description: 'Unauthorized' });
    const err = await failure(provider().getAccessToken());
    expect(err).toBeInstanceOf(AuthRequiredError);
    expect(err.message).toMatch(/invalid_client.*GOOGLE_CLIENT_ID/);
  });

  it('a token endpoint that keeps failing: exit 1 naming the HTTP status, never the request', async () => {
    await store.writeToken(stored());
    nock(GOOGLE).post('/token').times(4).reply(503, { error: 'backend_error' }); // 1 try + 3 gaxios retries
    const err = await failure(provider().getAccessToken());
    expect(err).not.toBeInstanceOf(AuthRequiredError);
    expect(err).toBeInstanceOf(HealthlakeError);
    expect((err as HealthlakeError).exitCode).toBe(ExitCode.failure);
    expect(err.message).toBe('refreshing the Google access token failed: HTTP 503 backend_error');
  }, 20000);

  it('no token file: AuthRequiredError without any request', async () => {
    const err = await failure(provider().getAccessToken());
    expect(err).toBeInstanceOf(AuthRequiredError);
    expect(err.message).toContain('no token file at');
  });

  it('a 401 from the API: one refresh; a 401 to the freshly refreshed token: AuthRequiredError', async () => {
    await store.writeToken(stored({ expiry_date: NOW + 30 * 60_000 }));
    nock(GOOGLE).post('/token', refreshBody).reply(200, { access_token: NEW_ACCESS, expires_in: 3599 });
    const p = provider();
    expect(await p.getAccessToken()).toBe(OLD_ACCESS);
    expect(await p.onUnauthorized()).toBe(NEW_ACCESS);
    const err = await failure(p.onUnauthorized());
    expect(err).toBeInstanceOf(AuthRequiredError);
    expect(err.message).toContain('401');
  });

  it('a failed save keeps the run going with the new token (the file still holds the refresh token)', async () => {
    await store.writeToken(stored());
    nock(GOOGLE).post('/token').reply(200, { access_token: NEW_ACCESS, expires_in: 3599 });
    const failingStore: TokenStore = {
      ...store,
      writeToken: async () => {
        throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      },
    };
    const p = tokenProvider(failingStore, client(), { log: log.logger, now: () => NOW });
    expect(await p.getAccessToken()).toBe(NEW_ACCESS);
    expect(log.lines.some((l) => l.includes('could not save the refreshed access token'))).toBe(true);
  });
});

/** A fake browser: follows the consent URL's redirect_uri with the given query, as Google would. */
function redirect(url: string, query: Record<string, string>): Promise<number> {
  const consent = new URL(url);
  const target = new URL(consent.searchParams.get('redirect_uri')!);
  for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
  return new Promise((resolve, reject) => {
    http
      .get(target, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

const idToken = (claims: object) =>
  ['{"alg":"RS256"}', JSON.stringify(claims), 'sig']
    .map((p) => Buffer.from(p).toString('base64url'))
    .join('.');

function tokenExchange(
  scope = SCOPES.join(' '),
  extra: object = {},
  redirectUri: RegExp = /^http:\/\/127\.0\.0\.1:\d+$/,
) {
  return nock(GOOGLE)
    .post('/token', (body: Record<string, string>) => {
      // PKCE: a verifier of 43-128 characters; the redirect_uri is the one the consent used.
      return (
        body.grant_type === 'authorization_code' &&
        body.code === '4/0Ab-code' &&
        /^[A-Za-z0-9._~-]{43,128}$/.test(body.code_verifier ?? '') &&
        redirectUri.test(body.redirect_uri ?? '') &&
        body.client_id === CLIENT.clientId &&
        body.client_secret === CLIENT.clientSecret
      );
    })
    .reply(200, {
      access_token: NEW_ACCESS,
      refresh_token: REFRESH,
      expires_in: 3599,
      scope,
      token_type: 'Bearer',
      id_token: idToken({ email: 'me@example.com' }),
      ...extra,
    });
}

describe('authorize', () => {
  const output = () => {
    const chunks: string[] = [];
    return { chunks, stream: { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream };
  };

  it('opens the consent URL (offline, consent, PKCE S256, state), ignores a forged redirect, saves the token', async () => {
    tokenExchange();
    const out = output();
    let consentUrl = '';
    const forgedStatus: number[] = [];
    const result = await authorize({
      ...CLIENT,
      fetchImplementation: fetch,
      store,
      noBrowser: false,
      output: out.stream,
      log: log.logger,
      now: () => NOW,
      openBrowser: (url) => {
        consentUrl = url;
        void (async () => {
          forgedStatus.push(await redirect(url, { code: 'forged', state: 'not-the-state' }));
          const state = new URL(url).searchParams.get('state')!;
          await redirect(url, { code: '4/0Ab-code', state, scope: SCOPES.join(' ') });
        })();
      },
    });
    const q = new URL(consentUrl).searchParams;
    expect(consentUrl.startsWith('https://accounts.google.com/o/oauth2/v2/auth?')).toBe(true);
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('scope')!.split(' ')).toEqual(SCOPES);
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(forgedStatus).toEqual([400]);
    expect(out.chunks.join('')).toContain(consentUrl);

    expect(result.missingScopes).toEqual([]);
    expect(result.token).toEqual({
      refresh_token: REFRESH,
      access_token: NEW_ACCESS,
      expiry_date: expect.any(Number),
      scope: SCOPES.join(' '),
      token_type: 'Bearer',
      account: 'me@example.com',
      obtained_at: new Date(NOW).toISOString(),
    });
    expect(await store.readToken()).toEqual(result.token);
    expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
  });

  it('--no-browser: prints the URL and takes the pasted redirect URL', async () => {
    tokenExchange(SCOPES.filter((s) => !s.endsWith('sleep.readonly')).join(' '));
    const out = output();
    const result = await authorize({
      ...CLIENT,
      fetchImplementation: fetch,
      store,
      noBrowser: true,
      output: out.stream,
      openBrowser: () => {
        throw new Error('must not open a browser');
      },
      prompt: async () => {
        const url = /https:\/\/accounts\.google\.com\S+/.exec(out.chunks.join(''))![0];
        const state = new URL(url).searchParams.get('state')!;
        return `  http://127.0.0.1:1/?state=${state}&code=4%2F0Ab-code&scope=x  `;
      },
    });
    // The user unticked sleep on Google's granular consent screen.
    expect(result.missingScopes).toEqual(HEALTH_SCOPES.filter((s) => s.endsWith('sleep.readonly')));
    expect(out.chunks.join('')).toMatch(/copy that whole address/);
  });

  /** A Web client's consent, Google's token endpoint expecting the redirect https://www.google.com. */
  const webAuthorize = (extra: Pick<AuthorizeOptions, 'noBrowser'> & Partial<AuthorizeOptions>) => {
    tokenExchange(SCOPES.join(' '), {}, /^https:\/\/www\.google\.com$/);
    return authorize({
      ...CLIENT,
      kind: 'web',
      redirectUri: 'https://www.google.com',
      fetchImplementation: fetch,
      store,
      ...extra,
    });
  };

  it('a Web client: redirect https://www.google.com, no loopback, the pasted address bar exchanged', async () => {
    const out = output();
    let opened = '';
    const result = await webAuthorize({
      noBrowser: false,
      output: out.stream,
      openBrowser: (url) => (opened = url),
      prompt: async () => {
        const state = new URL(opened).searchParams.get('state')!;
        return `https://www.google.com/?state=${state}&code=4%2F0Ab-code&scope=${encodeURIComponent(SCOPES.join(' '))}`;
      },
    });
    const q = new URL(opened).searchParams;
    expect(q.get('redirect_uri')).toBe('https://www.google.com');
    expect(q.get('code_challenge_method')).toBe('S256');
    const said = out.chunks.join('');
    expect(said).toContain(opened);
    expect(said).toContain('Google then sends the browser to https://www.google.com/?state=…&code=…&scope=…');
    expect(said).toMatch(/Copy that whole address from the address bar and paste it here/);
    expect(said).not.toMatch(/127\.0\.0\.1|ssh -L/);
    expect(result.missingScopes).toEqual([]);
    expect((await store.readToken()).refresh_token).toBe(REFRESH);
  });

  it('a Web client with --no-browser takes the bare code, even percent-encoded from the address bar', async () => {
    const out = output();
    await webAuthorize({
      noBrowser: true,
      output: out.stream,
      openBrowser: () => {
        throw new Error('must not open a browser');
      },
      prompt: async () => '4%2F0Ab-code',
    });
    expect(out.chunks.join('')).toMatch(/^Open this URL in a browser and allow access/);
  });

  it('a denied consent fails with the error code and saves nothing', async () => {
    const err = await failure(
      authorize({
        ...CLIENT,
        fetchImplementation: fetch,
        store,
        noBrowser: false,
        output: output().stream,
        openBrowser: (url) =>
          void redirect(url, { error: 'access_denied', state: new URL(url).searchParams.get('state')! }),
      }),
    );
    expect(err.message).toBe('Google did not grant access (access_denied)');
    expect(fs.existsSync(store.file)).toBe(false);
  });

  it('an answer without a refresh token fails and saves nothing', async () => {
    tokenExchange(SCOPES.join(' '), { refresh_token: undefined });
    const err = await failure(
      authorize({
        ...CLIENT,
        fetchImplementation: fetch,
        store,
        noBrowser: true,
        output: output().stream,
        prompt: async () => '4/0Ab-code',
      }),
    );
    expect(err.message).toMatch(/no refresh token/);
    expect(fs.existsSync(store.file)).toBe(false);
  });
});

describe('parsePasted', () => {
  it('accepts the redirect URL with the right state, or a bare code', () => {
    expect(parsePasted('http://127.0.0.1:5/?state=S&code=4/abc', 'S')).toEqual({ code: '4/abc' });
    expect(parsePasted('4/0AbCdEfGhIjK', 'S')).toEqual({ code: '4/0AbCdEfGhIjK' });
  });

  it('refuses another attempt’s URL and an error redirect; asks again for anything else', () => {
    expect(parsePasted('http://127.0.0.1:5/?state=T&code=4/abc', 'S').fatal).toMatch(/another/);
    expect(parsePasted('http://127.0.0.1:5/?state=S&error=access_denied', 'S').fatal).toMatch(
      /access_denied/,
    );
    expect(parsePasted('http://127.0.0.1:5/?state=S', 'S').retry).toBeDefined();
    expect(parsePasted('', 'S').retry).toBeDefined();
    expect(parsePasted('hello world', 'S').retry).toBeDefined();
  });
});
