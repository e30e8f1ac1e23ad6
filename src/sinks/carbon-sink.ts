import { CarbonError, CarbonWriter, encodeCarbonBatch } from '../clients/carbon';
import { HealthlakeError } from '../errors';
import { Logger, silentLogger } from '../util/log';
import { datesOf, replayHint, type ReplayRange } from './replay-hint';
import { MetricPoint, Sink } from './sink';

/**
 * The history sink: every point goes to carbon at its own day's timestamp, so sending a range again overwrites
 * the same whisper slots (idempotent) instead of adding points. Reconnects, back-pressure and the progress
 * timeout are CarbonWriter's; close() is where delivery is confirmed (carbon read everything and closed).
 */

export interface CarbonSinkOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** No progress on the connection for this long: carbon is not reading (CarbonWriter's default: 30 s). */
  progressTimeoutMs?: number;
  progressLogIntervalMs?: number;
  logger?: Logger;
  /**
   * The dates to name in the replay hint when delivery fails; by default the dates of the points written so
   * far. A caller writing in several batches passes the whole run's range.
   */
  replayRange?: ReplayRange;
}

/** Carbon did not take the points, or did not confirm them. The archive still has them; the message says how to send them later. */
export class CarbonDeliveryError extends HealthlakeError {
  constructor(
    message: string,
    readonly code: string,
    readonly replay: ReplayRange,
  ) {
    super(message);
  }
}

export class CarbonSink implements Sink {
  readonly name = 'carbon';
  /** Points handed to carbon's socket so far (a resent batch counts once). */
  written = 0;
  /** Points carbon read to the end of a connection it then closed: known to have reached carbon. */
  confirmed = 0;
  private readonly writer: CarbonWriter;
  private readonly replayRange: ReplayRange | undefined;
  private readonly pending: MetricPoint[][] = [];

  constructor(options: CarbonSinkOptions) {
    this.writer = new CarbonWriter({
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs,
      progressTimeoutMs: options.progressTimeoutMs,
      progressLogIntervalMs: options.progressLogIntervalMs,
      logger: options.logger ?? silentLogger,
    });
    this.replayRange = options.replayRange;
  }

  get address(): string {
    return this.writer.address;
  }

  async write(points: MetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    // All lines are validated before the first byte is sent: carbon silently drops bad lines, and a batch
    // that fails half-way through validation would leave a partial day in Graphite.
    const batch = encodeCarbonBatch(points);
    this.pending.push(points);
    try {
      await this.writer.write(batch);
    } catch (err) {
      throw this.explain(err);
    }
    this.written += points.length;
  }

  /** Confirms delivery: rejects with CarbonDeliveryError when carbon did not read every point to the end. */
  async close(): Promise<void> {
    try {
      await this.writer.close();
    } catch (err) {
      throw this.explain(err);
    }
    this.confirmed += this.pending.reduce((n, p) => n + p.length, 0);
    this.pending.length = 0;
  }

  private explain(err: unknown): unknown {
    const pending = this.pending.flat();
    this.pending.length = 0;
    const code = err instanceof CarbonError ? err.code : undefined;
    if (code === undefined) return err;
    const replay = this.replayRange ?? datesOf(pending);
    const detail =
      code === 'ECONNREFUSED'
        ? `Carbon is unreachable at ${this.address} (ECONNREFUSED): is carbon-cache running, and is this its ` +
          'plaintext (line receiver) port?'
        : UNREACHABLE_CODES.has(code)
          ? `Carbon is unreachable at ${this.address} (${code}): ${(err as Error).message}`
          : (err as Error).message;
    return new CarbonDeliveryError(`${detail}\n${replayHint(replay, 'carbon is up')}`, code, replay);
  }
}

/** Errors of connecting: nothing was sent. Any other coded error happened on an open connection. */
const UNREACHABLE_CODES = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
