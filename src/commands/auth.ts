import { authorize, createOAuthClient, resolveClientCredentials, tokenProvider } from '../auth/google-oauth';
import { missingHealthScopes, shortScope } from '../auth/scopes';
import { createTokenStore, fileModeOf, type StoredToken } from '../auth/token-store';
import { ExitCode, HealthlakeError } from '../errors';
import { defineCommand, defineCommandGroup } from '../cli/define-command';
import { jsonOption } from '../cli/options';
import { formatTime } from '../time';

/**
 * `healthlake auth`: the one-off Google consent that cron collection depends on, and `auth status` to see
 * what is stored. Neither ever prints a token: status shows only whether a refresh token is present.
 */

const CLIENT_FILE_OPTION = {
  type: 'string',
  requiresArg: true,
  describe:
    'OAuth client JSON downloaded from the Cloud console: {"installed": …} (Desktop app: loopback redirect) or ' +
    '{"web": …} (Web application with the redirect https://www.google.com: paste the address); default ' +
    'GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET (GOOGLE_CLIENT_TYPE desktop or web)',
} as const;

/** A "Testing" consent screen (External) ends authorisations 7 days after consent. */
const TESTING_CONSENT_DAYS = 7;

export const authStatusCommand = defineCommand({
  command: 'status',
  describe: 'Show the stored Google authorisation: account, scopes, expiry, file mode (never a token)',
  options: {
    json: jsonOption('Print as JSON (also when there is no usable authorisation, with exit 6)'),
    check: {
      type: 'boolean',
      default: false,
      describe: 'Also refresh the access token now (one request to Google) to prove the consent still works',
    },
    'client-file': CLIENT_FILE_OPTION,
  },
  epilog:
    'Exit codes: 0 ok, 5 a Google Health scope was not granted (shown as MISSING), 6 no usable ' +
    'authorisation (run "healthlake auth"), 1 the check failed otherwise.',
  handler: async (args, { config, log }) => {
    const store = createTokenStore(config.dataDir);
    try {
      let token = await store.readToken(); // AuthRequiredError (exit 6) when missing or unreadable
      let checked: string | undefined;
      if (args.check) {
        const credentials = resolveClientCredentials({ ...config.google, clientFile: args['client-file'] });
        const provider = tokenProvider(store, createOAuthClient(credentials), { log, marginMs: Infinity });
        await provider.getAccessToken();
        token = await store.readToken();
        checked = 'refresh worked';
      }
      const status = describeToken(token, store.file, Date.now());
      if (args.json)
        console.log(JSON.stringify({ authorised: true, ...status, check: checked ?? null }, null, 2));
      else printStatus(status, checked);
      if (status.missingScopes.length > 0) process.exitCode = ExitCode.skippedInput;
    } catch (err) {
      // A script reading --json gets an answer on stdout too; the one line on stderr says what to do.
      if (args.json && err instanceof HealthlakeError && err.exitCode === ExitCode.authRequired) {
        console.log(JSON.stringify({ authorised: false, file: store.file, reason: err.message }, null, 2));
      }
      throw err;
    }
  },
});

/** `healthlake auth` itself: the consent. A default sub-command, so `auth status` does not inherit its options. */
const authConsentCommand = defineCommand({
  command: '$0',
  describe: 'Give (or renew) the Google consent and store the token',
  options: {
    browser: {
      type: 'boolean',
      default: true,
      describe:
        'Open a browser on this machine; --no-browser prints the URL to open elsewhere and reads the pasted redirect URL or code',
    },
    'client-file': CLIENT_FILE_OPTION,
  },
  epilog:
    'Asks for read-only Google Health scopes (activity, health metrics, sleep, settings) plus "openid email" ' +
    'to show the account. A Desktop app client gets the code through a loopback redirect; a Web ' +
    "application client (redirect https://www.google.com, as Google's setup guide creates it) through the " +
    'address you paste. The token is stored in the data directory, mode 0600. Exit codes: 0 ok, 1 failure, ' +
    '3 no usable OAuth client configured, 5 a health scope was not granted (collection skips its data).',
  handler: async (args, { config, log }) => {
    const credentials = resolveClientCredentials({ ...config.google, clientFile: args['client-file'] });
    const store = createTokenStore(config.dataDir);
    log.info(
      { stage: 'auth', file: store.file, client: credentials.kind, noBrowser: !args.browser },
      'starting Google consent',
    );
    const { token, missingScopes } = await authorize({
      ...credentials,
      store,
      noBrowser: !args.browser,
      log,
    });
    console.log(
      `authorised${token.account ? ` as ${token.account}` : ''}; token saved to ${store.file} (mode ${fileModeOf(store.file) ?? '?'})`,
    );
    if (missingScopes.length > 0) {
      console.error(
        `healthlake: Google did not grant ${missingScopes.map(shortScope).join(', ')}; collect skips the data ` +
          'they open and names them. To collect everything, run `healthlake auth` again and tick every box',
      );
      process.exitCode = ExitCode.skippedInput;
    }
  },
});

