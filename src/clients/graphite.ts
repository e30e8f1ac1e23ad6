import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { ExponentialBackoff, handleWhen, retry, RetryPolicy } from 'cockatiel';
import type { HttpAuth } from '../config/config';
import { HealthlakeError } from '../errors';
import { Logger, silentLogger } from '../util/log';

/**
 * A thin client for graphite-web's HTTP API (render, metrics/find, metrics/expand, version), shaped by how
 * graphite-web 1.1.8 really answers (docs/graphite-notes.md):
 * - JSON renders may contain `1e9999` for inf; JSON.parse turns that into Infinity, which we keep.
 * - Parameter errors are 400 with a one-line plain-text body (served as text/html); other failures are 500 with
 *   an HTML page wrapping a Python traceback. Users need the one meaningful line, not the page.
 * - A render racing carbon's creation of a .wsp file gives a transient 500 (CorruptWhisperFile), so 5xx and
 *   connection errors are retried a few times; a deterministic 500 (IndexError) still surfaces afterwards.
 */

export interface GraphiteSeries {
  target: string;
  datapoints: Array<[number | null, number]>;
  /** graphite-web 1.1 adds `{"name": …}` (and tags, when tagging is on); absent from older servers. */
  tags?: Record<string, string>;
}

/** Graphite time expressions (`-30d`, `now`, `20240101`) or epoch seconds. `until` defaults to now. */
export interface RenderRange {
  from: string | number;
  until?: string | number;
}

/** Extra render parameters for PNGs (`width`, `height`, `title`, `areaMode`, …), passed through as-is. */
export type PngRenderParams = RenderRange & { [graphiteParam: string]: string | number | undefined };

/** One node of `/metrics/find`, with graphite-web's 0/1 flags turned into booleans. */
export interface GraphiteNode {
  /** Full dotted path, e.g. `health.steps`. */
  id: string;
  /** Last path component, e.g. `steps`. */
  text: string;
  leaf: boolean;
  expandable: boolean;
}

export interface GraphiteClientOptions {
  baseUrl: string;
  auth?: HttpAuth;
  timeoutMs?: number;
  /** Retries after the first attempt, for connection errors and 5xx only. */
  retries?: number;
  /** First retry delay; later ones grow exponentially (with jitter) up to 10× this. */
  retryBaseDelayMs?: number;
  logger?: Logger;
  /**
   * The level of the "retrying" line (default warn). A caller that polls anyway and reports a failure that
   * lasts in its own words (read-back verification) makes it debug.
   */
  retryLogLevel?: 'warn' | 'debug';
}

/** graphite-web answered with an error status or an unusable body, or could not be reached at all. */
export class GraphiteError extends HealthlakeError {
  constructor(
    message: string,
    /** HTTP status; undefined when no response arrived (connection refused, reset, timeout). */
    readonly status: number | undefined,
    /** Endpoint path such as `/render`, so callers can say which call failed. */
    readonly endpoint: string,
    /** Whether retrying may help: 5xx and connection errors. */
    readonly transient: boolean = false,
  ) {
    super(message);
  }
}

const MAX_ERROR_LINE = 300;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Socket-level failures where a second attempt can succeed. An axios timeout (ECONNABORTED) is left out on
// purpose: a render that took timeoutMs will most likely take as long again.
const RETRYABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * What every graphite-web client shares: the base URL, an axios instance that leaves status and body to the
 * caller, the proxy auth, and retries on connection errors and 5xx (a render racing carbon's file creation
 * gets a transient 500).
 */
export function graphiteTransport(options: GraphiteClientOptions, responseType: 'arraybuffer' | 'text') {
  const { auth, timeoutMs = 15000, retries = 2, retryBaseDelayMs = 200 } = options;
  const http: AxiosInstance = axios.create({
    timeout: timeoutMs,
    responseType,
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    headers: auth && 'header' in auth ? { [auth.header]: auth.value } : {},
    auth: auth && 'username' in auth ? { username: auth.username, password: auth.password } : undefined,
  });
  const retryPolicy: RetryPolicy = retry(
    handleWhen((err) => err instanceof GraphiteError && err.transient),
    {
      maxAttempts: retries,
      backoff: new ExponentialBackoff({ initialDelay: retryBaseDelayMs, maxDelay: retryBaseDelayMs * 10 }),
    },
  );
  const logger = options.logger ?? silentLogger;
  const retryLogLevel = options.retryLogLevel ?? 'warn';
  retryPolicy.onRetry(({ delay, attempt, ...reason }) => {
    const cause = 'error' in reason ? reason.error.message : 'unexpected result';
    logger[retryLogLevel](
      { attempt, delayMs: Math.round(delay), cause },
      'graphite-web request failed, retrying',
    );
  });
  return { baseUrl: options.baseUrl.replace(/\/+$/, ''), http, retryPolicy, logger };
}

