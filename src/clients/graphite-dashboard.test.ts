import nock from 'nock';
import { InputError } from '../errors';
import { GraphiteError } from './graphite';
import { GraphiteDashboardClient } from './graphite-dashboard';

const BASE = 'http://graphite.test:8080/graphite';

// Bodies as graphite-web 1.1.8's dashboard views answer (json.dumps, content type application/json).
const json = { 'Content-Type': 'application/json' };

function client(extra: Partial<ConstructorParameters<typeof GraphiteDashboardClient>[0]> = {}) {
  return new GraphiteDashboardClient({ baseUrl: `${BASE}/`, retries: 2, retryBaseDelayMs: 1, ...extra });
}

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('GraphiteDashboardClient', () => {
  it('saves with a POST whose form field "state" is the JSON, as the dashboard UI does', async () => {
    const state = { name: 'healthlake', graphs: [['target=a', { target: ['a'] }, '/render?target=a']] };
    let body = '';
    let contentType = '';
    nock(BASE)
      .post('/dashboard/save/healthlake', (b: string | Record<string, string>) => {
        body = typeof b === 'string' ? b : new URLSearchParams(b).toString();
        return true;
      })
      .reply(function () {
        contentType = String(this.req.headers['content-type']);
        return [200, '{"success": true}', json];
      });
    await client().save('healthlake', state);
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse(new URLSearchParams(body).get('state') ?? '')).toEqual(state);
  });

  it("turns graphite-web's HTTP 200 {error} refusal into an error that says why", async () => {
    nock(BASE)
      .post('/dashboard/save/d')
      .reply(200, '{"error": "Must be logged in with appropriate permissions to save"}', json);
    await expect(client().save('d', {})).rejects.toThrow(
      'graphite-web did not save dashboard "d": Must be logged in with appropriate permissions to save',
    );
  });

  it('loads a state, and undefined for a dashboard that does not exist', async () => {
    nock(BASE).get('/dashboard/load/d').reply(200, '{"state": {"name": "d", "graphs": []}}', json);
    nock(BASE).get('/dashboard/load/nope').reply(200, `{"error": "Dashboard 'nope' does not exist. "}`, json);
    expect(await client().load('d')).toEqual({ name: 'd', graphs: [] });
    expect(await client().load('nope')).toBeUndefined();
  });

  it('finds with an explicit (possibly empty) query, which graphite-web needs', async () => {
    nock(BASE)
      .get('/dashboard/find/')
      .query({ query: '' })
      .reply(200, '{"dashboards": [{"name": "a"}, {"name": "healthlake"}]}', json);
    expect(await client().find()).toEqual(['a', 'healthlake']);
  });

  it('deletes, and says false for a dashboard that is not there', async () => {
    nock(BASE).get('/dashboard/delete/d').reply(200, '{"success": true}', json);
    nock(BASE).get('/dashboard/delete/d').reply(200, `{"error": "Dashboard 'd' does not exist. "}`, json);
    expect(await client().delete('d')).toBe(true);
    expect(await client().delete('d')).toBe(false);
  });

  it("retries a 5xx twice, then reports the traceback's last line", async () => {
    const page =
      '<html><pre>Traceback (most recent call last):\n  File "x"\nKeyError: &#x27;state&#x27;\n</pre></html>';
    nock(BASE).post('/dashboard/save/d').times(3).reply(500, page, { 'Content-Type': 'text/html' });
    const error = await client()
      .save('d', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphiteError);
    expect((error as GraphiteError).message).toBe("/dashboard/save: KeyError: 'state'");
    expect((error as GraphiteError).status).toBe(500);
    expect(nock.isDone()).toBe(true);
  });

  it('sends the configured auth header', async () => {
    nock(BASE, { reqheaders: { 'X-Proxy-Token': 'secret' } })
      .get('/dashboard/load/d')
      .reply(200, '{"state": {}}', json);
    expect(await client({ auth: { header: 'X-Proxy-Token', value: 'secret' } }).load('d')).toEqual({});
  });

  it('refuses names that graphite-web would route elsewhere or that need escaping', async () => {
    for (const name of ['', 'a/b', '../x', 'a b', 'x'.repeat(129)]) {
      await expect(client().load(name)).rejects.toThrow(InputError);
    }
  });

  it('reports an answer that is not JSON, e.g. a proxy page', async () => {
    nock(BASE).get('/dashboard/load/d').reply(200, '<html><body><h1>Sign in</h1></body></html>');
    await expect(client().load('d')).rejects.toThrow(
      'Expected a JSON object from /dashboard/load but got: Sign in',
    );
  });
});
