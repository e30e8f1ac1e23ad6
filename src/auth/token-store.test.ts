import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../errors';
import {
  AUTH_REQUIRED_MESSAGE,
  AuthRequiredError,
  createTokenStore,
  mergeRefreshed,
  type StoredToken,
} from './token-store';

const REFRESH = '1//refresh-SECRET-abc';
const ACCESS = 'ya29.access-SECRET-xyz';

const token = (over: Partial<StoredToken> = {}): StoredToken => ({
  refresh_token: REFRESH,
  access_token: ACCESS,
  expiry_date: 1_800_000_000_000,
  scope: 'openid email',
  token_type: 'Bearer',
  account: 'me@example.com',
  obtained_at: '2026-11-29T08:00:00.000Z',
  ...over,
});

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

async function authError(promise: Promise<unknown>): Promise<AuthRequiredError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthRequiredError);
  return err as AuthRequiredError;
}

describe('token store', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-token-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes <dataDir>/google-token.json with mode 0600 in a new 0700 folder, and reads it back', async () => {
    const dataDir = path.join(root, 'data', 'healthlake');
    const store = createTokenStore(dataDir);
    const previousUmask = process.umask(0); // even a permissive umask must not widen the modes
    try {
      await store.writeToken(token());
    } finally {
      process.umask(previousUmask);
    }
    expect(store.file).toBe(path.join(dataDir, 'google-token.json'));
    expect(modeOf(store.file)).toBe(0o600);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(await store.readToken()).toEqual(token());
    expect(fs.readdirSync(dataDir)).toEqual(['google-token.json']); // no temp file left behind
  });

  it('replaces an existing file, also one that had a wider mode', async () => {
    const store = createTokenStore(root);
    fs.writeFileSync(store.file, JSON.stringify(token({ access_token: 'old' })), { mode: 0o644 });
    await store.writeToken(token());
    expect(modeOf(store.file)).toBe(0o600);
    expect((await store.readToken()).access_token).toBe(ACCESS);
  });

  it('no file: AuthRequiredError, exit 6, the one-line instruction and the path', async () => {
    const store = createTokenStore(root);
    const err = await authError(store.readToken());
    expect(err.exitCode).toBe(ExitCode.authRequired);
    expect(err.message).toBe(`${AUTH_REQUIRED_MESSAGE} (no token file at ${store.file})`);
    expect(err.message).not.toContain('\n');
  });

  it.each([
    ['truncated JSON', `{"refresh_token": "${REFRESH}", "access_tok`],
    ['not JSON at all', `${REFRESH} ${ACCESS}`],
    ['a wrong shape', JSON.stringify({ refresh_token: 42, access_token: ACCESS, scope: REFRESH })],
    ['an empty file', ''],
  ])('%s: AuthRequiredError naming the file, never quoting its content', async (_, content) => {
    const store = createTokenStore(root);
    fs.writeFileSync(store.file, content, { mode: 0o600 });
    const err = await authError(store.readToken());
    expect(err.message).toContain(`${store.file} is not a valid token file`);
    expect(err.message).not.toMatch(/SECRET/);
    expect(err.message).not.toContain('\n');
  });

  it('names the invalid fields of a wrong shape', async () => {
    const store = createTokenStore(root);
    fs.writeFileSync(store.file, JSON.stringify({ refresh_token: 42, scope: 'x' }));
    const err = await authError(store.readToken());
    expect(err.message).toMatch(/refresh_token: Expected string, received number; obtained_at: Required/);
  });

  it('removes temp files a killed save left behind once they are a minute old, and only those', async () => {
    const store = createTokenStore(root);
    const old = `${store.file}.123456789`;
    const fresh = `${store.file}.987654321`;
    const unrelated = path.join(root, 'google-token.json.bak');
    for (const f of [old, fresh, unrelated]) fs.writeFileSync(f, 'x');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    await store.writeToken(token());
    expect(fs.readdirSync(root).sort()).toEqual(
      ['google-token.json', 'google-token.json.987654321', 'google-token.json.bak'].sort(),
    );
  });
});

describe('mergeRefreshed', () => {
  it('keeps the original refresh token, account and consent time when the answer has none', () => {
    const merged = mergeRefreshed(token(), {
      access_token: 'ya29.new',
      expiry_date: 1_900_000_000_000,
      scope: 'openid',
      token_type: 'Bearer',
    });
    expect(merged).toEqual(
      token({ access_token: 'ya29.new', expiry_date: 1_900_000_000_000, scope: 'openid' }),
    );
  });

  it('takes a rotated refresh token, and keeps the scopes when the answer omits them', () => {
    const merged = mergeRefreshed(token(), { access_token: 'a', refresh_token: '1//rotated', scope: null });
    expect(merged.refresh_token).toBe('1//rotated');
    expect(merged.scope).toBe('openid email');
    expect(merged.expiry_date).toBeUndefined();
  });
});
