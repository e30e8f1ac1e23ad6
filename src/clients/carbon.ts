import net from 'node:net';
import { Logger, silentLogger } from '../util/log';
import { brokenConnection, CarbonError, isResendable } from './carbon-error';
import { linesBatch, type CarbonBatch } from './carbon-lines';
import { ProgressTimeout } from './carbon-progress-timeout';
import { reconnectWhileRefused } from './carbon-reconnect';
import { resendOnce, type ResendPolicy } from './carbon-resend';
import { CarbonProgressLog } from './carbon-progress-log';
import { TcpAckMeter } from './tcp-ack-meter';

export { CarbonError, NOT_READING } from './carbon-error';
export {
  encodeCarbonBatch,
  formatCarbonLine,
  type CarbonBatch,
  type CarbonChunk,
  type CarbonPoint,
} from './carbon-lines';

/**
 * Writer for carbon's plaintext protocol over TCP. Carbon acknowledges nothing, so delivery is proven the one
 * way TCP allows: after our last line we end our side, and carbon closes its side only once it has read
 * everything up to that end. Until then every line is "unconfirmed"; a run that does not see that close did
 * not deliver, whatever the socket accepted.
 *
 * Nothing here waits without a bound: connecting has a timeout, and every wait for carbon to take more data
 * (the next chunk, the send queue shrinking, carbon's close) has the progress timeout. A connection that
 * breaks or stalls is replaced once and everything unconfirmed is sent again; a second failure is final.
 */

/** Default progress timeout: a carbon that takes nothing for this long is not reading. */
export const DEFAULT_CARBON_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_PROGRESS_LOG_MS = 10_000;
// Looks at the send queue per progress timeout. Often enough never to miss progress for a whole timeout, rarely
// enough to cost nothing: the kernel builds /proc/net/tcp for every socket of the host (28 ms with 2,000).
const QUEUE_LOOKS_PER_TIMEOUT = 4;

export interface CarbonWriterOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** No progress on the connection for this long ends the attempt: carbon is not reading. */
  progressTimeoutMs?: number;
  /** How often a long write or close logs how far it got (info level). */
  progressLogIntervalMs?: number;
  logger?: Logger;
}

interface Connection {
  socket: net.Socket;
  /** What carbon's host has acknowledged of what the kernel took: the progress the timeout watches. */
  meter: TcpAckMeter;
  /** Why lines written on this connection may not have been read: carbon closed or reset it, or it failed. */
  broken?: CarbonError;
  /** We have ended our side: carbon's end now means "read everything". */
  ending: boolean;
  /** carbon ended its side. */
  peerEnded: boolean;
}

export class CarbonWriter {
  /** Lines handed to the kernel in completed write() calls. Resent lines count once. */
  linesSent = 0;
  /** Lines carbon read to the end of a connection it then closed (close() resolved). */
  linesConfirmed = 0;
  /** How often a broken or stalled connection was replaced and its unconfirmed lines sent again. */
  reconnects = 0;
  /** The most bytes Node held for the socket at once: about one chunk, however slowly carbon reads. */
  maxQueuedBytes = 0;

  private readonly host: string;
  private readonly port: number;
  private readonly connectTimeoutMs: number;
  private readonly progress: ProgressTimeout;
  private readonly resend: ResendPolicy;
  private readonly reconnect = reconnectWhileRefused();
  private readonly progressLog: CarbonProgressLog;
  private readonly logger: Logger;
  private connection: Connection | undefined;
  /** Batches written since the last confirmed close: what a new connection must carry again. */
  private unconfirmed: CarbonBatch[] = [];

