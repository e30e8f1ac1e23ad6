import net from 'node:net';
import pino from 'pino';
import { CarbonError, CarbonWriter, formatCarbonLine, NOT_READING } from './carbon';
import { CHUNK_BYTES } from './carbon-lines';

/** A plaintext receiver on 127.0.0.1:0 that records the bytes of each connection separately. */
class FakeCarbon {
  readonly connections: Array<{ socket: net.Socket; chunks: Buffer[]; closed: Promise<void> }> = [];
  private readonly server: net.Server;
  /** Called for each new connection; may pause, reset or destroy it to act like a broken carbon. */
  onConnection: (socket: net.Socket, index: number) => void = () => {};

  constructor() {
    this.server = net.createServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => {});
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      this.connections.push({ socket, chunks, closed });
      this.onConnection(socket, this.connections.length - 1);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port)),
    );
  }

  received(index: number): string {
    return Buffer.concat(this.connections[index]?.chunks ?? []).toString('utf8');
  }

  close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function manyLines(count: number): string[] {
  const start = 1_600_000_000;
  return Array.from({ length: count }, (_, i) =>
    formatCarbonLine(`healthlake_test.m${i % 100}`, i, start + i),
  );
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function capturingLogger() {
  const records: Array<{ level: number; msg: string; [key: string]: unknown }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { records, logger };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as CarbonError,
  );

describe('CarbonWriter', () => {
  let carbon: FakeCarbon;
  let port: number;
  let writer: CarbonWriter;

  beforeEach(async () => {
    carbon = new FakeCarbon();
    port = await carbon.listen();
    writer = new CarbonWriter({ host: '127.0.0.1', port, connectTimeoutMs: 2000 });
  });

  afterEach(async () => {
    await writer.close().catch(() => undefined);
    await carbon.close();
  });

  it('sends exactly the given lines, one per line, and confirms them when carbon closes after reading', async () => {
    await writer.connect();
    await writer.write(['health.steps 8421 1700006400', 'health.weight_kg 71.25 1700006400\n']);
    await writer.write([formatCarbonLine('health.sleep_min', 412, 1700092800)]);
    expect(writer.linesSent).toBe(3);
    expect(writer.linesConfirmed).toBe(0);
    await writer.close();
    await carbon.connections[0]?.closed;

    expect(carbon.connections).toHaveLength(1);
    expect(carbon.received(0)).toBe(
      'health.steps 8421 1700006400\nhealth.weight_kg 71.25 1700006400\nhealth.sleep_min 412 1700092800\n',
    );
    expect(writer.linesConfirmed).toBe(3);
    expect(writer.unconfirmedLines).toBe(0);
  });

  it('connects on first write and ignores an empty batch', async () => {
    await writer.write([]);
    expect(carbon.connections).toHaveLength(0);
    await writer.write(['health.steps 1 1700006400']);
    await writer.close();
    await carbon.connections[0]?.closed;
    expect(carbon.received(0)).toBe('health.steps 1 1700006400\n');
  });

  it('rejects a line that contains a line break, sending nothing', async () => {
    await expect(writer.write(['health.a 1 1700006400\nhealth.b 2 1700006400'])).rejects.toThrow(
      /line break/,
    );
    expect(writer.linesSent).toBe(0);
  });

  it('holds one chunk at a time while carbon does not read, says so in the log, and delivers all 200k lines', async () => {
    // Carbon stops reading until the writer reports that it has taken nothing for a while: the event that
    // proves the writer is waiting on carbon (the kernel buffers are full) rather than buffering everything.
    const { records, logger } = capturingLogger();
    writer = new CarbonWriter({ host: '127.0.0.1', port, progressLogIntervalMs: 50, logger });
    carbon.onConnection = (socket) => socket.pause();
    const lines = manyLines(200_000);

    const written = writer.write(lines).then(() => writer.close());
    await until(() => records.some((r) => /carbon has taken nothing for/.test(r.msg)));
    carbon.connections[0]?.socket.resume();
    await written;
    await carbon.connections[0]?.closed;

    expect(writer.linesSent).toBe(200_000);
    expect(writer.linesConfirmed).toBe(200_000);
    expect(writer.reconnects).toBe(0);
    expect(writer.maxQueuedBytes).toBeLessThanOrEqual(CHUNK_BYTES + 100);
    expect(carbon.received(0)).toBe(`${lines.join('\n')}\n`);
    expect(records[0]).toMatchObject({
      msg: `writing 200000 lines to carbon at 127.0.0.1:${port}`,
      lines: 200000,
    });
    expect(records.at(-1)?.msg).toBe('carbon read all 200000 lines and closed the connection');
  });

  it('does not confirm a small batch that carbon accepted but never read: the close times out', async () => {
    writer = new CarbonWriter({ host: '127.0.0.1', port, progressTimeoutMs: 300 });
    carbon.onConnection = (socket) => socket.pause();
    await writer.write(['health.steps 1 1700006400']);
    expect(writer.linesSent).toBe(1);

    const err = await rejection(writer.close());

    expect(err?.code).toBe(NOT_READING);
    expect(err?.message).toContain('while waiting for carbon to read');
    expect(err?.message).toContain(
      '1 lines not confirmed while closing, also after one reconnect and resend',
    );
    expect(writer.reconnects).toBe(1);
    expect(carbon.connections).toHaveLength(2);
    expect(writer.linesConfirmed).toBe(0);
  });

  it('does not confirm lines when carbon resets the connection before reading them', async () => {
    carbon.onConnection = (socket) => {
      socket.pause();
      socket.once('readable', () => socket.resetAndDestroy());
    };
    await writer.write(['health.steps 1 1700006400']).catch(() => undefined);

    const err = await rejection(writer.close());

    expect(err?.code).toBe('ECONNRESET');
    expect(err?.message).toMatch(/also after one reconnect and resend/);
    expect(writer.reconnects).toBe(1);
    expect(writer.linesConfirmed).toBe(0);
  });

  it('does not confirm lines when carbon closes the connection in the middle of a large write', async () => {
    carbon.onConnection = (socket) => socket.once('data', () => socket.destroy());
    const err = await rejection(writer.write(manyLines(200_000)).then(() => writer.close()));

    expect(err).toBeInstanceOf(CarbonError);
    expect(['ECONNRESET', 'EPIPE']).toContain(err?.code);
    expect(writer.reconnects).toBe(1);
    expect(writer.linesConfirmed).toBe(0);
  });

  it('succeeds with a carbon that reads slowly but steadily, for longer than the progress timeout', async () => {
    writer = new CarbonWriter({ host: '127.0.0.1', port, progressTimeoutMs: 1000 });
    carbon.onConnection = (socket) => throttle(socket, 16 * 1024, 20);
    const lines = manyLines(40_000); // 1.4 MB at no more than 800 KB/s: at least 1.7 s, above the timeout
    const started = Date.now();

    await writer.write(lines);
    await writer.close();
    await carbon.connections[0]?.closed;

    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(writer.linesConfirmed).toBe(40_000);
    expect(writer.reconnects).toBe(0);
    expect(carbon.received(0)).toBe(`${lines.join('\n')}\n`);
  });

  it("does not count the caller's time between write and close against carbon", async () => {
    writer = new CarbonWriter({ host: '127.0.0.1', port, progressTimeoutMs: 300 });
    await writer.write(['health.steps 8421 1700006400']);
    // The caller works for longer than the progress timeout (e.g. verifying another batch) before closing.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await writer.close();

    expect(writer.reconnects).toBe(0);
    expect(writer.linesConfirmed).toBe(1);
    expect(carbon.connections).toHaveLength(1);
  });

  it('resends to a carbon that reset the connection and refused new ones for a moment (a restart)', async () => {
    // A carbon of its own on a fixed port: it resets the first connection, is down for 300 ms, then reads.
    const received: Buffer[] = [];
    let connections = 0;
    let stopped = false;
    const restarting = net.createServer((socket) => {
      connections++;
      socket.on('error', () => {});
      if (connections === 1) {
        socket.resetAndDestroy();
        restarting.close(() =>
          setTimeout(() => {
            if (!stopped) restarting.listen(restartPort, '127.0.0.1');
          }, 300),
        );
        return;
      }
      socket.on('data', (c: Buffer) => received.push(c));
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => restarting.listen(0, '127.0.0.1', resolve));
    const restartPort = (restarting.address() as net.AddressInfo).port;
    writer = new CarbonWriter({ host: '127.0.0.1', port: restartPort, connectTimeoutMs: 2000 });
    try {
      await writer.write(['health.steps 8421 1700006400']);
      await writer.close();
      expect(writer.reconnects).toBe(1);
      expect(writer.linesConfirmed).toBe(1);
      expect(Buffer.concat(received).toString()).toBe('health.steps 8421 1700006400\n');
    } finally {
      stopped = true;
      await new Promise<void>((resolve) => restarting.close(() => resolve()));
    }
  });

  it('reconnects once when carbon dropped the connection between batches, and resends', async () => {
    carbon.onConnection = (socket, index) => {
      if (index === 0) socket.destroy();
    };
    await writer.connect();
    await until(() => !writer.connected);

    await writer.write(['health.steps 1 1700006400', 'health.steps 2 1700092800']);
    await writer.close();
    await carbon.connections[1]?.closed;

    expect(writer.reconnects).toBe(1);
    expect(carbon.received(0)).toBe('');
    expect(carbon.received(1)).toBe('health.steps 1 1700006400\nhealth.steps 2 1700092800\n');
  });

  it('resends every unconfirmed batch when the connection breaks after an earlier batch was written', async () => {
    carbon.onConnection = (socket, index) => {
      if (index === 0) socket.once('data', () => socket.resetAndDestroy());
    };
    await writer.write(['health.steps 1 1700006400']);
    await until(() => !writer.connected);
    await writer.write(['health.steps 2 1700092800']);
    await writer.close();
    await carbon.connections[1]?.closed;

    expect(writer.reconnects).toBe(1);
    expect(carbon.received(1)).toBe('health.steps 1 1700006400\nhealth.steps 2 1700092800\n');
    expect(writer.linesConfirmed).toBe(2);
  });

  it('resends the whole batch on a new connection when carbon resets it mid-batch', async () => {
    carbon.onConnection = (socket, index) => {
      if (index === 0) socket.once('data', () => socket.resetAndDestroy());
    };
    const lines = manyLines(200_000);

    await writer.write(lines);
    await writer.close();
    await carbon.connections[1]?.closed;

    expect(writer.reconnects).toBe(1);
    expect(writer.linesSent).toBe(200_000);
    expect(carbon.received(1)).toBe(`${lines.join('\n')}\n`);
  });

  it('names host:port when carbon refuses the connection, and does not retry', async () => {
    await carbon.close();
    const err: unknown = await writer.write(['health.steps 1 1700006400']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarbonError);
    expect((err as CarbonError).code).toBe('ECONNREFUSED');
    expect((err as CarbonError).message).toBe(
      `Cannot connect to carbon at 127.0.0.1:${port} (ECONNREFUSED): ` +
        'is carbon-cache running, and is this its plaintext (line receiver) port?',
    );
    expect(writer.reconnects).toBe(0);
  });
});

/** Reads at most `bytes` every `everyMs`: a slow but steady carbon. */
function throttle(socket: net.Socket, bytes: number, everyMs: number): void {
  socket.pause();
  // In paused mode read(n) hands the bytes to the 'data' listeners itself.
  const timer = setInterval(() => socket.read(Math.min(bytes, socket.readableLength)), everyMs);
  socket.on('close', () => clearInterval(timer));
  socket.on('end', () => socket.end());
}
