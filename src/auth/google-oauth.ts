import crypto from 'node:crypto';
import { CodeChallengeMethod, type Credentials, type OAuth2Client } from 'google-auth-library';
import { HealthlakeError } from '../errors';
import { silentLogger, type Logger } from '../util/log';
import { openSystemBrowser, readPastedCode, startLoopback, type Loopback } from './consent-callback';
import { createOAuthClient, type ClientCredentials, type OAuthClientOptions } from './oauth-client';
import { HEALTH_SCOPES, SCOPES } from './scopes';
import { AuthRequiredError, mergeRefreshed, type StoredToken, type TokenStore } from './token-store';

/**
 * Google OAuth 2.0 for healthlake: consent once in a browser (PKCE, `state`), the code coming back through a
 * loopback redirect (a "Desktop app" client) or pasted from the address bar (a "Web application" client whose
 * redirect is https://www.google.com, as Google's Health setup guide creates it; see oauth-client.ts), then
 * refresh the access token from cron with the stored refresh token.
 * Error messages are built from Google's error CODE only (`invalid_grant`), never from gaxios' messages or
 * configs, which can carry the request body (refresh token, client secret) or an Authorization header.
 */

export { AuthRequiredError };
export { parsePasted } from './consent-callback';

export { HEALTH_SCOPE_PREFIX, HEALTH_SCOPES, SCOPES } from './scopes';
export {
  createOAuthClient,
  resolveClientCredentials,
  WEB_REDIRECT_URI,
  type ClientCredentials,
  type OAuthClientKind,
  type OAuthClientOptions,
} from './oauth-client';

/** Google's error code and HTTP status of a failed token request, without anything secret. */
export function googleErrorSummary(err: unknown): { status?: number; error?: string; network?: string } {
  const e = err as { response?: { status?: unknown; data?: unknown }; code?: unknown } | undefined;
  const status = typeof e?.response?.status === 'number' ? e.response.status : undefined;
  const data = e?.response?.data as { error?: unknown } | undefined;
  const code = typeof data?.error === 'string' && /^[a-z_]{1,64}$/.test(data.error) ? data.error : undefined;
  const network = typeof e?.code === 'string' && /^E[A-Z_]{2,40}$/.test(e.code) ? e.code : undefined;
  return { status, error: code, network };
}

function tokenRequestError(err: unknown, what: string): HealthlakeError {
  const { status, error, network } = googleErrorSummary(err);
  if (error === 'invalid_grant') {
    return new AuthRequiredError(
      'Google answered invalid_grant: the consent expired or was revoked (a "Testing" consent screen ends it after 7 days)',
    );
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return new AuthRequiredError(
      `Google rejected the OAuth client (${error}): check GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET or --client-file`,
    );
  }
  const detail = status ? `HTTP ${status}${error ? ` ${error}` : ''}` : (network ?? 'no answer');
  return new HealthlakeError(`${what} failed: ${detail}`);
}

// ---------------------------------------------------------------------------------------------------------
// Consent: `healthlake auth`

export interface AuthorizeOptions extends ClientCredentials, Pick<OAuthClientOptions, 'fetchImplementation'> {
  store: TokenStore;
  /** Print the URL and read the pasted redirect URL (or code) instead of opening a browser. */
  noBrowser: boolean;
  /** Opens the consent URL; default: xdg-open / open / start. The URL is printed either way. */
  openBrowser?: (url: string) => void;
  /** Asks for the pasted redirect URL or code; default: a line from stdin. */
  prompt?: (question: string) => Promise<string>;
  /** Where instructions go (default stderr: stdout carries only the result). */
  output?: NodeJS.WritableStream;
  timeoutMs?: number;
  log?: Logger;
  now?: () => number;
}

export interface AuthorizeResult {
  token: StoredToken;
  /** Requested health scopes Google did not grant (the user unticked them); empty when all were granted. */
  missingScopes: string[];
}

