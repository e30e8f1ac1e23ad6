import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  BrokenCircuitError,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type IPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { addDays } from '../../util/civil-date';
import { systemClock, type Clock } from '../../util/clock';
import { silentLogger, type Logger } from '../../util/log';
import { redact } from '../../util/redact';
import { civilChunks, civilDateTime, rollupMaxDays, type CivilRange } from './civil-range';
import {
  errorFromResponse,
  GOOGLE_HEALTH_API_URL,
  GoogleAuthError,
  GoogleHealthError,
  isRecord,
  type GoogleHealthErrorDetails,
} from './errors';
import { DEFAULT_REQUESTS_PER_MINUTE, RequestBudgetPolicy } from './request-budget';
import { resiliencePolicy, retrySchedules } from './resilience';

export * from './civil-range';
export * from './errors';
export { DEFAULT_REQUESTS_PER_MINUTE, GOOGLE_REQUESTS_PER_MINUTE_PER_USER } from './request-budget';

/**
 * A thin client for the Google Health API v4 (docs/google-health-api.md): list or reconcile data points (one
 * page or all of them), roll them up per civil day, read the user's settings. It adds what a cron job needs
 * around each call and nothing else: a per-user request budget shared by parallel calls, a timeout per
 * attempt, retries of transient failures with exponential backoff and jitter (or exactly the `Retry-After`
 * Google asks for), and a circuit breaker so an API that is down is not hammered by every remaining request of
 * the run (resilience.ts). Bodies are returned raw as well as parsed, so the caller can archive exactly what
 * Google said before deriving anything from it.
 */

export interface GoogleHealthClientOptions {
  /** Default https://health.googleapis.com/v4; tests point it at nock. */
  baseUrl?: string;
  /** Asked before every attempt, so a token refreshed meanwhile is used; never logged. */
  accessToken: () => Promise<string>;
  /**
   * Called once per call after a 401, to refresh the token (the token provider's onUnauthorized); the call is
   * then repeated once. It throws AuthRequiredError when refreshing cannot help.
   */
  onUnauthorized?: () => Promise<unknown>;
  /** Per attempt; each retry gets a fresh one. */
  timeoutMs?: number;
  /** Caps the retries of every kind of transient failure (default: the schedules of resilience.ts). */
  retries?: number;
  /** Overrides the first backoff delay of every schedule (tests make it ~1 ms). */
  retryBaseDelayMs?: number;
  /** Overrides the longest backoff delay of every schedule. */
  retryMaxDelayMs?: number;
  /** A longer `Retry-After` (a daily quota, say) is not waited for: the call fails and says so. */
  maxRetryAfterMs?: number;
  /** The per-user request budget (default 120/min); ignored when `budget` is given. */
  requestsPerMinute?: number;
  /** A budget shared with other clients of the same user. */
  budget?: RequestBudgetPolicy;
  /** Time for pacing and backoff waits; tests replay long runs in virtual time. */
  clock?: Clock;
  /** [0, 1) for the backoff jitter. */
  random?: () => number;
  /** Consecutive transient failures (across calls) that open the circuit. */
  breakerThreshold?: number;
  /** How long an open circuit fails calls without sending them, before one is let through as a test. */
  breakerHalfOpenAfterMs?: number;
  logger?: Logger;
}

export interface ListQuery {
  /** AIP-160 filter, e.g. `heart_rate.sample_time.civil_time >= "2026-11-01"`. */
  filter?: string;
  pageSize?: number;
  pageToken?: string;
}

/**
 * `list` returns the raw points of every data source (a watch and a phone both counting the same minutes);
 * `reconcile` returns one de-duplicated stream, the one Google recommends for reading a user's data.
 */
export type ListMethod = 'list' | 'reconcile';

/** One answer as received, for the archive; `request` says which call it answered. */
export interface RawResponse {
  request: string;
  body: string;
}

export interface ListPage extends RawResponse {
  /** Left unparsed: the caller validates each point, so one bad point costs one point, not the page. */
  dataPoints: unknown[];
  nextPageToken?: string;
}

