import { inspect } from 'node:util';
import nock from 'nock';
import pino from 'pino';
import {
  escapeJavaRegex,
  SeyrenClient,
  SeyrenError,
  type SeyrenClientOptions,
} from '../../src/clients/seyren/client';
import type { NewCheck, NewSubscription, SeyrenCheck } from '../../src/clients/seyren/types';
import { freeTcpPort } from '../support/ports';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';

const SECRET = 'PD-SECRET-KEY-123';

function subscription(target: string, extra: Partial<NewSubscription> = {}): NewSubscription {
  const days = { su: true, mo: true, tu: true, we: true, th: true, fr: true, sa: true };
  const flags = { ignoreWarn: false, ignoreError: false, ignoreOk: false, enabled: true };
  return { type: 'PAGERDUTY', target, ...days, ...flags, fromTime: '0000', toTime: '2359', ...extra };
}

/** The adoption rule the tests create with: a check whose description says it is ours. */
const OURS = '[ours]';
const isOurs = (check: SeyrenCheck) => (check.description ?? '').startsWith(OURS);

function newCheck(name: string, extra: Partial<NewCheck> = {}): NewCheck {
  return {
    name,
    description: `${OURS} test check`,
    target: `sumSeries(${name}.*)`,
    warn: 5,
    error: 10,
    enabled: true,
    live: false,
    allowNoData: false,
    ...extra,
  };
}

/** A logger that keeps every line, to prove secrets never reach logs. */
function memoryLogger() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }) };
}

async function caught(promise: Promise<unknown>): Promise<SeyrenError> {
  try {
    await promise;
  } catch (err) {
    return err as SeyrenError;
  }
  throw new Error('expected a rejection');
}

