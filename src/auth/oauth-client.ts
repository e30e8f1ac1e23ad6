import fs from 'node:fs';
import { OAuth2Client } from 'google-auth-library';
import { z } from 'zod';
import { InputError } from '../errors';

/**
 * The OAuth client healthlake authorises with, and how Google sends the consent's code back to it. Two kinds
 * work, each the way Google documents it:
 *
 *   desktop  a "Desktop app" client (`{"installed": …}` when downloaded): Google redirects the browser to a
 *            loopback address on any port (RFC 8252), where `healthlake auth` listens on 127.0.0.1
 *   web      a "Web application" client (`{"web": …}`), as the Google Health setup guide creates it: the only
 *            redirect Google accepts is one registered for the client, and the guide registers
 *            https://www.google.com, so the browser lands on Google's home page with `?code=…` in the address
 *            bar and the user pastes that address (or the code) into the terminal
 *
 * Anything else (a service-account key, an API key file) cannot act for a person: one clear error.
 */

export type OAuthClientKind = 'desktop' | 'web';

/** The redirect URI the Google Health setup guide registers for a Web client. */
export const WEB_REDIRECT_URI = 'https://www.google.com';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Default desktop. */
  kind?: OAuthClientKind;
  /** web: the redirect URI registered for the client, exactly as registered. */
  redirectUri?: string;
}

const clientEntry = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  redirect_uris: z.array(z.string()).optional(),
});
const clientFileSchema = z.union([z.object({ installed: clientEntry }), z.object({ web: clientEntry })]);

const SETUP_HINT = 'see "Setting up Google access" in the README';

/** The registered redirect that is Google's home page, as registered (with or without the trailing slash). */
function googleHomeRedirect(uris: readonly string[] | undefined): string | undefined {
  return uris?.find((u) => u.replace(/\/+$/, '') === WEB_REDIRECT_URI);
}

function readClientFile(file: string): ClientCredentials {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'not JSON';
    throw InputError.single(`cannot read the OAuth client file (${why})`, { file });
  }
  const parsed = clientFileSchema.safeParse(doc);
  if (!parsed.success) {
    const isServiceAccount =
      typeof doc === 'object' && doc !== null && (doc as { type?: unknown }).type === 'service_account';
    throw InputError.single(
      isServiceAccount
        ? 'a service-account key, not an OAuth client: Google Health data belongs to a person, who must ' +
            `consent through an OAuth client ("Desktop app" or "Web application"); ${SETUP_HINT}`
        : 'not a Google OAuth client file: expected {"installed": …} (a "Desktop app" client) or {"web": …} ' +
            `(a "Web application" client) as the Cloud console's Credentials page downloads it; ${SETUP_HINT}`,
      { file },
    );
  }
  if ('installed' in parsed.data) {
    const { client_id, client_secret } = parsed.data.installed;
    return { clientId: client_id, clientSecret: client_secret, kind: 'desktop' };
  }
  const { client_id, client_secret, redirect_uris } = parsed.data.web;
  const redirectUri = googleHomeRedirect(redirect_uris);
  if (!redirectUri) {
    throw InputError.single(
      `this Web application client has no authorised redirect URI ${WEB_REDIRECT_URI}: add it in the Cloud ` +
        'console (Credentials → the client → Authorized redirect URIs), download the JSON again, or use a ' +
        `"Desktop app" client; ${SETUP_HINT}`,
      { file },
    );
  }
  return { clientId: client_id, clientSecret: client_secret, kind: 'web', redirectUri };
}

/** `--client-file` wins over GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET; errors name the file, never its content. */
export function resolveClientCredentials(google: {
  clientId?: string;
  clientSecret?: string;
  /** For GOOGLE_CLIENT_ID (a client file says its kind itself); default desktop. */
  clientType?: OAuthClientKind;
  clientFile?: string;
}): ClientCredentials {
  if (google.clientFile) return readClientFile(google.clientFile);
  if (!google.clientId || !google.clientSecret) {
    throw InputError.single(
      'no Google OAuth client: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (environment or config file) ' +
        'or pass --client-file with the client JSON downloaded from the Cloud console',
      { field: google.clientId ? 'GOOGLE_CLIENT_SECRET' : 'GOOGLE_CLIENT_ID' },
    );
  }
  const base = { clientId: google.clientId, clientSecret: google.clientSecret };
  return google.clientType === 'web'
    ? { ...base, kind: 'web', redirectUri: WEB_REDIRECT_URI }
    : { ...base, kind: 'desktop' };
}

export interface OAuthClientOptions {
  redirectUri?: string;
  /**
   * HTTP for Google's token endpoint. Default: gaxios' own (node-fetch, which honours HTTPS_PROXY). Tests under
   * jest pass the global fetch, because gaxios loads node-fetch with a dynamic import that jest's VM refuses.
   */
  fetchImplementation?: typeof fetch;
}

export function createOAuthClient(
  credentials: ClientCredentials,
  options: OAuthClientOptions = {},
): OAuth2Client {
  return new OAuth2Client({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    redirectUri: options.redirectUri,
    transporterOptions: options.fetchImplementation
      ? { fetchImplementation: options.fetchImplementation }
      : undefined,
  });
}
