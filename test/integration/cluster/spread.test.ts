import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CarbonWriter, formatCarbonLine } from '../../../src/clients/carbon';
import { GraphiteClient } from '../../../src/clients/graphite';
import { graphiteCells, summaryCells } from '../../support/collect-fixtures';
import { relayPlacement } from '../../support/cluster-faults';
import { DAY, expandShows, graphiteClient, todayUtc } from '../../support/graphite-fixtures';
import { integrationStack, nodesHolding, pollUntil, storageNodes } from '../../support/integration-stack';
import { DAILY_METRICS } from '../../../src/metrics/metric-names';
import { runCli } from '../../support/run-cli';

// The series written through carbon-c-relay really are spread over the cluster's carbon-caches: each node's disk
// holds some, none holds all, every series is on exactly one node (replication 1), where the relay's own test
// mode says it goes, and the front graphite-web lists each of them once. `healthlake collect` through the relay:
// its metrics land on both nodes and every point reads back through the front as summary.csv has it.

describe('series spread over the cluster', () => {
  const stack = integrationStack();
  const nodes = storageNodes(stack);

  it('40 series: each node holds some, none all, each one on exactly one node; the front lists all, once', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `health.it_spread.s${String(i).padStart(2, '0')}`);
    const writer = new CarbonWriter({ host: '127.0.0.1', port: stack.carbonPort });
    await writer.connect();
    await writer.write(names.map((n, i) => formatCarbonLine(n, i, todayUtc() - DAY)));
    await writer.close();
    const listed = await expandShows('health.it_spread.*', names);
    expect(listed).toHaveLength(40);

    const holders = new Map(names.map((n) => [n, nodesHolding(n)]));
    expect(names.filter((n) => holders.get(n)!.length !== 1)).toEqual([]);
    const perNode = nodes.map((node) => names.filter((n) => holders.get(n)![0] === node.index));
    for (const held of perNode) {
      expect(held.length).toBeGreaterThan(0);
      expect(held.length).toBeLessThan(names.length);
    }
    // where carbon-c-relay -t says each one goes
    const placement = await relayPlacement(names);
    expect(names.filter((n) => placement.get(n) !== holders.get(n)![0])).toEqual([]);
    // and each node's own graphite-web lists exactly its share
    for (const [i, node] of nodes.entries()) {
      const own = await new GraphiteClient({ baseUrl: node.webUrl }).expand('health.it_spread.*');
      expect(own.sort()).toEqual(perNode[i]);
    }
    console.log(
      `spread of 40 series over ${nodes.length} nodes: ${perNode.map((p) => p.length).join(' / ')}`,
    );
  });

  it('collect through the relay: its metrics are on both nodes and read back through the front', async () => {
    const prefix = 'health.it_spread_collect';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-spread-'));
    try {
      const run = await runCli(
        ['collect', '--source', 'sample', '--from', '2026-11-01', '--to', '2026-11-07'],
        {
          HEALTHLAKE_DATA_DIR: dataDir,
          HEALTHLAKE_PREFIX: prefix,
          CARBON_HOST: '127.0.0.1',
          CARBON_PORT: String(stack.carbonPort),
          GRAPHITE_URL: stack.graphiteUrl,
        },
      );
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      // verified through the relay and the front before the run said so
      expect(run.stdout).toMatch(
        /^7 days 2026-11-01\.\.2026-11-07, 56 points written, 56 confirmed in Graphite, 0 input records skipped/,
      );
      const cells = summaryCells(path.join(dataDir, 'summary.csv'));
      const range = {
        from: String(Date.parse('2026-11-01T00:00:00Z') / 1000 - 1),
        until: String(Date.parse('2026-11-08T00:00:00Z') / 1000),
      };
      const series = await pollUntil(
        () =>
          graphiteClient().render(
            DAILY_METRICS.map((m) => `${prefix}.${m}`),
            range,
          ),
        (s) => Object.keys(graphiteCells(s, prefix)).length === Object.keys(cells).length,
        { timeoutMs: 30000, intervalMs: 200 },
      );
      expect(graphiteCells(series, prefix)).toEqual(cells);
      const holders = DAILY_METRICS.map((m) => nodesHolding(`${prefix}.${m}`));
      expect(holders.every((h) => h.length === 1)).toBe(true);
      expect(new Set(holders.flat())).toEqual(new Set(nodes.map((n) => n.index)));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
