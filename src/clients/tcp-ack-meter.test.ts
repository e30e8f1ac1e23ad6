import net from 'node:net';
import { TcpAckMeter } from './tcp-ack-meter';

describe('TcpAckMeter', () => {
  it('counts what the peer acknowledged, not what the kernel took, and reports progress once the peer reads', async () => {
    let peer: net.Socket | undefined;
    const server = net.createServer((s) => {
      peer = s;
      s.pause();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.createConnection({
      port: (server.address() as net.AddressInfo).port,
      host: '127.0.0.1',
    });
    await new Promise((resolve) => client.once('connect', resolve));
    const meter = await TcpAckMeter.start(
      { localPort: client.localPort as number, remotePort: client.remotePort as number },
      10,
    );
    try {
      if (!meter.seesSendQueue) return; // not Linux: chunks taken count instead (see the next test)
      // Less than the kernel's send buffer takes, more than a peer that does not read acknowledges.
      const bytes = 2 * 1024 * 1024;
      await new Promise<void>((resolve, reject) =>
        client.write(Buffer.alloc(bytes, 0x61), (err) => (err ? reject(err) : resolve())),
      );
      meter.took(bytes);
      // The peer reads nothing: part of the data stays unacknowledged in our send queue.
      await until(() => meter.unacknowledged > 0 && meter.acknowledged > 0);
      const progress = meter.nextProgress(new AbortController().signal);
      peer?.resume();
      await progress;
      await until(() => meter.acknowledged === bytes);
    } finally {
      meter.stop();
      client.destroy();
      peer?.destroy();
      server.close();
    }
  });

  it('counts each chunk the kernel took as progress where the send queue cannot be seen', async () => {
    const meter = await TcpAckMeter.start({ localPort: 1, remotePort: 1 }, 10);
    expect(meter.seesSendQueue).toBe(false);
    const progress = meter.nextProgress(new AbortController().signal);
    meter.took(100);
    await progress;
    expect(meter.acknowledged).toBe(100);
    meter.stop();
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
