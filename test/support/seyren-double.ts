import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BindError,
  bindCheck,
  bindSubscription,
  compileJavaRegex,
  parseJsonBody,
  ServerError,
} from './seyren-double-binding';
import {
  boundCheckToJson,
  type DirectCheck,
  type NotifiedState,
  type SeyrenDoubleChecks,
  SeyrenDoubleStore,
  type SeyrenLocalTime,
} from './seyren-double-store';
import type { CheckState, SeyrenCheck } from '../../src/clients/seyren/types';
import { javaIntParam, parseJodaDateTime, SeyrenDoubleAlerts } from './seyren-double-alerts';

/**
 * An in-process HTTP double of Seyren 1.5.0 that reproduces its API quirks (see
 * docs/seyren-api.md and test/unit/seyren-double.test.ts, which pins each one down). Storage
 * is Map-based with a name index, so a 3,000-check sync stays linear.
 */

export interface RecordedRequest {
  method: string;
  /** Path below the context path, e.g. `/api/checks/5205...` (the raw path if outside it). */
  path: string;
  query: Record<string, string[]>;
  /** Parsed JSON, the raw text if it is not JSON, undefined if empty. */
  body: unknown;
}

/**
 * An injected failure: an HTTP status (answered with a container error page, nothing processed), `reset` (the
 * connection is dropped before processing) or `reset-after-handling` (processed, then dropped: the client
 * cannot tell whether it worked).
 */
export type InjectedFailure = number | 'reset' | 'reset-after-handling';

export interface SeyrenDouble {
  /** Base URL including the context path, without `/api`: what a user configures. */
  url: string;
  checks: SeyrenDoubleChecks;
  requests: RecordedRequest[];
  /**
   * Whether Seyren would send this subscription's notification for a change to `alertType` evaluated at `at`
   * (server-local time): Subscription.shouldNotify, on what is stored. Throws where Seyren's would.
   */
  wouldNotify(
    checkId: string,
    subscriptionId: string,
    at: SeyrenLocalTime,
    alertType: NotifiedState,
  ): boolean;
  failNext(predicate: (req: RecordedRequest) => boolean, count?: number, failure?: InjectedFailure): void;
  /** Stores a check without the API, as if made by hand in the UI. Keeps `id` and subscription ids if given. */
  addCheckDirectly(check: DirectCheck): SeyrenCheck;
  /** The alerts collection: read it in assertions, or store records Seyren's scheduler would not write. */
  alerts: SeyrenDoubleAlerts;
  /**
   * One run of Seyren's scheduler on a check (CheckRunner): each series with a value is judged against the
   * check's thresholds (or `warn`/`error`, as if the check had those then), an alert is stored unless it was OK
   * and still is, and the check's state and lastCheck are set. A null value is "no data": skipped.
   */
  runCheck(id: string, run: CheckRun): void;
  close(): Promise<void>;
}

export interface SeyrenDoubleOptions {
  /** `/seyren` like `mvn tomcat7:run` and docker-compose; `''` like the runnable jar. */
  contextPath?: string;
  /** Delay before every answer, to make concurrency visible in benchmarks. */
  latencyMs?: number;
}

