import { HealthlakeError } from '../errors';

/** A carbon line that carbon would drop or misfile, or a connection that did not deliver. */
export class CarbonError extends HealthlakeError {
  constructor(
    message: string,
    /**
     * Node's error code (ECONNREFUSED, ETIMEDOUT, ECONNRESET, …) when the cause was a socket error, or one of
     * the codes below when carbon stopped taking data.
     */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** No progress on the connection for the progress timeout: carbon accepted it but is not reading. */
export const NOT_READING = 'CARBON_NOT_READING';

// Socket errors that mean "the connection is gone", as opposed to "there is nobody to connect to".
const BROKEN_CONNECTION_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNABORTED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/** A connection that broke or stalled after it was open: a new connection may deliver what this one did not. */
export function isResendable(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && (BROKEN_CONNECTION_CODES.has(code) || code === NOT_READING);
}

export function brokenConnection(message: string): CarbonError {
  return new CarbonError(message, 'ECONNRESET');
}
