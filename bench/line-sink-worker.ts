import { createHash } from 'node:crypto';
import net from 'node:net';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/**
 * A stand-in for carbon's line receiver, in its own thread: it accepts TCP connections on 127.0.0.1, counts the
 * bytes and lines of each, hashes them (so two writers can be shown to deliver the same bytes) and discards
 * them. A real carbon-cache reads ≈ 280 k lines/s (docs/graphite-notes.md) and would be the
 * bottleneck; this sink costs almost nothing, so the writer's own cost is what a benchmark sees. In its own
 * thread, its CPU is not charged to the writer's event loop (carbon is another process in production).
 */
export interface ConnectionTally {
  bytes: number;
  lines: number;
  /** The stream ended with '\n' (or was empty): no partial line at the end. */
  endsWithNewline: boolean;
  /** sha256 of everything received. */
  sha256: string;
}

export interface RemoteLineSink {
  port: number;
  /** Resolves with the tally of the next connection that closes (in order of closing). */
  nextConnection(): Promise<ConnectionTally>;
  close(): Promise<void>;
}

type ToWorker = { op: 'close' };
type FromWorker =
  { op: 'listening'; port: number } | { op: 'connection'; tally: ConnectionTally } | { op: 'closed' };

const NEWLINE = 0x0a;

export async function startLineSinkInWorker(): Promise<RemoteLineSink> {
  const worker = new Worker(__filename);
  const tallies: ConnectionTally[] = [];
  const waiting: Array<(tally: ConnectionTally) => void> = [];
  let onClosed: (() => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: FromWorker) => {
      if (m.op === 'listening') resolve(m.port);
      else if (m.op === 'connection') {
        const next = waiting.shift();
        if (next) next(m.tally);
        else tallies.push(m.tally);
      } else onClosed?.();
    });
  });
  return {
    port,
    nextConnection: () =>
      new Promise<ConnectionTally>((resolve) => {
        const ready = tallies.shift();
        if (ready) resolve(ready);
        else waiting.push(resolve);
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        worker.postMessage({ op: 'close' } satisfies ToWorker);
      });
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const server = net.createServer((socket) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let lines = 0;
    let last = NEWLINE;
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
      last = chunk[chunk.length - 1] ?? last;
      hash.update(chunk);
    });
    socket.on('error', () => socket.destroy());
    // allowHalfOpen is false: our side ends as soon as the writer's FIN has been read, after its last 'data'.
    socket.on('close', () => {
      const tally: ConnectionTally = {
        bytes,
        lines,
        endsWithNewline: last === NEWLINE,
        sha256: hash.digest('hex'),
      };
      port.postMessage({ op: 'connection', tally } satisfies FromWorker);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as net.AddressInfo;
    port.postMessage({ op: 'listening', port: address.port } satisfies FromWorker);
  });
  port.on('message', (m: ToWorker) => {
    if (m.op === 'close') server.close(() => port.postMessage({ op: 'closed' } satisfies FromWorker));
  });
}
