import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CarbonWriter, formatCarbonLine } from '../../../src/clients/carbon';
import { relayConf, relayConfPath } from '../../../src/stack/cluster-files';
import { relayDaemon } from '../../../src/stack/components';
import { startDaemon, stopDaemon } from '../../../src/stack/processes';
import { tcpAccepts, waitFor } from '../../../src/stack/readiness';
import { stackPaths, type StackSettings } from '../../../src/stack/stack-files';
import { DAY, graphiteClient, renderDays, todayUtc } from '../../support/graphite-fixtures';
import {
  logMark,
  namesOnNode,
  relayLogFile,
  relayLogShows,
  withNodeDown,
} from '../../support/cluster-faults';
import { integrationStack, nodesHolding, pollUntil } from '../../support/integration-stack';
import { freeTcpPort } from '../../support/ports';

// One carbon-cache of the cluster down. The stack's relay is configured to QUEUE, not to fail over: carbon-c-relay
// keeps a down cache's metrics in that cache's queue (-q, 25000 metrics) and delivers them when the cache is back,
// so every series stays on its one node. Beyond a full queue it DROPS, the oldest first, and says so in its log.
// What collect's read-back verification says meanwhile, and after: collect-cache-down.test.ts.

/** `values[i]` at midnight of day (today − values.length + i), oldest first, through carbon (the relay) at `port`. */
async function writeDays(port: number, metric: string, values: number[]): Promise<void> {
  const t0 = todayUtc();
  const writer = new CarbonWriter({ host: '127.0.0.1', port });
  await writer.connect();
  await writer.write(values.map((v, i) => formatCarbonLine(metric, v, t0 - (values.length - i) * DAY)));
  await writer.close();
}

const presentValues = async (metric: string, days: number) =>
  (await renderDays(metric, days)).flatMap((s) => s.datapoints.map(([v]) => v)).filter((v) => v !== null);

describe('one carbon-cache of the cluster down', () => {
  const stack = integrationStack();
  const node2Port = stack.nodes![1]!.carbonPort;
  const DAYS = 10;
  const values = Array.from({ length: DAYS }, (_, i) => 100 + i);

  it("the relay holds the down cache's points and delivers them when it is back; the other node is unaffected", async () => {
    const [onNode1] = await namesOnNode((i) => `health.it_cachedown.a${i}`, 1, 1);
    const onNode2 = await namesOnNode((i) => `health.it_cachedown.b${i}`, 2, 2);
    const since = logMark(relayLogFile());

    await withNodeDown(2, 'carbon', async () => {
      for (const metric of [onNode1!, ...onNode2]) await writeDays(stack.carbonPort, metric, values);
      // node 1 took its points at once …
      await pollUntil(
        () => presentValues(onNode1!, DAYS),
        (v) => v.length === DAYS,
      );
      // … while node 2's wait in the relay: it cannot reach that cache (its log says so, "failed to write() to"
      // or "failed to connect() for"; queue pressure itself is only logged from 75 % of the queue) and none of
      // them is in Graphite
      await relayLogShows(
        new RegExp(`failed to (write\\(\\) to|connect\\(\\) for) 127\\.0\\.0\\.1:${node2Port}`),
        {
          since,
        },
      );
      expect(await graphiteClient().render(onNode2, { from: '-11d' })).toEqual([]);
    });

    // Back: the queue drains into node 2, and only there.
    for (const metric of onNode2) {
      expect(
        await pollUntil(
          () => presentValues(metric, DAYS),
          (v) => v.length === DAYS,
          { timeoutMs: 45_000 },
        ),
      ).toEqual(values);
      expect(nodesHolding(metric)).toEqual([2]);
    }
    expect(nodesHolding(onNode1!)).toEqual([1]);
    await relayLogShows(new RegExp(`server 127\\.0\\.0\\.1:${node2Port}: OK`), { since });
  }, 180_000); // several waits of up to 45 s each on a busy machine

  it('beyond a full queue the relay drops the oldest points (a private relay with a queue of 20)', async () => {
    // The stack's relay configuration with a queue of 20, as a second relay in front of the same caches.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-overflow-'));
    const settings: StackSettings = { ...stack, root, carbonPort: await freeTcpPort(), relayQueueSize: 20 };
    for (const dir of [stackPaths(root).conf, stackPaths(root).log, stackPaths(root).run])
      fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(relayConfPath(root), relayConf(settings));
    const relay = relayDaemon(settings);
    startDaemon(relay);
    try {
      await waitFor('private relay', () => tcpAccepts(settings.carbonPort));
      const [metric] = await namesOnNode((i) => `health.it_overflow.m${i}`, 2, 1);
      const sent = Array.from({ length: 50 }, (_, i) => i + 1);
      const since = logMark(relay.logFile);
      await withNodeDown(2, 'carbon', async () => {
        await writeDays(settings.carbonPort, metric!, sent);
        // "dropped N metrics" per statistics interval: wait until they add up to the 30 that did not fit
        await pollUntil(
          async () =>
            [
              ...fs
                .readFileSync(relay.logFile)
                .subarray(since)
                .toString('utf8')
                .matchAll(/dropped (\d+) metrics/g),
            ]
              .map((m) => Number(m[1]))
              .reduce((a, b) => a + b, 0),
          (dropped) => dropped === 30,
          { timeoutMs: 45_000, intervalMs: 200 },
        );
      });
      // The 20 newest days arrive once the cache is back; the 30 oldest are gone.
      const arrived = await pollUntil(
        () => presentValues(metric!, 50),
        (v) => v.length === 20,
        { timeoutMs: 45_000 },
      );
      expect(arrived).toEqual(sent.slice(30));
    } finally {
      await stopDaemon(relay);
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 180_000); // several waits of up to 45 s each on a busy machine
});