/**
 * What the user is told to do with the browser: Google's consent URL, and where the code comes back. A
 * Desktop client listens on the loopback redirect (and, with --no-browser, also takes the pasted address); a
 * Web client can only be answered by pasting the https://www.google.com/?code=… address.
 */
function instructions(
  url: string,
  redirectUri: string,
  loopback: Loopback | undefined,
  noBrowser: boolean,
): string {
  if (!loopback) {
    return (
      `${noBrowser ? 'Open this URL in a browser' : "Opening the browser for Google's consent. If it does not open, visit"}` +
      ` and allow access:\n\n${url}\n\n` +
      `Google then sends the browser to ${redirectUri}/?state=…&code=…&scope=… (the Google search page). Copy ` +
      'that whole address from the address bar and paste it here; the code alone (the text after "code=" up ' +
      'to the next "&") works too. The code is valid for a few minutes and for one use.\n'
    );
  }
  if (noBrowser) {
    return (
      `Open this URL in a browser on any machine and allow access:\n\n${url}\n\n` +
      `The browser then goes to ${redirectUri}/?code=…, which fails to load on another machine: copy that whole ` +
      `address from the address bar and paste it here (or forward the port: ssh -L ${loopback.port}:127.0.0.1:${loopback.port} this-host).\n`
    );
  }
  return (
    `Opening the browser for Google's consent. If it does not open, visit:\n\n${url}\n\n` +
    '(No browser on this machine? Run `healthlake auth --no-browser`.)\n'
  );
}

/** The consent flow: PKCE + state, the code (loopback or pasted), its exchange, and the token saved atomically. */
export async function authorize(options: AuthorizeOptions): Promise<AuthorizeResult> {
  const log = options.log ?? silentLogger;
  const out = options.output ?? process.stderr;
  const state = crypto.randomBytes(24).toString('base64url');
  const web = options.kind === 'web';
  if (web && !options.redirectUri) throw new HealthlakeError('a Web client needs its redirect URI (a bug)');
  const loopback = web ? undefined : await startLoopback(state);
  const redirectUri = loopback ? `http://127.0.0.1:${loopback.port}` : (options.redirectUri as string);
  const client = createOAuthClient(options, {
    redirectUri,
    fetchImplementation: options.fetchImplementation,
  });
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    access_type: 'offline', // a refresh token, for cron
    prompt: 'consent', // without it a repeated consent returns no new refresh token
    scope: SCOPES,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
  });

  let pasteController: AbortController | undefined;
  const timeoutMs = options.timeoutMs ?? 10 * 60 * 1000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const waiting: Array<Promise<string>> = loopback ? [loopback.code] : [];
    out.write(instructions(url, redirectUri, loopback, options.noBrowser));
    if (!options.noBrowser) (options.openBrowser ?? openSystemBrowser)(url);
    if (options.noBrowser || !loopback) {
      pasteController = new AbortController();
      waiting.push(readPastedCode(options.prompt, state, out, pasteController.signal));
    }
    waiting.push(
      new Promise<string>((_, reject) => {
        timer = setTimeout(
          () => reject(new HealthlakeError(`no answer from the browser within ${timeoutMs / 60000} min`)),
          timeoutMs,
        );
      }),
    );
    const code = await Promise.race(waiting);
    log.info({ stage: 'auth' }, 'authorisation code received; exchanging it');

    let tokens: Credentials;
    try {
      tokens = (await client.getToken({ code, codeVerifier, redirect_uri: redirectUri })).tokens;
    } catch (err) {
      throw tokenRequestError(err, 'exchanging the authorisation code');
    }
    if (!tokens.refresh_token) {
      throw new HealthlakeError(
        'Google returned no refresh token; remove healthlake at https://myaccount.google.com/connections and run `healthlake auth` again',
      );
    }
    const granted = (tokens.scope ?? '').split(/\s+/).filter(Boolean);
    const token: StoredToken = {
      refresh_token: tokens.refresh_token,
      access_token: tokens.access_token ?? undefined,
      expiry_date: tokens.expiry_date ?? undefined,
      scope: granted.join(' '),
      token_type: tokens.token_type ?? undefined,
      account: accountOf(tokens.id_token),
      obtained_at: new Date((options.now ?? Date.now)()).toISOString(),
    };
    await options.store.writeToken(token);
    log.info({ stage: 'auth', file: options.store.file, account: token.account }, 'token saved');
    return { token, missingScopes: HEALTH_SCOPES.filter((s) => !granted.includes(s)) };
  } finally {
    clearTimeout(timer);
    pasteController?.abort();
    loopback?.close();
  }
}

