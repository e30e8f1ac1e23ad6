import net from 'node:net';

/** A loopback TCP connection whose server side does not read until `peer.resume()`. */
export async function pausedPeer(): Promise<{
  client: net.Socket;
  peer: net.Socket;
  endpoints: { localPort: number; remotePort: number };
  close(): void;
}> {
  let accepted: (s: net.Socket) => void = () => {};
  const peerReady = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const server = net.createServer((s) => {
    s.pause();
    accepted(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.createConnection({
    port: (server.address() as net.AddressInfo).port,
    host: '127.0.0.1',
  });
  await new Promise((resolve) => client.once('connect', resolve));
  const peer = await peerReady;
  return {
    client,
    peer,
    endpoints: { localPort: client.localPort as number, remotePort: client.remotePort as number },
    close() {
      client.destroy();
      peer.destroy();
      server.close();
    },
  };
}

/** Polls an asynchronous condition every 10 ms. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
