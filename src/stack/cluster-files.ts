import {
  graphiteWebSettingsModule,
  stackFiles,
  stackPaths,
  statsdConf,
  storageNodeFiles,
  type StackSettings,
  type StorageNodePorts,
} from './stack-files';

/**
 * The configuration of a cluster stack (`healthlake stack up --nodes N`, N >= 2), as pure functions of its
 * settings: carbon-c-relay on the plaintext port spreads series over N carbon-caches by consistent hashing,
 * each node's graphite-web reads its own whisper files, and a front graphite-web on GRAPHITE_URL federates the
 * node webs (CLUSTER_SERVERS). Layout under the stack root:
 *   conf/relay.conf, conf/<settings module> (the front), conf/statsd.json, graphite.db (the front's dashboards),
 *   log/, run/ (relay, front and statsD), and nodes/<k>/ for node k = 1..N, laid out like a single-node stack.
 */

/** carbon-c-relay's own default (-q): metrics held per destination while it is down or slow. */
export const RELAY_QUEUE_SIZE = 25000;

export function isCluster(s: Pick<StackSettings, 'nodes'>): boolean {
  return (s.nodes?.length ?? 0) >= 2;
}

export function nodeCount(s: Pick<StackSettings, 'nodes'>): number {
  return isCluster(s) ? (s.nodes as unknown[]).length : 1;
}

/** Node k (1-based) listens on base+10k (plaintext), +1 (pickle), +2 (carbonlink), +3 (graphite-web). */
export function clusterNodePorts(basePort: number, nodes: number): StorageNodePorts[] {
  return Array.from({ length: nodes }, (_, i) => {
    const first = basePort + 10 * (i + 1);
    return { carbonPort: first, picklePort: first + 1, carbonlinkPort: first + 2, webPort: first + 3 };
  });
}

export function nodeRoot(root: string, k: number): string {
  return `${root}/nodes/${k}`;
}

/** Node k (1-based) seen as a single-node stack: its own root, ports and files. */
export function nodeSettings(s: StackSettings, k: number): StackSettings {
  const ports = s.nodes?.[k - 1];
  if (!ports) throw new Error(`the stack has no node ${k}`);
  return { ...s, ...ports, root: nodeRoot(s.root, k), nodes: undefined };
}

/**
 * The relay's hash key of node k. fnv1a_ch hashes the instance instead of host:port when one is given, so a
 * series stays on the same node when ports change; the relay's manual advises long, differing keys.
 */
export function nodeInstanceKey(k: number): string {
  return `healthlake-node-${k}`;
}

export function relayConfPath(root: string): string {
  return `${stackPaths(root).conf}/relay.conf`;
}

export function relayQueueSize(s: Pick<StackSettings, 'relayQueueSize'>): number {
  return s.relayQueueSize ?? RELAY_QUEUE_SIZE;
}

/**
 * carbon-c-relay 3.7 configuration.
 * - fnv1a_ch with replication 1: every series lives on exactly one node. (carbon_ch would hash only the host,
 *   so caches on one host but different ports need instance names anyway; fnv1a_ch is the manual's advice
 *   for new clusters.)
 * - Not `dynamic`: while a cache is down, the relay keeps that cache's metrics in its queue (-q, per
 *   destination) and delivers them when the cache is back; what arrives beyond a full queue is dropped. The
 *   queue lives in memory: stopping the relay while a cache is down drops it. `dynamic` would instead send
 *   them to another node, splitting a series' history over two nodes.
 * - We run the relay with -s (submission mode): no carbon.relays.* metrics of its own; queue pressure and drops
 *   go to its log at every statistics interval instead ("metrics queuing up for …", "dropped N metrics").
 */
export function relayConf(s: StackSettings): string {
  const members = (s.nodes ?? []).map(
    (n, i) => `        127.0.0.1:${n.carbonPort}=${nodeInstanceKey(i + 1)}`,
  );
  return `# Written by healthlake stack; edits are overwritten on the next "stack up".
listen
    type linemode
        127.0.0.1:${s.carbonPort} proto tcp
    ;

statistics
    submit every 5 seconds
    reset counters after interval
    ;

cluster healthlake
    fnv1a_ch replication 1
${members.join('\n')}
    ;

match *
    send to healthlake
    stop
    ;
`;
}

/**
 * carbon-c-relay's command line (after the binary). -T: a loaded 2-core machine can be slower than 600 ms.
 * -b (send batch, default 2500) must be smaller than the queue.
 */
export function relayArgs(s: StackSettings): string[] {
  const queue = relayQueueSize(s);
  const batch = Math.max(1, Math.min(2500, Math.floor(queue / 2)));
  return [
    '-f',
    relayConfPath(s.root),
    '-s',
    '-w',
    '1',
    '-q',
    String(queue),
    '-b',
    String(batch),
    '-T',
    '2000',
  ];
}

/**
 * The front graphite-web: no storage of its own, it asks every node web (RemoteFinder only).
 * - STORE_FAIL_ON_ERROR False (graphite-web's default): when a node does not answer, find and render answer
 *   with what the other nodes have, without saying so. healthlake's provision-checks detects such partial
 *   expansions itself (src/checks/expansion.ts).
 * - REMOTE_RETRY_DELAY 0: graphite-web skips a node that failed for this many seconds (default 60), silently,
 *   even after it is back; on loopback a refused connection costs nothing, so the front asks every node
 *   every time.
 * - FIND_TIMEOUT / FETCH_TIMEOUT (defaults 3 s / 6 s): a node slower than this is left out of the answer; a
 *   busy 2-core machine can be that slow, so both are generous.
 */
export function frontWebSettings(s: StackSettings): string {
  const servers = (s.nodes ?? []).map((n) => `'127.0.0.1:${n.webPort}'`).join(', ');
  return graphiteWebSettingsModule(s.root, [
    'STANDARD_DIRS = []',
    "STORAGE_FINDERS = ('graphite.finders.remote.RemoteFinder',)",
    `CLUSTER_SERVERS = [${servers}]`,
    'STORE_FAIL_ON_ERROR = False',
    'REMOTE_RETRY_DELAY = 0.0',
    'FIND_TIMEOUT = 15.0',
    'FETCH_TIMEOUT = 30.0',
    'CARBONLINK_HOSTS = []',
  ]);
}

/** Every file of the stack, for either topology. */
export function allStackFiles(s: StackSettings): Record<string, string> {
  if (!isCluster(s)) return stackFiles(s);
  const p = stackPaths(s.root);
  const files: Record<string, string> = {
    [relayConfPath(s.root)]: relayConf(s),
    [p.webSettings]: frontWebSettings(s),
    [p.statsdConf]: statsdConf(s),
  };
  for (let k = 1; k <= nodeCount(s); k++) Object.assign(files, storageNodeFiles(nodeSettings(s, k)));
  return files;
}
