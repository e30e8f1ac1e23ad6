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

/** Settings for a stack whose every port is free; distinct from each other. */
export async function freeStackPorts() {
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
  return {
    carbonPort: await next(freeTcpPort),
    picklePort: await next(freeTcpPort),
    carbonlinkPort: await next(freeTcpPort),
    webPort: await next(freeTcpPort),
    statsdPort: await next(freeUdpPort),
    statsdAdminPort: await next(freeTcpPort),
  };
}