/**
 * The e-mail claim of the consent's id_token. Its signature is not checked: it came straight from Google's
 * token endpoint over TLS (OpenID Connect Core 3.1.3.7), and it is only shown to the user.
 */
function accountOf(idToken: string | null | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { email?: unknown };
    return typeof claims.email === 'string' ? claims.email : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Access tokens for API calls (cron)

export interface TokenProvider {
  /** A valid access token: the stored one while it has more than a minute left, else a refreshed (and saved) one. */
  getAccessToken(): Promise<string>;
  /**
   * Call when the API answered 401: refreshes once and returns the new token, or throws AuthRequiredError if
   * the token that got the 401 was itself just refreshed (the grant is gone even though refresh still works).
   */
  onUnauthorized(): Promise<string>;
}

export interface TokenProviderOptions {
  log?: Logger;
  now?: () => number;
  /** Refresh this long before expiry, so a token does not expire in the middle of a request. */
  marginMs?: number;
}

export function tokenProvider(
  store: TokenStore,
  client: OAuth2Client,
  options: TokenProviderOptions = {},
): TokenProvider {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  const marginMs = options.marginMs ?? 60_000;
  let current: StoredToken | undefined;
  let refreshedHere = false;
  let inFlight: Promise<string> | undefined;

  const load = async () => (current ??= await store.readToken());

  const refresh = async (): Promise<string> => {
    const previous = await load();
    client.setCredentials({ refresh_token: previous.refresh_token });
    // The 'tokens' event carries Google's answer as sent; refreshAccessToken() itself overwrites a rotated
    // refresh token with the old one.
    let answer: Credentials | undefined;
    const capture = (tokens: Credentials) => (answer = { ...tokens });
    client.on('tokens', capture);
    try {
      await client.refreshAccessToken();
    } catch (err) {
      const mapped = tokenRequestError(err, 'refreshing the Google access token');
      log.error({ stage: 'auth', ...googleErrorSummary(err) }, mapped.message);
      throw mapped;
    } finally {
      client.off('tokens', capture);
    }
    if (!answer?.access_token)
      throw new HealthlakeError('Google answered the refresh without an access token');
    const merged = mergeRefreshed(previous, answer);
    current = merged;
    refreshedHere = true;
    try {
      await store.writeToken(merged);
    } catch (err) {
      // The file still holds the same refresh token, so the next run refreshes again; only a rotated
      // refresh token must not be lost.
      const code = (err as NodeJS.ErrnoException).code ?? 'write error';
      if (merged.refresh_token !== previous.refresh_token) {
        throw new HealthlakeError(`could not save Google's new refresh token to ${store.file}: ${code}`);
      }
      log.warn(
        { stage: 'auth', file: store.file, code },
        'could not save the refreshed access token; continuing',
      );
    }
    log.info(
      { stage: 'auth', expires: new Date(merged.expiry_date ?? 0).toISOString() },
      'access token refreshed',
    );
    return merged.access_token as string;
  };

  const refreshOnce = () => {
    inFlight ??= refresh().finally(() => (inFlight = undefined));
    return inFlight;
  };

  return {
    async getAccessToken() {
      const token = await load();
      if (token.access_token && token.expiry_date !== undefined && token.expiry_date - marginMs > now()) {
        return token.access_token;
      }
      return refreshOnce();
    },
    async onUnauthorized() {
      if (refreshedHere) {
        throw new AuthRequiredError('the Google Health API answered 401 to a freshly refreshed access token');
      }
      return refreshOnce();
    },
  };
}
