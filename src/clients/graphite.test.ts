import http from 'node:http';
import net from 'node:net';
import nock from 'nock';
import pino from 'pino';
import { firstLineOfErrorBody, GraphiteClient, GraphiteError, GraphiteSeries, lastNonNull } from './graphite';

const BASE = 'http://graphite.test:8080';
const X = 'health.test.metric';

// Bodies shaped like graphite-web 1.1.8's (docs/graphite-notes.md, graphite/templates/500.html).
const renderJson = (target: string, datapoints: string) =>
  `[{"target": "${target}", "tags": {"name": "${target}"}, "datapoints": ${datapoints}}]`;

const INVALID_PARAMETERS_400 =
  'Invalid parameters (divideSeries second argument must reference exactly 1 series (got 4)); ' +
  'targets: "divideSeries(health.test.metric,health.test.*)"; ' +
  'func: "divideSeries([TimeSeries(name=health.test.metric, start=1700000000, end=1702592000, step=86400, ' +
  'valuesPerPoint=1, consolidationFunc=average, xFilesFactor=0)], [TimeSeries(name=health.test.a, …)])"';

/** graphite-web's 500.html with a Django-autoescaped Python 3.11 traceback inside. */
function tracebackPage(frames: string[], exceptionLine: string): string {
  const escape = (s: string) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#x27;');
  const stacktrace = ['Traceback (most recent call last):', ...frames, exceptionLine, '']
    .map(escape)
    .join('\n');
  return `<body style="background-color: #666666; color: black;">
<center>
<h2 style='font-family: "Arial"'>
<p>Graphite encountered an unexpected error while handling your request.</p>
<p>Please contact your site administrator if the problem persists.</p>
</h2>
<br/>
<div style="width: 50%; text-align: center; font-family: monospace; background-color: black; font-weight: bold; color: #ff4422;">

</div>

<div style="width: 70%; text-align: left; background-color: black; color: #44ff22; border: thin solid gray;">
<pre>
${stacktrace}
</pre>
</div>

</center>
`;
}

const HOLT_WINTERS_FRAMES = [
  '  File "/usr/lib/python3/dist-packages/django/core/handlers/exception.py", line 47, in inner',
  '    response = get_response(request)',
  '               ^^^^^^^^^^^^^^^^^^^^^',
  '  File "/usr/lib/python3/dist-packages/graphite/render/views.py", line 125, in renderView',
  '    data.extend(evaluateTarget(requestContext, targets))',
  '  File "/usr/lib/python3/dist-packages/graphite/render/functions.py", line 3630, in holtWintersAnalysis',
  '    intercept = seasonals[i - seasonLength]',
  '                ~~~~~~~~~^^^^^^^^^^^^^^^^^^',
];
const INDEX_ERROR_500 = tracebackPage(HOLT_WINTERS_FRAMES, 'IndexError: list index out of range');
const CORRUPT_WHISPER_500 = tracebackPage(
  [
    '  File "/usr/lib/python3/dist-packages/graphite/readers/whisper.py", line 129, in get_intervals',
    "    start = time.time() - whisper.info(self.fs_path)['maxRetention']",
  ],
  'whisper.CorruptWhisperFile: Unable to read header (/tmp/graphite-test/whisper/health/test/metric.wsp)',
);

function client(extra: Partial<ConstructorParameters<typeof GraphiteClient>[0]> = {}) {
  return new GraphiteClient({ baseUrl: BASE, retries: 2, retryBaseDelayMs: 1, ...extra });
}

/** graphite-web racing carbon's file creation: one transient CorruptWhisperFile 500, then the render. */
function corruptWhisperOnce(): nock.Scope {
  return nock(BASE)
    .get('/render')
    .query(true)
    .reply(500, CORRUPT_WHISPER_500, { 'Content-Type': 'text/html; charset=utf-8' })
    .get('/render')
    .query(true)
    .reply(200, renderJson(X, '[[42.0, 1700006400]]'), { 'Content-Type': 'application/json' });
}

