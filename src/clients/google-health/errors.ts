/**
 * What can go wrong talking to the Google Health API, as typed errors whose messages tell the user what to do
 * (docs/google-health-api.md, "Errors"). Google answers errors in the google.rpc.Status envelope:
 *
 *   {"error": {"code": 400, "message": "…", "status": "FAILED_PRECONDITION",
 *              "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCOUNT_NOT_LINKED"}]}}
 *
 * Messages never contain the access token or request headers: only the method, path, status and Google's text.
 */
import { AuthRequiredError } from '../../auth/token-store';
import { ExitCode, HealthlakeError } from '../../errors';
import { redact } from '../../util/redact';

export const GOOGLE_HEALTH_API_URL = 'https://health.googleapis.com/v4';
/** When the legacy Fitbit Web API was switched off (it answers 410 Gone since). */
export const LEGACY_FITBIT_SWITCH_OFF = '2026-11-02';

export type GoogleHealthErrorKind = 'http' | 'network' | 'timeout' | 'malformed' | 'circuit-open';

export interface GoogleHealthErrorDetails {
  kind: GoogleHealthErrorKind;
  /** `GET /users/me/dataTypes/heart-rate/dataPoints`: method and path below the base URL, no query. */
  request: string;
  status?: number;
  /** google.rpc.Status `error.status`, e.g. `FAILED_PRECONDITION`. */
  rpcStatus?: string;
  /** The first `error.details[].reason`, e.g. `ACCOUNT_NOT_LINKED`. */
  rpcReason?: string;
  /** Node/axios transport code (`ECONNRESET`, …) when no answer arrived. */
  code?: string;
  /** The delay Google asked for with `Retry-After`. */
  retryAfterMs?: number;
  /** The raw body of a 2xx answer that could not be used, so the caller can archive it. Never in messages. */
  body?: string;
  exitCode?: ExitCode;
}

/**
 * Why another attempt may succeed, which decides how long to keep trying:
 *   throttled    429 RESOURCE_EXHAUSTED: over the per-user quota (Google asks for backoff with jitter); never an
 *                outage, so it does not count towards opening the circuit breaker
 *   unavailable  503 UNAVAILABLE, 504 DEADLINE_EXCEEDED (documented as transient), 502 from a proxy on the
 *                way, a timeout or a dropped connection
 *   internal     500: the docs are silent, live reports mention intermittent 500s on the sleep list; retried a
 *                few times only, since a 500 that persists is a fault of this one request
 */
export type RetryClass = 'throttled' | 'unavailable' | 'internal';
const RETRY_CLASS_BY_STATUS = new Map<number, RetryClass>([
  [429, 'throttled'],
  [500, 'internal'],
  [502, 'unavailable'],
  [503, 'unavailable'],
  [504, 'unavailable'],
]);

/** The ErrorInfo reason of a 403 whose token lacks the scope of the request (the user unticked it). */
export const SCOPE_INSUFFICIENT_REASON = 'ACCESS_TOKEN_SCOPE_INSUFFICIENT';
/** Transport failures where another attempt can succeed (ENOTFOUND is a wrong URL, not a passing fault). */
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

export class GoogleHealthError extends HealthlakeError {
  readonly kind: GoogleHealthErrorKind;
  readonly request: string;
  readonly status?: number;
  readonly rpcStatus?: string;
  readonly rpcReason?: string;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly body?: string;

  constructor(message: string, details: GoogleHealthErrorDetails) {
    super(message, details.exitCode ?? ExitCode.failure);
    this.kind = details.kind;
    this.request = details.request;
    this.status = details.status;
    this.rpcStatus = details.rpcStatus;
    this.rpcReason = details.rpcReason;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.body = details.body;
  }

  /** Why another attempt may succeed; undefined when it cannot. */
  get retryClass(): RetryClass | undefined {
    if (this.kind === 'timeout') return 'unavailable';
    if (this.kind === 'network')
      return this.code !== undefined && RETRYABLE_CODES.has(this.code) ? 'unavailable' : undefined;
    return this.kind === 'http' && this.status !== undefined
      ? RETRY_CLASS_BY_STATUS.get(this.status)
      : undefined;
  }