export interface RollupResponse extends RawResponse {
  rollupDataPoints: unknown[];
}

export interface SettingsResponse extends RawResponse {
  /** IANA zone, e.g. Europe/Berlin; undefined when the settings do not say. */
  timeZone?: string;
}

export type OnResponse<T extends RawResponse> = (response: T, index: number) => void | Promise<void>;

interface RequestSpec {
  method: 'GET' | 'POST';
  /** Below the base URL, e.g. `/users/me/settings`. */
  path: string;
  query?: URLSearchParams;
  body?: unknown;
}

export class GoogleHealthClient {
  readonly baseUrl: string;
  private requests = 0;
  private readonly http: AxiosInstance;
  private readonly logger: Logger;
  private readonly accessToken: () => Promise<string>;
  private readonly onUnauthorized?: () => Promise<unknown>;
  private readonly timeoutMs: number;
  private readonly halfOpenAfterMs: number;
  private readonly perAttemptTimeout: TimeoutPolicy;
  private readonly policy: IPolicy;
  /** The request budget every attempt of this client starts within. */
  readonly budget: RequestBudgetPolicy;
  private lastFailure: GoogleHealthError | undefined;
  private readonly secrets: string[] = [];

  constructor(options: GoogleHealthClientOptions) {
    this.baseUrl = (options.baseUrl ?? GOOGLE_HEALTH_API_URL).replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
    this.accessToken = options.accessToken;
    this.onUnauthorized = options.onUnauthorized;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.halfOpenAfterMs = options.breakerHalfOpenAfterMs ?? 30_000;
    this.http = axios.create({
      validateStatus: () => true,
      // A redirect would be a misconfigured URL (a login page, a proxy): show it rather than follow it.
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      headers: { Accept: 'application/json' },
    });
    this.perAttemptTimeout = timeout(this.timeoutMs, TimeoutStrategy.Aggressive);
    const clock = options.clock ?? systemClock;
    this.budget =
      options.budget ??
      new RequestBudgetPolicy({
        requestsPerMinute: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
        clock,
      });
    this.policy = resiliencePolicy({
      schedules: retrySchedules(options),
      maxRetryAfterMs: options.maxRetryAfterMs ?? 300_000,
      breakerThreshold: options.breakerThreshold ?? 5,
      breakerHalfOpenAfterMs: this.halfOpenAfterMs,
      budget: this.budget,
      clock,
      random: options.random,
      logger: this.logger,
      baseUrl: this.baseUrl,
    });
  }

  /** HTTP requests sent so far, retries included. */
  get requestCount(): number {
    return this.requests;
  }

  /** GET /users/me/settings: the user's time zone (needs the settings.readonly scope). */
  async settings(): Promise<SettingsResponse> {
    const spec: RequestSpec = { method: 'GET', path: '/users/me/settings' };
    const res = await this.send(spec);
    const parsed = this.parseObject(res);
    const timeZone = parsed.timeZone;
    if (timeZone !== undefined && typeof timeZone !== 'string')
      throw malformed(res, '"timeZone" is not a string');
    return { ...res, timeZone };
  }

  /** GET /users/me/dataTypes/{type}/dataPoints: one page of raw points from every data source. */
  list(type: string, query: ListQuery = {}): Promise<ListPage> {
    return this.page('list', type, query);
  }

  /** GET /users/me/dataTypes/{type}/dataPoints:reconcile: one page of the de-duplicated stream. */
  reconcile(type: string, query: ListQuery = {}): Promise<ListPage> {
    return this.page('reconcile', type, query);
  }

