import net from 'node:net';
import { HealthlakeError } from '../errors';
import { Logger, silentLogger } from '../util/log';

/**
 * Writer for carbon's plaintext protocol: one `path value epoch_seconds\n` line per point over TCP.
 * Carbon never answers, so a bad line is only visible in carbon's own log ("invalid line … ignoring") and a
 * wrong timestamp is not visible at all. Lines are therefore validated here, before they are sent.
 */

export class CarbonError extends HealthlakeError {
  constructor(
    message: string,
    /** Node's error code (ECONNREFUSED, ETIMEDOUT, …) when the cause was a socket error. */
    readonly code?: string,
  ) {
    super(message);
  }
}

// Epoch seconds pass 1e11 only in the year 5138; epoch milliseconds passed it in 1973. So anything larger is a
// millisecond timestamp, which carbon would store ~57,000 years in the future, where no render ever shows it.
const MAX_EPOCH_SECONDS = 1e11;

/** One plaintext line, without the trailing newline. Throws CarbonError for input carbon would drop or misfile. */
export function formatCarbonLine(path: string, value: number, epochSeconds: number): string {
  checkPath(path);
  checkPoint(path, value, epochSeconds);
  // String(-0) is "0"; large values become "1e+21", which carbon's float() reads fine.
  return `${path} ${String(value)} ${epochSeconds}`;
}

/**
 * A path must be non-empty, without whitespace, and without an empty node (`a..b` or a leading/trailing dot
 * would create an empty directory level in the whisper tree). A char scan: no allocation, which matters at a
 * million points per backfill.
 */
// Each distinct path is checked once: a backfill sends every metric once per day.
const validPaths = new Set<string>();
const MAX_CACHED_PATHS = 100_000;

function checkPath(path: string): void {
  if (validPaths.has(path)) return;
  let problem: string | undefined = path === '' ? 'it must be non-empty, without whitespace' : undefined;
  let previous = 46; // '.', so a leading dot reads as an empty node
  for (let i = 0; i < path.length && !problem; i++) {
    const c = path.charCodeAt(i);
    if (c <= 32 || (c >= 127 && /\s/.test(path[i] as string)))
      problem = 'it must be non-empty, without whitespace';
    else if (c === 46 && previous === 46) problem = 'it has an empty node';
    previous = c;
  }
  if (!problem && previous === 46) problem = 'it has an empty node';
  if (problem) throw new CarbonError(`Invalid metric path ${JSON.stringify(path)}: ${problem}`);
  if (validPaths.size >= MAX_CACHED_PATHS) validPaths.clear();
  validPaths.add(path);
}

function checkPoint(path: string, value: number, epochSeconds: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CarbonError(`Invalid value for ${path}: ${String(value)} (carbon needs a finite number)`);
  }
  if (!Number.isInteger(epochSeconds) || epochSeconds < 0) {
    throw new CarbonError(`Invalid timestamp for ${path}: ${epochSeconds} (expected whole epoch seconds)`);
  }
  if (epochSeconds > MAX_EPOCH_SECONDS) {
    throw new CarbonError(
      `Invalid timestamp for ${path}: ${epochSeconds} looks like milliseconds; carbon needs epoch seconds ` +
        `(${Math.floor(epochSeconds / 1000)}?)`,
    );
  }
}

/** Points already validated, encoded chunk by chunk (about CHUNK_BYTES each) only when the socket takes them. */
export interface CarbonBatch {
  readonly lines: number;
  /** A fresh iteration each call, so a batch can be sent again after a reconnect. */
  chunks(): Iterable<string>;
}

interface CarbonPoint {
  path: string;
  value: number;
  timestamp: number;
}

/**
 * Validates every point (throwing before anything is sent, so a bad point never leaves half a batch in
 * Graphite) and returns a batch that encodes lazily. Holding a whole backfill as concatenated strings
 * costs more in garbage collection than the formatting itself.
 */
export function encodeCarbonBatch(points: readonly CarbonPoint[]): CarbonBatch {
  for (const p of points) {
    checkPath(p.path);
    checkPoint(p.path, p.value, p.timestamp);
  }
  return {
    lines: points.length,
    *chunks() {
      let current = '';
      for (const p of points) {
        current += p.path + ' ' + String(p.value) + ' ' + p.timestamp + '\n';
        if (current.length >= CHUNK_BYTES) {
          yield current;
          current = '';
        }
      }
      if (current) yield current;
    },
  };
}

export interface CarbonWriterOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  logger?: Logger;
}

// Lines are joined into chunks of about this size: one socket.write per line would cost ~200k calls for a
// large backfill, one write for everything would buffer it all in memory at once.
const CHUNK_BYTES = 64 * 1024;
// Socket errors that mean "the connection is gone", as opposed to "there is nobody to connect to".
const BROKEN_CONNECTION_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNABORTED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

export class CarbonWriter {
  /** Lines handed to the kernel in completed write() calls. Resent lines count once. */
  linesSent = 0;
  /** How often a broken connection was replaced during write(). */
  reconnects = 0;
  /** How often a write waited for 'drain' because the socket buffer was full (back-pressure). */
  drainWaits = 0;

  private readonly host: string;
  private readonly port: number;
  private readonly connectTimeoutMs: number;
  private readonly logger: Logger;
  private socket: net.Socket | undefined;
  /** Set once the current socket has seen 'end', 'error' or 'close': writing to it would fail or get lost. */
  private socketBroken = false;