  /** Another attempt may succeed: 429, 500, 502, 503, 504, a timeout or a dropped connection. */
  get transient(): boolean {
    return this.retryClass !== undefined;
  }

  /**
   * Only this request is affected, so a reader may skip its part with a warning and go on: an unusable body, a
   * request Google refused as such (400 INVALID_ARGUMENT, 404), or a 500 that outlasted its retries. Everything
   * else (auth, an unlinked account, the legacy API, an API that stays down or keeps throttling) would fail
   * every other request too.
   */
  get skippable(): boolean {
    if (this.kind === 'malformed') return true;
    if (this.kind !== 'http') return false;
    return (
      (this.status === 400 && this.rpcStatus !== 'FAILED_PRECONDITION') ||
      this.status === 404 ||
      this.status === 500
    );
  }
}

/**
 * The access token was refused (401), or lacks a scope (403): only a new authorisation helps. An
 * AuthRequiredError (exit code 6, the message starts with "run `healthlake auth`"), with the request details.
 */
export class GoogleAuthError extends AuthRequiredError {
  readonly request: string;
  readonly status: number;
  readonly rpcStatus?: string;
  readonly rpcReason?: string;

  constructor(
    why: string,
    details: { request: string; status: number; rpcStatus?: string; rpcReason?: string },
  ) {
    super(why);
    this.request = details.request;
    this.status = details.status;
    this.rpcStatus = details.rpcStatus;
    this.rpcReason = details.rpcReason;
  }

  /** A 403 for a scope the user did not grant: partial consent, which affects only the data of that scope. */
  get scopeInsufficient(): boolean {
    return this.status === 403 && this.rpcReason === SCOPE_INSUFFICIENT_REASON;
  }
}

/**
 * The consent was given, but by an account the Google Health API cannot serve. Only the user can fix it, in the
 * Fitbit app and then with `healthlake auth`: exit code 6, like every "a human must re-consent" failure.
 */
export class GoogleAccountError extends HealthlakeError {
  constructor(
    message: string,
    readonly request: string,
    readonly status: number,
  ) {
    super(message, ExitCode.authRequired);
  }
}

/**
 * Google's remedy for `403 PERMISSION_DENIED "Could not mint UberMint from GaiaMint"` (Health API
 * troubleshooting guide): a legacy Fitbit account consented instead of a Google Account. Removing and
 * re-granting the app does not help; moving the Fitbit login to Google does.
 */
export const UBERMINT_REMEDY =
  'a legacy Fitbit account gave the consent, not a Google Account. Fix it as Google describes: 1. sign out of ' +
  'the Fitbit mobile app (Fitbit settings); 2. sign in to the Fitbit app again with "Continue with Google" (or ' +
  '"Sign in with Google"); if it says you cannot use Fitbit with this Google Account, your e-mail is still a ' +
  'legacy Fitbit account: move it to Google first (Fitbit help: move your Fitbit account to a Google Account); ' +
  '3. run `healthlake auth` again and consent with that same Google Account';

interface RpcStatus {
  message?: string;
  status?: string;
  reason?: string;
}

/** The google.rpc.Status fields of an error body, when it is one. */
export function parseRpcStatus(body: string): RpcStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  if (!error) return {};
  const details = Array.isArray(error.details) ? error.details : [];
  const reason = details.map((d) => (isRecord(d) ? d.reason : undefined)).find((r) => typeof r === 'string');
  return {
    message: typeof error.message === 'string' ? error.message : undefined,
    status: typeof error.status === 'string' ? error.status : undefined,
    reason: reason as string | undefined,
  };
}

/** `Retry-After` as a delay in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface ErrorResponse {
  request: string;
  baseUrl: string;
  status: number;
  body: string;
  retryAfter?: unknown;
  /** Strings that must not appear in a message (the access token). */
  secrets: readonly string[];
}

