import { StatsD } from 'hot-shots';
import { Logger, silentLogger } from '../util/log';

/**
 * healthlake's own operational metrics (run durations, lines written, failures) go to statsD over UDP.
 * They are a side channel: a missing statsD must never fail a collection run, so nothing here throws.
 * Health data itself does not go this way, because statsD stamps every point with its flush time and cannot
 * backfill history (it goes straight to carbon instead).
 */

export interface StatsdClientOptions {
  host: string;
  port: number;
  /** Prepended with a dot, e.g. `healthlake` gives `healthlake.run.ms`. */
  prefix?: string;
  logger?: Logger;
}

export interface StatsdClient {
  gauge(name: string, value: number): void;
  increment(name: string, n?: number): void;
  timing(name: string, ms: number): void;
  /** Flushes what hot-shots still holds and closes the socket. Never rejects; safe to call twice. */
  close(): Promise<void>;
}

// ':' separates name from value, '|' the type and '@' the sample rate; whitespace and newlines would split or
// corrupt the datagram. statsD would mis-parse such a name, so it is refused with a log line instead.
const INVALID_NAME = /[\s:|@]/;

export function createStatsdClient(options: StatsdClientOptions): StatsdClient {
  const logger = options.logger ?? silentLogger;
  const target = `${options.host}:${options.port}`;
  const statsd = new StatsD({
    host: options.host,
    port: options.port,
    prefix: options.prefix,
    protocol: 'udp',
    // Unbuffered: each metric is one datagram, so a crash loses at most the metric being sent.
    maxBufferSize: 0,
    errorHandler: (err) => logger.warn({ statsd: target, err: err.message }, 'statsD send failed'),
  });
  let closing: Promise<void> | undefined;

  const accepts = (name: string, value: number): boolean => {
    if (closing) {
      logger.debug({ metric: name }, 'statsD client already closed; metric dropped');
      return false;
    }
    if (name === '' || INVALID_NAME.test(name)) {
      logger.warn({ metric: name }, 'invalid statsD metric name; metric dropped');
      return false;
    }
    if (!Number.isFinite(value)) {
      logger.warn({ metric: name, value: String(value) }, 'non-finite statsD value; metric dropped');
      return false;
    }
    return true;
  };

  return {
    gauge(name, value) {
      if (accepts(name, value)) statsd.gauge(name, value);
    },
    increment(name, n = 1) {
      if (accepts(name, n)) statsd.increment(name, n);
    },
    timing(name, ms) {
      if (accepts(name, ms)) statsd.timing(name, ms);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        statsd.close((err) => {
          if (err) logger.warn({ statsd: target, err: err.message }, 'closing the statsD client failed');
          resolve();
        });
      });
      return closing;
    },
  };
}
