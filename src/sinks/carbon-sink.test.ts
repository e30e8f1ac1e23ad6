import net from 'node:net';
import { CarbonError, NOT_READING } from '../clients/carbon';
import { HealthlakeError } from '../errors';
import { CarbonSink, CarbonDeliveryError } from './carbon-sink';
import { MetricPoint, toPoints } from './sink';

/** A plaintext carbon stand-in on 127.0.0.1:0 that keeps everything each connection sent. */
async function fakeCarbon({ read = true } = {}): Promise<{
  port: number;
  received(): Promise<string[]>;
  connections(): number;
  close(): Promise<void>;
}> {
  const sessions: Array<{ text: Promise<string>; socket: net.Socket }> = [];
  const server = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    // A carbon that accepted the connection but does not read it (a stuck or overloaded one).
    if (!read) socket.pause();
    const text = new Promise<string>((resolve) =>
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8'))),
    );
    // Like carbon, close our side when the client ends its side.
    socket.on('end', () => socket.end());
    sessions.push({ text, socket });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** The text of every connection, once each has closed. */
    received: () => Promise.all(sessions.map((s) => s.text)),
    connections: () => sessions.length,
    close: () => {
      for (const s of sessions) s.socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nobody listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const points: MetricPoint[] = toPoints(
  [
    { date: '2024-03-01', values: { steps: 8421, 'heart.resting': 57, 'sleep.longest_episode': 45.5 } },
    { date: '2024-03-02', values: { steps: 10234, worked: 1 } },
  ],
  'health',
);
const expectedLines =
  'health.steps 8421 1709251200\n' +
  'health.heart.resting 57 1709251200\n' +
  'health.sleep.longest_episode 45.5 1709251200\n' +
  'health.steps 10234 1709337600\n' +
  'health.worked 1 1709337600\n';

describe('CarbonSink', () => {
  it('sends one plaintext line per point, at the day timestamps', async () => {
    const carbon = await fakeCarbon();
    const sink = new CarbonSink({ host: '127.0.0.1', port: carbon.port });

    await sink.write(points);
    expect(sink.confirmed).toBe(0);
    await sink.close();
    const received = await carbon.received();
    await carbon.close();

    expect(received).toEqual([expectedLines]);
    expect(sink.written).toBe(5);
    expect(sink.confirmed).toBe(5);
  });

  it('fails the close when carbon took the lines but never read them, naming the days to replay', async () => {
    const carbon = await fakeCarbon({ read: false });
    const sink = new CarbonSink({ host: '127.0.0.1', port: carbon.port, progressTimeoutMs: 200 });
    await sink.write(points);

    const error = await sink.close().then(
      () => undefined,
      (err: unknown) => err as CarbonDeliveryError,
    );
    await carbon.close();

    expect(error).toBeInstanceOf(CarbonDeliveryError);
    expect(error?.code).toBe(NOT_READING);
    expect(error?.message).toMatch(
      new RegExp(
        `^Carbon at 127\\.0\\.0\\.1:${carbon.port} is not reading: no progress for 0\\.2 s while waiting for carbon ` +
          'to read .*the 5 lines and close the connection \\(5 lines not confirmed while closing, also after one ' +
          'reconnect and resend\\)\\n' +
          'Nothing is lost: the data is safe in the archive\\. Once carbon is up, run ' +
          '`healthlake replay --from 2024-03-01 --to 2024-03-02` to send it\\.$',
      ),
    );
    expect(error?.replay).toEqual({ from: '2024-03-01', to: '2024-03-02' });
    expect(sink.written).toBe(5);
    expect(sink.confirmed).toBe(0);
    expect(carbon.connections()).toBe(2);
  });

  it('sends identical lines when the same points are sent again (whisper overwrites the same slots)', async () => {
    const carbon = await fakeCarbon();
    const first = new CarbonSink({ host: '127.0.0.1', port: carbon.port });
    await first.write(points);
    await first.close();
    const again = new CarbonSink({ host: '127.0.0.1', port: carbon.port });
    await again.write(
      toPoints(
        [
          { date: '2024-03-02', values: { steps: 10234, worked: 1 } },
          { date: '2024-03-01', values: { steps: 8421, 'heart.resting': 57, 'sleep.longest_episode': 45.5 } },
        ],
        'health',
      ),
    );
    await again.close();
    const received = await carbon.received();
    await carbon.close();

    expect(received).toEqual([expectedLines, expectedLines]);
  });

  it('keeps one connection for several batches', async () => {
    const carbon = await fakeCarbon();
    const sink = new CarbonSink({ host: '127.0.0.1', port: carbon.port });
    await sink.write(points.slice(0, 3));
    await sink.write([]);
    await sink.write(points.slice(3));
    await sink.close();
    const received = await carbon.received();
    await carbon.close();

    expect(received).toEqual([expectedLines]);
    expect(sink.written).toBe(5);
  });

  it('says carbon is unreachable, that the archive has the data, and how to replay it', async () => {
    const port = await closedPort();
    const sink = new CarbonSink({ host: '127.0.0.1', port });

    const error = await sink.write(points).then(
      () => undefined,
      (err: unknown) => err,
    );
    await sink.close();

    expect(error).toBeInstanceOf(CarbonDeliveryError);
    expect(error).toBeInstanceOf(HealthlakeError);
    expect((error as CarbonDeliveryError).code).toBe('ECONNREFUSED');
    const message = (error as Error).message;
    expect(message).toContain(`Carbon is unreachable at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(message).toContain('the data is safe in the archive');
    expect(message).toContain('`healthlake replay --from 2024-03-01 --to 2024-03-02`');
    expect((error as CarbonDeliveryError).replay).toEqual({ from: '2024-03-01', to: '2024-03-02' });
    expect(sink.written).toBe(0);
  });

  it('names the whole run in the replay hint when given', async () => {
    const port = await closedPort();
    const sink = new CarbonSink({
      host: '127.0.0.1',
      port,
      replayRange: { from: '2024-02-01', to: '2024-03-02' },
    });
    await expect(sink.write(points)).rejects.toThrow('`healthlake replay --from 2024-02-01 --to 2024-03-02`');
    await sink.close();
  });

  it('refuses an invalid point before connecting, so no partial batch is sent', async () => {
    const carbon = await fakeCarbon();
    const sink = new CarbonSink({ host: '127.0.0.1', port: carbon.port });
    const bad = [...points, { path: 'health.steps', value: 1, timestamp: 1709251200000 }];

    await expect(sink.write(bad)).rejects.toThrow(CarbonError);
    await expect(sink.write(bad)).rejects.not.toThrow(CarbonDeliveryError);
    await sink.close();
    await carbon.close();

    expect(carbon.connections()).toBe(0);
  });
});
