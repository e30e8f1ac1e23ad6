import pino from 'pino';
import { createStatsdClient } from './statsd';
import { udpReceiver, until } from '../../test/support/udp-receiver';

function capturingLogger() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'debug' }, { write: (line: string) => lines.push(line) }) };
}

describe('createStatsdClient', () => {
  it('sends a gauge as exactly `prefix.name:42|g`', async () => {
    const receiver = await udpReceiver();
    const client = createStatsdClient({ host: '127.0.0.1', port: receiver.port, prefix: 'prefix' });

    client.gauge('name', 42);
    await until(() => receiver.datagrams.length === 1);
    await client.close();
    await receiver.close();

    expect(receiver.datagrams).toEqual(['prefix.name:42|g']);
  });

  it('sends counters and timings in statsD line format, without a prefix when none is given', async () => {
    const receiver = await udpReceiver();
    const client = createStatsdClient({ host: '127.0.0.1', port: receiver.port });

    client.increment('healthlake.runs');
    client.increment('healthlake.lines', 300);
    client.timing('healthlake.run', 1250);
    await until(() => receiver.datagrams.length === 3);
    await client.close();
    await receiver.close();

    expect(receiver.datagrams.sort()).toEqual(
      ['healthlake.lines:300|c', 'healthlake.run:1250|ms', 'healthlake.runs:1|c'].sort(),
    );
  });

  it('drops and logs metrics statsD would mis-parse, instead of throwing', async () => {
    const receiver = await udpReceiver();
    const { lines, logger } = capturingLogger();
    const client = createStatsdClient({ host: '127.0.0.1', port: receiver.port, logger });

    expect(() => {
      client.gauge('bad name', 1);
      client.gauge('bad:name', 1);
      client.gauge('ok', NaN);
      client.timing('ok', Infinity);
    }).not.toThrow();
    client.gauge('ok', 1);
    await until(() => receiver.datagrams.length === 1);
    await client.close();
    await receiver.close();

    expect(receiver.datagrams).toEqual(['ok:1|g']);
    expect(lines.filter((l) => l.includes('metric dropped'))).toHaveLength(4);
  });

  it('logs socket errors instead of throwing them into the caller', async () => {
    const receiver = await udpReceiver();
    const { lines, logger } = capturingLogger();
    const client = createStatsdClient({ host: '127.0.0.1', port: receiver.port, logger });

    // Larger than any UDP datagram can be, so the send fails (EMSGSIZE) asynchronously on the socket.
    expect(() => client.gauge('x'.repeat(70_000), 1)).not.toThrow();
    await until(() => lines.some((l) => l.includes('statsD send failed')));
    await client.close();
    await receiver.close();

    expect(receiver.datagrams).toEqual([]);
  });

  it('close() flushes, can be called twice, and later metrics are dropped quietly', async () => {
    const receiver = await udpReceiver();
    const client = createStatsdClient({ host: '127.0.0.1', port: receiver.port, prefix: 'p' });

    client.gauge('last', 7);
    await client.close();
    await client.close();
    client.gauge('after', 1);
    await until(() => receiver.datagrams.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await receiver.close();

    expect(receiver.datagrams).toEqual(['p.last:7|g']);
  });
});
