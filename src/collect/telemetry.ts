import { createStatsdClient } from '../clients/statsd';
import { silentLogger, type Logger } from '../util/log';

/**
 * Each collect run reports on itself through statsD, so that `checks/collector.yaml` can alert when collection
 * stops: a cron line removed, an expired Google consent (exit 6), a machine that is off. The health data has
 * its own timestamps and cannot say "nothing arrived today"; this can.
 *
 * `last_success` is a gauge holding the epoch SECONDS of the last run that worked. It is sent only by such a
 * run, so a failing run leaves it where it was: statsD keeps re-sending the old value every flush
 * (deleteGauges false), and the staleness check computes now − value, which then grows until it alerts.
 */

export const TELEMETRY_PREFIX = 'healthlake.collector.';

export interface RunReport {
  statsd: { host: string; port: number };
  /** The run did its job (exit 0, or 5 with skipped input records). */
  ok: boolean;
  durationMs: number;
  pointsWritten: number;
  apiRequests: number;
  errors: number;
  /** Default: the clock now; a test passes a fixed time. */
  now?: number;
  logger?: Logger;
}

/**
 * Sends `healthlake.collector.duration_ms` (timing), `points_written`, `api_requests`, `errors` (counters) and,
 * only when ok, `last_success` (gauge), then writes one log line saying plainly whether the run worked.
 * Never throws: statsD being down must not turn a good run into a failed one.
 */
export async function reportRun(report: RunReport): Promise<void> {
  const log = report.logger ?? silentLogger;
  const statsd = createStatsdClient({ ...report.statsd, prefix: TELEMETRY_PREFIX, logger: log });
  try {
    statsd.timing('duration_ms', Math.max(0, Math.round(report.durationMs)));
    statsd.increment('points_written', report.pointsWritten);
    statsd.increment('api_requests', report.apiRequests);
    statsd.increment('errors', report.errors);
    if (report.ok) statsd.gauge('last_success', Math.floor((report.now ?? Date.now()) / 1000));
  } finally {
    await statsd.close();
  }
  const fields = {
    stage: 'telemetry',
    ok: report.ok,
    durationMs: Math.round(report.durationMs),
    pointsWritten: report.pointsWritten,
    apiRequests: report.apiRequests,
    errors: report.errors,
  };
  // Info level either way: a failed run's error is already printed on stderr by the CLI (and tests pin that
  // output at log level warn); this line is the run's verdict among the per-stage info lines.
  log.info(
    fields,
    report.ok ? 'collect run worked; last_success reported' : 'collect run FAILED; last_success not advanced',
  );
}
