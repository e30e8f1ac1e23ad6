import net from 'node:net';
import { CarbonError, CarbonWriter, formatCarbonLine } from './carbon';

describe('formatCarbonLine', () => {
  it('formats `path value epoch_seconds`', () => {
    expect(formatCarbonLine('health.steps', 8421, 1700006400)).toBe('health.steps 8421 1700006400');
    expect(formatCarbonLine('health.weight_kg', 71.25, 1700006400)).toBe('health.weight_kg 71.25 1700006400');
    expect(formatCarbonLine('health.delta', -0, 0)).toBe('health.delta 0 0');
  });

  it('rejects millisecond timestamps, which carbon would file ~57,000 years in the future', () => {
    expect(() => formatCarbonLine('health.steps', 1, 1700006400000)).toThrow(CarbonError);
    expect(() => formatCarbonLine('health.steps', 1, 1700006400000)).toThrow(
      /looks like milliseconds.*1700006400\?/,
    );
  });

  it('rejects fractional or negative timestamps', () => {
    expect(() => formatCarbonLine('health.steps', 1, 1700006400.5)).toThrow(/whole epoch seconds/);
    expect(() => formatCarbonLine('health.steps', 1, -1)).toThrow(/whole epoch seconds/);
  });

  it('rejects values carbon drops (NaN) or we do not want stored (±Infinity)', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => formatCarbonLine('health.steps', bad, 1700006400)).toThrow(/finite number/);
    }
  });

  it('rejects paths with whitespace or empty nodes', () => {
    expect(() => formatCarbonLine('health.resting heart', 1, 1700006400)).toThrow(/without whitespace/);
    expect(() => formatCarbonLine('health.steps\n', 1, 1700006400)).toThrow(/without whitespace/);
    expect(() => formatCarbonLine('', 1, 1700006400)).toThrow(/non-empty/);
    expect(() => formatCarbonLine('health..steps', 1, 1700006400)).toThrow(/empty node/);
  });
});

/** A plaintext receiver on 127.0.0.1:0 that records the bytes of each connection separately. */
class FakeCarbon {
  readonly connections: Array<{ socket: net.Socket; chunks: Buffer[]; closed: Promise<void> }> = [];
  private readonly server: net.Server;
  /** Called for each new connection; may destroy it to simulate a carbon restart. */
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

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

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
    await writer.close();
    await carbon.close();
  });

  it('sends exactly the given lines, one per line, and counts them', async () => {
    await writer.connect();
    await writer.write(['health.steps 8421 1700006400', 'health.weight_kg 71.25 1700006400\n']);
    await writer.write([formatCarbonLine('health.sleep_min', 412, 1700092800)]);
    await writer.close();
    await carbon.connections[0]?.closed;

    expect(carbon.connections).toHaveLength(1);
    expect(carbon.received(0)).toBe(
      'health.steps 8421 1700006400\nhealth.weight_kg 71.25 1700006400\nhealth.sleep_min 412 1700092800\n',
    );
    expect(writer.linesSent).toBe(3);
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

  it('waits for drain under back-pressure and delivers all 200k lines', async () => {
    // The receiver stops reading for a while, so the kernel buffers fill and socket.write returns false.
    carbon.onConnection = (socket) => {
      socket.pause();
      setTimeout(() => socket.resume(), 200);
    };
    const lines = manyLines(200_000);

    await writer.write(lines);
    await writer.close();
    await carbon.connections[0]?.closed;

    expect(writer.drainWaits).toBeGreaterThan(0);
    expect(writer.linesSent).toBe(200_000);
    const received = carbon.received(0);
    expect(received.split('\n')).toHaveLength(200_001);
    expect(received).toBe(`${lines.join('\n')}\n`);
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

  it('names host:port when carbon refuses the connection', async () => {
    await carbon.close();
    const err: unknown = await writer.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarbonError);
    expect((err as CarbonError).code).toBe('ECONNREFUSED');
    expect((err as CarbonError).message).toBe(
      `Cannot connect to carbon at 127.0.0.1:${port} (ECONNREFUSED): ` +
        'is carbon-cache running, and is this its plaintext (line receiver) port?',
    );
  });
});
