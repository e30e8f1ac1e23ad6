import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import type { HttpAuth } from '../../config/config';
import { HealthlakeError } from '../../errors';
import { silentLogger, type Logger } from '../../util/log';
import { redact } from '../../util/redact';
import {
  type NewCheck,
  type NewSubscription,
  type SeyrenAlert,
  type SeyrenCheck,
  type SeyrenList,
  type SeyrenSubscription,
} from './types';
import {
  errorBodyExcerpt,
  isNotSent,
  isTransient,
  mayHaveCreated,
  SeyrenError,
  type HttpMethod,
} from './errors';
import { alertFromWire, escapeJavaRegex, targetsOf } from './wire';

export { errorBodyExcerpt, SeyrenError } from './errors';
export { alertFromWire, escapeJavaRegex } from './wire';

/**
 * A thin client for the Seyren 1.5.0 API (docs/seyren-api.md). It hides no semantics: it only
 * adds timeouts, safe retries, the `Location` id extraction and client-side guards against the server's
 * silent failure modes. Request bodies are never logged or put in errors: subscription targets are API keys.
 */

export interface SeyrenClientOptions {
  /** Seyren's URL, possibly with a context path (`http://h:8080/seyren`); `/api` is appended. */
  baseUrl: string;
  auth?: HttpAuth;
  /** Per-request timeout (each retry gets a fresh one). */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures that are safe to repeat. */
  retries?: number;
  /** First backoff delay; later ones grow exponentially with decorrelated jitter. Tests use ~1 ms. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  logger?: Logger;
}

/** HTTP requests actually sent, retries included. */
export interface SeyrenRequestStats {
  gets: number;
  posts: number;
  puts: number;
  deletes: number;
}

interface RawResponse {
  status: number;
  text: string;
  location?: string;
}

interface RequestSpec {
  method: HttpMethod;
  /** Below `/api`, already percent-encoded. */
  path: string;
  query?: string;
  body?: unknown;
  /** Strings to redact from error messages (subscription targets of the body). */
  secrets?: readonly string[];
}

export class SeyrenClient {
  readonly stats: SeyrenRequestStats = { gets: 0, posts: 0, puts: 0, deletes: 0 };
  private readonly apiBase: string;
  private readonly http: AxiosInstance;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly authSecrets: string[];
  private readonly perRequestTimeout: TimeoutPolicy;
  private readonly retryPolicies: {
    /** GET, PUT, DELETE: repeatable, so retried on 5xx and on transport failures. */
    idempotent: RetryPolicy;
    /** POST: retried only when the request provably never left (connection refused). */
    notSent: RetryPolicy;
    /** createCheck: also retried after a lookup proved that an ambiguous attempt created nothing. */
    create: RetryPolicy;
  };
  private readonly provenNotCreated = new WeakSet<Error>();

  constructor(options: SeyrenClientOptions) {
    this.apiBase = `${options.baseUrl.replace(/\/+$/, '')}/api`;
    this.logger = options.logger ?? silentLogger;
    this.timeoutMs = options.timeoutMs ?? 10000;
    const auth = options.auth;
    this.authSecrets = !auth ? [] : 'header' in auth ? [auth.value] : [auth.password];
    this.http = axios.create({
      validateStatus: () => true,
      // A proxy's login redirect must surface as an error, not be followed and parsed.
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      headers: {
        // Seyren's JSON GETs produce only application/json (docs/seyren-api.md, section 0).
        Accept: 'application/json',
        ...(auth && 'header' in auth ? { [auth.header]: auth.value } : {}),
      },
      auth: auth && 'username' in auth ? { username: auth.username, password: auth.password } : undefined,
    });
    this.perRequestTimeout = timeout(this.timeoutMs, TimeoutStrategy.Aggressive);
    const backoff = new ExponentialBackoff({
      initialDelay: options.retryBaseDelayMs ?? 250,
      maxDelay: options.retryMaxDelayMs ?? 10000,
    });
    const retryWhen = (predicate: (err: Error) => boolean) => {
      const policy = retry(handleWhen(predicate), { maxAttempts: options.retries ?? 3, backoff });
      policy.onRetry((event) => {
        const { method, path, status, code } = ('error' in event ? event.error : {}) as Partial<SeyrenError>;
        const { attempt, delay } = event;
        this.logger.warn({ method, path, status, code, attempt, delayMs: delay }, 'retrying');
      });
      return policy;
    };
    this.retryPolicies = {
      idempotent: retryWhen(isTransient),
      notSent: retryWhen(isNotSent),
      create: retryWhen((err) => isNotSent(err) || this.provenNotCreated.has(err)),
    };
  }

