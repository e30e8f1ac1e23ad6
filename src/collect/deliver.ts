import type { Config } from '../config/config';
import type { DailyMetrics } from '../metrics/metric-names';
import { CarbonSink } from '../sinks/carbon-sink';
import { toPoints, type Sink } from '../sinks/sink';
import { StatsdSink } from '../sinks/statsd-sink';
import { StdoutSink } from '../sinks/stdout-sink';
import type { Logger } from '../util/log';
import { localParts } from '../util/timezone';
import { verifyDelivery, type VerificationSummary, type WrittenPoints } from '../verify/verify-delivery';

/**
 * The days' points into each sink, then proof that they arrived: carbon must read every line to the end of the
 * connection (CarbonSink.close), and unless verification is off, graphite-web must render every point with
 * the value written (and statsD's gauges after a flush). Shared by collect and replay.
 */

export type SinkName = 'carbon' | 'statsd' | 'stdout';

export interface DeliveryOptions {
  /** Read the points back through graphite-web (`--no-verify` turns it off; stdout is never verified). */
  verify: boolean;
}

export interface Delivery {
  /** Points each sink took. */
  sent: Record<string, number>;
  verification: VerificationSummary;
}

/** Sends the days' points to each sink; a failing sink or verification names what to replay. */
export async function deliver(
  metrics: DailyMetrics[],
  sinkNames: SinkName[],
  config: Config,
  log: Logger,
  timeZone: string,
  range: { from?: string; to?: string },
  options: DeliveryOptions,
): Promise<Delivery> {
  const points = toPoints(metrics, config.prefix);
  const sent: Record<string, number> = {};
  const written: WrittenPoints = {};
  for (const name of sinkNames) {
    const sink = createSink(name, config, log, timeZone, range);
    const sentAtMs = Date.now();
    try {
      await sink.write(points);
    } catch (err) {
      // The sink already gave up; closing only releases its socket and must not hide the write's error.
      await sink.close().catch(() => undefined);
      throw err;
    }
    await sink.close();
    if (sink instanceof StatsdSink) {
      sent[name] = sink.sent;
      written.statsd = { gauges: sink.sentPoints, sentAtMs, timeZone };
    } else {
      sent[name] = points.length;
      if (sink instanceof CarbonSink) written.carbon = points;
    }
    log.info({ sink: name, points: sent[name] }, `sent to ${name}`);
  }
  if (!options.verify) {
    const verified = sinkNames.some((s) => s !== 'stdout');
    return { sent, verification: verified ? { skipped: '--no-verify' } : {} };
  }
  const verification = await verifyDelivery(written, {
    graphiteUrl: config.graphiteUrl,
    graphiteAuth: config.graphiteAuth,
    waitMs: config.verify.waitMs,
    pollMs: config.verify.pollMs,
    prefix: config.prefix,
    logger: log,
  });
  return { sent, verification };
}

function createSink(
  name: SinkName,
  config: Config,
  log: Logger,
  timeZone: string,
  range: { from?: string; to?: string },
): Sink {
  switch (name) {
    case 'carbon':
      return new CarbonSink({
        host: config.carbon.host,
        port: config.carbon.port,
        progressTimeoutMs: config.carbon.timeoutMs,
        logger: log,
        replayRange: range.from && range.to ? { from: range.from, to: range.to } : undefined,
      });
    case 'statsd':
      return new StatsdSink({
        host: config.statsd.host,
        port: config.statsd.port,
        today: todayIn(timeZone),
        logger: log,
      });
    case 'stdout':
      return new StdoutSink(process.stdout);
  }
}

export function todayIn(timeZone: string, now = Date.now()): string {
  return localParts(now, timeZone).date;
}
