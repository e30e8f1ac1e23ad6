import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DAILY_METRICS } from '../../../src/metrics/metric-names';
import { graphiteCells, summaryCells } from '../../support/collect-fixtures';
import { relayPlacement, withNodeDown } from '../../support/cluster-faults';
import { graphiteClient } from '../../support/graphite-fixtures';
import { integrationStack, nodesHolding, pollUntil } from '../../support/integration-stack';
import { runCli, type CliResult } from '../../support/run-cli';
import { allDatagrams, udpReceiver } from '../../support/udp-receiver';

// `healthlake collect` through the relay while node 2's carbon-cache is down. The relay takes every line (the
// write succeeds), sends node 1's series on, and queues node 2's (the stack's relay is not `dynamic`: no
// failover). Only the read-back through the front can tell: it must fail the run naming exactly the points the
// relay places on node 2 (worked out here from carbon-c-relay's own test mode, not from the verification), with
// the replay command for their days, and report no last_success. Once node 2 is back, the relay delivers what it
// queued, and the replay command confirms every point.
// Two kinds of metric: new ones (no node has their file yet: "no such metric") and ones node 2 already holds
// from earlier days ("no value for the day").

const RANGE = { from: '2026-11-10', to: '2026-11-12' };
/** The days the established metrics already have before the fault. */
const HISTORY = { from: '2026-11-07', to: '2026-11-09' };
// Short, yet long enough for node 1 to create new metrics' files on a busy machine (about a second when idle).
const WAIT_MS = 10_000;

interface Series {
  prefix: string;
  dataDir: string;
  /** The node (1-based) the relay sends each metric to, by metric name without the prefix. */
  nodeOf: Map<string, number>;
}

interface FailedCollect {
  result: CliResult;
  /** summary.csv's cells of the collected days, written before anything was sent: what the run sent. */
  sent: Record<string, number>;
}

const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
const inRange = (cell: string, r: { from: string; to: string }) => {
  const date = cell.slice(0, 10);
  return date >= r.from && date <= r.to;
};
const pick = (cells: Record<string, number>, keep: (cell: string) => boolean) =>
  Object.fromEntries(Object.entries(cells).filter(([cell]) => keep(cell)));

/** The points a verification failure lists, as { "<date> <metric>": value sent }, metric without the prefix. */
function pointsNamed(stderr: string, prefix: string): Record<string, number> {
  const named: Record<string, number> = {};
  for (const [, name, date, value] of stderr.matchAll(
    /^ {4}(\S+) (\d{4}-\d{2}-\d{2}): sent (\S+), Graphite has none$/gm,
  )) {
    expect(name!.startsWith(`${prefix}.`)).toBe(true);
    named[`${date} ${name!.slice(prefix.length + 1)}`] = Number(value);
  }
  return named;
}

