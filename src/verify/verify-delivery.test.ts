import net from 'node:net';
import nock from 'nock';
import type { MetricPoint } from '../sinks/sink';
import { VerificationError } from './report';
import { verifyDelivery } from './verify-delivery';

const GRAPHITE = 'http://graphite.test:8080';
const DAY = 86400;
const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
const written: MetricPoint[] = [
  { path: 'health.steps', value: 8421, timestamp: today - 2 * DAY },
  { path: 'health.steps', value: 9020, timestamp: today - DAY },
  { path: 'health.worked', value: 1, timestamp: today - DAY },
];

/** graphite-web answering /version, and /render from `stored` (path → timestamp → value) at a 1d step. */
function graphiteWeb(stored: Record<string, Record<number, number>>) {
  return nock(GRAPHITE)
    .persist()
    .get('/version')
    .reply(200, '1.1.8')
    .get('/render')
    .query(true)
    .reply(200, (uri) => {
      const query = new URL(uri, GRAPHITE).searchParams;
      const from = Number(query.get('from'));
      const until = Number(query.get('until') ?? today);
      return query
        .getAll('target')
        .filter((t) => stored[t])
        .map((target) => {
          const datapoints: Array<[number | null, number]> = [];
          for (let t = from - (from % DAY) + DAY; t <= until; t += DAY)
            datapoints.push([stored[target]?.[t] ?? null, t]);
          return { target, datapoints };
        });
    });
}

const settings = { graphiteUrl: GRAPHITE, waitMs: 200, pollMs: 10, prefix: 'health' };

describe('verifyDelivery', () => {
  afterEach(() => nock.cleanAll());

  it('confirms every point that graphite-web renders with its value', async () => {
    graphiteWeb({
      'health.steps': { [today - 2 * DAY]: 8421, [today - DAY]: 9020 },
      'health.worked': { [today - DAY]: 1 },
    });
    const summary = await verifyDelivery({ carbon: written }, settings);
    expect(summary.skipped).toBeUndefined();
    expect(summary.carbon).toMatchObject({ written: 3, confirmed: 3, problems: [] });
  });

  it('throws VerificationError naming the missing points and replaying only their days', async () => {
    graphiteWeb({ 'health.steps': { [today - 2 * DAY]: 8421 }, 'health.worked': { [today - DAY]: 1 } });
    const err = (await verifyDelivery({ carbon: written }, settings).then(
      () => undefined,
      (e: unknown) => e,
    )) as VerificationError | undefined;
    expect(err).toBeInstanceOf(VerificationError);
    expect(err?.exitCode).toBe(1);
    expect(err?.channel).toBe('carbon');
    const date = new Date((today - DAY) * 1000).toISOString().slice(0, 10);
    expect(err?.replay).toEqual({ from: date, to: date });
    expect(err?.message).toMatch(
      /^Graphite confirmed 2 of 3 points written to carbon \(read back through http:\/\/graphite\.test:8080/,
    );
    expect(err?.message).toContain(`    health.steps ${date}: sent 9020, Graphite has none\n`);
    expect(err?.message).toContain(`\`healthlake replay --from ${date} --to ${date}\``);
  });

  it('reads statsD gauges back under stats.gauges after a flush', async () => {
    const sentAtMs = Date.now();
    nock(GRAPHITE)
      .get('/version')
      .reply(200, '1.1.8')
      .get('/render')
      .query((q) => q.target === 'stats.gauges.health.steps')
      .reply(200, [
        { target: 'stats.gauges.health.steps', datapoints: [[1200, Math.floor(sentAtMs / 1000) + 1]] },
      ]);
    const summary = await verifyDelivery(
      {
        statsd: {
          gauges: [{ path: 'health.steps', value: 1200, timestamp: today }],
          sentAtMs,
          timeZone: 'UTC',
        },
      },
      settings,
    );
    expect(summary.statsd).toMatchObject({ written: 1, confirmed: 1, problems: [] });
  });

  it('skips, and says why, when graphite-web does not answer', async () => {
    const port = await closedPort();
    const summary = await verifyDelivery(
      { carbon: written },
      { ...settings, graphiteUrl: `http://127.0.0.1:${port}` },
    );
    expect(summary.carbon).toBeUndefined();
    expect(summary.skipped).toMatch(
      new RegExp(`^graphite-web at http://127\\.0\\.0\\.1:${port} does not answer \\(.*ECONNREFUSED`),
    );
  });

  it('has nothing to do when nothing was written', async () => {
    expect(await verifyDelivery({ carbon: [] }, settings)).toEqual({});
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
