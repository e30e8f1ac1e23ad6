import { GraphiteClient } from '../clients/graphite';
import type { HttpAuth } from '../config/config';
import { datesOf, type ReplayRange } from '../sinks/replay-hint';
import type { MetricPoint } from '../sinks/sink';
import { silentLogger, type Logger } from '../util/log';
import { readBack, type ReadBackReport } from './read-back';
import { formatVerificationFailure, VerificationError } from './report';
import { readBackGauges } from './statsd-gauges';

/**
 * After a run has written, read everything back through graphite-web and throw VerificationError unless
 * Graphite has it all. On whenever graphite-web answers; when it does not, the run cannot be verified and
 * says so (the points were still confirmed by carbon at the connection level).
 */

export interface WrittenPoints {
  /** Points carbon confirmed (it read them to the end of the connection). */
  carbon?: readonly MetricPoint[];
  /** Today's gauges handed to statsD, and when. */
  statsd?: { gauges: readonly MetricPoint[]; sentAtMs: number; timeZone: string };
}

export interface VerifySettings {
  graphiteUrl: string;
  graphiteAuth?: HttpAuth;
  waitMs: number;
  pollMs: number;
  /** HEALTHLAKE_PREFIX, for the storage-schema advice in a failure. */
  prefix: string;
  /** The range to name in the carbon replay hint; by default the days of the points that failed. */
  replayRange?: ReplayRange;
  logger?: Logger;
}

export interface VerificationSummary {
  /** Why nothing was read back, when nothing was. */
  skipped?: string;
  carbon?: ReadBackReport;
  statsd?: ReadBackReport;
}

// The probe must not hold up a run whose graphite-web is simply not there.
const PROBE_TIMEOUT_MS = 5000;
// One render may be slow on a big range; the wait bounds the polling, this bounds a single request.
const MAX_RENDER_TIMEOUT_MS = 15_000;

export async function verifyDelivery(
  written: WrittenPoints,
  settings: VerifySettings,
): Promise<VerificationSummary> {
  const log = settings.logger ?? silentLogger;
  const carbon = written.carbon ?? [];
  const gauges = written.statsd?.gauges ?? [];
  if (carbon.length === 0 && gauges.length === 0) return {};
  const skipped = await graphiteDoesNotAnswer(settings);
  if (skipped) {
    log.warn({ graphite: settings.graphiteUrl }, `not verified: ${skipped}`);
    return { skipped };
  }
  const graphite = new GraphiteClient({
    baseUrl: settings.graphiteUrl,
    auth: settings.graphiteAuth,
    timeoutMs: Math.max(PROBE_TIMEOUT_MS, Math.min(MAX_RENDER_TIMEOUT_MS, settings.waitMs)),
    retries: 1,
    retryBaseDelayMs: Math.min(200, settings.pollMs),
    logger: log,
    // Renders race carbon creating the files of new metrics (graphite-web answers 500 CorruptWhisperFile while
    // a header is half written), so a failed render is routine here: the read-back asks again anyway, and a
    // failure that lasts ends in the verdict as "graphite-web did not answer the render". Not a warning.
    retryLogLevel: 'debug',
  });
  const options = {
    render: (targets: string[], range: Parameters<GraphiteClient['render']>[1]) =>
      graphite.render(targets, range),
    waitMs: settings.waitMs,
    pollMs: settings.pollMs,
    logger: log,
  };
  const summary: VerificationSummary = {};
  if (carbon.length > 0) {
    summary.carbon = await readBack(carbon, options);
    // The days that failed: replaying them is enough.
    const failed = summary.carbon.problems.map((p) => ({ ...p, value: p.expected }));
    failIfProblems(summary.carbon, 'carbon', settings, () => settings.replayRange ?? datesOf(failed));
  }
  if (written.statsd && gauges.length > 0) {
    summary.statsd = await readBackGauges(gauges, written.statsd.sentAtMs, options);
    failIfProblems(
      summary.statsd,
      'statsd',
      settings,
      () => datesOf(gauges),
      `--sink statsd --time-zone ${written.statsd.timeZone}`,
    );
  }
  return summary;
}

function failIfProblems(
  report: ReadBackReport,
  channel: 'carbon' | 'statsd',
  settings: VerifySettings,
  replayRange: () => ReplayRange,
  replayOptions?: string,
): void {
  if (report.problems.length === 0) return;
  const replay = replayRange();
  const message = formatVerificationFailure(report, {
    channel,
    graphiteUrl: settings.graphiteUrl,
    prefix: settings.prefix,
    waitMs: settings.waitMs,
    replay,
    replayOptions,
  });
  throw new VerificationError(message, report, channel, replay);
}

/** Why graphite-web cannot be asked (the message), or undefined when it answers. */
async function graphiteDoesNotAnswer(settings: VerifySettings): Promise<string | undefined> {
  const probe = new GraphiteClient({
    baseUrl: settings.graphiteUrl,
    auth: settings.graphiteAuth,
    timeoutMs: PROBE_TIMEOUT_MS,
    retries: 0,
  });
  try {
    await probe.version();
    return undefined;
  } catch (err) {
    return `graphite-web at ${settings.graphiteUrl} does not answer (${(err as Error).message})`;
  }
}
