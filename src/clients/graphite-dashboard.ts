import type { AxiosInstance, AxiosResponse } from 'axios';
import type { RetryPolicy } from 'cockatiel';
import { InputError } from '../errors';
import type { Logger } from '../util/log';
import {
  firstLineOfErrorBody,
  GraphiteError,
  graphiteTransport,
  networkError,
  type GraphiteClientOptions,
} from './graphite';

/**
 * graphite-web's dashboard API (graphite/dashboard/views.py in 1.1.8), as its own dashboard UI uses it:
 * - `POST /dashboard/save/<name>` with the form field `state` (JSON). Dashboards are keyed by name, so saving
 *   again replaces. No CSRF token is needed (graphite-web runs without CsrfViewMiddleware).
 * - `GET /dashboard/load/<name>` answers `{"state": …}`.
 * - `GET /dashboard/find/?query=` answers `{"dashboards": [{"name"}]}` for names containing every word of the
 *   query (a missing `query` is an HTTP 500: it must be sent, even empty).
 * - `GET /dashboard/delete/<name>`.
 * Refusals come back as HTTP 200 with `{"error": "…"}` ("Dashboard 'x' does not exist. ", or "Must be logged in
 * …" when DASHBOARD_REQUIRE_AUTHENTICATION is on), so the body decides, not the status.
 */

/** What graphite-web's URL patterns accept (`[^/]+`) narrowed to names that need no escaping anywhere. */
export const DASHBOARD_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function validateDashboardName(name: string): void {
  if (!DASHBOARD_NAME_RE.test(name)) {
    throw InputError.single(
      `dashboard name "${name}" must be 1-128 letters, digits, . _ or -, starting with a letter or digit`,
      { field: '--name' },
    );
  }
}

export class GraphiteDashboardClient {
  private readonly baseUrl: string;
  private readonly http: AxiosInstance;
  private readonly retryPolicy: RetryPolicy;
  private readonly logger: Logger;

  constructor(options: GraphiteClientOptions) {
    // Every call is idempotent (save replaces by name), so connection errors and 5xx are retried.
    ({
      baseUrl: this.baseUrl,
      http: this.http,
      retryPolicy: this.retryPolicy,
      logger: this.logger,
    } = graphiteTransport(options, 'text'));
  }

  /** Creates or replaces the dashboard `name` with `state`. */
  async save(name: string, state: unknown): Promise<void> {
    validateDashboardName(name);
    const body = await this.call('post', '/dashboard/save', `/${name}`, { state: JSON.stringify(state) });
    if (body.success !== true) throw refusal(`save dashboard "${name}"`, body, '/dashboard/save');
  }

  /** The saved state of `name`, or undefined when there is no such dashboard. */
  async load(name: string): Promise<unknown> {
    validateDashboardName(name);
    const body = await this.call('get', '/dashboard/load', `/${name}`);
    if ('state' in body) return body.state;
    if (typeof body.error === 'string' && /does not exist/i.test(body.error)) return undefined;
    throw refusal(`load dashboard "${name}"`, body, '/dashboard/load');
  }

  /** Names of the dashboards whose name contains every word of `query` (all of them for ''). */
  async find(query = ''): Promise<string[]> {
    const body = await this.call('get', '/dashboard/find', `/?${new URLSearchParams({ query })}`);
    const list = body.dashboards;
    if (!Array.isArray(list)) throw refusal('find dashboards', body, '/dashboard/find');
    return list.map((d) => String((d as { name?: unknown }).name));
  }

  /** Deletes `name`; false when it did not exist. */
  async delete(name: string): Promise<boolean> {
    validateDashboardName(name);
    const body = await this.call('get', '/dashboard/delete', `/${name}`);
    if (body.success === true) return true;
    if (typeof body.error === 'string' && /does not exist/i.test(body.error)) return false;
    throw refusal(`delete dashboard "${name}"`, body, '/dashboard/delete');
  }

  /** One request; resolves with the JSON object of a 2xx answer, everything else is a GraphiteError. */
  private call(method: 'get' | 'post', endpoint: string, rest: string, form?: Record<string, string>) {
    const url = `${this.baseUrl}${endpoint}${rest}`;
    return this.retryPolicy.execute(async (): Promise<Record<string, unknown>> => {
      let res: AxiosResponse<string>;
      try {
        res =
          method === 'post'
            ? await this.http.post<string>(url, new URLSearchParams(form).toString(), {
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              })
            : await this.http.get<string>(url);
      } catch (err) {
        throw networkError(err, this.baseUrl, endpoint);
      }
      const text = String(res.data ?? '');
      const contentType = String(res.headers['content-type'] ?? '');
      this.logger.debug({ endpoint, status: res.status }, 'graphite-web dashboard request');
      if (res.status < 200 || res.status >= 300) {
        const line = firstLineOfErrorBody(text, contentType) || `HTTP ${res.status}`;
        throw new GraphiteError(`${endpoint}: ${line}`, res.status, endpoint, res.status >= 500);
      }
      try {
        const body: unknown = JSON.parse(text);
        if (body !== null && typeof body === 'object' && !Array.isArray(body))
          return body as Record<string, unknown>;
      } catch {
        // reported below
      }
      const line = firstLineOfErrorBody(text, contentType);
      throw new GraphiteError(
        `Expected a JSON object from ${endpoint} but got: ${line}`,
        res.status,
        endpoint,
      );
    });
  }
}

function refusal(what: string, body: Record<string, unknown>, endpoint: string): GraphiteError {
  const reason =
    typeof body.error === 'string' ? body.error.trim() : `unexpected answer ${JSON.stringify(body)}`;
  return new GraphiteError(`graphite-web did not ${what}: ${reason}`, 200, endpoint);
}