export class GraphiteClient {
  private readonly baseUrl: string;
  private readonly http: AxiosInstance;
  private readonly retryPolicy: RetryPolicy;
  private readonly logger: Logger;

  constructor(options: GraphiteClientOptions) {
    // Bytes for every endpoint: we decide ourselves whether a body is JSON, text or PNG.
    ({
      baseUrl: this.baseUrl,
      http: this.http,
      retryPolicy: this.retryPolicy,
      logger: this.logger,
    } = graphiteTransport(options, 'arraybuffer'));
  }

  /** GET /render?format=json. Several targets are sent as repeated `target=` parameters, as graphite expects. */
  async render(target: string | string[], range: RenderRange): Promise<GraphiteSeries[]> {
    const query = renderQuery(target, range);
    query.append('format', 'json');
    const body = await this.getJson('/render', query);
    if (!Array.isArray(body) || !body.every(isSeries)) {
      throw new GraphiteError(
        'Unexpected /render JSON: expected [{"target", "datapoints"}, …]',
        200,
        '/render',
      );
    }
    return body;
  }

  /** GET /render?format=png; the result is checked to really be a PNG (a proxy error page is not). */
  async renderPng(target: string | string[], params: PngRenderParams): Promise<Buffer> {
    const { from, until, ...extra } = params;
    const query = renderQuery(target, { from, until });
    for (const [key, value] of Object.entries(extra)) if (value !== undefined) query.set(key, String(value));
    query.set('format', 'png');
    const res = await this.get('/render', query);
    if (!res.data.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
      const line = firstLineOfErrorBody(res.data.toString('utf8'), res.contentType);
      throw new GraphiteError(`Expected a PNG from /render but got: ${line}`, res.status, '/render');
    }
    return res.data;
  }

  /**
   * GET /metrics/expand: the paths a glob matches (by default only leaves, i.e. real metrics). `local`: only
   * this graphite-web's own storage, not the CLUSTER_SERVERS it federates.
   */
  async expand(
    query: string,
    { leavesOnly = true, local = false }: { leavesOnly?: boolean; local?: boolean } = {},
  ): Promise<string[]> {
    const params = new URLSearchParams({ query });
    if (leavesOnly) params.set('leavesOnly', '1');
    if (local) params.set('local', '1');
    const body = await this.getJson('/metrics/expand', params);
    const results = isRecord(body) ? body.results : undefined;
    if (!Array.isArray(results) || !results.every((r) => typeof r === 'string')) {
      throw new GraphiteError(
        'Unexpected /metrics/expand JSON: expected {"results": [...]}',
        200,
        '/metrics/expand',
      );
    }
    return results;
  }

  /** GET /metrics/find: the nodes a glob such as `health.*` matches. `local`: as for expand. */
  async find(query: string, { local = false }: { local?: boolean } = {}): Promise<GraphiteNode[]> {
    const params = new URLSearchParams({ query });
    if (local) params.set('local', '1');
    const body = await this.getJson('/metrics/find', params);
    if (!Array.isArray(body) || !body.every((n) => isRecord(n) && typeof n.id === 'string')) {
      throw new GraphiteError(
        'Unexpected /metrics/find JSON: expected [{"id", "text", …}]',
        200,
        '/metrics/find',
      );
    }
    return body.map((n: Record<string, unknown>) => ({
      id: String(n.id),
      text: String(n.text ?? ''),
      leaf: Boolean(Number(n.leaf)),
      expandable: Boolean(Number(n.expandable)),
    }));
  }

  /** GET /version: graphite-web's version string, e.g. `1.1.8`. */
  async version(): Promise<string> {
    const res = await this.get('/version', new URLSearchParams());
    return res.data.toString('utf8').trim();
  }