/** `healthlake auth [--no-browser]` and `healthlake auth status`. */
export const authCommand = defineCommandGroup({
  command: 'auth',
  describe: 'Authorise healthlake to read your Google Health data (once; again when Google ends the consent)',
  subcommands: [authConsentCommand, authStatusCommand],
});

export interface TokenStatus {
  file: string;
  mode?: string;
  /** True when group or others may read the file. */
  modeTooOpen: boolean;
  account: string | null;
  scopes: string[];
  missingScopes: string[];
  refreshToken: boolean;
  accessTokenExpiry: string | null;
  accessTokenExpired: boolean | null;
  consentGiven: string;
  /** When a "Testing" consent screen would end this consent. */
  testingConsentEnds: string | null;
}

export function describeToken(token: StoredToken, file: string, now: number): TokenStatus {
  const scopes = token.scope.split(/\s+/).filter(Boolean);
  const mode = fileModeOf(file);
  const consent = Date.parse(token.obtained_at);
  return {
    file,
    mode,
    modeTooOpen: mode !== undefined && (parseInt(mode, 8) & 0o077) !== 0,
    account: token.account ?? null,
    scopes,
    missingScopes: missingHealthScopes(token.scope),
    refreshToken: token.refresh_token.length > 0,
    accessTokenExpiry: token.expiry_date !== undefined ? new Date(token.expiry_date).toISOString() : null,
    accessTokenExpired: token.expiry_date !== undefined ? token.expiry_date <= now : null,
    consentGiven: token.obtained_at,
    testingConsentEnds: Number.isFinite(consent)
      ? new Date(consent + TESTING_CONSENT_DAYS * 86400_000).toISOString()
      : null,
  };
}

/** An ISO time from the token file, for people: `2026-11-20 14:03 UTC`. */
const human = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? formatTime(Math.floor(ms / 1000)) : iso;
};

function printStatus(s: TokenStatus, checked?: string): void {
  const row = (name: string, value: string) => console.log(`${name.padEnd(15)} ${value}`);
  row('token file', `${s.file} (mode ${s.mode ?? '?'})`);
  if (s.modeTooOpen) row('WARNING', `others may read the token file: chmod 600 ${s.file}`);
  row('account', s.account ?? '(unknown: consent without the email scope)');
  row('scopes', s.scopes.map(shortScope).join(', ') || '(none)');
  if (s.missingScopes.length > 0) {
    row(
      'MISSING',
      `${s.missingScopes.map(shortScope).join(', ')}: run \`healthlake auth\` and tick every box`,
    );
  }
  row('refresh token', s.refreshToken ? 'present' : 'absent');
  row(
    'access token',
    s.accessTokenExpiry === null
      ? 'none stored (fetched on the next run)'
      : `${s.accessTokenExpired ? 'expired' : 'expires'} ${human(s.accessTokenExpiry)}${s.accessTokenExpired ? ' (refreshed on the next run)' : ''}`,
  );
  row(
    'consent given',
    `${human(s.consentGiven)}${s.testingConsentEnds ? ` (with a "Testing" consent screen Google ends it ${human(s.testingConsentEnds)})` : ''}`,
  );
  if (checked) row('check', checked);
}