describe('collect through the relay while a carbon-cache of the cluster is down', () => {
  const stack = integrationStack();
  const fresh: Series = { prefix: 'health.it_cachedown_collect.new', dataDir: '', nodeOf: new Map() };
  const known: Series = { prefix: 'health.it_cachedown_collect.known', dataDir: '', nodeOf: new Map() };
  const failed = new Map<Series, FailedCollect>();
  let telemetry: string[];

  const env = (s: Series, extra: Record<string, string> = {}) => ({
    HEALTHLAKE_DATA_DIR: s.dataDir,
    HEALTHLAKE_PREFIX: s.prefix,
    CARBON_HOST: '127.0.0.1',
    CARBON_PORT: String(stack.carbonPort),
    GRAPHITE_URL: stack.graphiteUrl,
    HEALTHLAKE_VERIFY_WAIT_MS: String(WAIT_MS),
    HEALTHLAKE_VERIFY_POLL_MS: '200',
    ...extra,
  });
  const collect = (s: Series, r: { from: string; to: string }, extra?: Record<string, string>) =>
    runCli(['collect', '--source', 'sample', '--from', r.from, '--to', r.to], env(s, extra));
  const onNode = (s: Series, node: number) => (cell: string) => s.nodeOf.get(cell.slice(11)) === node;

  beforeAll(async () => {
    for (const s of [fresh, known]) {
      s.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-cachedown-collect-'));
      const placement = await relayPlacement(DAILY_METRICS.map((m) => `${s.prefix}.${m}`));
      s.nodeOf = new Map(DAILY_METRICS.map((m) => [m, placement.get(`${s.prefix}.${m}`)!]));
      // Both nodes get some of the metrics, or the test proves nothing about telling them apart.
      expect(new Set(s.nodeOf.values())).toEqual(new Set([1, 2]));
    }
    const history = await collect(known, HISTORY);
    expect({ code: history.code, stderr: history.stderr }).toEqual({ code: 0, stderr: '' });
    expect(history.stdout).toContain('24 points written, 24 confirmed in Graphite');

    const statsd = await udpReceiver();
    try {
      await withNodeDown(2, 'carbon', async () => {
        for (const s of [fresh, known]) {
          const result = await collect(s, RANGE, {
            STATSD_HOST: '127.0.0.1',
            STATSD_PORT: String(statsd.port),
          });
          const cells = summaryCells(path.join(s.dataDir, 'summary.csv'));
          failed.set(s, { result, sent: pick(cells, (c) => inRange(c, RANGE)) });
        }
      });
      telemetry = await allDatagrams(statsd);
    } finally {
      await statsd.close();
    }
  }, 240_000);

  afterAll(() => {
    for (const s of [fresh, known]) if (s.dataDir) fs.rmSync(s.dataDir, { recursive: true, force: true });
  });

  /**
   * What each failed run must say: exactly node 2's points, under one cause that begins with `cause`, and the
   * replay command for their days.
   */
  function expectNode2PointsNamed(s: Series, cause: string): void {
    const { result, sent } = failed.get(s)!;
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
    const lost = pick(sent, onNode(s, 2));
    const kept = pick(sent, onNode(s, 1));
    expect(Object.keys(lost).length).toBeGreaterThan(0);
    expect(Object.keys(kept).length).toBeGreaterThan(0);
    expect(Object.keys(lost).length + Object.keys(kept).length).toBe(Object.keys(sent).length);

    expect(result.stderr).toMatch(
      new RegExp(
        `^healthlake: Graphite confirmed ${Object.keys(kept).length} of ${Object.keys(sent).length} points ` +
          `written to carbon \\(read back through ${stack.graphiteUrl.replace(/\./g, '\\.')}, [\\d.]+ s\\); ` +
          `${Object.keys(lost).length} are not there as sent:\n`,
      ),
    );
    // one cause for all of them, which names a carbon-cache down behind a relay
    const sections = result.stderr.split('\n').filter((l) => l.startsWith('- '));
    expect(sections).toHaveLength(1);
    expect(sections[0]).toContain(`- ${Object.keys(lost).length} points: ${cause}`);
    // every point the relay placed on node 2, with its day and the value sent, and not one of node 1's
    expect(pointsNamed(result.stderr, s.prefix)).toEqual(lost);
    const days = Object.keys(lost)
      .map((cell) => cell.slice(0, 10))
      .sort();
    expect(result.stderr).toMatch(
      new RegExp(
        'Nothing is lost: the data is safe in the archive\\. Once Graphite keeps them, run ' +
          `\`healthlake replay --from ${days[0]} --to ${days[days.length - 1]}\` to send it\\.\n$`,
      ),
    );
  }

  it('new metrics: exit 1, naming exactly the points the relay places on node 2 (metric, day, value), "no such metric", and the replay command', () => {
    expectNode2PointsNamed(
      fresh,
      `Graphite has no such metric ${WAIT_MS / 1000} s after the write: no carbon-cache that this graphite-web ` +
        'reads has created its whisper file. Behind a relay, the carbon-cache these names are routed to may be ' +
        'down or unreachable: the relay then holds the points in its queue, delivers them once that cache is back',
    );
  });

  it('metrics node 2 already holds: exit 1, naming exactly its points of the collected days, "no value for the day", and the replay command', () => {
    expectNode2PointsNamed(
      known,
      `Graphite has no value for the day ${WAIT_MS / 1000} s after the write: carbon did not store it, or not ` +
        'yet. Behind a relay, the carbon-cache this metric is routed to may be down or unreachable: the relay ' +
        'then holds the points in its queue, delivers them once that cache is back',
    );
  });

  it('reports no last_success for either run, one error each', () => {
    expect(telemetry.filter((d) => d.startsWith('healthlake.collector.last_success'))).toEqual([]);
    expect(telemetry.filter((d) => d === 'healthlake.collector.errors:1|c')).toHaveLength(2);
  });

  it('once node 2 is back, the relay delivers what it queued (read back through the front, on node 2 only), and the replay command confirms every point', async () => {
    const range = { from: String(utcMidnight(HISTORY.from) - 1), until: String(utcMidnight(RANGE.to)) };
    for (const s of [fresh, known]) {
      const all = summaryCells(path.join(s.dataDir, 'summary.csv'));
      const expected = pick(all, (c) => inRange(c, { from: HISTORY.from, to: RANGE.to }));
      // Before any replay: only the relay's queue can have brought node 2's points.
      const series = await pollUntil(
        () =>
          graphiteClient().render(
            DAILY_METRICS.map((m) => `${s.prefix}.${m}`),
            range,
          ),
        (got) => Object.keys(graphiteCells(got, s.prefix)).length === Object.keys(expected).length,
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(graphiteCells(series, s.prefix)).toEqual(expected);
      for (const m of DAILY_METRICS) expect(nodesHolding(`${s.prefix}.${m}`)).toEqual([s.nodeOf.get(m)]);

      // The command the failure named, as a user would run it.
      const hint = /`healthlake (replay --from \S+ --to \S+)`/.exec(failed.get(s)!.result.stderr)![1]!;
      const replay = await runCli(hint.split(' '), env(s));
      const points = Object.keys(failed.get(s)!.sent).length;
      expect({ code: replay.code, stderr: replay.stderr }).toEqual({ code: 0, stderr: '' });
      expect(replay.stdout).toMatch(
        new RegExp(
          `^3 days ${RANGE.from}\\.\\.${RANGE.to}, ${points} points written, ${points} confirmed in Graphite, `,
        ),
      );
    }
  }, 120_000);
});
