import { createOAuthClient, resolveClientCredentials, tokenProvider } from '../auth/google-oauth';
import { createTokenStore } from '../auth/token-store';
import type { Config } from '../config/config';
import type { Logger } from '../util/log';

/** What the Google Health client needs from the auth module: a current token, and a refresh after a 401. */
export interface GoogleAccessToken {
  accessToken: () => Promise<string>;
  onUnauthorized: () => Promise<unknown>;
  /** The scopes the stored consent granted (a user may untick some), read from the token file. */
  grantedScopes: () => Promise<string[]>;
}

/**
 * The one place collect touches the auth module: access tokens from the refresh token `healthlake auth`
 * stored in the data directory, refreshed with the configured OAuth client (GOOGLE_CLIENT_ID/SECRET). No token
 * ever comes from the environment or argv. Without a stored authorisation the first request throws
 * AuthRequiredError (exit 6: run `healthlake auth`).
 */
export function googleAccessToken(config: Config, log: Logger): GoogleAccessToken {
  const credentials = resolveClientCredentials(config.google);
  const store = createTokenStore(config.dataDir);
  const provider = tokenProvider(store, createOAuthClient(credentials), { log });
  return {
    accessToken: () => provider.getAccessToken(),
    onUnauthorized: () => provider.onUnauthorized(),
    grantedScopes: async () => (await store.readToken()).scope.split(/\s+/).filter(Boolean),
  };
}