  private async getJson(endpoint: string, query: URLSearchParams): Promise<unknown> {
    const res = await this.get(endpoint, query);
    const text = res.data.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      const line = firstLineOfErrorBody(text, res.contentType);
      throw new GraphiteError(`Expected JSON from ${endpoint} but got: ${line}`, res.status, endpoint);
    }
  }

  /** One GET with retries; resolves only for 2xx, everything else becomes a GraphiteError. */
  private get(endpoint: string, query: URLSearchParams): Promise<RawResponse> {
    const url = `${this.baseUrl}${endpoint}?${query.toString()}`;
    return this.retryPolicy.execute(async () => {
      const started = Date.now();
      let res: AxiosResponse<Buffer>;
      try {
        res = await this.http.get<Buffer>(url);
      } catch (err) {
        throw networkError(err, this.baseUrl, endpoint);
      }
      const contentType = String(res.headers['content-type'] ?? '');
      const data = Buffer.isBuffer(res.data) ? res.data : Buffer.from(res.data ?? '');
      this.logger.debug({ endpoint, status: res.status, ms: Date.now() - started }, 'graphite-web request');
      if (res.status < 200 || res.status >= 300) {
        const line = firstLineOfErrorBody(data.toString('utf8'), contentType) || `HTTP ${res.status}`;
        throw new GraphiteError(line, res.status, endpoint, res.status >= 500);
      }
      return { status: res.status, contentType, data };
    });
  }
}

interface RawResponse {
  status: number;
  contentType: string;
  data: Buffer;
}

function renderQuery(target: string | string[], { from, until }: RenderRange): URLSearchParams {
  const query = new URLSearchParams();
  for (const t of Array.isArray(target) ? target : [target]) query.append('target', t);
  query.set('from', String(from));
  if (until !== undefined) query.set('until', String(until));
  return query;
}

/** A request that got no answer, as a GraphiteError; socket failures a second attempt may cure are transient. */
export function networkError(err: unknown, baseUrl: string, endpoint: string): GraphiteError {
  const code = (err as { code?: unknown }).code;
  const detail = err instanceof Error && err.message ? err.message : String(code ?? err);
  if (code === 'ECONNABORTED') {
    return new GraphiteError(
      `graphite-web at ${baseUrl} did not answer ${endpoint} in time (${detail})`,
      undefined,
      endpoint,
    );
  }
  const transient = typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code);
  return new GraphiteError(
    `Cannot reach graphite-web at ${baseUrl}: ${detail}`,
    undefined,
    endpoint,
    transient,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeries(value: unknown): value is GraphiteSeries {
  return isRecord(value) && typeof value.target === 'string' && Array.isArray(value.datapoints);
}

/** The newest point that has a value (Seyren judges a series by exactly this point), or undefined. */
export function lastNonNull(series: GraphiteSeries): { value: number; timestamp: number } | undefined {
  for (let i = series.datapoints.length - 1; i >= 0; i--) {
    const point = series.datapoints[i];
    if (point && point[0] !== null) return { value: point[0], timestamp: point[1] };
  }
  return undefined;
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return HTML_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function clip(line: string): string {
  return line.length <= MAX_ERROR_LINE ? line : `${line.slice(0, MAX_ERROR_LINE - 1)}…`;
}

/**
 * The one line of an error body worth showing a user, at most 300 characters.
 * - graphite-web's 500 page is HTML around a Python traceback: the exception line (`IndexError: …`) is the
 *   first unindented line after the last `Traceback (most recent call last):` (the last one, for chained errors).
 * - The 400 body is one plain-text line (sent as text/html), `Invalid parameters (…); targets: "…"; func: "…"`;
 *   the `func` part is a repr of whole series lists, so it is cut off.
 * - Anything else (a proxy's HTML page, plain text): the first non-blank line after removing tags.
 * The content type is only a hint: graphite labels plain text as text/html, so the body itself decides.
 */
export function firstLineOfErrorBody(body: string, contentType?: string): string {
  const declaredPlain = /^\s*(text\/plain|application\/json)/i.test(contentType ?? '');
  const isHtml = !declaredPlain && /<(!doctype|html|head|body|div|pre|h[1-6]|p|center|title)\b/i.test(body);
  const text = isHtml
    ? decodeHtmlEntities(
        body
          .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '\n')
          .replace(/<!--[\s\S]*?-->/g, '\n')
          .replace(/<[^>]*>/g, '\n'),
      )
    : body;
  const lines = text.split(/\r?\n/);

  let tracebackAt = -1;
  lines.forEach((line, i) => {
    if (line.trim().startsWith('Traceback (most recent call last)')) tracebackAt = i;
  });
  if (tracebackAt >= 0) {
    const exceptionLine = lines.slice(tracebackAt + 1).find((l) => l.trim() !== '' && !/^\s/.test(l));
    if (exceptionLine) return clip(exceptionLine.trim());
  }

  const first = lines.map((l) => l.trim()).find((l) => l !== '') ?? '';
  return clip(first.replace(/; func: .*$/, '').replace(/\s+/g, ' '));
}