  /** Total HTTP requests sent so far. */
  get requestCount(): number {
    const s = this.stats;
    return s.gets + s.posts + s.puts + s.deletes;
  }

  /**
   * GET /checks, all of them or those whose name matches `nameRegex` (Java syntax, unanchored: pass
   * `^` + escapeJavaRegex(prefix) for a prefix). Seyren has no pagination; everything comes in one answer.
   */
  async listChecks(nameRegex?: string): Promise<SeyrenCheck[]> {
    const query =
      nameRegex === undefined ? undefined : new URLSearchParams({ fields: 'name', regexes: nameRegex });
    const res = await this.send({ method: 'GET', path: '/checks', query: query?.toString() });
    const list = this.parseJson<SeyrenList<SeyrenCheck>>(res, 'GET', '/checks');
    if (!list || !Array.isArray(list.values)) {
      const detail = 'no "values" list';
      throw new SeyrenError({ method: 'GET', path: '/api/checks', status: res.status, detail });
    }
    return list.values;
  }

  /** The check with exactly this name, if any (names are unique in Seyren). */
  async findCheckByName(name: string): Promise<SeyrenCheck | undefined> {
    const found = await this.listChecks(`^${escapeJavaRegex(name)}$`);
    return found.find((check) => check.name === name);
  }

  /** GET /checks/{id}; undefined when Seyren answers 404. */
  async getCheck(id: string): Promise<SeyrenCheck | undefined> {
    const path = `/checks/${encodeURIComponent(id)}`;
    try {
      return this.parseJson<SeyrenCheck>(await this.send({ method: 'GET', path }), 'GET', path);
    } catch (err) {
      if (err instanceof SeyrenError && err.status === 404) return undefined;
      throw err;
    }
  }

  /**
   * POST /checks; resolves to the new id, read from `Location` (the body is empty). Seyren answers 500 for a
   * duplicate name, so after a 500 or a connection lost mid-request the name is looked up. A check of that name
   * is adopted (its id returned, as if created) only when `isOurs` accepts it: an earlier attempt, or another
   * run of the same tool, made it. Any other check of that name is someone else's, and the create fails,
   * saying so. A lost request whose check does not exist is repeated.
   */
  async createCheck(check: NewCheck, isOurs: (existing: SeyrenCheck) => boolean): Promise<string> {
    const secrets = targetsOf(check.subscriptions);
    const spec: RequestSpec = { method: 'POST', path: '/checks', body: check, secrets };
    return this.retryPolicies.create.execute(async () => {
      let res: RawResponse;
      try {
        res = await this.attempt(spec);
      } catch (err) {
        if (!(err instanceof SeyrenError) || !mayHaveCreated(err)) throw err;
        const existing = await this.findCheckByName(check.name).catch((lookupErr: Error) => {
          this.logger.warn({ err: lookupErr.message }, 'name lookup after a failed create failed');
          return null;
        });
        if (existing && isOurs(existing)) {
          this.logger.warn(
            { id: existing.id, status: err.status, code: err.code },
            'create failed; the check exists and is ours: adopted',
          );
          return existing.id;
        }
        if (existing) {
          throw new SeyrenError({
            method: 'POST',
            path: '/api/checks',
            status: err.status,
            code: err.code,
            detail:
              `a check named ${JSON.stringify(check.name)} already exists (id ${existing.id}) and is not ` +
              'managed by healthlake (its description lacks the marker); rename or delete it in Seyren',
          });
        }
        if (existing === undefined && err.status === undefined) this.provenNotCreated.add(err);
        throw err;
      }
      return this.idFromLocation(res, spec);
    });
  }