  constructor(options: CarbonWriterOptions) {
    this.host = options.host;
    this.port = options.port;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
    this.progress = new ProgressTimeout(options.progressTimeoutMs ?? DEFAULT_CARBON_TIMEOUT_MS, this.address);
    this.resend = resendOnce(this.logger, this.address);
    this.progressLog = new CarbonProgressLog(this.logger, this.address, {
      // At least twice per timeout, so a stuck write shows in the log before it gives up.
      intervalMs:
        options.progressLogIntervalMs ?? Math.min(DEFAULT_PROGRESS_LOG_MS, Math.ceil(this.progress.ms / 2)),
      timeoutMs: this.progress.ms,
      idleMs: () => this.progress.idleMs,
    });
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Whether a connection is open and has not been closed or reset by carbon. */
  get connected(): boolean {
    return this.connection !== undefined && !this.connection.broken;
  }

  /** Lines written but not yet confirmed by a clean close. */
  get unconfirmedLines(): number {
    return this.unconfirmed.reduce((n, b) => n + b.lines, 0);
  }

  /** Opens the TCP connection (write() also does this on first use). */
  async connect(): Promise<void> {
    if (this.connected) return;
    this.discardConnection();
    const socket = await this.openSocket();
    const state: Omit<Connection, 'meter'> = { socket, ending: false, peerEnded: false };
    // Persistent listeners, attached before anything else is awaited: an ECONNRESET that arrives between
    // writes must not crash the process, and a close by carbon before we ended means that what it had not
    // read yet is lost.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      state.broken ??= this.lostConnection(err);
      this.logger.debug({ carbon: this.address, code: err.code }, 'carbon connection error');
    });
    socket.on('end', () => {
      state.peerEnded = true;
      if (!state.ending) state.broken ??= brokenConnection('carbon closed the connection');
    });
    socket.on('close', () => {
      if (!state.peerEnded) state.broken ??= brokenConnection('the connection to carbon closed');
    });
    const endpoints = { localPort: socket.localPort ?? 0, remotePort: socket.remotePort ?? 0 };
    const pollMs = Math.max(10, Math.floor(this.progress.ms / QUEUE_LOOKS_PER_TIMEOUT));
    const connection: Connection = Object.assign(state, {
      meter: await TcpAckMeter.start(endpoints, pollMs),
    });
    connection.meter.on('progress', () => {
      if (this.connection === connection) this.progress.progressed();
    });
    this.connection = connection;
    this.progress.progressed();
    this.logger.debug({ carbon: this.address }, 'connected to carbon');
  }

  /**
   * Sends lines (with or without their trailing newline) and resolves once every byte is in the kernel, chunk
   * by chunk: the next chunk is written only when the previous one was taken, so memory stays at one chunk
   * however slowly carbon reads. The lines are confirmed only by close().
   * A connection that breaks (carbon restarted: EPIPE, ECONNRESET, closed) or stalls for the progress timeout
   * is replaced once, and every unconfirmed line is sent again (see carbon-resend.ts).
   * Await each call before the next: concurrent calls would race on the reconnect.
   */
  async write(input: readonly string[] | CarbonBatch): Promise<void> {
    const batch: CarbonBatch = isBatch(input) ? input : linesBatch(input);
    if (batch.lines === 0) return;
    this.unconfirmed.push(batch);
    // The time since the caller's last call is not carbon's: only waits inside a call count against it.
    this.progress.progressed();
    this.progressLog.start('writing', batch.lines);
    try {
      await this.resend.policy.execute(async ({ attempt }) => {
        if (attempt > 0) return this.resendUnconfirmed();
        // A connection that broke since the last write may have lost earlier batches too: resend them all.
        if (this.connection?.broken) throw this.connection.broken;
        await this.connect();
        await this.send(batch);
      });
    } catch (err) {
      throw this.giveUp(err, 'sending');
    } finally {
      this.progressLog.stop();
    }
    this.linesSent += batch.lines;
  }

  /**
   * Ends the connection and waits until carbon has read everything and closed its side, which is what
   * confirms the lines written since the last close. Rejects with a CarbonError when carbon resets or closes
   * the connection before that, or makes no progress for the progress timeout (after one resend on a new
   * connection). With nothing unconfirmed it just closes.
   */
  async close(): Promise<void> {
    const lines = this.unconfirmedLines;
    if (lines === 0) return this.endQuietly();
    this.progress.progressed();
    this.progressLog.start('closing', lines);
    try {
      await this.resend.policy.execute(async ({ attempt }) => {
        if (attempt > 0) await this.resendUnconfirmed();
        await this.confirmClose(lines);
      });
    } catch (err) {
      throw this.giveUp(err, 'closing');
    } finally {
      this.progressLog.stop();
    }
    this.linesConfirmed += lines;
    this.unconfirmed = [];
    this.resend.reset();
    this.logger.info(
      { carbon: this.address, lines, reconnects: this.reconnects },
      `carbon read all ${lines} lines and closed the connection`,
    );
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

  private discardConnection(): void {
    this.connection?.meter.stop();
    this.connection?.socket.destroy();
    this.connection = undefined;
  }

  /** A new connection carrying every unconfirmed batch again. */
  private async resendUnconfirmed(): Promise<void> {
    this.reconnects++;
    this.discardConnection();
    await this.reconnect.execute(() => this.connect());
    this.progressLog.restart(this.unconfirmedLines);
    for (const batch of this.unconfirmed) await this.send(batch);
  }

  /** The final failure: nothing stays unconfirmed (the caller reports it all as not delivered). */
  private giveUp(err: unknown, phase: 'sending' | 'closing'): unknown {
    const lines = this.unconfirmedLines;
    this.discardConnection();
    this.unconfirmed = [];
    this.resend.reset();
    // After a reconnect even a refused connection is a delivery that failed half-way: say what was lost.
    if (!(err instanceof CarbonError) || (!isResendable(err) && this.reconnects === 0)) return err;
    const retried = this.reconnects > 0 ? ', also after one reconnect and resend' : '';
    return new CarbonError(
      `${err.message} (${lines} lines not confirmed while ${phase}${retried})`,
      err.code,
    );
  }

  /** Writes a batch's chunks in order, each one only after the kernel took the previous one. */
  private async send(batch: CarbonBatch): Promise<void> {
    const connection = this.connection;
    if (!connection) throw brokenConnection('not connected to carbon');
    for (const chunk of batch.chunks()) {
      await this.whileProgressing(
        this.writeChunk(connection, chunk.text),
        () => `sending (${this.progressLog.describe()})`,
      );
      connection.meter.took(Buffer.byteLength(chunk.text));
      this.progressLog.advance(chunk.lines);
    }
  }

  /**
   * Waits for `operation` as long as carbon makes progress: each step lasts until the operation settles or
   * carbon's host acknowledges more bytes, and fails once the progress timeout passes without either.
   */
  private async whileProgressing<T>(operation: Promise<T>, waitingFor: () => string): Promise<T> {
    const connection = this.connection as Connection;
    // Settled or not, the operation is awaited below; a rejection after a timeout must not go unhandled.
    operation.catch(() => undefined);
    // Most chunks are taken by the kernel at once (their callback runs before the next turn of the event
    // loop): no timer for those, which keeps a backfill of a million lines as fast as a bare socket.
    const atOnce = await Promise.race([
      operation.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setImmediate(resolve, false)),
    ]);
    if (atOnce) return operation;
    for (;;) {
      const settled = await this.progress.step(waitingFor(), (signal) =>
        Promise.race([operation.then(() => true), connection.meter.nextProgress(signal).then(() => false)]),
      );
      if (settled) return operation;
    }
  }

  private writeChunk(connection: Connection, text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (connection.broken) return reject(connection.broken);
      const { socket } = connection;
      const settle = (err?: Error | null) => {
        socket.off('error', onError);
        socket.off('end', onClosed);
        socket.off('close', onClosed);
        if (err) reject(err instanceof CarbonError ? err : this.lostConnection(err));
        else resolve();
      };
      const onError = (err: Error) => settle(err);
      const onClosed = () => settle(connection.broken ?? brokenConnection('carbon closed the connection'));
      socket.on('error', onError);
      socket.once('end', onClosed);
      socket.once('close', onClosed);
      // The callback runs once the kernel has taken the chunk, or with the write's error.
      socket.write(text, (err) => settle(err));
      this.maxQueuedBytes = Math.max(this.maxQueuedBytes, socket.writableLength);
    });
  }

  /**
   * Ends our side and waits for carbon's end, which it sends only after reading everything before ours.
   * Progress meanwhile is carbon's host acknowledging what the kernel still held.
   */
  private async confirmClose(lines: number): Promise<void> {
    const connection = this.connection;
    if (!connection) throw brokenConnection('not connected to carbon');
    if (connection.broken) throw connection.broken;
    connection.ending = true;
    connection.socket.end();
    await this.whileProgressing(this.carbonEnds(connection), () => {
      const left = connection.meter.seesSendQueue
        ? `the last ${connection.meter.unacknowledged} bytes of `
        : '';
      this.progressLog.waitingForClose(
        connection.meter.seesSendQueue ? connection.meter.unacknowledged : undefined,
      );
      return `waiting for carbon to read ${left}the ${lines} lines and close the connection`;
    });
    connection.meter.stop();
    connection.socket.destroy();
    if (this.connection === connection) this.connection = undefined;
  }

  /** Resolves when carbon has ended its side; rejects when the connection fails or closes without that. */
  private carbonEnds(connection: Connection): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { socket } = connection;
      const settle = (err?: Error) => {
        socket.off('end', onEnd);
        socket.off('error', onBroken);
        socket.off('close', onBroken);
        if (err) reject(err);
        else resolve();
      };
      const onEnd = () => settle();
      // An error or a close without carbon's end first: it did not read everything.
      const onBroken = () =>
        connection.peerEnded
          ? settle()
          : settle(connection.broken ?? brokenConnection('the connection to carbon closed'));
      if (connection.peerEnded) return settle();
      if (connection.broken) return settle(connection.broken);
      socket.once('end', onEnd);
      socket.once('error', onBroken);
      socket.once('close', onBroken);
    });
  }

  /** Closes a connection that carries nothing unconfirmed, without waiting longer than a connect. */
  private async endQuietly(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    connection?.meter.stop();
    if (!connection || connection.socket.destroyed) return;
    const { socket } = connection;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), this.connectTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  private lostConnection(err: NodeJS.ErrnoException | Error): CarbonError {
    const code = (err as NodeJS.ErrnoException).code;
    return new CarbonError(`Lost the connection to carbon at ${this.address}: ${err.message}`, code);
  }
}

function isBatch(input: readonly string[] | CarbonBatch): input is CarbonBatch {
  return !Array.isArray(input);
}
