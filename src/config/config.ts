import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { DEFAULT_CARBON_TIMEOUT_MS } from '../clients/carbon';
import { InputError } from '../errors';
import { didYouMean } from '../util/did-you-mean';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../util/log';
import { DEFAULT_VERIFY_POLL_MS, DEFAULT_VERIFY_WAIT_MS } from '../verify/defaults';

/**
 * Configuration comes from environment variables, or from a YAML file that uses the same names as keys
 * (`GRAPHITE_URL: http://...`). The environment wins, so a cron line can override one value of a shared file.
 * The names are a public contract: scripts and docs outside this repo use them.
 *
 * SETTINGS is the one list of names: the loader reads exactly these, `healthlake config` shows exactly these,
 * and the README's configuration table is tested against it. A new setting is one entry here.
 */

const port = z
  .string()
  .regex(/^\d+$/, 'must be a port number from 1 to 65535')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 65535, 'must be a port number from 1 to 65535');
const url = z
  .string()
  .url('must be a URL such as http://host:8080')
  // A password in a URL would be printed wherever the URL is (config, logs, errors, plan output).
  .refine((u) => {
    const { username, password } = new URL(u);
    return username === '' && password === '';
  }, 'must not hold a user or password (it would show wherever the URL is printed): use SEYREN_USER/SEYREN_PASSWORD or GRAPHITE_USER/GRAPHITE_PASSWORD')
  .transform((u) => u.replace(/\/+$/, ''));
const text = z.string().min(1, 'must not be empty');
/** A value as an error may show it: a URL's user and password masked (the rest says which URL it is). */
function withoutUserinfo(value: string | undefined): string | undefined {
  return value?.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s,]*@/gi, '$1***@');
}

/** A whole number within bounds, from the text of an environment variable or a config file. */
const wholeNumber = (min: number, max: number | undefined, unit: string) => {
  const allowed = `must be a whole number${unit}, ${max === undefined ? `at least ${min}` : `from ${min} to ${max}`}`;
  return z
    .string()
    .regex(/^\d+$/, allowed)
    .transform(Number)
    .refine((n) => n >= min && (max === undefined || n <= max), allowed);
};
const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) });

// Metric prefix: one or more Graphite path nodes, no wildcards (it is where we write).
const prefix = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated letters, digits, _ or -');