  /**
   * PUT /checks/{id} with the FULL object. Seyren updates the document whose id is in the body, answers 500
   * (NPE) for a null warn, error or state, and silently updates nothing without an id: all refused here,
   * before sending. Subscriptions in the body are ignored by the server; use the subscription methods.
   */
  async updateCheck(check: SeyrenCheck): Promise<void> {
    const missing = (['id', 'warn', 'error', 'state'] as const).filter(
      (k) => check[k] == null || check[k] === '',
    );
    if (missing.length > 0) {
      throw new HealthlakeError(
        `refusing to update Seyren check ${JSON.stringify(check.name)}: ${missing.join(', ')} missing ` +
          `(Seyren 1.5.0 would ${missing.includes('id') ? 'silently update nothing' : 'answer 500'})`,
      );
    }
    const path = `/checks/${encodeURIComponent(check.id)}`;
    await this.send({ method: 'PUT', path, body: check, secrets: targetsOf(check.subscriptions) });
  }

  /** DELETE /checks/{id}; Seyren answers 204 even for an unknown id. */
  async deleteCheck(id: string): Promise<void> {
    await this.send({ method: 'DELETE', path: `/checks/${encodeURIComponent(id)}` });
  }

  /**
   * POST /checks/{id}/subscriptions; resolves to the new subscription id (from `Location`). Seyren answers
   * 201 even when the check does not exist, and stores nothing then.
   */
  async createSubscription(
    checkId: string,
    subscription: NewSubscription | SeyrenSubscription,
  ): Promise<string> {
    const body: Partial<SeyrenSubscription> = { ...subscription };
    delete body.id; // the server mints the id on this route
    const spec: RequestSpec = {
      method: 'POST',
      path: `/checks/${encodeURIComponent(checkId)}/subscriptions`,
      body,
      secrets: targetsOf([subscription]),
    };
    return this.idFromLocation(await this.send(spec), spec);
  }

  /**
   * PUT /checks/{id}/subscriptions/{subId}: replaces the whole subscription. Seyren matches the BODY id and
   * answers 204 even when nothing matched, so an id is required here.
   */
  async updateSubscription(checkId: string, subscription: SeyrenSubscription): Promise<void> {
    if (!subscription.id) {
      throw new HealthlakeError(`refusing to update a subscription of Seyren check ${checkId}: id missing`);
    }
    const path = `/checks/${encodeURIComponent(checkId)}/subscriptions/${encodeURIComponent(subscription.id)}`;
    await this.send({ method: 'PUT', path, body: subscription, secrets: targetsOf([subscription]) });
  }

  /** DELETE /checks/{id}/subscriptions/{subId}; always 204. */
  async deleteSubscription(checkId: string, subscriptionId: string): Promise<void> {
    const path = `/checks/${encodeURIComponent(checkId)}/subscriptions/${encodeURIComponent(subscriptionId)}`;
    await this.send({ method: 'DELETE', path });
  }

  /**
   * One page of alerts, newest first: GET /checks/{id}/alerts, or GET /alerts (every check) without `checkId`.
   * `items` must be at least 1, because Seyren reads `items=0` as "no limit" and would send every alert at once.
   * An unknown check id gives an empty page, not a 404. `total` counts every alert of the query, whatever the page.
   */
  async listAlerts(page: {
    checkId?: string;
    start: number;
    items: number;
  }): Promise<SeyrenList<SeyrenAlert>> {
    const { checkId, start, items } = page;
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(items) || items < 1) {
      throw new HealthlakeError(
        `refusing an alert page with start ${start} and items ${items}: start must be >= 0 and items >= 1 ` +
          '(Seyren reads items=0 as "no limit")',
      );
    }
    const path = checkId === undefined ? '/alerts' : `/checks/${encodeURIComponent(checkId)}/alerts`;
    const query = new URLSearchParams({ start: String(start), items: String(items) }).toString();
    const res = await this.send({ method: 'GET', path, query });
    const list = this.parseJson<Partial<SeyrenList<unknown>> | null>(res, 'GET', path);
    const fail = (detail: string) =>
      new SeyrenError({ method: 'GET', path: `/api${path}`, status: res.status, detail });
    if (!list || !Array.isArray(list.values) || typeof list.total !== 'number') {
      throw fail('no "values" list and "total" count');
    }
    const values = list.values.map((raw, i) => {
      const alert = alertFromWire(raw);
      if (typeof alert === 'string') throw fail(`alert ${start + i}: ${alert}`);
      return alert;
    });
    return { values, items: list.items ?? items, start: list.start ?? start, total: list.total };
  }

