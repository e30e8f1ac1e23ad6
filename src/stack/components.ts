import { RELAY_BINARY, SYSTEM_PYTHON } from './prerequisites';
import type { DaemonSpec } from './processes';
import { graphiteWebReady, statsdHealthy, tcpAccepts } from './readiness';
import { isCluster, nodeCount, nodeSettings, relayArgs, relayConfPath } from './cluster-files';
import { GRAPHITE_SETTINGS_MODULE, stackPaths, type StackSettings } from './stack-files';

/**
 * The daemons of a stack. A single node: `carbon`, `graphite-web`, `statsd`. A cluster of N: `relay`, per
 * node k `carbon-k` and `graphite-web-k`, the front `graphite-web`, and `statsd`.
 */
export type ComponentKind = 'carbon' | 'graphite-web' | 'relay' | 'statsd';

export interface Component {
  name: string;
  kind: ComponentKind;
  /** The stack root the component's files live under (a node's root for a node's daemons). */
  root: string;
  daemon: DaemonSpec;
  endpoint: string;
  /** Loopback TCP ports it listens on; checked free before it starts. */
  ports: number[];
  /** Stop order: lower first. statsD before what it writes to, the relay before the caches it flushes to. */
  stopTier: number;
  ready: () => Promise<boolean>;
}

function carbonComponent(s: StackSettings, name: string, endpointNote: string, stopTier: number): Component {
  const p = stackPaths(s.root);
  return {
    name,
    kind: 'carbon',
    root: s.root,
    endpoint: `tcp://127.0.0.1:${s.carbonPort} (plaintext${endpointNote})`,
    ports: [s.carbonPort, s.picklePort, s.carbonlinkPort],
    stopTier,
    ready: () => tcpAccepts(s.carbonPort),
    daemon: {
      name: `carbon-cache${endpointNote}`,
      command: SYSTEM_PYTHON,
      args: [
        '/usr/bin/carbon-cache',
        `--config=${p.carbonConf}`,
        '--nodaemon',
        `--pidfile=${p.carbonTwistdPid}`,
        'start',
      ],
      logFile: `${p.log}/carbon.out`,
      pidFile: `${p.run}/carbon.pid`,
      cmdlineMarker: `--config=${p.carbonConf}`,
    },
  };
}

/** graphite-web's environment: its settings module lives in the component's own conf/ folder. */
export function webEnv(root: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYTHONPATH: stackPaths(root).conf,
    GRAPHITE_SETTINGS_MODULE,
    DJANGO_SETTINGS_MODULE: 'graphite.settings',
  };
}

function webComponent(s: StackSettings, name: string, endpointNote: string, stopTier: number): Component {
  const p = stackPaths(s.root);
  return {
    name,
    kind: 'graphite-web',
    root: s.root,
    endpoint: `http://127.0.0.1:${s.webPort}${endpointNote}`,
    ports: [s.webPort],
    stopTier,
    ready: () => graphiteWebReady(s.webPort),
    daemon: {
      name: `graphite-web (gunicorn)${endpointNote}`,
      command: SYSTEM_PYTHON,
      args: [
        '/usr/bin/gunicorn',
        '--bind',
        `127.0.0.1:${s.webPort}`,
        '--workers',
        '2',
        '--timeout',
        '60',
        '--pythonpath',
        p.conf,
        'graphite.wsgi:application',
      ],
      env: webEnv(s.root),
      logFile: `${p.log}/gunicorn.out`,
      pidFile: `${p.run}/web.pid`,
      // The conf folder alone would also match carbon's --config=<conf>/carbon.conf and the relay's -f
      // <conf>/relay.conf; a node's <root>/nodes/<k>/conf never contains the front's "<root>/conf graphite".
      cmdlineMarker: `${p.conf} graphite.wsgi:application`,
    },
  };
}

function statsdComponent(s: StackSettings, statsdMain: string): Component {
  const p = stackPaths(s.root);
  return {
    name: 'statsd',
    kind: 'statsd',
    root: s.root,
    endpoint: `udp://127.0.0.1:${s.statsdPort} (admin tcp ${s.statsdAdminPort})`,
    ports: [s.statsdAdminPort],
    stopTier: 0,
    ready: () => statsdHealthy(s.statsdAdminPort),
    daemon: {
      name: 'statsd',
      command: process.execPath,
      args: [statsdMain, p.statsdConf],
      logFile: `${p.log}/statsd.out`,
      pidFile: `${p.run}/statsd.pid`,
      cmdlineMarker: p.statsdConf,
    },
  };
}

function relayComponent(s: StackSettings): Component {
  return {
    name: 'relay',
    kind: 'relay',
    root: s.root,
    endpoint: `tcp://127.0.0.1:${s.carbonPort} (plaintext; carbon-c-relay, fnv1a_ch over ${nodeCount(s)} caches)`,
    ports: [s.carbonPort],
    stopTier: 1,
    ready: () => tcpAccepts(s.carbonPort),
    daemon: relayDaemon(s),
  };
}

/** carbon-c-relay in the foreground (no -D), its output in log/relay.out. */
export function relayDaemon(s: StackSettings): DaemonSpec {
  const p = stackPaths(s.root);
  return {
    name: 'carbon-c-relay',
    command: RELAY_BINARY,
    args: relayArgs(s),
    logFile: `${p.log}/relay.out`,
    pidFile: `${p.run}/relay.pid`,
    cmdlineMarker: relayConfPath(s.root),
  };
}

/** Every component of the stack, in start order. `statsdMain` is only needed to start statsD. */
export function stackComponents(s: StackSettings, statsdMain = ''): Component[] {
  if (!isCluster(s)) {
    return [
      carbonComponent(s, 'carbon', '', 2),
      webComponent(s, 'graphite-web', '', 1),
      statsdComponent(s, statsdMain),
    ];
  }
  const nodes: Component[] = [];
  for (let k = 1; k <= nodeCount(s); k++) {
    const node = nodeSettings(s, k);
    nodes.push(carbonComponent(node, `carbon-${k}`, `, node ${k}`, 2));
    nodes.push(webComponent(node, `graphite-web-${k}`, ` (node ${k})`, 2));
  }
  return [
    ...nodes,
    relayComponent(s),
    webComponent(s, 'graphite-web', ' (front: CLUSTER_SERVERS = the node webs)', 1),
    statsdComponent(s, statsdMain),
  ];
}