const SETTINGS = {
  SEYREN_URL: url.optional().describe('Seyren base URL including any context path (/api is appended)'),
  GRAPHITE_URL: url.default('http://127.0.0.1:8080').describe('graphite-web base URL'),
  CARBON_HOST: text.default('127.0.0.1').describe('carbon plaintext receiver host'),
  CARBON_PORT: port.default('2003').describe('carbon plaintext receiver port'),
  STATSD_HOST: text.default('127.0.0.1').describe('statsD host (UDP)'),
  STATSD_PORT: port.default('8125').describe('statsD port (UDP)'),
  HEALTHLAKE_PREFIX: prefix.default('health').describe('metric prefix of the daily metrics'),
  HEALTHLAKE_DATA_DIR: text.optional().describe('archive, summary.csv, token and the local stack'),
  GOOGLE_CLIENT_ID: text.optional().describe('OAuth client id for the Google Health API'),
  GOOGLE_CLIENT_SECRET: text.optional().describe('OAuth client secret'),
  // The kind of OAuth client GOOGLE_CLIENT_ID names (a client file says it itself): how `auth` gets the code.
  GOOGLE_CLIENT_TYPE: oneOf(['desktop', 'web'] as const)
    .default('desktop')
    .describe('desktop or web: the kind of OAuth client GOOGLE_CLIENT_ID is'),
  // Google allows 300 requests per minute per user; more than that would be throttled by design.
  GOOGLE_HEALTH_REQUESTS_PER_MINUTE: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of requests per minute, above 0 and at most 300')
    .transform(Number)
    .refine((n) => n > 0 && n <= 300, 'must be a number of requests per minute, above 0 and at most 300')
    .default('120')
    .describe("the per-user request budget of a run (Google's limit is 300 a minute)"),
  // Tests point it at a double; pointed at the retired api.fitbit.com it gets the 410 explanation.
  GOOGLE_HEALTH_API_URL: url.default('https://health.googleapis.com/v4').describe('Google Health API base'),
  SEYREN_AUTH_HEADER: text.optional().describe('"Name: value" header for a proxy in front of Seyren'),
  GRAPHITE_AUTH_HEADER: text.optional().describe('"Name: value" header for a proxy in front of graphite-web'),
  SEYREN_USER: text.optional().describe('basic-auth user for Seyren'),
  SEYREN_PASSWORD: text.optional().describe('basic-auth password for Seyren'),
  GRAPHITE_USER: text.optional().describe('basic-auth user for graphite-web'),
  GRAPHITE_PASSWORD: text.optional().describe('basic-auth password for graphite-web'),
  HEALTHLAKE_STACK_PICKLE_PORT: port.optional().describe('local stack: carbon pickle port'),
  HEALTHLAKE_STACK_CARBONLINK_PORT: port.optional().describe('local stack: carbonlink port'),
  HEALTHLAKE_STACK_STATSD_ADMIN_PORT: port.optional().describe('local stack: statsD admin port'),
  // Node k of a cluster stack uses base+10k .. base+10k+3; the last node's ports must stay below 65536.
  HEALTHLAKE_STACK_NODE_BASE_PORT: wholeNumber(1, 65000, '')
    .default('2100')
    .describe('stack up --nodes N: node k listens on this + 10k .. + 10k + 3'),
  // The graphite-webs behind GRAPHITE_URL when it federates them (its CLUSTER_SERVERS), comma-separated.
  GRAPHITE_CLUSTER_URLS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    )
    .pipe(z.array(url))
    .describe('the graphite-webs GRAPHITE_URL federates, comma-separated'),
  HEALTHLAKE_STATSD_FLUSH_MS: wholeNumber(100, undefined, ' of milliseconds')
    .default('1000')
    .describe("local stack: statsD's flush interval"),
  // Delivery (see README "Running from cron"): how long carbon may take nothing before an attempt ends, and
  // how long and how often read-back verification asks graphite-web for the written points.
  HEALTHLAKE_CARBON_TIMEOUT_MS: wholeNumber(100, undefined, ' of milliseconds')
    .default(String(DEFAULT_CARBON_TIMEOUT_MS))
    .describe('carbon taking nothing for this long ends an attempt to write'),
  HEALTHLAKE_VERIFY_WAIT_MS: wholeNumber(0, undefined, ' of milliseconds')
    .default(String(DEFAULT_VERIFY_WAIT_MS))
    .describe('how long read-back verification waits for points'),
  HEALTHLAKE_VERIFY_POLL_MS: wholeNumber(10, undefined, ' of milliseconds')
    .default(String(DEFAULT_VERIFY_POLL_MS))
    .describe('how often read-back verification asks graphite-web'),
  // Threads reading an export (1: the main thread only); unset: one per core (at most 4) for 128 MiB or more.
  HEALTHLAKE_IMPORT_THREADS: wholeNumber(1, 64, '')
    .optional()
    .describe('threads reading an export (1: one; default one per core, at most 4, from 128 MiB of files)'),
  HEALTHLAKE_LOG_LEVEL: oneOf(LOG_LEVELS).optional().describe('log level (--log-level wins)'),
  HEALTHLAKE_LOG_FORMAT: oneOf(LOG_FORMATS)
    .optional()
    .describe('text or json logs on stderr (--log-format wins; default json unless stderr is a terminal)'),
};

export type ConfigKey = keyof typeof SETTINGS;
export const CONFIG_KEYS = Object.keys(SETTINGS) as ConfigKey[];

/** What a setting is for, as `healthlake config --json` and the README show it. */
export function describeSetting(key: ConfigKey): string {
  return SETTINGS[key].description ?? '';
}

