import dgram from 'node:dgram';

export interface UdpReceiver {
  port: number;
  datagrams: string[];
  close(): Promise<void>;
}

/** A statsD stand-in: a UDP socket on 127.0.0.1:0 that records each datagram as text. */
export async function udpReceiver(): Promise<UdpReceiver> {
  const socket = dgram.createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (msg) => datagrams.push(msg.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    datagrams,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Polls `condition` every 5 ms; UDP gives no acknowledgement to wait for. */
export async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Every datagram that a process which has exited sent to `receiver`, once a marker sent after it has arrived
 * (loopback keeps the order): proof that nothing more is coming, without a sleep.
 */
export async function allDatagrams(receiver: UdpReceiver): Promise<string[]> {
  const marker = `test.barrier.${Date.now()}:1|c`;
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) =>
    socket.send(marker, receiver.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  );
  socket.close();
  await until(() => receiver.datagrams.includes(marker), 10_000);
  return receiver.datagrams.filter((d) => d !== marker);
}
