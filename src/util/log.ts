import pino from 'pino';
import { plainStyle, type Style } from './style';

/**
 * Logs go to stderr so that stdout stays clean for `--json` and carbon lines. Two formats:
 * - `json`: one pino JSON object per line, for cron logs and log shippers (the default when stderr is not a
 *   terminal, so a cron job's log stays parseable);
 * - `text`: short lines for a person at a terminal (`healthlake: warning: <message> (key=value …)`).
 * Secrets are redacted by key name as a second line of defence: code should not log them at all.
 */
export const REDACTED_KEYS = [
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'clientSecret',
  'authorization',
  'Authorization',
  'password',
  'token',
];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  format?: LogFormat;
  /** Colours for the text format (the caller decides whether stderr is a colour terminal). */
  style?: Style;
  /** Where lines go; default stderr (fd 2), written synchronously so they keep their order with the output. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions | string = {}): Logger {
  const o: LoggerOptions = typeof options === 'string' ? { level: options } : options;
  // SonicBoom (pino's own destination) retries EAGAIN on a non-blocking stderr pipe; sync keeps the order.
  const destination = o.write ? undefined : pino.destination({ fd: 2, sync: true });
  const write = o.write ?? ((line: string) => void destination?.write(line));
  const format = o.format ?? 'json';
  const style = o.style ?? plainStyle;
  return pino(
    {
      level: o.level ?? 'info',
      base: undefined,
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
    },
    { write: format === 'json' ? write : (line: string) => write(textLine(line, style)) },
  );
}

const LEVEL_LABELS: Readonly<Record<number, string>> = {
  10: 'trace: ',
  20: 'debug: ',
  30: '',
  40: 'warning: ',
  50: 'error: ',
  60: 'error: ',
};

/** One pino JSON record as a line for people: the message, then its fields as key=value, no time stamp. */
export function textLine(json: string, style: Style = plainStyle): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, msg, ...fields } = record;
  delete fields.time;
  const levelNumber = typeof level === 'number' ? level : 30;
  const label = LEVEL_LABELS[levelNumber] ?? '';
  const paint = levelNumber >= 50 ? style.red : levelNumber >= 40 ? style.yellow : (s: string) => s;
  const extras = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(' ');
  return `healthlake: ${paint(label)}${String(msg ?? '')}${extras ? ` ${style.dim(`(${extras})`)}` : ''}\n`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value !== null && typeof value === 'object' && 'message' in value) {
    return JSON.stringify((value as { message: unknown }).message);
  }
  return JSON.stringify(value);
}

/** A logger that writes nothing: the default for library code called from tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