/** Keys whose values are secrets: never printed by `healthlake config`, never logged. */
export const SECRET_KEYS: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
  'GOOGLE_CLIENT_SECRET',
  'SEYREN_AUTH_HEADER',
  'GRAPHITE_AUTH_HEADER',
  'SEYREN_PASSWORD',
  'GRAPHITE_PASSWORD',
]);

const schema = z.object(SETTINGS);

export interface Config {
  seyrenUrl?: string;
  graphiteUrl: string;
  /** The node graphite-webs GRAPHITE_URL federates (GRAPHITE_CLUSTER_URLS); empty when not declared. */
  graphiteClusterUrls: string[];
  /** timeoutMs: no progress on a carbon connection for this long ends the attempt. */
  carbon: { host: string; port: number; timeoutMs: number };
  /** Read-back verification through graphite-web: the bounded wait and the poll interval. */
  verify: { waitMs: number; pollMs: number };
  statsd: { host: string; port: number; flushIntervalMs: number };
  prefix: string;
  dataDir: string;
  /** Threads reading an export (HEALTHLAKE_IMPORT_THREADS); undefined: decided per import. */
  importThreads?: number;
  google: {
    clientId?: string;
    clientSecret?: string;
    /** Desktop app (loopback redirect) or Web application (redirect https://www.google.com, code pasted). */
    clientType: 'desktop' | 'web';
    apiUrl: string;
    /** The per-user request budget of a run. */
    requestsPerMinute: number;
  };
  /** Extra request header for a reverse proxy in front of Seyren / graphite-web ("Name: value"). */
  seyrenAuth?: HttpAuth;
  graphiteAuth?: HttpAuth;
  stack: {
    picklePort: number;
    carbonlinkPort: number;
    statsdAdminPort: number;
    webPort: number;
    /** A cluster stack's node k listens on nodeBasePort + 10k + 0..3 (see src/commands/stack.ts). */
    nodeBasePort: number;
  };
  log: { level?: LogLevel; format?: LogFormat };
  /** Every setting's effective value (defaults filled in, derived ones computed), for `healthlake config`. */
  values: Partial<Record<ConfigKey, string | number>>;
  /** Where each value came from, for `healthlake config`. */
  sources: Record<ConfigKey, 'env' | 'file' | 'default'>;
  file?: string;
}

export type HttpAuth = { header: string; value: string } | { username: string; password: string };

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'healthlake');
}

export function defaultConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'healthlake', 'config.yaml');
}

