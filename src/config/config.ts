import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { DEFAULT_CARBON_TIMEOUT_MS } from '../clients/carbon';
import { InputError } from '../errors';
import { DEFAULT_VERIFY_POLL_MS, DEFAULT_VERIFY_WAIT_MS } from '../verify/defaults';

/**
 * Configuration comes from environment variables, or from a YAML file that uses the same names as keys
 * (`GRAPHITE_URL: http://...`). The environment wins, so a cron line can override one value of a shared file.
 * The names are a public contract: scripts and docs outside this repo use them.
 */
export const CONFIG_KEYS = [
  'SEYREN_URL',
  'GRAPHITE_URL',
  'CARBON_HOST',
  'CARBON_PORT',
  'STATSD_HOST',
  'STATSD_PORT',
  'HEALTHLAKE_PREFIX',
  'HEALTHLAKE_DATA_DIR',
  'GOOGLE_CLIENT_ID',
  'GOOGLE_CLIENT_SECRET',
  'GOOGLE_HEALTH_API_URL',
  'GOOGLE_CLIENT_TYPE',
  'GOOGLE_HEALTH_REQUESTS_PER_MINUTE',
  'SEYREN_AUTH_HEADER',
  'GRAPHITE_AUTH_HEADER',
  'SEYREN_USER',
  'SEYREN_PASSWORD',
  'GRAPHITE_USER',
  'GRAPHITE_PASSWORD',
  'HEALTHLAKE_STACK_PICKLE_PORT',
  'HEALTHLAKE_STACK_CARBONLINK_PORT',
  'HEALTHLAKE_STACK_STATSD_ADMIN_PORT',
  'HEALTHLAKE_STACK_NODE_BASE_PORT',
  'HEALTHLAKE_STATSD_FLUSH_MS',
  'GRAPHITE_CLUSTER_URLS',
  'HEALTHLAKE_CARBON_TIMEOUT_MS',
  'HEALTHLAKE_VERIFY_WAIT_MS',
  'HEALTHLAKE_VERIFY_POLL_MS',
  'HEALTHLAKE_IMPORT_THREADS',
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** Keys whose values are secrets: never printed by `config show`, never logged. */
export const SECRET_KEYS: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
  'GOOGLE_CLIENT_SECRET',
  'SEYREN_AUTH_HEADER',
  'GRAPHITE_AUTH_HEADER',
  'SEYREN_PASSWORD',
  'GRAPHITE_PASSWORD',
]);

const port = z.coerce.number().int().min(1).max(65535);
const url = z
  .string()
  .url()
  .transform((u) => u.replace(/\/+$/, ''));

// Metric prefix: one or more Graphite path nodes, no wildcards (it is where we write).
const prefix = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated letters, digits, _ or -');

