import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { CarbonWriter, formatCarbonLine } from '../../src/clients/carbon';
import { isCluster, relayConfPath } from '../../src/stack/cluster-files';
import { RELAY_BINARY } from '../../src/stack/prerequisites';
import { stackUp, stopComponents } from '../../src/stack/stack';
import { createLogger } from '../../src/util/log';
import { integrationStack, pollUntil, storageNodes, type IntegrationStack } from './integration-stack';

/**
 * Faults of the cluster stack, for tests: stop one node's carbon-cache or graphite-web, and bring the stack
 * back (`stackUp` starts exactly what is not running and waits until everything answers). Every use must
 * restore the stack before the next test file: `withNodeDown` does, even when the body throws.
 */

export type NodeDaemon = 'carbon' | 'graphite-web';

function clusterStack(stack?: IntegrationStack): IntegrationStack {
  const s = stack ?? integrationStack();
  if (!isCluster(s))
    throw new Error('cluster faults need the cluster stack (jest project "integration-cluster")');
  return s;
}

/** Stops node `node`'s daemon (SIGTERM, then waits until it is gone). */
export async function stopNodeDaemon(
  node: number,
  daemon: NodeDaemon,
  stack?: IntegrationStack,
): Promise<void> {
  const s = clusterStack(stack);
  const [result] = await stopComponents(s.root, [`${daemon}-${node}`]);
  if (!result?.stopped) throw new Error(`${daemon}-${node} was not running`);
}

/** Starts whatever is stopped and waits until every component answers. */
export async function restoreStack(stack?: IntegrationStack): Promise<void> {
  const s = clusterStack(stack);
  const status = await stackUp(s, createLogger('warn'));
  if (!status.allReady) throw new Error(`the cluster stack did not come back: ${JSON.stringify(status)}`);
}

/**
 * Runs `body` while node `node`'s daemon is down, and restores the stack afterwards whatever happens. With the
 * carbon-cache down, `body` starts once the relay knows it (relayKnowsCacheDown): what it writes for that node
 * is queued, as for a cache that has been down for a while.
 */
export async function withNodeDown<T>(
  node: number,
  daemon: NodeDaemon,
  body: () => Promise<T>,
  stack?: IntegrationStack,
): Promise<T> {
  const since = logMark(relayLogFile(stack));
  await stopNodeDaemon(node, daemon, stack);
  try {
    if (daemon === 'carbon') await relayKnowsCacheDown(node, since, stack);
    return await body();
  } finally {
    await restoreStack(stack);
  }
}

/**
 * Waits until the relay has found node `node`'s carbon-cache gone, by sending it sacrificial lines. carbon-c-relay
 * learns that a cache is gone only from a write that fails: it keeps a connection open for about 3 s after its
 * last write (server.c, DISCONNECT_WAIT_TIME), a write into a connection whose cache has just died still succeeds
 * (the kernel takes it; the cache's RST comes after), and only the next write fails. So the first points sent to
 * a cache that died while its connection was open are lost, not queued (the stack's statsD, flushing through the
 * relay every second, keeps such connections open). Once the relay has logged "failed to write() to" or "failed to
 * connect() for" the cache, it queues everything for it until the cache is back. The probe's name, on that node,
 * is delivered there when the cache is back; no test reads it.
 */
async function relayKnowsCacheDown(node: number, since: number, stack?: IntegrationStack): Promise<void> {
  const s = clusterStack(stack);
  const port = s.nodes![node - 1]!.carbonPort;
  const [probe] = await namesOnNode((i) => `it_relay_probe.node${node}_${i}`, node, 1, s);
  const failed = new RegExp(`failed to (write\\(\\) to|connect\\(\\) for) 127\\.0\\.0\\.1:${port}:`);
  await pollUntil(
    async () => {
      const writer = new CarbonWriter({ host: '127.0.0.1', port: s.carbonPort });
      await writer.connect();
      await writer.write([formatCarbonLine(probe!, 1, Math.floor(Date.now() / 1000))]);
      await writer.close();
      return logLines(relayLogFile(s), since).find((l) => failed.test(l)) ?? '';
    },
    (line) => line !== '',
    { timeoutMs: 45_000, intervalMs: 300 },
  );
}

/** The lines of a log after byte `since`. */
function logLines(file: string, since: number): string[] {
  return fs.readFileSync(file).subarray(since).toString('utf8').split('\n');
}

const run = promisify(execFile);

/**
 * The node (1-based) the stack's relay sends each metric to, from carbon-c-relay's own test mode (-t reads
 * metric lines on stdin and prints the route), so tests pick names by where they land instead of assuming
 * hash values.
 */
export async function relayPlacement(
  names: string[],
  stack?: IntegrationStack,
): Promise<Map<string, number>> {
  const s = clusterStack(stack);
  const child = run(RELAY_BINARY, ['-t', '-f', relayConfPath(s.root)], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin!.end(names.map((n) => `${n} 1 1\n`).join(''));
  const { stdout } = await child;
  const nodeOfPort = new Map(s.nodes!.map((n, i) => [n.carbonPort, i + 1]));
  const placement = new Map<string, number>();
  // Each metric prints as "* -> <name>", the cluster "fnv1a_ch(healthlake)", then "127.0.0.1:<port>".
  const route = /\* -> (\S+)\n\s+fnv1a_ch\(healthlake\)\n\s+127\.0\.0\.1:(\d+)/g;
  for (const [, name, port] of stdout.matchAll(route)) placement.set(name!, nodeOfPort.get(Number(port))!);
  const unrouted = names.filter((n) => !placement.has(n));
  if (unrouted.length > 0)
    throw new Error(`carbon-c-relay -t did not route ${unrouted.join(', ')}:\n${stdout}`);
  return placement;
}

/** `count` names `name(i)` (i = 0, 1, …) that the relay sends to `node`. */
export async function namesOnNode(
  name: (i: number) => string,
  node: number,
  count: number,
  stack?: IntegrationStack,
): Promise<string[]> {
  const candidates = Array.from({ length: 40 * count }, (_, i) => name(i));
  const placement = await relayPlacement(candidates, stack);
  const chosen = candidates.filter((c) => placement.get(c) === node).slice(0, count);
  if (chosen.length < count)
    throw new Error(`fewer than ${count} of ${candidates.length} names land on node ${node}`);
  return chosen;
}

export function relayLogFile(stack?: IntegrationStack): string {
  return `${clusterStack(stack).root}/log/relay.out`;
}

/** The log's current length: pass it as `since` to look only at what comes after. */
export function logMark(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

/**
 * Waits until a relay log (submission mode: statistics every 5 s) has, after byte `since`, a line matching
 * `pattern`; returns that line.
 */
export function relayLogShows(pattern: RegExp, { file = relayLogFile(), since = 0 } = {}): Promise<string> {
  return pollUntil(
    async () => logLines(file, since).find((l) => pattern.test(l)) ?? '',
    (line) => line !== '',
    { timeoutMs: 45_000, intervalMs: 200 },
  );
}

/** The graphite-web URL of node `node`. */
export function nodeWebUrl(node: number, stack?: IntegrationStack): string {
  return storageNodes(clusterStack(stack))[node - 1]!.webUrl;
}