/** Reads the config file (if any) and merges the environment over it. Throws InputError naming the field. */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = options.env ?? process.env;
  const explicitFile = options.file ?? env.HEALTHLAKE_CONFIG;
  const file = explicitFile ?? defaultConfigFile(env);
  const fromFile = readConfigFile(file, explicitFile !== undefined);

  const merged: Record<string, string> = {};
  const sources = {} as Config['sources'];
  for (const key of CONFIG_KEYS) {
    const envValue = env[key];
    if (envValue !== undefined && envValue !== '') {
      merged[key] = envValue;
      sources[key] = 'env';
    } else if (fromFile[key] !== undefined) {
      merged[key] = fromFile[key];
      sources[key] = 'file';
    } else {
      sources[key] = 'default';
    }
  }

  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]) as ConfigKey;
        const origin = sources[key] === 'file' ? file : 'environment';
        const got = SECRET_KEYS.has(key) ? '' : `, got ${JSON.stringify(withoutUserinfo(merged[key]))}`;
        return { file: origin, field: key, message: `${issue.message}${got}` };
      }),
    );
  }
  const c = parsed.data;
  const webPort = Number(new URL(c.GRAPHITE_URL).port || 80);
  const dataDir = path.resolve(c.HEALTHLAKE_DATA_DIR ?? defaultDataDir(env));
  const stack = {
    picklePort: c.HEALTHLAKE_STACK_PICKLE_PORT ?? c.CARBON_PORT + 1,
    carbonlinkPort: c.HEALTHLAKE_STACK_CARBONLINK_PORT ?? 7002,
    statsdAdminPort: c.HEALTHLAKE_STACK_STATSD_ADMIN_PORT ?? c.STATSD_PORT + 1,
    webPort,
    nodeBasePort: c.HEALTHLAKE_STACK_NODE_BASE_PORT,
  };
  const values: Config['values'] = {
    ...c,
    GRAPHITE_CLUSTER_URLS: c.GRAPHITE_CLUSTER_URLS.join(',') || undefined,
    HEALTHLAKE_DATA_DIR: dataDir,
    HEALTHLAKE_STACK_PICKLE_PORT: stack.picklePort,
    HEALTHLAKE_STACK_CARBONLINK_PORT: stack.carbonlinkPort,
    HEALTHLAKE_STACK_STATSD_ADMIN_PORT: stack.statsdAdminPort,
  };
  return {
    seyrenUrl: c.SEYREN_URL,
    graphiteUrl: c.GRAPHITE_URL,
    graphiteClusterUrls: c.GRAPHITE_CLUSTER_URLS,
    carbon: { host: c.CARBON_HOST, port: c.CARBON_PORT, timeoutMs: c.HEALTHLAKE_CARBON_TIMEOUT_MS },
    verify: { waitMs: c.HEALTHLAKE_VERIFY_WAIT_MS, pollMs: c.HEALTHLAKE_VERIFY_POLL_MS },
    statsd: { host: c.STATSD_HOST, port: c.STATSD_PORT, flushIntervalMs: c.HEALTHLAKE_STATSD_FLUSH_MS },
    prefix: c.HEALTHLAKE_PREFIX,
    dataDir,
    importThreads: c.HEALTHLAKE_IMPORT_THREADS,
    google: {
      clientId: c.GOOGLE_CLIENT_ID,
      clientSecret: c.GOOGLE_CLIENT_SECRET,
      clientType: c.GOOGLE_CLIENT_TYPE,
      apiUrl: c.GOOGLE_HEALTH_API_URL,
      requestsPerMinute: c.GOOGLE_HEALTH_REQUESTS_PER_MINUTE,
    },
    seyrenAuth: httpAuth(c.SEYREN_AUTH_HEADER, c.SEYREN_USER, c.SEYREN_PASSWORD),
    graphiteAuth: httpAuth(c.GRAPHITE_AUTH_HEADER, c.GRAPHITE_USER, c.GRAPHITE_PASSWORD),
    stack,
    log: { level: c.HEALTHLAKE_LOG_LEVEL, format: c.HEALTHLAKE_LOG_FORMAT },
    values,
    sources,
    file: fs.existsSync(file) ? file : undefined,
  };
}

function readConfigFile(file: string, mustExist: boolean): Partial<Record<ConfigKey, string>> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !mustExist) return {};
    throw InputError.single(`cannot read config file: ${(err as Error).message}`, { file });
  }
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    throw InputError.single(
      `not valid YAML: ${(err as { reason?: string }).reason ?? (err as Error).message}`,
      {
        file,
        line: mark ? mark.line + 1 : undefined,
      },
    );
  }
  if (doc === undefined || doc === null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw InputError.single('must be a mapping of configuration names to values', { file });
  }
  const out: Partial<Record<ConfigKey, string>> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!Object.hasOwn(SETTINGS, key)) {
      const hint = didYouMean(key, CONFIG_KEYS);
      throw InputError.single(`unknown configuration name${hint} (known: ${CONFIG_KEYS.join(', ')})`, {
        file,
        field: key,
      });
    }
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') throw InputError.single('must be a plain value', { file, field: key });
    out[key as ConfigKey] = String(value);
  }
  return out;
}

function httpAuth(header?: string, user?: string, password?: string): HttpAuth | undefined {
  if (header) {
    const i = header.indexOf(':');
    if (i <= 0) return { header: 'Authorization', value: header.trim() };
    return { header: header.slice(0, i).trim(), value: header.slice(i + 1).trim() };
  }
  if (user && password) return { username: user, password };
  return undefined;
}
