import { StatsdClient, createStatsdClient } from '../clients/statsd';
import { isCivilDate } from '../util/civil-date';
import { Logger, silentLogger } from '../util/log';
import { MetricPoint, Sink, dateOfTimestamp } from './sink';

/**
 * The live sink: today's values as statsD gauges, named by their path (statsD then writes
 * `stats.gauges.<path>`), for dashboards that want "now" before the daily point settles.
 * statsD stamps every point with its flush time and cannot backfill, so a point for any other day would land
 * on today's timestamp with another day's value. Those are not sent; one warning at close() says how many.
 */

export interface StatsdSinkOptions {
  host: string;
  port: number;
  /** Today's civil date YYYY-MM-DD in the user's time zone: only points for this date are sent. */
  today: string;
  logger?: Logger;
}

export class StatsdSink implements Sink {
  readonly name = 'statsd';
  /** Gauges handed to the statsD client. */
  sent = 0;
  /** Those gauges' points, for reading them back once statsD has flushed (UDP confirms nothing itself). */
  readonly sentPoints: MetricPoint[] = [];
  /** Points for days before today, not sent. */
  skippedPast = 0;
  /** Points for days after today (a clock or zone mismatch), not sent. */
  skippedFuture = 0;
  private readonly today: string;
  private readonly logger: Logger;
  private readonly client: StatsdClient;
  private closed = false;

  constructor(options: StatsdSinkOptions) {
    if (!isCivilDate(options.today)) {
      throw new RangeError(`Invalid today ${JSON.stringify(options.today)}: expected YYYY-MM-DD`);
    }
    this.today = options.today;
    this.logger = options.logger ?? silentLogger;
    // No client prefix: the paths already carry HEALTHLAKE_PREFIX.
    this.client = createStatsdClient({ host: options.host, port: options.port, logger: this.logger });
  }

  async write(points: MetricPoint[]): Promise<void> {
    for (const point of points) {
      const date = dateOfTimestamp(point.timestamp);
      if (date < this.today) {
        this.skippedPast++;
      } else if (date > this.today) {
        this.skippedFuture++;
      } else if (point.value < 0) {
        // statsD reads a signed gauge value as a change of the current value ("-5|g" subtracts 5).
        this.logger.warn({ metric: point.path, value: point.value }, 'negative gauge not sent to statsD');
      } else {
        this.client.gauge(point.path, point.value);
        this.sent++;
        this.sentPoints.push(point);
      }
    }
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.skippedPast + this.skippedFuture > 0) {
        const future =
          this.skippedFuture > 0
            ? `; ${this.skippedFuture} point(s) dated after today were not sent either`
            : '';
        this.logger.warn(
          { today: this.today, past: this.skippedPast, future: this.skippedFuture },
          `statsD stamps every point with its flush time and cannot backfill, so ${this.skippedPast} past-day ` +
            `point(s) were not sent to statsD (use carbon for history)${future}`,
        );
      }
    }
    await this.client.close();
  }
}
