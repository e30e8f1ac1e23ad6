import dgram from 'node:dgram';
import net from 'node:net';

/** A TCP port that was free a moment ago (the OS picks it). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
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
    const base = 20000 + 10 * Math.floor(Math.random() * 3500);
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
