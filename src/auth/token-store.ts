import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { ExitCode, HealthlakeError } from '../errors';

/**
 * The Google OAuth token of the one person whose data healthlake collects, in `<dataDir>/google-token.json`.
 *
 * The refresh token in it is the only thing that lets cron collect without a human, and losing it means a new
 * consent in a browser. So the file is written atomically (a temp file, fsync, rename): a crash while saving
 * leaves either the old or the new token, never a truncated file. It is readable only by its owner (0600 in a
 * 0700 folder). Nothing here ever puts a token's value into an error message or a log line.
 */

export const TOKEN_FILE_NAME = 'google-token.json';

const LEFTOVER_MIN_AGE_MS = 60_000;

/** The one-line instruction every "no usable authorisation" failure starts with (cron mails show it). */
export const AUTH_REQUIRED_MESSAGE = 'Google authorisation is missing or expired: run `healthlake auth`';

/**
 * No usable Google authorisation: no token file, an unreadable one, `invalid_grant`, or a 401 right after a
 * refresh. Exit code 6, so a cron wrapper can tell "a human must re-consent" from other failures. `reason`
 * says which case it was; it never contains a token.
 */
export class AuthRequiredError extends HealthlakeError {
  constructor(readonly reason?: string) {
    super(reason ? `${AUTH_REQUIRED_MESSAGE} (${reason})` : AUTH_REQUIRED_MESSAGE, ExitCode.authRequired);
  }
}

const storedTokenSchema = z.object({
  refresh_token: z.string().min(1),
  access_token: z.string().min(1).optional(),
  /** Epoch milliseconds, as google-auth-library reports it. */
  expiry_date: z.number().int().positive().optional(),
  /** Space-separated scopes Google granted (the user may untick some on the consent screen). */
  scope: z.string(),
  token_type: z.string().optional(),
  /** The Google account's e-mail, from the id_token of the consent (needs the `email` scope). */
  account: z.string().optional(),
  /** ISO time of the consent that produced the refresh token. */
  obtained_at: z.string().min(1),
});
export type StoredToken = z.infer<typeof storedTokenSchema>;

export interface TokenStore {
  readonly file: string;
  /** The stored token; AuthRequiredError when there is none or the file is not a valid token file. */
  readToken(): Promise<StoredToken>;
  /** Replaces the file atomically with mode 0600 (creating the folder with 0700). */
  writeToken(token: StoredToken): Promise<void>;
}

export function tokenFilePath(dataDir: string): string {
  return path.join(dataDir, TOKEN_FILE_NAME);
}

export function createTokenStore(dataDir: string): TokenStore {
  const file = tokenFilePath(dataDir);
  return {
    file,
    readToken: () => readToken(file),
    writeToken: (token) => writeToken(file, token),
  };
}

export async function readToken(file: string): Promise<StoredToken> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AuthRequiredError(`no token file at ${file}`);
    throw new AuthRequiredError(`cannot read ${file}: ${code ?? 'read error'}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, which would be a token: never pass it on.
    throw new AuthRequiredError(`${file} is not a valid token file (not JSON)`);
  }
  const parsed = storedTokenSchema.safeParse(doc);
  if (!parsed.success) {
    // Field names and zod's type messages only ("Required", "Expected string, received number"), no values.
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AuthRequiredError(`${file} is not a valid token file (${fields})`);
  }
  return parsed.data;
}

export async function writeToken(file: string, token: StoredToken): Promise<void> {
  const dir = path.dirname(file);
  // An existing data directory keeps its mode (it also holds the archive and the local stack); the token
  // file's own 0600 is what protects it.
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const valid = storedTokenSchema.parse(token);
  // write-file-atomic creates the temp file with this mode, fsyncs it, chmods and renames it over the target.
  await writeFileAtomic(file, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await fsyncDirectory(dir);
  await removeLeftoverTempFiles(file);
}

/** Makes the rename itself durable: without it, a power cut right after saving can bring the old file back. */
async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported on every platform/file system; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * A process killed between writing the temp file and renaming it (SIGKILL, power loss) leaves
 * `google-token.json.<number>` behind; write-file-atomic removes its own only on a normal exit. Each holds a
 * token, so they are removed after the next successful save rather than left to accumulate.
 */
async function removeLeftoverTempFiles(file: string): Promise<void> {
  const dir = path.dirname(file);
  const leftover = new RegExp(`^${path.basename(file).replace(/\./g, '\\.')}\\.\\d+$`);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  // Only old ones: a fresh one may belong to another healthlake process saving right now.
  const cutoff = Date.now() - LEFTOVER_MIN_AGE_MS;
  for (const name of names.filter((n) => leftover.test(n))) {
    const leftoverFile = path.join(dir, name);
    const stat = await fs.promises.stat(leftoverFile).catch(() => undefined);
    if (stat && stat.mtimeMs < cutoff) await fs.promises.rm(leftoverFile, { force: true });
  }
}

/**
 * The token to store after a refresh: the new access token, its expiry and scopes, and the ORIGINAL refresh
 * token unless Google sent a new one (it normally sends none; dropping the old one would end collection).
 */
export function mergeRefreshed(
  previous: StoredToken,
  fresh: {
    refresh_token?: string | null;
    access_token?: string | null;
    expiry_date?: number | null;
    scope?: string | null;
    token_type?: string | null;
  },
): StoredToken {
  return {
    ...previous,
    refresh_token: fresh.refresh_token || previous.refresh_token,
    access_token: fresh.access_token || undefined,
    expiry_date: fresh.expiry_date ?? undefined,
    scope: fresh.scope || previous.scope,
    token_type: fresh.token_type || previous.token_type,
  };
}

/** The file's permission bits as `0600`, or undefined when it does not exist. */
export function fileModeOf(file: string): string | undefined {
  try {
    return `0${(fs.statSync(file).mode & 0o777).toString(8)}`;
  } catch {
    return undefined;
  }
}
