import nock from 'nock';
import { GraphiteClient, GraphiteError, type GraphiteSeries, type RenderRange } from '../clients/graphite';
import { MANAGED_MARKER, type DesiredCheck } from './desired';
import { validateTargets } from './validate';

const GRAPHITE = 'http://graphite.test:8080';

function check(metric: string, target = `cv(${metric})`): DesiredCheck {
  return {
    name: `healthlake:cv:${metric}`,
    description: `${MANAGED_MARKER} cv`,
    target,
    from: '-15min',
    until: 'now',
    warn: 0.3,
    error: 0.5,
    enabled: true,
    allowNoData: false,
    subscriptions: [],
    direction: 'high-is-bad',
    source: { file: 'checks/t.yaml', line: 1, heuristic: 'cv', metric },
  };
}

const series = (target: string, values: Array<number | null>): GraphiteSeries => ({
  target,
  datapoints: values.map((v, i) => [v, 1700000000 + i * 10]),
});

/**
 * A fake graphite-web: one canned answer (or error) per target, every metric present except `missing`, and a
 * record of what was asked.
 */
function fakeGraphite(answers: Record<string, GraphiteSeries[] | Error>, missing: string[] = []) {
  const calls: Array<{ target: string; range: RenderRange }> = [];
  return {
    calls,
    expand: async (metric: string) => (missing.includes(metric) ? [] : [metric]),
    render: async (target: string | string[], range: RenderRange) => {
      calls.push({ target: String(target), range });
      const answer = answers[String(target)];
      if (answer === undefined) throw new Error(`unexpected target ${String(target)}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('validateTargets with a fake render', () => {
  it('reports nothing for a target that returns values, and renders over the check range', async () => {
    const good = check('apps.ok');
    const graphite = fakeGraphite({ [good.target]: [series('x', [null, 0.1, null, 0.2])] });
    await expect(validateTargets([good], graphite)).resolves.toEqual([]);
    expect(graphite.calls).toEqual([{ target: good.target, range: { from: '-15min', until: 'now' } }]);
  });

  it('an HTTP 400 is an error issue that keeps graphite-web’s first line', async () => {
    const bad = check('apps.bad', 'fooBar(apps.bad)');
    const line =
      'Invalid parameters (Received request for unknown function: fooBar); targets: "fooBar(apps.bad)"';
    const graphite = fakeGraphite({ [bad.target]: new GraphiteError(line, 400, '/render') });
    await expect(validateTargets([bad], graphite)).resolves.toEqual([
      { name: bad.name, severity: 'error', kind: 'http-error', message: `HTTP 400: ${line}` },
    ]);
  });

  it('a connection failure (no status) is an error issue without an HTTP prefix', async () => {
    const c = check('apps.down');
    const msg = 'Cannot reach graphite-web at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9';
    const graphite = fakeGraphite({ [c.target]: new GraphiteError(msg, undefined, '/render') });
    await expect(validateTargets([c], graphite)).resolves.toEqual([
      { name: c.name, severity: 'error', kind: 'http-error', message: msg },
    ]);
  });

  it('[] is an "empty" warning when the metric has series', async () => {
    const c = check('apps.none');
    await expect(validateTargets([c], fakeGraphite({ [c.target]: [] }))).resolves.toEqual([
      {
        name: c.name,
        severity: 'warning',
        kind: 'empty',
        message: 'the target returns no series although the metric has some',
      },
    ]);
  });

  it('a metric without any series in Graphite (a typo) is an error naming it', async () => {
    const c = check('health.setps');
    await expect(validateTargets([c], fakeGraphite({ [c.target]: [] }, ['health.setps']))).resolves.toEqual([
      {
        name: c.name,
        severity: 'error',
        kind: 'no-series',
        message: 'no series in Graphite for health.setps (a typo in the metric, or nothing written yet?)',
      },
    ]);
  });

  it('series with only nulls are an "all-null" warning naming the range', async () => {
    const c = check('apps.nulls');
    const graphite = fakeGraphite({ [c.target]: [series('a', [null, null]), series('b', [null])] });
    await expect(validateTargets([c], graphite)).resolves.toEqual([
      {
        name: c.name,
        severity: 'warning',
        kind: 'all-null',
        message: 'every point in -15min .. now is null: the check would stay UNKNOWN',
      },
    ]);
  });

  it('one series with a value among all-null ones is enough', async () => {
    const c = check('apps.some');
    const graphite = fakeGraphite({ [c.target]: [series('a', [null]), series('b', [null, 3])] });
    await expect(validateTargets([c], graphite)).resolves.toEqual([]);
  });

  it('checks every target, one issue per failing check, in the order of the checks', async () => {
    const [a, b, c] = [check('m.a'), check('m.b'), check('m.c')];
    const graphite = fakeGraphite({
      [a.target]: [],
      [b.target]: [series('b', [1])],
      [c.target]: new GraphiteError('boom', 500, '/render'),
    });
    const issues = await validateTargets([a, b, c], graphite, 2);
    expect(issues.map((i) => [i.name, i.kind, i.message])).toEqual([
      [a.name, 'empty', 'the target returns no series although the metric has some'],
      [c.name, 'http-error', 'HTTP 500: boom'],
    ]);
    expect(graphite.calls.map((x) => x.target).sort()).toEqual([a.target, b.target, c.target].sort());
  });
});

describe('validateTargets through GraphiteClient (nock)', () => {
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.restore());
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });

  const metricExists = (metric: string) =>
    nock(GRAPHITE)
      .get('/metrics/expand')
      .query({ query: metric, leavesOnly: '1' })
      .reply(200, { results: [metric] });

  it('keeps only the first meaningful line of graphite-web’s 400 body', async () => {
    const bad = check('apps.bad', 'fooBar(apps.bad)');
    metricExists('apps.bad');
    nock(GRAPHITE)
      .get('/render')
      .query({ target: 'fooBar(apps.bad)', from: '-15min', until: 'now', format: 'json' })
      .reply(
        400,
        'Invalid parameters (Received request for unknown function: fooBar); targets: "fooBar(apps.bad)"; ' +
          'func: "fooBar([TimeSeries(name=apps.bad, start=1, end=2, step=10)])"',
        { 'Content-Type': 'text/html; charset=utf-8' },
      );
    const graphite = new GraphiteClient({ baseUrl: GRAPHITE, retryBaseDelayMs: 1 });
    await expect(validateTargets([bad], graphite)).resolves.toEqual([
      {
        name: bad.name,
        severity: 'error',
        kind: 'http-error',
        message:
          'HTTP 400: Invalid parameters (Received request for unknown function: fooBar); targets: "fooBar(apps.bad)"',
      },
    ]);
  });

  it('a real 200 with series is no issue', async () => {
    const good = check('apps.ok');
    metricExists('apps.ok');
    nock(GRAPHITE)
      .get('/render')
      .query(true)
      .reply(200, '[{"target": "x", "datapoints": [[null, 1], [0.25, 11]]}]', {
        'Content-Type': 'application/json',
      });
    const graphite = new GraphiteClient({ baseUrl: GRAPHITE, retryBaseDelayMs: 1 });
    await expect(validateTargets([good], graphite)).resolves.toEqual([]);
  });
});
