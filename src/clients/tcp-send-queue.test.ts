import { eventually, pausedPeer } from '../../test/support/paused-peer';
import { parseSendQueue, sendQueueBytes } from './tcp-send-queue';

// Shaped like the kernel's /proc/net/tcp: ports and queues in hex, a header line first.
const PROC_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0FA3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 56091 1 0 100 0 0 10 0
   1: 0100007F:C350 0100007F:07D3 01 002AD000:00000000 01:00000014 00000000     0        0 70001 1 0 20 4 30 10 -1
   2: 0100007F:07D3 0100007F:C350 01 00000000:00001000 00:00000000 00000000     0        0 70002 1 0 20 4 30 10 -1
`;

describe('parseSendQueue', () => {
  it('reads tx_queue (hex) of the row with both ports', () => {
    expect(parseSendQueue(PROC_TCP, { localPort: 50000, remotePort: 2003 })).toBe(0x2ad000);
    expect(parseSendQueue(PROC_TCP, { localPort: 2003, remotePort: 50000 })).toBe(0);
  });

  it('gives undefined for an unknown connection and for an ambiguous one', () => {
    expect(parseSendQueue(PROC_TCP, { localPort: 50001, remotePort: 2003 })).toBeUndefined();
    const twice = PROC_TCP + PROC_TCP.split('\n')[2] + '\n';
    expect(parseSendQueue(twice, { localPort: 50000, remotePort: 2003 })).toBeUndefined();
  });
});

describe('sendQueueBytes', () => {
  it('is undefined when the kernel lists no sockets (no /proc)', async () => {
    expect(await sendQueueBytes({ localPort: 1, remotePort: 2 }, ['/nonexistent/tcp'])).toBeUndefined();
  });

  it('sees the bytes a peer that does not read leaves in the send queue, and the queue empty once it reads', async () => {
    const { client, peer, endpoints, close } = await pausedPeer();
    try {
      if ((await sendQueueBytes(endpoints)) === undefined) return; // not Linux: nothing to see
      // More than the peer's receive buffer takes while it does not read.
      client.write(Buffer.alloc(8 * 1024 * 1024, 0x61));
      await eventually(async () => ((await sendQueueBytes(endpoints)) ?? 0) > 0);
      peer.resume();
      await eventually(async () => (await sendQueueBytes(endpoints)) === 0);
    } finally {
      close();
    }
  });
});
