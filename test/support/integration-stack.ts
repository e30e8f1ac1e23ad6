import fs from 'node:fs';
import path from 'node:path';
import { isCluster, nodeCount, nodeRoot } from '../../src/stack/cluster-files';
import { stackPaths, type StackSettings } from '../../src/stack/stack-files';

/**
 * The integration tests run twice, once per topology (two jest projects, see jest.config.js): `single` is
 * today's stack (one carbon-cache, one graphite-web), `cluster` is `stack up --nodes 2` (carbon-c-relay over two
 * carbon-caches, a graphite-web per node, a front graphite-web federating them). Both stacks are started once
 * per jest run by test/integration/stack-setup.ts. A test reads the stack of its project's topology here; on a
 * cluster, carbonPort is the relay's and graphiteUrl the front's, so the same test covers both.
 */
export type Topology = 'single' | 'cluster';
export const TOPOLOGIES: readonly Topology[] = ['single', 'cluster'];
/** Storage nodes of the cluster topology. */
export const CLUSTER_NODES = 2;

/** The stack that test/integration/stack-setup.ts started for this jest run. */
export interface IntegrationStack extends StackSettings {
  topology: Topology;
  graphiteUrl: string;
}

/** JSON { single?: IntegrationStack, cluster?: IntegrationStack }, set by the global setup. */
export const STACKS_ENV = 'HEALTHLAKE_IT_STACKS';
/** Set per jest project by test/integration/topology-*.setup.ts. */
export const TOPOLOGY_ENV = 'HEALTHLAKE_IT_TOPOLOGY';

export function currentTopology(): Topology {
  const t = process.env[TOPOLOGY_ENV] ?? 'single';
  if (!(TOPOLOGIES as readonly string[]).includes(t))
    throw new Error(`${TOPOLOGY_ENV}=${t} is not a topology`);
  return t as Topology;
}

export function integrationStack(topology: Topology = currentTopology()): IntegrationStack {
  const raw = process.env[STACKS_ENV];
  if (!raw)
    throw new Error(`${STACKS_ENV} is not set: integration tests run under jest's "integration" projects`);
  const stack = (JSON.parse(raw) as Partial<Record<Topology, IntegrationStack>>)[topology];
  if (!stack) throw new Error(`no ${topology} stack was started for this jest run`);
  return stack;
}

/** One storage node: where its whisper files are and its own graphite-web (the stack's own on a single node). */
export interface StorageNode {
  index: number;
  whisperDir: string;
  webUrl: string;
}

export function storageNodes(stack: IntegrationStack = integrationStack()): StorageNode[] {
  if (!isCluster(stack)) {
    return [{ index: 1, whisperDir: stackPaths(stack.root).whisper, webUrl: stack.graphiteUrl }];
  }
  return Array.from({ length: nodeCount(stack) }, (_, i) => ({
    index: i + 1,
    whisperDir: stackPaths(nodeRoot(stack.root, i + 1)).whisper,
    webUrl: `http://127.0.0.1:${stack.nodes![i]!.webPort}`,
  }));
}

/** The nodes whose disk holds the metric's whisper file (replication 1: exactly one once it is written). */
export function nodesHolding(metric: string, stack: IntegrationStack = integrationStack()): number[] {
  return storageNodes(stack)
    .filter((n) => fs.existsSync(path.join(n.whisperDir, ...metric.split('.')) + '.wsp'))
    .map((n) => n.index);
}

/**
 * GRAPHITE_URL for the CLI, and on a cluster GRAPHITE_CLUSTER_URLS (the node webs), as a user of a cluster
 * configures it so that provision-checks can tell a complete expansion from a partial one.
 */
export function graphiteEnv(stack: IntegrationStack = integrationStack()): Record<string, string> {
  return {
    GRAPHITE_URL: stack.graphiteUrl,
    GRAPHITE_CLUSTER_URLS: isCluster(stack)
      ? storageNodes(stack)
          .map((n) => n.webUrl)
          .join(',')
      : '',
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll until `read` returns a value that `done` accepts. New metrics take up to ~1 s to become readable
 * (carbon's writer sleeps when idle), so tests poll instead of sleeping a fixed time.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err; // a render racing a file creation can 500 transiently
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}; last error: ${String(lastError)}`,
  );
}
