import { eventually, pausedPeer } from '../../test/support/paused-peer';
import { TcpAckMeter } from './tcp-ack-meter';

describe('TcpAckMeter', () => {
  it('counts what the peer acknowledged, not what the kernel took, and reports progress once the peer reads', async () => {
    const { client, peer, endpoints, close } = await pausedPeer();
    const meter = await TcpAckMeter.start(endpoints, 10);
    try {
      if (!meter.seesSendQueue) return; // not Linux: chunks taken count instead (see the next test)
      // Less than the kernel's send buffer takes, more than a peer that does not read acknowledges.
      const bytes = 2 * 1024 * 1024;
      await new Promise<void>((resolve, reject) =>
        client.write(Buffer.alloc(bytes, 0x61), (err) => (err ? reject(err) : resolve())),
      );
      meter.took(bytes);
      // The peer reads nothing: part of the data stays unacknowledged in our send queue.
      await eventually(() => meter.unacknowledged > 0 && meter.acknowledged > 0);
      const progress = meter.nextProgress(new AbortController().signal);
      peer.resume();
      await progress;
      await eventually(() => meter.acknowledged === bytes);
    } finally {
      meter.stop();
      close();
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