/** The error for a non-2xx answer, with a message that says what to do about it. */
export function errorFromResponse(
  res: ErrorResponse,
): GoogleHealthError | GoogleAuthError | GoogleAccountError {
  const { request, status } = res;
  const rpc = parseRpcStatus(res.body);
  const google = clip(redact(rpc.message ?? firstLine(res.body), res.secrets));
  const label = [status, rpc.status, rpc.reason].filter(Boolean).join(' ');
  const details = { request, status, rpcStatus: rpc.status, rpcReason: rpc.reason };
  const said = google ? `: ${google}` : '';

  if (status === 401) {
    return new GoogleAuthError(
      `the Google Health API answered ${request} with ${label}: the access token was refused (expired, ` +
        'revoked or for another account)',
      details,
    );
  }
  if (status === 403 && /UberMint/i.test(res.body)) {
    return new GoogleAccountError(
      `the Google Health API answered ${request} with ${label} (Could not mint UberMint from GaiaMint): ` +
        UBERMINT_REMEDY,
      request,
      status,
    );
  }
  if (status === 403 && rpc.reason === SCOPE_INSUFFICIENT_REASON) {
    return new GoogleAuthError(
      `the Google Health API answered ${request} with ${label}: the consent does not include the scope this ` +
        'request needs (it was unticked on the consent screen); run `healthlake auth` and tick every box',
      details,
    );
  }
  if (status === 403 && rpc.reason === 'SERVICE_DISABLED') {
    const project = /"consumer"\s*:\s*"projects\/(\d+)"/.exec(res.body)?.[1];
    const where = project
      ? `https://console.cloud.google.com/apis/library/health.googleapis.com?project=${project}`
      : 'Cloud console → APIs & Services → Library → Google Health API';
    return new GoogleHealthError(
      `Google Health API ${request} answered ${label}: the Google Health API is not enabled in the Cloud ` +
        `project of the OAuth client. Enable it (${where}), wait a few minutes and run again.`,
      { ...details, kind: 'http' },
    );
  }
  if (status === 403) {
    return new GoogleAuthError(
      `the Google Health API answered ${request} with ${label}${said}. Google refuses this authorisation; ` +
        'if `healthlake auth` does not help, remove healthlake at https://myaccount.google.com/connections ' +
        'and authorise again',
      details,
    );
  }
  if (rpc.reason === 'ACCOUNT_NOT_LINKED' || (status === 400 && rpc.status === 'FAILED_PRECONDITION')) {
    return new GoogleHealthError(
      `Google Health API ${request} answered ${label}: this Google account is not linked to Google Health, so ` +
        'it has no health data to read. Sign in to the Fitbit app with this Google account (moving the Fitbit ' +
        'account to Google if asked), then run `healthlake auth` with the same account.',
      { ...details, kind: 'http' },
    );
  }
  if (status === 410) {
    return new GoogleHealthError(
      `${res.baseUrl} answered 410 Gone for ${request}. The legacy Fitbit Web API (api.fitbit.com) was switched ` +
        `off on ${LEGACY_FITBIT_SWITCH_OFF}; healthlake reads the Google Health API instead. Set ` +
        `GOOGLE_HEALTH_API_URL to ${GOOGLE_HEALTH_API_URL} (the default) and run \`healthlake auth\`, or ` +
        'import a Takeout export with `healthlake collect --source takeout --path <export>`.',
      { ...details, kind: 'http', exitCode: ExitCode.invalidInput },
    );
  }
  return new GoogleHealthError(`Google Health API ${request} answered ${label}${said}`, {
    ...details,
    kind: 'http',
    retryAfterMs: parseRetryAfter(res.retryAfter),
  });
}

const MAX_MESSAGE = 300;

function clip(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
}

/** The first non-blank line of a body that is not an rpc envelope (a proxy's page), tags removed. */
function firstLine(body: string): string {
  const text = body.replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, '\n');
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .find((l) => l !== '') ?? ''
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
