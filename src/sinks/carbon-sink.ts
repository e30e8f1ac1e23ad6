import { CarbonError, CarbonWriter, encodeCarbonBatch } from '../clients/carbon';
import { HealthlakeError } from '../errors';
import { Logger, silentLogger } from '../util/log';
import { MetricPoint, Sink, dateOfTimestamp } from './sink';

/**
 * The history sink: every point goes to carbon at its own day's timestamp, so sending a range again overwrites
 * the same whisper slots (idempotent) instead of adding points. Reconnects and back-pressure are CarbonWriter's.
 */

export interface CarbonSinkOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  logger?: Logger;
  /**
   * The dates to name in the replay hint when carbon is unreachable; by default the dates of the batch that
   * failed. A caller writing in several batches passes the whole run's range.
   */
  replayRange?: { from: string; to: string };
}

/** Socket errors after which nothing (or not everything) reached carbon: the run must be replayed. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
]);

/** Carbon could not take the points. The archive still has them; the message says how to send them later. */
export class CarbonUnreachableError extends HealthlakeError {
  constructor(
    message: string,
    readonly code: string,
    readonly replay: { from: string; to: string },
  ) {
    super(message);
  }
}

export class CarbonSink implements Sink {
  readonly name = 'carbon';
  /** Points handed to carbon's socket so far (a resent batch counts once). */
  written = 0;
  private readonly writer: CarbonWriter;
  private readonly replayRange: { from: string; to: string } | undefined;

  constructor(options: CarbonSinkOptions) {
    this.writer = new CarbonWriter({
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs,
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
    try {
      await this.writer.write(batch);
    } catch (err) {
      throw this.explain(err, points);
    }
    this.written += points.length;
  }

  async close(): Promise<void> {
    await this.writer.close();
  }

  private explain(err: unknown, points: MetricPoint[]): unknown {
    const code = err instanceof CarbonError ? err.code : undefined;
    if (code === undefined || !UNREACHABLE_CODES.has(code)) return err;
    const replay = this.replayRange ?? datesOf(points);
    const detail =
      code === 'ECONNREFUSED'
        ? 'is carbon-cache running, and is this its plaintext (line receiver) port?'
        : (err as Error).message;
    return new CarbonUnreachableError(
      `Carbon is unreachable at ${this.address} (${code}): ${detail}\n` +
        `Nothing is lost: the data is safe in the archive. Once carbon is up, run ` +
        `\`healthlake replay --from ${replay.from} --to ${replay.to}\` to send it.`,
      code,
      replay,
    );
  }
}

function datesOf(points: MetricPoint[]): { from: string; to: string } {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    min = Math.min(min, p.timestamp);
    max = Math.max(max, p.timestamp);
  }
  return { from: dateOfTimestamp(min), to: dateOfTimestamp(max) };
}
