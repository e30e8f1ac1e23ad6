import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
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

/** Runs `body` while node `node`'s daemon is down, and restores the stack afterwards whatever happens. */
export async function withNodeDown<T>(
  node: number,
  daemon: NodeDaemon,
  body: () => Promise<T>,
  stack?: IntegrationStack,
): Promise<T> {
  await stopNodeDaemon(node, daemon, stack);
  try {
    return await body();
  } finally {
    await restoreStack(stack);
  }
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
    async () =>
      fs
        .readFileSync(file)
        .subarray(since)
        .toString('utf8')
        .split('\n')
        .find((l) => pattern.test(l)) ?? '',
    (line) => line !== '',
    { timeoutMs: 20000, intervalMs: 200 },
  );
}

/** The graphite-web URL of node `node`. */
export function nodeWebUrl(node: number, stack?: IntegrationStack): string {
  return storageNodes(clusterStack(stack))[node - 1]!.webUrl;
}