  /**
   * DELETE /checks/{id}/alerts?before=…: deletes the check's alerts recorded before `before`. Without `before`
   * Seyren deletes ALL of them, so it is required here. The time goes as ISO-8601 in UTC (Joda's DateTime.parse);
   * URLSearchParams percent-encodes it, so an offset's `+` cannot reach Seyren as a space (which answers 404).
   */
  async deleteAlertsBefore(checkId: string, before: Date): Promise<void> {
    if (Number.isNaN(before.getTime())) {
      throw new HealthlakeError(
        `refusing to delete alerts of Seyren check ${checkId}: invalid "before" time`,
      );
    }
    const query = new URLSearchParams({ before: before.toISOString() }).toString();
    await this.send({ method: 'DELETE', path: `/checks/${encodeURIComponent(checkId)}/alerts`, query });
  }

  private send(spec: RequestSpec): Promise<RawResponse> {
    const policy = spec.method === 'POST' ? this.retryPolicies.notSent : this.retryPolicies.idempotent;
    return policy.execute(() => this.attempt(spec));
  }

  /** One HTTP request under the per-request timeout. Every failure comes out as a SeyrenError. */
  private async attempt(spec: RequestSpec): Promise<RawResponse> {
    const { method, query, body } = spec;
    const path = `/api${spec.path}`;
    this.count(method);
    const started = Date.now();
    let res: AxiosResponse<string>;
    try {
      res = await this.perRequestTimeout.execute(({ signal }) =>
        this.http.request<string>({
          method,
          url: `${this.apiBase}${spec.path}${query ? `?${query}` : ''}`,
          data: body === undefined ? undefined : JSON.stringify(body),
          // Without it Seyren answers 415 (issue scobal/seyren#314).
          headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
          signal,
        }),
      );
    } catch (err) {
      this.logger.debug({ method, path, ms: Date.now() - started }, 'Seyren request failed');
      throw this.transportError(method, path, err);
    }
    this.logger.debug({ method, path, status: res.status, ms: Date.now() - started }, 'Seyren request');
    const text = typeof res.data === 'string' ? res.data : '';
    if (res.status < 200 || res.status > 299) {
      const secrets = [...(spec.secrets ?? []), ...this.authSecrets];
      // /api/checks always exists in Seyren: a 404 there means the base URL misses Seyren's context path.
      const detail =
        res.status === 404 && spec.path === '/checks'
          ? `no Seyren API at ${this.apiBase}${spec.path}; does SEYREN_URL include Seyren's context path ` +
            '(e.g. http://host:8080/seyren)?'
          : errorBodyExcerpt(text, secrets);
      throw new SeyrenError({ method, path, status: res.status, detail });
    }
    const location = res.headers['location'];
    return { status: res.status, text, location: typeof location === 'string' ? location : undefined };
  }

  private transportError(method: HttpMethod, path: string, err: unknown): SeyrenError {
    if (err instanceof TaskCancelledError) {
      const detail = `no answer within ${this.timeoutMs} ms`;
      return new SeyrenError({ method, path, code: 'ETIMEDOUT', detail });
    }
    // Only the code and message are kept: an AxiosError also holds the request config (headers, body).
    const code = axios.isAxiosError(err) ? err.code : undefined;
    const message = err instanceof Error ? err.message : String(err);
    return new SeyrenError({ method, path, code, detail: redact(message, this.authSecrets) });
  }

  private idFromLocation(res: RawResponse, spec: RequestSpec): string {
    const segments = res.location ? new URL(res.location, this.apiBase).pathname.split('/') : [];
    const id = decodeURIComponent(segments.filter(Boolean).pop() ?? '');
    if (!res.location || !id) {
      const detail = 'no Location header, so the new id is unknown';
      throw new SeyrenError({ method: spec.method, path: `/api${spec.path}`, status: res.status, detail });
    }
    return id;
  }

  private parseJson<T>(res: RawResponse, method: HttpMethod, path: string): T {
    try {
      return JSON.parse(res.text) as T;
    } catch {
      const detail = `body is not JSON: ${errorBodyExcerpt(res.text, this.authSecrets)}`;
      throw new SeyrenError({ method, path: `/api${path}`, status: res.status, detail });
    }
  }

  private count(method: HttpMethod): void {
    this.stats[({ GET: 'gets', POST: 'posts', PUT: 'puts', DELETE: 'deletes' } as const)[method]]++;
  }
}
