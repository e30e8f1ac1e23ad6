import { HealthlakeError } from '../../errors';
import { redact } from '../../util/redact';

/**
 * Seyren's failures as typed errors, and which of them may be repeated: a request that never reached the server
 * may be sent again even as a POST; one that may have arrived may only be repeated when it is idempotent.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A failed Seyren request. `status` is undefined when no HTTP answer arrived (then `code` says why). */
export class SeyrenError extends HealthlakeError {
  readonly method: HttpMethod;
  /** Path below the base URL, without the query string, e.g. `/api/checks/5205...`. */
  readonly path: string;
  readonly status?: number;
  /** Node/axios error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`...) for transport failures. */
  readonly code?: string;

  constructor(details: {
    method: HttpMethod;
    path: string;
    status?: number;
    code?: string;
    detail?: string;
  }) {
    const { method, path, status, code, detail } = details;
    const head = `Seyren ${method} ${path}`;
    super(
      status !== undefined
        ? `${head} answered ${status}${detail ? `: ${detail}` : ''}`
        : `${head} failed: ${detail || code || 'no answer'}`,
    );
    this.method = method;
    this.path = path;
    this.status = status;
    this.code = code;
  }
}

/** First non-empty line of an error body, HTML tags stripped, secrets replaced, at most 200 characters. */
export function errorBodyExcerpt(body: string, secrets: readonly string[] = []): string {
  const text = redact(body, secrets)
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(nbsp|lt|gt|quot|amp|#0?39);/g, (_all, name: string) => HTML_ENTITIES[name] ?? "'");
  const line = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l.length > 0);
  // Redact again after entity decoding: `PD&#45;KEY` would otherwise survive. Truncate last, so that no
  // prefix of a secret can remain.
  const clean = redact(line ?? '', secrets);
  return clean.length > 200 ? `${clean.slice(0, 199)}…` : clean;
}

const HTML_ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', amp: '&' };

/** Failures where the request never reached the server, so even a POST may be repeated. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Transport failures worth repeating for idempotent requests (the request may or may not have arrived). */
const TRANSIENT_CODES = new Set([...NOT_SENT_CODES, 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE']);

export function isTransient(err: Error): boolean {
  if (!(err instanceof SeyrenError)) return false;
  if (err.status !== undefined) return err.status >= 500;
  return err.code !== undefined && TRANSIENT_CODES.has(err.code);
}

export function isNotSent(err: Error): boolean {
  return err instanceof SeyrenError && err.status === undefined && NOT_SENT_CODES.has(err.code ?? '');
}

/** A 5xx (500 is also the duplicate-name answer) or a connection lost after the request may have arrived. */
export function mayHaveCreated(err: SeyrenError): boolean {
  if (err.status !== undefined) return err.status >= 500;
  return !NOT_SENT_CODES.has(err.code ?? '');
}