const schema = z.object({
  SEYREN_URL: url.optional(),
  GRAPHITE_URL: url.default('http://127.0.0.1:8080'),
  CARBON_HOST: z.string().min(1).default('127.0.0.1'),
  CARBON_PORT: port.default(2003),
  STATSD_HOST: z.string().min(1).default('127.0.0.1'),
  STATSD_PORT: port.default(8125),
  HEALTHLAKE_PREFIX: prefix.default('health'),
  HEALTHLAKE_DATA_DIR: z.string().min(1).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  // Tests point it at a double; pointed at the retired api.fitbit.com it gets the 410 explanation.
  GOOGLE_HEALTH_API_URL: url.default('https://health.googleapis.com/v4'),
  // The kind of OAuth client GOOGLE_CLIENT_ID names (a client file says it itself): how `auth` gets the code.
  GOOGLE_CLIENT_TYPE: z.enum(['desktop', 'web']).default('desktop'),
  // Google allows 300 requests per minute per user; more than that would be throttled by design.
  GOOGLE_HEALTH_REQUESTS_PER_MINUTE: z.coerce.number().positive().max(300).default(120),
  SEYREN_AUTH_HEADER: z.string().min(1).optional(),
  GRAPHITE_AUTH_HEADER: z.string().min(1).optional(),
  SEYREN_USER: z.string().min(1).optional(),
  SEYREN_PASSWORD: z.string().min(1).optional(),
  GRAPHITE_USER: z.string().min(1).optional(),
  GRAPHITE_PASSWORD: z.string().min(1).optional(),
  HEALTHLAKE_STACK_PICKLE_PORT: port.optional(),
  HEALTHLAKE_STACK_CARBONLINK_PORT: port.optional(),
  HEALTHLAKE_STACK_STATSD_ADMIN_PORT: port.optional(),
  // Node k of a cluster stack uses base+10k .. base+10k+3; the last node's ports must stay below 65536.
  HEALTHLAKE_STACK_NODE_BASE_PORT: z.coerce.number().int().min(1).max(65000).default(2100),
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
    .pipe(z.array(url)),
  HEALTHLAKE_STATSD_FLUSH_MS: z.coerce.number().int().min(100).default(1000),
  // Delivery (see README "Running from cron"): how long carbon may take nothing before an attempt ends, and
  // how long and how often read-back verification asks graphite-web for the written points.
  HEALTHLAKE_CARBON_TIMEOUT_MS: z.coerce.number().int().min(100).default(DEFAULT_CARBON_TIMEOUT_MS),
  HEALTHLAKE_VERIFY_WAIT_MS: z.coerce.number().int().min(0).default(DEFAULT_VERIFY_WAIT_MS),
  HEALTHLAKE_VERIFY_POLL_MS: z.coerce.number().int().min(10).default(DEFAULT_VERIFY_POLL_MS),
  // Threads reading an export (1: the main thread only); unset: one per core (at most 4) for 128 MiB or more.
  HEALTHLAKE_IMPORT_THREADS: z.coerce.number().int().min(1).max(64).optional(),
});

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
  /** Where each value came from, for `config show`. */
  sources: Partial<Record<ConfigKey, 'env' | 'file' | 'default'>>;
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
  const sources: Config['sources'] = {};
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
        const key = String(issue.path[0]);
        const origin = sources[key as ConfigKey] === 'file' ? file : 'environment';
        return { file: origin, field: key, message: issue.message };
      }),
    );
  }
  const c = parsed.data;
  const webPort = Number(new URL(c.GRAPHITE_URL).port || 80);
  return {
    seyrenUrl: c.SEYREN_URL,
    graphiteUrl: c.GRAPHITE_URL,
    graphiteClusterUrls: c.GRAPHITE_CLUSTER_URLS,
    carbon: { host: c.CARBON_HOST, port: c.CARBON_PORT, timeoutMs: c.HEALTHLAKE_CARBON_TIMEOUT_MS },
    verify: { waitMs: c.HEALTHLAKE_VERIFY_WAIT_MS, pollMs: c.HEALTHLAKE_VERIFY_POLL_MS },
    statsd: { host: c.STATSD_HOST, port: c.STATSD_PORT, flushIntervalMs: c.HEALTHLAKE_STATSD_FLUSH_MS },
    prefix: c.HEALTHLAKE_PREFIX,
    dataDir: path.resolve(c.HEALTHLAKE_DATA_DIR ?? defaultDataDir(env)),
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
    stack: {
      picklePort: c.HEALTHLAKE_STACK_PICKLE_PORT ?? c.CARBON_PORT + 1,
      carbonlinkPort: c.HEALTHLAKE_STACK_CARBONLINK_PORT ?? 7002,
      statsdAdminPort: c.HEALTHLAKE_STACK_STATSD_ADMIN_PORT ?? c.STATSD_PORT + 1,
      webPort,
      nodeBasePort: c.HEALTHLAKE_STACK_NODE_BASE_PORT,
    },
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
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw InputError.single(`unknown configuration name (known: ${CONFIG_KEYS.join(', ')})`, {
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