  private async page(method: ListMethod, type: string, query: ListQuery): Promise<ListPage> {
    const params = new URLSearchParams();
    if (query.filter !== undefined) params.set('filter', query.filter);
    if (query.pageSize !== undefined) params.set('pageSize', String(query.pageSize));
    if (query.pageToken !== undefined) params.set('pageToken', query.pageToken);
    const suffix = method === 'reconcile' ? ':reconcile' : '';
    const path = `/users/me/dataTypes/${encodeURIComponent(type)}/dataPoints${suffix}`;
    const res = await this.send({ method: 'GET', path, query: params });
    const parsed = this.parseObject(res);
    const { dataPoints = [], nextPageToken } = parsed;
    if (!Array.isArray(dataPoints)) throw malformed(res, '"dataPoints" is not a list');
    if (nextPageToken !== undefined && typeof nextPageToken !== 'string') {
      throw malformed(res, '"nextPageToken" is not a string');
    }
    // Google sends an empty token on the last page of some list methods: that is no token.
    return { ...res, dataPoints, nextPageToken: nextPageToken || undefined };
  }

  /**
   * Every page of `list`, following nextPageToken until it is absent; onPage sees each page (raw body included)
   * before the next is requested. Resolves to all data points, in the API's order (newest first).
   */
  listAll(
    type: string,
    query: Omit<ListQuery, 'pageToken'> = {},
    onPage?: OnResponse<ListPage>,
  ): Promise<unknown[]> {
    return this.allPages('list', type, query, onPage);
  }

  /** Every page of `reconcile`, as listAll. */
  reconcileAll(
    type: string,
    query: Omit<ListQuery, 'pageToken'> = {},
    onPage?: OnResponse<ListPage>,
  ): Promise<unknown[]> {
    return this.allPages('reconcile', type, query, onPage);
  }

  private async allPages(
    method: ListMethod,
    type: string,
    query: Omit<ListQuery, 'pageToken'>,
    onPage?: OnResponse<ListPage>,
  ): Promise<unknown[]> {
    const points: unknown[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let index = 0; ; index++) {
      const page = await this.page(method, type, { ...query, pageToken });
      await onPage?.(page, index);
      points.push(...page.dataPoints);
      if (page.nextPageToken === undefined) return points;
      // A token handed out twice would page forever.
      if (seen.has(page.nextPageToken)) throw malformed(page, 'nextPageToken repeats an earlier page');
      seen.add(page.nextPageToken);
      pageToken = page.nextPageToken;
    }
  }

  /**
   * POST /users/me/dataTypes/{type}/dataPoints:dailyRollUp over the inclusive civil range, split into requests
   * within the type's range limit (14 or 90 days). Resolves to the rollup points of all chunks, in order.
   */
  async dailyRollUp(
    type: string,
    range: CivilRange,
    options: { windowSizeDays?: number; onResponse?: OnResponse<RollupResponse> } = {},
  ): Promise<unknown[]> {
    const windowSizeDays = options.windowSizeDays ?? 1;
    const path = `/users/me/dataTypes/${encodeURIComponent(type)}/dataPoints:dailyRollUp`;
    const points: unknown[] = [];
    const chunks = civilChunks(range, rollupMaxDays(type), windowSizeDays);
    for (const [index, chunk] of chunks.entries()) {
      // The API's range is closed-open: the day after the last one ends it.
      const body = {
        range: { start: civilDateTime(chunk.start), end: civilDateTime(addDays(chunk.end, 1)) },
        windowSizeDays,
      };
      const res = await this.send({ method: 'POST', path, body });
      const parsed = this.parseObject(res);
      const { rollupDataPoints = [] } = parsed;
      if (!Array.isArray(rollupDataPoints)) throw malformed(res, '"rollupDataPoints" is not a list');
      await options.onResponse?.({ ...res, rollupDataPoints }, index);
      points.push(...rollupDataPoints);
    }
    return points;
  }