async function rejection(promise: Promise<unknown>): Promise<GraphiteError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphiteError);
  return err as GraphiteError;
}

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
});
// Each test file loads its own nock; restoring stops this one from intercepting the next file's requests.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('GraphiteClient.render', () => {
  it('sends every target as its own parameter and parses graphite-web JSON, inf included', async () => {
    const scope = nock(BASE)
      .get('/render')
      .query({ target: [X, `movingAverage(${X},10)`], from: '-31d', until: 'now', format: 'json' })
      .reply(200, renderJson(X, '[[1e9999, 1700006400], [3.5, 1700092800], [null, 1700179200]]'), {
        'Content-Type': 'application/json',
      });

    const series = await client().render([X, `movingAverage(${X},10)`], { from: '-31d', until: 'now' });

    expect(series).toEqual([
      {
        target: X,
        tags: { name: X },
        datapoints: [
          [Infinity, 1700006400],
          [3.5, 1700092800],
          [null, 1700179200],
        ],
      },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('returns [] for a metric that does not exist', async () => {
    nock(BASE).get('/render').query(true).reply(200, '[]', { 'Content-Type': 'application/json' });
    await expect(client().render('no.such.metric', { from: '-30d' })).resolves.toEqual([]);
  });

  it('turns a 400 into a GraphiteError holding only the "Invalid parameters (...)" line, without retrying', async () => {
    const scope = nock(BASE)
      .get('/render')
      .query(true)
      .reply(400, INVALID_PARAMETERS_400, { 'Content-Type': 'text/html; charset=utf-8' });
    const untouched = nock(BASE).get('/render').query(true).reply(200, '[]');

    const err = await rejection(client().render(`divideSeries(${X},health.test.*)`, { from: '-30d' }));

    expect(err.status).toBe(400);
    expect(err.endpoint).toBe('/render');
    expect(err.message).toBe(
      'Invalid parameters (divideSeries second argument must reference exactly 1 series (got 4)); ' +
        'targets: "divideSeries(health.test.metric,health.test.*)"',
    );
    expect(scope.isDone()).toBe(true);
    expect(untouched.isDone()).toBe(false);
  });

  it('retries a transient CorruptWhisperFile 500 and then succeeds', async () => {
    const scope = corruptWhisperOnce();

    const series = await client().render(X, { from: '-1d' });

    expect(series[0]?.datapoints).toEqual([[42, 1700006400]]);
    expect(scope.isDone()).toBe(true);
  });

  it('surfaces a deterministic 500 as its exception line after the configured retries', async () => {
    const scope = nock(BASE)
      .get('/render')
      .times(3)
      .query(true)
      .reply(500, INDEX_ERROR_500, { 'Content-Type': 'text/html; charset=utf-8' });

    const err = await rejection(
      client({ retries: 2 }).render(`holtWintersAberration(${X})`, { from: '-30d' }),
    );

    expect(err.status).toBe(500);
    expect(err.transient).toBe(true);
    expect(err.message).toBe('IndexError: list index out of range');
    expect(scope.isDone()).toBe(true);
  });

  it('rejects a 200 whose body is not JSON, keeping only its first line', async () => {
    nock(BASE)
      .get('/render')
      .query(true)
      .reply(200, '<html><head><title>Sign in</title></head><body><form>…</form></body></html>', {
        'Content-Type': 'text/html',
      });

    const err = await rejection(client().render(X, { from: '-1d' }));

    expect(err.status).toBe(200);
    expect(err.message).toBe('Expected JSON from /render but got: Sign in');
  });

  it('sends header auth or basic auth', async () => {
    const headerScope = nock(BASE)
      .matchHeader('X-Api-Key', 's3cret')
      .get('/render')
      .query(true)
      .reply(200, '[]');
    await client({ auth: { header: 'X-Api-Key', value: 's3cret' } }).render(X, { from: '-1d' });
    expect(headerScope.isDone()).toBe(true);

    const basicScope = nock(BASE)
      .get('/render')
      .query(true)
      .basicAuth({ user: 'ann', pass: 'pw' })
      .reply(200, '[]');
    await client({ auth: { username: 'ann', password: 'pw' } }).render(X, { from: '-1d' });
    expect(basicScope.isDone()).toBe(true);
  });

  it('does not retry a request that timed out', async () => {
    // A real socket that never answers: nock's delay() aborts differently from a genuine axios timeout.
    let requests = 0;
    const silent = http.createServer(() => requests++);
    const port = await listen(silent);
    nock.enableNetConnect('127.0.0.1');
    try {
      const err = await rejection(
        new GraphiteClient({
          baseUrl: `http://127.0.0.1:${port}`,
          timeoutMs: 50,
          retryBaseDelayMs: 1,
        }).render(X, {
          from: '-1d',
        }),
      );
      expect(err.status).toBeUndefined();
      expect(err.transient).toBe(false);
      expect(err.message).toMatch(/did not answer \/render in time/);
      expect(requests).toBe(1);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('GraphiteClient connection errors', () => {
  it('retries a refused connection and then names the base URL', async () => {
    const port = await closedPort();
    nock.enableNetConnect('127.0.0.1');
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const err = await rejection(
      new GraphiteClient({
        baseUrl: `http://127.0.0.1:${port}`,
        retries: 1,
        retryBaseDelayMs: 1,
        logger,
      }).version(),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('retrying');
    expect(err.status).toBeUndefined();
    expect(err.transient).toBe(true);
    expect(err.message).toMatch(
      new RegExp(`Cannot reach graphite-web at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
  });

  it('logs the retry at debug level when asked to (a caller that polls anyway)', async () => {
    corruptWhisperOnce();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });

    await client({ logger, retryLogLevel: 'debug' }).render(X, { from: '-1d' });

    const retries = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; cause?: string })
      .filter((l) => l.msg === 'graphite-web request failed, retrying');
    expect(retries).toEqual([
      expect.objectContaining({ level: 20, cause: expect.stringContaining('CorruptWhisperFile') }),
    ]);
  });
});

describe('GraphiteClient metrics API', () => {
  it('expands a glob to leaves, or to branches too when asked', async () => {
    const results = '{"results": ["health.test.metric", "health.test.other"]}';
    nock(BASE)
      .get('/metrics/expand')
      .query({ query: 'health.test.*', leavesOnly: '1' })
      .reply(200, results, { 'Content-Type': 'application/json' });
    nock(BASE).get('/metrics/expand').query({ query: 'health.*' }).reply(200, '{"results": ["health.test"]}');

    await expect(client().expand('health.test.*')).resolves.toEqual([
      'health.test.metric',
      'health.test.other',
    ]);
    await expect(client().expand('health.*', { leavesOnly: false })).resolves.toEqual(['health.test']);
  });

  it('finds nodes and turns 0/1 flags into booleans', async () => {
    nock(BASE)
      .get('/metrics/find')
      .query({ query: 'health.*' })
      .reply(
        200,
        '[{"text": "test", "id": "health.test", "allowChildren": 1, "expandable": 1, "leaf": 0}, ' +
          '{"text": "steps", "id": "health.steps", "allowChildren": 0, "expandable": 0, "leaf": 1}]',
        { 'Content-Type': 'application/json' },
      );
    await expect(client().find('health.*')).resolves.toEqual([
      { id: 'health.test', text: 'test', leaf: false, expandable: true },
      { id: 'health.steps', text: 'steps', leaf: true, expandable: false },
    ]);
  });

  it('reads the version as text', async () => {
    nock(BASE).get('/version').reply(200, '1.1.8\n', { 'Content-Type': 'text/html' });
    await expect(client().version()).resolves.toBe('1.1.8');
  });

  it('rejects an expand body that is JSON of the wrong shape', async () => {
    nock(BASE).get('/metrics/expand').query(true).reply(200, '["health.test.metric"]');
    const err = await rejection(client().expand('health.test.*'));
    expect(err.message).toMatch(/expected \{"results"/);
  });
});

describe('GraphiteClient.renderPng', () => {
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(32, 7),
  ]);

  it('returns the PNG bytes and passes extra parameters through', async () => {
    nock(BASE)
      .get('/render')
      .query({ target: X, from: '-30d', width: '800', height: '300', format: 'png' })
      .reply(200, png, { 'Content-Type': 'image/png' });
    const image = await client().renderPng(X, { from: '-30d', width: 800, height: 300 });
    expect(image.equals(png)).toBe(true);
  });

  it('rejects a 200 body that is not a PNG', async () => {
    nock(BASE)
      .get('/render')
      .query(true)
      .reply(200, 'Service temporarily in maintenance\n', { 'Content-Type': 'image/png' });
    const err = await rejection(client().renderPng(X, { from: '-1d' }));
    expect(err.message).toBe('Expected a PNG from /render but got: Service temporarily in maintenance');
  });
});

describe('firstLineOfErrorBody', () => {
  it('finds the exception line of a graphite-web traceback page and decodes entities', () => {
    expect(firstLineOfErrorBody(INDEX_ERROR_500, 'text/html')).toBe('IndexError: list index out of range');
    expect(firstLineOfErrorBody(tracebackPage([], "KeyError: 'Invalid offset'"))).toBe(
      "KeyError: 'Invalid offset'",
    );
  });

  it('uses the last traceback of a chained exception', () => {
    const chained = [
      'Traceback (most recent call last):',
      '  File "a.py", line 1, in f',
      'ValueError: inner',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "b.py", line 2, in g',
      'IndexError: outer',
    ].join('\n');
    expect(firstLineOfErrorBody(`<pre>${chained}</pre>`)).toBe('IndexError: outer');
  });

  it('takes the first text line of other HTML pages', () => {
    const nginx =
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
      '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
    expect(firstLineOfErrorBody(nginx, 'text/html')).toBe('502 Bad Gateway');
  });

  it('keeps plain text as is, including angle brackets, and clips to 300 characters', () => {
    expect(firstLineOfErrorBody('\n  Invalid parameters (bad <lambda>)\nsecond line', 'text/plain')).toBe(
      'Invalid parameters (bad <lambda>)',
    );
    const clipped = firstLineOfErrorBody('x'.repeat(1000));
    expect(clipped).toHaveLength(300);
    expect(clipped.endsWith('…')).toBe(true);
    expect(firstLineOfErrorBody('')).toBe('');
  });
});

describe('lastNonNull', () => {
  const series = (datapoints: GraphiteSeries['datapoints']): GraphiteSeries => ({ target: X, datapoints });
  const rising: GraphiteSeries['datapoints'] = [
    [1, 100],
    [2, 200],
    [null, 300],
  ];

  it('returns the newest point with a value, or undefined when there is none', () => {
    expect(lastNonNull(series(rising))).toEqual({ value: 2, timestamp: 200 });
    expect(lastNonNull(series([[0, 100]]))).toEqual({ value: 0, timestamp: 100 });
    expect(lastNonNull(series([[null, 100]]))).toBeUndefined();
    expect(lastNonNull(series([]))).toBeUndefined();
  });
});

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