  constructor(options: CarbonWriterOptions) {
    this.host = options.host;
    this.port = options.port;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.logger = options.logger ?? silentLogger;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Whether a connection is open and has not been closed or reset by carbon. */
  get connected(): boolean {
    return this.socket !== undefined && !this.socketBroken;
  }

  /** Opens the TCP connection (write() also does this on first use). */
  async connect(): Promise<void> {
    if (this.connected) return;
    this.discardSocket();
    const socket = await this.openSocket();
    this.socket = socket;
    this.socketBroken = false;
    const markBroken = () => {
      if (this.socket === socket) this.socketBroken = true;
    };
    // A persistent 'error' listener: an ECONNRESET that arrives between writes must not crash the process.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      markBroken();
      this.logger.debug({ carbon: this.address, code: err.code }, 'carbon connection error');
    });
    socket.on('end', markBroken);
    socket.on('close', markBroken);
    this.logger.debug({ carbon: this.address }, 'connected to carbon');
  }

  /**
   * Sends lines (with or without their trailing newline), waiting for 'drain' whenever the socket's buffer is
   * full, and resolves once every byte has been handed to the kernel.
   * If the connection turns out to be broken (carbon restarted: EPIPE, ECONNRESET, closed), it reconnects once
   * and sends the whole batch again: plaintext carbon acknowledges nothing, so we cannot know which lines of
   * the batch it read. Resending is harmless because whisper keeps one value per metric and time slot, so a
   * duplicate line overwrites a point with the same value.
   * Await each call before the next: concurrent calls would race on the reconnect.
   */
  async write(input: string[] | CarbonBatch): Promise<void> {
    const batch: CarbonBatch = Array.isArray(input) ? linesBatch(input) : input;
    const count = batch.lines;
    if (count === 0) return;
    if (!this.socket) await this.connect();
    try {
      await this.sendChunks(batch.chunks());
    } catch (err) {
      if (!isBrokenConnection(err)) throw err;
      this.logger.warn(
        { carbon: this.address, cause: (err as Error).message, lines: count },
        'carbon connection broke; reconnecting and resending the batch',
      );
      this.reconnects++;
      this.discardSocket();
      await this.connect();
      try {
        await this.sendChunks(batch.chunks());
      } catch (retryErr) {
        const code = (retryErr as NodeJS.ErrnoException).code;
        throw new CarbonError(
          `Lost the connection to carbon at ${this.address} twice while sending ${count} lines: ` +
            (retryErr as Error).message,
          code,
        );
      }
    }
    this.linesSent += count;
  }

  /** Ends the connection after pending data is flushed, and waits until the socket is fully closed. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      // Carbon closes its side when it reads our FIN; if it never does, do not hang the caller forever.
      const timer = setTimeout(() => socket.destroy(), this.connectTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  private openSocket(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: this.host, port: this.port });
      const timer = setTimeout(() => {
        socket.destroy();
        const message = `Timed out after ${this.connectTimeoutMs} ms connecting to carbon at ${this.address}`;
        reject(new CarbonError(message, 'ETIMEDOUT'));
      }, this.connectTimeoutMs);
      const onError = (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        const hint =
          err.code === 'ECONNREFUSED'
            ? 'is carbon-cache running, and is this its plaintext (line receiver) port?'
            : err.message;
        reject(
          new CarbonError(
            `Cannot connect to carbon at ${this.address} (${err.code ?? 'error'}): ${hint}`,
            err.code,
          ),
        );
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(socket);
      });
    });
  }

  private discardSocket(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.socketBroken = false;
  }

  /** Writes chunks in order, honouring back-pressure; rejects on the first socket error or close. */
  private sendChunks(chunks: Iterable<string>): Promise<void> {
    const socket = this.socket;
    if (!socket || this.socketBroken || !socket.writable) {
      return Promise.reject(brokenConnection('carbon closed the connection'));
    }
    const iterator = chunks[Symbol.iterator]();
    return new Promise<void>((resolve, reject) => {
      // One chunk of look-ahead tells which write is the last.
      let next = iterator.next();
      let settled = false;
      const pump = (): void => {
        while (!next.done && !settled) {
          const chunk = next.value;
          next = iterator.next();
          const isLast = next.done === true;
          // The last write's callback runs once all earlier writes are flushed too, or with their error.
          const hasRoom = socket.write(chunk, isLast ? (err) => finish(err) : undefined);
          if (!hasRoom && !isLast) {
            this.drainWaits++;
            socket.once('drain', pump);
            return;
          }
        }
      };
      const onClose = () => finish(brokenConnection('carbon closed the connection'));
      const finish = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        socket.off('drain', pump);
        socket.off('error', finish);
        socket.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      socket.on('error', finish);
      socket.once('close', onClose);
      pump();
    });
  }
}

function brokenConnection(message: string): CarbonError {
  return new CarbonError(message, 'ECONNRESET');
}

function isBrokenConnection(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && BROKEN_CONNECTION_CODES.has(code);
}

/** Caller-formatted lines as a batch; each line is checked for line breaks that would split it. */
function linesBatch(lines: string[]): CarbonBatch {
  const chunks = toChunks(lines);
  return { lines: lines.length, chunks: () => chunks };
}

/** Joins lines into newline-terminated chunks of about CHUNK_BYTES; one line must stay one line. */
function toChunks(lines: string[]): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (/[\r\n]/.test(line)) {
      throw new CarbonError(
        `A carbon line must not contain a line break: ${JSON.stringify(raw.slice(0, 100))}`,
      );
    }
    current += `${line}\n`;
    if (current.length >= CHUNK_BYTES) {
      chunks.push(current);
      current = '';
    }
  }
  if (current) chunks.push(current);
  return chunks;
}
