import dgram from 'node:dgram';
import net from 'node:net';

// Ports for servers a test starts and stops (carbon, graphite-web, statsD) are drawn below Linux's ephemeral
// range (net.ipv4.ip_local_port_range, 32768-60999 by default), not by listen(0): a port the kernel hands out is
// also the local port of outgoing connections, and the suite opens thousands of them, so a port freed between
// two stack runs was now and then taken by a client socket and the second `stack up` found it in use.
const TEST_PORTS = { from: 10000, to: 20000 }; // the node base ports of freeNodeBasePort lie above

function randomTestPort(): number {
  return TEST_PORTS.from + Math.floor(Math.random() * (TEST_PORTS.to - TEST_PORTS.from));
}

/** A TCP port on 127.0.0.1 that was free a moment ago, outside the kernel's ephemeral range. */
export async function freeTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomTestPort();
    if (await tcpPortFree(port)) return port;
  }
  throw new Error(`no free TCP port in ${TEST_PORTS.from}-${TEST_PORTS.to} after 200 attempts`);
}

/** A UDP port on 127.0.0.1 that was free a moment ago, outside the kernel's ephemeral range. */
export async function freeUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomTestPort();
    if (await udpPortFree(port)) return port;
  }
  throw new Error(`no free UDP port in ${TEST_PORTS.from}-${TEST_PORTS.to} after 200 attempts`);
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** Settings for a stack whose every port is free; distinct from each other. `nodes` >= 2: a cluster's too. */
export async function freeStackPorts(nodes = 1) {
  const seen = new Set<number>();
  const next = async (pick: () => Promise<number>) => {
    for (;;) {
      const p = await pick();
      if (!seen.has(p)) {
        seen.add(p);
        return p;
      }
    }
  };
  const ports = {
    carbonPort: await next(freeTcpPort),
    picklePort: await next(freeTcpPort),
    carbonlinkPort: await next(freeTcpPort),
    webPort: await next(freeTcpPort),
    statsdPort: await next(freeUdpPort),
    statsdAdminPort: await next(freeTcpPort),
  };
  if (nodes < 2) return ports;
  const nodePorts = [];
  for (let k = 0; k < nodes; k++) {
    nodePorts.push({
      carbonPort: await next(freeTcpPort),
      picklePort: await next(freeTcpPort),
      carbonlinkPort: await next(freeTcpPort),
      webPort: await next(freeTcpPort),
    });
  }
  return { ...ports, nodes: nodePorts };
}

/**
 * A base port for HEALTHLAKE_STACK_NODE_BASE_PORT whose node ports (base+10k .. base+10k+3, k = 1..nodes)
 * were all free a moment ago: the CLI derives a cluster's node ports from it.
 */
export async function freeNodeBasePort(nodes: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + 10 * Math.floor(Math.random() * 1200); // 20000-32040: below the ephemeral range
    const ports = Array.from({ length: nodes }, (_, i) =>
      [0, 1, 2, 3].map((d) => base + 10 * (i + 1) + d),
    ).flat();
    if ((await Promise.all(ports.map(tcpPortFree))).every(Boolean)) return base;
  }
  throw new Error(`no free block of ports for ${nodes} nodes after 50 attempts`);
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The environment of a private `healthlake stack` on free ports with its data under `dataDir`. */
export async function freeStackEnv(dataDir: string): Promise<Record<string, string>> {
  const p = await freeStackPorts();
  return {
    HEALTHLAKE_DATA_DIR: dataDir,
    CARBON_PORT: String(p.carbonPort),
    HEALTHLAKE_STACK_PICKLE_PORT: String(p.picklePort),
    HEALTHLAKE_STACK_CARBONLINK_PORT: String(p.carbonlinkPort),
    GRAPHITE_URL: `http://127.0.0.1:${p.webPort}`,
    STATSD_PORT: String(p.statsdPort),
    HEALTHLAKE_STACK_STATSD_ADMIN_PORT: String(p.statsdAdminPort),
  };
}