  private parseObject(res: RawResponse): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw malformed(res, 'the body is not JSON');
    }
    if (!isRecord(parsed)) throw malformed(res, 'the body is not a JSON object');
    return parsed;
  }

  /** One call; after a 401 the token is refreshed (when the caller can) and the call repeated once. */
  private async send(spec: RequestSpec): Promise<RawResponse> {
    try {
      return await this.sendWithPolicies(spec);
    } catch (err) {
      if (!(err instanceof GoogleAuthError) || err.status !== 401 || !this.onUnauthorized) throw err;
      this.logger.info(
        { request: err.request },
        'Google Health API answered 401; refreshing the access token',
      );
      await this.onUnauthorized();
      return this.sendWithPolicies(spec);
    }
  }

  /**
   * One call under the retry and circuit-breaker policies; every failure comes out as a GoogleHealthError,
   * or a GoogleAuthError for 401/403.
   */
  private async sendWithPolicies(spec: RequestSpec): Promise<RawResponse> {
    const request = `${spec.method} ${spec.path}`;
    let attempts = 0;
    try {
      return await this.policy.execute(() => {
        attempts++;
        return this.attempt(spec, request);
      });
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        const last = this.lastFailure ? ` (last failure: ${this.lastFailure.message})` : '';
        throw new GoogleHealthError(
          `Google Health API ${request} not sent: the API kept failing${last}; healthlake stops calling it ` +
            `for ${Math.round(this.halfOpenAfterMs / 1000)} s (circuit breaker open). Try again later.`,
          { kind: 'circuit-open', request },
        );
      }
      if (err instanceof GoogleHealthError && err.transient && attempts > 1) {
        throw new GoogleHealthError(`${err.message} (gave up after ${attempts} attempts)`, detailsOf(err));
      }
      throw err;
    }
  }

  /** One HTTP request under the per-attempt timeout. */
  private async attempt(spec: RequestSpec, request: string): Promise<RawResponse> {
    const token = await this.accessToken();
    if (!this.secrets.includes(token)) this.secrets.push(token);
    const query = spec.query?.toString();
    const url = `${this.baseUrl}${spec.path}${query ? `?${query}` : ''}`;
    this.requests++;
    const started = Date.now();
    let res: AxiosResponse<string>;
    try {
      res = await this.perAttemptTimeout.execute(({ signal }) =>
        this.http.request<string>({
          method: spec.method,
          url,
          data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          headers: {
            Authorization: `Bearer ${token}`,
            ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          signal,
        }),
      );
    } catch (err) {
      throw this.remember(this.transportError(request, err));
    }
    const body = typeof res.data === 'string' ? res.data : '';
    this.logger.debug({ request, status: res.status, ms: Date.now() - started }, 'Google Health API request');
    if (res.status >= 200 && res.status < 300) return { request, body };
    throw this.remember(
      errorFromResponse({
        request,
        baseUrl: this.baseUrl,
        status: res.status,
        body,
        retryAfter: res.headers['retry-after'],
        secrets: this.secrets,
      }),
    );
  }

  private remember<E extends Error>(err: E): E {
    if (err instanceof GoogleHealthError && err.transient) this.lastFailure = err;
    return err;
  }

  private transportError(request: string, err: unknown): GoogleHealthError {
    if (err instanceof TaskCancelledError) {
      return new GoogleHealthError(`Google Health API ${request}: no answer within ${this.timeoutMs} ms`, {
        kind: 'timeout',
        request,
        code: 'ETIMEDOUT',
      });
    }
    // Only the code and message are kept: an AxiosError also holds the request config, headers included.
    const code = axios.isAxiosError(err) ? err.code : undefined;
    const message = redact(err instanceof Error ? err.message : String(err), this.secrets);
    return new GoogleHealthError(
      `Cannot reach the Google Health API at ${this.baseUrl} (${request}): ${message}`,
      {
        kind: 'network',
        request,
        code,
      },
    );
  }
}

function detailsOf(err: GoogleHealthError): GoogleHealthErrorDetails {
  const { kind, request, status, rpcStatus, rpcReason, code, retryAfterMs, body, exitCode } = err;
  return { kind, request, status, rpcStatus, rpcReason, code, retryAfterMs, body, exitCode };
}

/** A 2xx answer that cannot be used; the raw body travels with the error so the caller can archive it. */
function malformed(res: RawResponse, what: string): GoogleHealthError {
  return new GoogleHealthError(`Google Health API ${res.request} answered something unusable: ${what}`, {
    kind: 'malformed',
    request: res.request,
    status: 200,
    body: res.body,
  });
}