export interface CheckRun {
  /** Epoch milliseconds of the run. */
  at: number;
  /** The last non-null value of each series Graphite returned, by series name. */
  values: Record<string, number | null>;
  warn?: number;
  error?: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** Tomcat 7's error report page, which Seyren serves for uncaught exceptions (docs/seyren-api.md, section 0). */
function containerErrorPage(status: number, message: string): Reply {
  const text = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body =
    '<html><head><title>Apache Tomcat/7.0.47 - Error report</title><style><!--H1 {font-family:Tahoma,Arial,' +
    `sans-serif;color:white;background-color:#525D76;}--></style> </head><body><h1>HTTP Status ${status} - ` +
    `${text}</h1><HR size="1" noshade="noshade"><p><b>type</b> Exception report</p><p><b>message</b> <u>${text}` +
    '</u></p><HR size="1" noshade="noshade"><h3>Apache Tomcat/7.0.47</h3></body></html>';
  return { status, headers: { 'Content-Type': 'text/html;charset=utf-8' }, body };
}

const empty = (status: number): Reply => ({ status });
const json = (status: number, value: unknown): Reply => ({
  status,
  headers: JSON_HEADERS,
  body: JSON.stringify(value),
});

function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** JAX-RS content negotiation for `@Produces(application/json)`: 406 when Accept excludes JSON. */
function acceptsJson(header: string | undefined): boolean {
  if (!header) return true;
  return header.split(',').some((range) => {
    const type = range.split(';')[0]?.trim().toLowerCase();
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

function tryParseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

class SeyrenDoubleRouter {
  constructor(
    private readonly store: SeyrenDoubleStore,
    private readonly alerts: SeyrenDoubleAlerts,
    private readonly apiUrl: (req: http.IncomingMessage) => string,
  ) {}

  /** `segments` are the decoded path segments after `/api`. */
  route(req: http.IncomingMessage, segments: string[], query: URLSearchParams, text: string): Reply {
    const method = req.method ?? 'GET';
    const [root, checkId, sub, subId, action] = segments;
    if (segments.length === 1 && root === 'checks') {
      if (method === 'GET') return this.produceJson(req, () => this.listChecks(query));
      if (method === 'POST') return this.consumeJson(req, text, (body) => this.createCheck(req, body));
    } else if (root === 'checks' && checkId !== undefined && segments.length === 2) {
      if (method === 'GET') return this.produceJson(req, () => this.getCheck(checkId));
      if (method === 'PUT') return this.consumeJson(req, text, (body) => this.updateCheck(checkId, body));
      if (method === 'DELETE') return this.deleteCheck(checkId);
    } else if (root === 'checks' && checkId !== undefined && sub === 'subscriptions') {
      if (segments.length === 3 && method === 'POST') {
        return this.consumeJson(req, text, (body) => this.createSubscription(req, checkId, body));
      }
      if (segments.length === 4 && subId !== undefined) {
        if (method === 'PUT')
          return this.consumeJson(req, text, (body) => this.updateSubscription(checkId, body));
        if (method === 'DELETE') return this.deleteSubscription(checkId, subId);
      }
      if (segments.length === 5 && subId !== undefined && action === 'test' && method === 'PUT') {
        return empty(this.store.get(checkId) && this.store.hasSubscription(checkId, subId) ? 204 : 404);
      }
    } else if (root === 'checks' && checkId !== undefined && sub === 'alerts' && segments.length === 3) {
      if (method === 'GET') return this.produceJson(req, () => this.alertsPage(checkId, query));
      if (method === 'DELETE') return this.deleteAlerts(checkId, query);
    } else if (root === 'alerts' && segments.length === 1 && method === 'GET') {
      return this.produceJson(req, () => this.alertsPage(undefined, query));
    } else if (root === 'config' && segments.length === 1 && method === 'GET') {
      const baseUrl = this.apiUrl(req).replace(/\/api\/$/, '');
      return this.produceJson(req, () =>
        json(200, { baseUrl, graphsEnabled: true, graphiteCarbonPickleEnabled: false }),
      );
    } else {
      return containerErrorPage(404, `Could not find resource for relative : /${segments.join('/')}`);
    }
    return containerErrorPage(405, `No resource method found for ${method}, return 405 with Allow header`);
  }

  private produceJson(req: http.IncomingMessage, handler: () => Reply): Reply {
    return acceptsJson(req.headers.accept)
      ? handler()
      : containerErrorPage(406, 'No match for accept header');
  }

  /** `@Consumes(application/json)`: 415 otherwise (issue #314); unreadable JSON is 400 with an empty body. */
  private consumeJson(req: http.IncomingMessage, text: string, handler: (body: unknown) => Reply): Reply {
    if (!isJsonContentType(req.headers['content-type'])) {
      return containerErrorPage(415, 'Cannot consume content type');
    }
    try {
      return handler(parseJsonBody(text));
    } catch (err) {
      if (err instanceof BindError) return empty(400);
      if (err instanceof ServerError) return containerErrorPage(500, err.message);
      throw err;
    }
  }

  /** ChecksBean.getChecks: `state` wins, then paired `fields`/`regexes`, then everything; `enabled` filters. */
  private listChecks(query: URLSearchParams): Reply {
    const enabledParam = query.get('enabled');
    const enabled = enabledParam === null ? undefined : enabledParam.toLowerCase() === 'true'; // Boolean.valueOf
    const states = query.getAll('state');
    const fields = query.getAll('fields');
    const regexes = query.getAll('regexes');
    let values: SeyrenCheck[];
    try {
      if (states.length > 0) {
        values = this.store.findByState(new Set(states), enabled);
      } else if (fields.length > 0 && regexes.length > 0) {
        if (fields.length !== regexes.length) {
          throw new ServerError(
            `java.lang.IllegalArgumentException: Fields[${fields}] have same number of elements`,
          );
        }
        const pattern = new Map(fields.map((f, i) => [f, { source: regexes[i] as string, regex: /./ }]));
        for (const p of pattern.values()) p.regex = compileJavaRegex(p.source);
        values = this.store.findByPattern(pattern, enabled);
      } else {
        values = this.store.findAll(enabled);
      }
    } catch (err) {
      if (err instanceof ServerError) return containerErrorPage(500, err.message);
      throw err;
    }
    return json(200, { values, items: 0, start: 0, total: values.length });
  }

  private getCheck(id: string): Reply {
    const check = this.store.get(id);
    return check ? json(200, check) : empty(404);
  }

  private createCheck(req: http.IncomingMessage, body: unknown): Reply {
    if (body === null) throw new ServerError('java.lang.NullPointerException');
    const id = this.store.createCheck(bindCheck(body)); // a body id is ignored: always a new ObjectId
    return { status: 201, headers: { Location: `${this.apiUrl(req)}checks/${id}` } };
  }

  /** ChecksBean.updateCheck: the PATH id must exist, then the BODY id is saved; the answer echoes the body. */
  private updateCheck(pathId: string, body: unknown): Reply {
    const check = body === null ? null : bindCheck(body);
    if (!this.store.get(pathId)) return empty(404);
    if (check === null) throw new ServerError('java.lang.NullPointerException');
    this.store.saveCheck(check);
    return json(200, boundCheckToJson(check));
  }

  /** ChecksBean.deleteCheck: the check, then its alerts. */
  private deleteCheck(id: string): Reply {
    this.store.deleteCheck(id);
    this.alerts.deleteForCheck(id);
    return empty(204);
  }

  /**
   * AlertsBean: `start`/`items` are Java ints (not an int: RESTEasy's 404; negative: 400 with an empty body);
   * an unknown check id is an empty page.
   */
  private alertsPage(checkId: string | undefined, query: URLSearchParams): Reply {
    const start = javaIntParam(query.get('start'), 0);
    const items = javaIntParam(query.get('items'), 20);
    if (start === undefined || items === undefined) return empty(404);
    if (start < 0 || items < 0) return empty(400);
    return { status: 200, headers: JSON_HEADERS, body: this.alerts.pageJson(checkId, start, items) };
  }

  /** DateTimeParam: empty or absent `before` deletes every alert of the check; an unparsable one is a 404. */
  private deleteAlerts(checkId: string, query: URLSearchParams): Reply {
    const text = query.get('before') ?? '';
    const before = text === '' ? undefined : parseJodaDateTime(text);
    if (text !== '' && before === undefined) return empty(404);
    this.alerts.deleteForCheck(checkId, before);
    return empty(204);
  }

  private createSubscription(req: http.IncomingMessage, checkId: string, body: unknown): Reply {
    if (body === null) throw new ServerError('java.lang.NullPointerException');
    const id = this.store.createSubscription(checkId, bindSubscription(body)); // 201 even for an unknown check
    const location = `${this.apiUrl(req)}checks/${encodeURIComponent(checkId)}/subscriptions/${id}`;
    return { status: 201, headers: { Location: location } };
  }

  /** The path subscription id is ignored: the BODY id selects the element. Always 204. */
  private updateSubscription(checkId: string, body: unknown): Reply {
    if (body === null) throw new ServerError('java.lang.NullPointerException');
    this.store.updateSubscription(checkId, bindSubscription(body));
    return empty(204);
  }

  private deleteSubscription(checkId: string, subId: string): Reply {
    this.store.deleteSubscription(checkId, subId);
    return empty(204);
  }
}

const STATE_ORDER: Record<CheckState, number> = { UNKNOWN: 0, OK: 1, WARN: 2, ERROR: 3, EXCEPTION: 4 };

/** DefaultValueChecker: inclusive comparisons; warn <= error means high is bad. */
function valueState(value: number, warn: number, error: number): CheckState {
  if (warn <= error) return value >= error ? 'ERROR' : value >= warn ? 'WARN' : 'OK';
  return value <= error ? 'ERROR' : value <= warn ? 'WARN' : 'OK';
}

/** CheckRunner.run for one check (see CheckRun). */
function runCheck(store: SeyrenDoubleStore, alerts: SeyrenDoubleAlerts, id: string, run: CheckRun): void {
  const check = store.get(id);
  if (!check) throw new Error(`no check ${id}`);
  if (!check.enabled) return;
  const warn = run.warn ?? Number(check.warn);
  const error = run.error ?? Number(check.error);
  let worst: CheckState = check.allowNoData ? 'OK' : 'UNKNOWN';
  for (const [target, value] of Object.entries(run.values)) {
    if (value === null) continue;
    const last = alerts.lastForTarget(id, target);
    const fromType = last?.toType ?? 'OK';
    const toType = valueState(value, warn, error);
    if (STATE_ORDER[toType] > STATE_ORDER[worst]) worst = toType;
    if (fromType === 'OK' && toType === 'OK') continue;
    alerts.create({ checkId: id, target, value, warn, error, fromType, toType, timestamp: run.at });
  }
  store.updateStateAndLastCheck(id, worst, run.at);
}

export async function startSeyrenDouble(options: SeyrenDoubleOptions = {}): Promise<SeyrenDouble> {
  const contextPath = (options.contextPath ?? '/seyren').replace(/\/+$/, '');
  const latencyMs = options.latencyMs ?? 0;
  const store = new SeyrenDoubleStore();
  const alerts = new SeyrenDoubleAlerts();
  const requests: RecordedRequest[] = [];
  const failures: {
    predicate: (req: RecordedRequest) => boolean;
    remaining: number;
    failure: InjectedFailure;
  }[] = [];
  let port = 0;
  // RESTEasy resolves the relative Location against the request's base URI, so it is absolute.
  const apiUrl = (req: http.IncomingMessage) =>
    `http://${req.headers.host ?? `127.0.0.1:${port}`}${contextPath}/api/`;
  const router = new SeyrenDoubleRouter(store, alerts, apiUrl);

  const takeFailure = (recorded: RecordedRequest): InjectedFailure | undefined => {
    const rule = failures.find((f) => f.predicate(recorded));
    if (!rule) return undefined;
    if (--rule.remaining <= 0) failures.splice(failures.indexOf(rule), 1);
    return rule.failure;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, text: string) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const apiPrefix = `${contextPath}/api`;
    const inContext = url.pathname === apiPrefix || url.pathname.startsWith(`${apiPrefix}/`);
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.startsWith(`${contextPath}/`)
        ? url.pathname.slice(contextPath.length)
        : url.pathname,
      query,
      body: tryParseJson(text),
    };
    requests.push(recorded);
    const failure = takeFailure(recorded);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (failure === 'reset') return void req.socket.destroy();
    let reply: Reply;
    if (typeof failure === 'number') {
      reply = containerErrorPage(failure, 'injected failure');
    } else if (!inContext) {
      reply = containerErrorPage(404, `The requested resource (${url.pathname}) is not available.`);
    } else {
      const segments = url.pathname
        .slice(apiPrefix.length)
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      reply = router.route(req, segments, url.searchParams, text);
    }
    if (failure === 'reset-after-handling') return void req.socket.destroy();
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: Error) => {
        if (!res.headersSent) {
          const reply = containerErrorPage(500, err.message);
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${contextPath}`,
    checks: store,
    requests,
    wouldNotify: (checkId, subscriptionId, at, alertType) =>
      store.shouldNotify(checkId, subscriptionId, at, alertType),
    failNext(predicate, count = 1, failure = 500) {
      failures.push({ predicate, remaining: count, failure });
    },
    addCheckDirectly: (check) => store.addDirectly(check),
    alerts,
    runCheck: (id, run) => runCheck(store, alerts, id, run),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
