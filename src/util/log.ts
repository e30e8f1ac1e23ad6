import pino from 'pino';

/**
 * Structured logs go to stderr so that stdout stays clean for `--json` and carbon lines.
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

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.HEALTHLAKE_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

/** A logger that writes nothing: the default for library code called from tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