describe('SeyrenClient against the Seyren double', () => {
  let seyren: SeyrenDouble;
  let log: ReturnType<typeof memoryLogger>;
  let client: SeyrenClient;
  const makeClient = (opts: Partial<SeyrenClientOptions> = {}) =>
    new SeyrenClient({
      baseUrl: `${seyren.url}/`,
      retries: 2,
      retryBaseDelayMs: 1,
      logger: log.logger,
      ...opts,
    });

  beforeEach(async () => {
    seyren = await startSeyrenDouble();
    log = memoryLogger();
    client = makeClient();
  });
  afterEach(() => seyren.close());

  it('creates a check under the context path and returns the id from Location', async () => {
    const id = await client.createCheck(
      newCheck('api.errors', { subscriptions: [subscription('pd-1')] }),
      isOurs,
    );
    expect(seyren.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/checks']);
    expect(seyren.checks.get(id)).toMatchObject({ name: 'api.errors', warn: '5', error: '10', state: 'OK' });
    expect(seyren.checks.get(id)?.subscriptions).toHaveLength(1);
    expect(await client.getCheck(id)).toEqual(seyren.checks.get(id));
    expect(client.stats).toEqual({ gets: 1, posts: 1, puts: 0, deletes: 0 });
    expect(client.requestCount).toBe(2);
  });

  it('lists all checks or those matching an escaped prefix', async () => {
    for (const name of ['hl.a (x)+', 'hl.a (x)+.b', 'hlXa (x)+', 'other'])
      await client.createCheck(newCheck(name), isOurs);
    expect((await client.listChecks()).map((c) => c.name)).toHaveLength(4);
    const prefixed = await client.listChecks(`^${escapeJavaRegex('hl.a (x)+')}`);
    expect(prefixed.map((c) => c.name)).toEqual(['hl.a (x)+', 'hl.a (x)+.b']);
    expect((await client.findCheckByName('hl.a (x)+'))?.name).toBe('hl.a (x)+');
    expect(await client.findCheckByName('hl.a')).toBeUndefined();
    expect(seyren.requests.at(-1)?.query).toEqual({ fields: ['name'], regexes: ['^hl\\.a$'] });
  });

  it('returns undefined for an unknown check id', async () => {
    expect(await client.getCheck('000000000000000000000000')).toBeUndefined();
  });

  it('updates a check with the full object; subscriptions are left alone', async () => {
    const id = await client.createCheck(newCheck('c', { subscriptions: [subscription('pd-1')] }), isOurs);
    const check = (await client.getCheck(id)) as SeyrenCheck;
    await client.updateCheck({ ...check, warn: '7', description: 'new', subscriptions: [] });
    expect(seyren.requests.at(-1)?.body).toMatchObject({ id, warn: '7', error: '10', state: 'OK' });
    expect(seyren.checks.get(id)).toMatchObject({
      warn: '7',
      description: 'new',
      subscriptions: check.subscriptions,
    });
  });

  it('refuses, before sending, a PUT without state, warn, error or id', async () => {
    const id = await client.createCheck(newCheck('c'), isOurs);
    const check = (await client.getCheck(id)) as SeyrenCheck;
    const broken = [{ state: undefined }, { warn: null }, { error: null }, { id: '' }];
    for (const change of broken) {
      await expect(client.updateCheck({ ...check, ...change } as unknown as SeyrenCheck)).rejects.toThrow(
        /missing/,
      );
    }
    await expect(
      client.updateCheck({ ...check, state: undefined } as unknown as SeyrenCheck),
    ).rejects.toThrow(/state missing \(Seyren 1\.5\.0 would answer 500\)/);
    expect(seyren.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('throws SeyrenError with status, method and path for a PUT on an unknown id', async () => {
    const ghost = {
      ...((await client.getCheck(await client.createCheck(newCheck('c'), isOurs))) as SeyrenCheck),
    };
    ghost.id = '000000000000000000000000';
    const err = await caught(client.updateCheck(ghost));
    expect(err).toBeInstanceOf(SeyrenError);
    expect(err).toMatchObject({ status: 404, method: 'PUT', path: '/api/checks/000000000000000000000000' });
    expect(err.message).toBe('Seyren PUT /api/checks/000000000000000000000000 answered 404');
  });

  it('after a 500 for a name taken by a check that is ours (another run made it), adopts its id', async () => {
    const existing = seyren.addCheckDirectly({ name: 'dup', description: `${OURS} by another run`, warn: 1 });
    expect(await client.createCheck(newCheck('dup'), isOurs)).toBe(existing.id);
    expect(client.stats).toMatchObject({ posts: 1, gets: 1 });
    expect(seyren.requests[1]?.query).toEqual({ fields: ['name'], regexes: ['^dup$'] });
    expect(log.lines.join('\n')).toMatch(/the check exists and is ours: adopted/);
  });

  it('after a 500 for a name taken by a check that is not ours, fails naming it and adopts nothing', async () => {
    const handMade = seyren.addCheckDirectly({
      name: 'dup',
      description: 'made in the UI',
      warn: 1,
      error: 2,
    });
    const err = await caught(client.createCheck(newCheck('dup'), isOurs));
    expect(err).toBeInstanceOf(SeyrenError);
    expect(err.status).toBe(500);
    expect(err.message).toBe(
      `Seyren POST /api/checks answered 500: a check named "dup" already exists (id ${handMade.id}) and is ` +
        'not managed by healthlake (its description lacks the marker); rename or delete it in Seyren',
    );
    // Neither repeated nor changed: one POST, one name lookup, and the hand-made check as it was.
    expect(client.stats).toEqual({ gets: 1, posts: 1, puts: 0, deletes: 0 });
    expect(seyren.checks.findByName('dup')).toEqual(handMade);
  });

  it('after a connection reset, returns the id the lost request created', async () => {
    seyren.failNext((r) => r.method === 'POST', 1, 'reset-after-handling');
    const id = await client.createCheck(newCheck('lost'), isOurs);
    expect(seyren.checks.findByName('lost')?.id).toBe(id);
    expect(client.stats).toMatchObject({ posts: 1, gets: 1 });
  });

  it('after a connection reset that created nothing, posts again', async () => {
    seyren.failNext((r) => r.method === 'POST', 1, 'reset');
    const id = await client.createCheck(newCheck('retry-me'), isOurs);
    expect(seyren.checks.get(id)?.name).toBe('retry-me');
    expect(client.stats).toMatchObject({ posts: 2, gets: 1 });
  });

  it('does not repeat a POST answered 500 when no check has the name', async () => {
    seyren.failNext((r) => r.method === 'POST', 1, 500);
    const err = await caught(client.createCheck(newCheck('x'), isOurs));
    expect(err.message).toMatch(
      /^Seyren POST \/api\/checks answered 500: HTTP Status 500 - injected failure/,
    );
    expect(err.message.length).toBeLessThan(260);
    expect(client.stats).toMatchObject({ posts: 1, gets: 1 });
    expect(seyren.checks.size).toBe(0);
  });

  it('retries a GET answered 5xx', async () => {
    seyren.failNext((r) => r.method === 'GET', 2, 503);
    expect(await client.listChecks()).toEqual([]);
    expect(client.stats.gets).toBe(3);
    seyren.failNext((r) => r.method === 'GET', 3, 500);
    await expect(client.listChecks()).rejects.toMatchObject({ status: 500 });
  });

  it('times out a slow request and retries it', async () => {
    const slow = await startSeyrenDouble({ latencyMs: 300 });
    try {
      const err = await caught(makeClient({ baseUrl: slow.url, timeoutMs: 50, retries: 1 }).listChecks());
      expect(err).toMatchObject({ code: 'ETIMEDOUT', status: undefined });
      expect(err.message).toBe('Seyren GET /api/checks failed: no answer within 50 ms');
      expect(slow.requests).toHaveLength(2);
    } finally {
      await slow.close();
    }
  });

  it('retries a refused connection, then reports it', async () => {
    const closedPort = await freeTcpPort();
    const refused = makeClient({ baseUrl: `http://127.0.0.1:${closedPort}/seyren` });
    const err = await caught(refused.createCheck(newCheck('c'), isOurs));
    expect(err).toMatchObject({ code: 'ECONNREFUSED', method: 'POST' });
    expect(refused.stats.posts).toBe(3);
  });

  it('manages subscriptions with ids from Location', async () => {
    const checkId = await client.createCheck(newCheck('c'), isOurs);
    const subId = await client.createSubscription(checkId, subscription('pd-1'));
    expect(seyren.checks.get(checkId)?.subscriptions.map((s) => s.id)).toEqual([subId]);
    await client.updateSubscription(checkId, { ...subscription('pd-2'), id: subId });
    expect(seyren.checks.get(checkId)?.subscriptions[0]).toMatchObject({ id: subId, target: 'pd-2' });
    await expect(client.updateSubscription(checkId, subscription('pd-3'))).rejects.toThrow(/id missing/);
    await client.deleteSubscription(checkId, subId);
    expect(seyren.checks.get(checkId)?.subscriptions).toEqual([]);
    await client.deleteCheck(checkId);
    expect(seyren.checks.size).toBe(0);
  });

  it('never puts a subscription target in errors or logs', async () => {
    const bad = newCheck('c', { subscriptions: [subscription(SECRET, { type: 'WEBHOOK' as 'HTTP' })] });
    const err = await caught(client.createCheck(bad, isOurs));
    expect(err.message).toBe('Seyren POST /api/checks answered 400');
    seyren.failNext(() => true, 10, 500);
    const id = seyren.addCheckDirectly({
      name: 'd',
      warn: 1,
      error: 2,
      subscriptions: [{ target: SECRET }],
    }).id;
    const errors = [
      await caught(client.createCheck(newCheck('d', { subscriptions: [subscription(SECRET)] }), isOurs)),
      await caught(client.updateCheck(seyren.checks.get(id) as SeyrenCheck)),
      await caught(client.createSubscription(id, subscription(SECRET))),
    ];
    for (const e of [err, ...errors]) {
      expect(e).toBeInstanceOf(SeyrenError);
      expect(`${e.message} ${inspect(e, { depth: 10 })} ${JSON.stringify(e)}`).not.toContain(SECRET);
    }
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.join('\n')).not.toContain(SECRET);
  });
});

describe('SeyrenClient over nock', () => {
  const base = 'http://seyren.test/seyren';
  let log: ReturnType<typeof memoryLogger>;
  const makeClient = (opts: Partial<SeyrenClientOptions> = {}) =>
    new SeyrenClient({ baseUrl: base, retries: 3, retryBaseDelayMs: 1, logger: log.logger, ...opts });
  const list = { values: [], items: 0, start: 0, total: 0 };

  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  beforeEach(() => {
    log = memoryLogger();
  });
  afterEach(() => nock.cleanAll());
  // Each test file loads its own nock; restoring stops this one from intercepting the next file's requests.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('retries a 5xx GET', async () => {
    const scope = nock('http://seyren.test').get('/seyren/api/checks').times(2).reply(502, 'Bad Gateway');
    scope.get('/seyren/api/checks').reply(200, list);
    const client = makeClient();
    expect(await client.listChecks()).toEqual([]);
    expect(client.stats.gets).toBe(3);
    expect(scope.isDone()).toBe(true);
  });

  it('does not retry a 4xx', async () => {
    nock('http://seyren.test').get('/seyren/api/checks').reply(404, '');
    const client = makeClient();
    await expect(client.listChecks()).rejects.toMatchObject({ status: 404 });
    expect(client.stats.gets).toBe(1);
  });

  it('treats a 201 without Location as an error', async () => {
    nock('http://seyren.test').post('/seyren/api/checks').reply(201, '');
    await expect(makeClient().createCheck(newCheck('c'), isOurs)).rejects.toThrow(
      'Seyren POST /api/checks answered 201: no Location header, so the new id is unknown',
    );
  });

  it('sends a configured auth header and redacts secrets echoed by an error page', async () => {
    nock('http://seyren.test', { reqheaders: { 'X-Proxy-Token': 'tok-abcdef' } })
      .post('/seyren/api/checks')
      .reply(400, `<html><body><h1>Bad target ${SECRET} for tok-abcdef</h1>\nsecond line</body></html>`);
    const client = makeClient({ auth: { header: 'X-Proxy-Token', value: 'tok-abcdef' } });
    const err = await caught(
      client.createCheck(newCheck('c', { subscriptions: [subscription(SECRET)] }), isOurs),
    );
    expect(err.message).toBe('Seyren POST /api/checks answered 400: Bad target [redacted] for [redacted]');
    expect(log.lines.join('\n')).not.toMatch(/PD-SECRET|tok-abcdef/);
  });

  it('sends basic auth', async () => {
    const basic = `Basic ${Buffer.from('ops:pw-123456').toString('base64')}`;
    nock('http://seyren.test', { reqheaders: { authorization: basic } })
      .delete('/seyren/api/checks/x%2Fy')
      .reply(204);
    await makeClient({ auth: { username: 'ops', password: 'pw-123456' } }).deleteCheck('x/y');
  });
});
