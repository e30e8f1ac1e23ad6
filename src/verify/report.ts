import { HealthlakeError } from '../errors';
import { formatMetricValue } from '../metrics/format-value';
import { replayHint, type ReplayRange } from '../sinks/replay-hint';
import { dateOfTimestamp } from '../sinks/sink';
import { formatSeconds } from '../clients/carbon-progress-timeout';
import type { Cause } from './judge';
import type { PointProblem, ReadBackReport } from './read-back';

/**
 * What the user reads about verification: one phrase for the run's result line, and, when points are not in
 * Graphite, a message that names each metric, day and both values, says the most likely cause with its fix,
 * and ends with the replay command.
 */

export type Channel = 'carbon' | 'statsd';

/** Points that did not verify, with everything needed to say so. */
export class VerificationError extends HealthlakeError {
  constructor(
    message: string,
    readonly report: ReadBackReport,
    readonly channel: Channel,
    readonly replay: ReplayRange,
  ) {
    super(message);
  }
}

export interface FailureContext {
  channel: Channel;
  graphiteUrl: string;
  /** HEALTHLAKE_PREFIX, for the storage-schema advice. */
  prefix: string;
  waitMs: number;
  replay: ReplayRange;
  /** Extra replay options, e.g. `--sink statsd`. */
  replayOptions?: string;
}

// Per cause, the points listed by name before the rest of a metric's days are summed up in one line.
const POINTS_SHOWN_PER_METRIC = 3;

export function formatVerificationFailure(report: ReadBackReport, ctx: FailureContext): string {
  const what = ctx.channel === 'carbon' ? 'points written to carbon' : 'gauges sent to statsD';
  const header =
    `Graphite confirmed ${report.confirmed} of ${report.written - report.notYetReadable} ${what} ` +
    `(read back through ${ctx.graphiteUrl}, ${formatSeconds(report.elapsedMs)}); ` +
    `${report.problems.length} ${report.problems.length === 1 ? 'is' : 'are'} not there as sent:`;
  const byCause = new Map<Cause['kind'], PointProblem[]>();
  for (const p of report.problems) byCause.set(p.cause.kind, [...(byCause.get(p.cause.kind) ?? []), p]);
  const sections = [...byCause.values()].map((problems) => {
    const first = problems[0] as PointProblem;
    const lines = [
      `- ${problems.length} ${problems.length === 1 ? 'point' : 'points'}: ${explain(first.cause, ctx)}`,
    ];
    const byMetric = new Map<string, PointProblem[]>();
    for (const p of problems) byMetric.set(p.path, [...(byMetric.get(p.path) ?? []), p]);
    for (const [path, points] of byMetric) {
      for (const p of points.slice(0, POINTS_SHOWN_PER_METRIC))
        lines.push(`    ${describePoint(p, ctx.channel)}`);
      const rest = points.slice(POINTS_SHOWN_PER_METRIC);
      if (rest.length > 0) {
        const last = rest[rest.length - 1] as PointProblem;
        lines.push(
          `    ${path}: ${rest.length} more ${rest.length === 1 ? 'day' : 'days'} up to ${dateOfTimestamp(last.timestamp)}`,
        );
      }
    }
    return lines.join('\n');
  });
  const once = ctx.channel === 'carbon' ? 'Graphite keeps them' : 'statsD flushes to this Graphite';
  const hint = replayHint(ctx.replay, once).replace(
    /`healthlake replay ([^`]*)`/,
    (_, args: string) => `\`healthlake replay ${args}${ctx.replayOptions ? ` ${ctx.replayOptions}` : ''}\``,
  );
  return [header, ...sections, hint].join('\n');
}

function describePoint(p: PointProblem, channel: Channel): string {
  const has =
    p.actual === undefined || p.actual === null
      ? 'Graphite has none'
      : `Graphite has ${formatValue(p.actual)}`;
  const when = channel === 'carbon' ? dateOfTimestamp(p.timestamp) : 'since the send';
  return `${p.path} ${when}: sent ${formatMetricValue(p.expected)}, ${has}`;
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? formatMetricValue(value) : String(value);
}

/**
 * A relay (carbon-c-relay, carbon-relay) holds the points for a carbon-cache it cannot reach in that cache's
 * queue, delivers them once the cache is back, and drops points once the queue is full.
 */
function relayQueue(routedTo: string): string {
  return (
    `Behind a relay, the carbon-cache ${routedTo} may be down or unreachable: the relay then holds the ` +
    `points in its queue, delivers them once that cache is back, and drops them once the queue is full (its ` +
    `log says so)`
  );
}

/** The most likely cause of one kind of problem, and its fix. */
function explain(cause: Cause, ctx: FailureContext): string {
  const schema =
    `give the daily metrics a schema of their own before the catch-all in storage-schemas.conf ` +
    `(\`[healthlake_daily]\`, \`pattern = ^${ctx.prefix.replace(/\./g, '\\.')}\\.\`, \`retentions = 1d:10y\`); ` +
    `a schema applies only when a metric's file is created, so delete or whisper-resize the existing files, ` +
    `then replay (README: "Graphite storage advice")`;
  const waited = formatSeconds(ctx.waitMs);
  if (ctx.channel === 'statsd') {
    switch (cause.kind) {
      case 'no-metric':
        return (
          `Graphite has no such gauge ${waited} after the send: is statsD running on STATSD_HOST:STATSD_PORT, ` +
          `flushing to the carbon behind this graphite-web, and writing gauges under stats.gauges.?`
        );
      case 'different':
        return 'Graphite has another value since the send: did another process send the same gauge?';
      case 'unreadable':
        return `graphite-web did not answer the render: ${cause.error}`;
      default:
        return `no value since the send after ${waited}: statsD has not flushed it to this Graphite`;
    }
  }
  switch (cause.kind) {
    case 'no-metric':
      // Behind a relay, a carbon-cache that is down looks exactly like this: the relay holds (or drops) the points
      // of the names it routes there, and no node has their files. Nothing in a render tells it from a throttle.
      return (
        `Graphite has no such metric ${waited} after the write: no carbon-cache that this graphite-web reads ` +
        `has created its whisper file. ${relayQueue('these names are routed to')}. Otherwise the relay routes them ` +
        `to a carbon-cache this graphite-web does not read, or carbon threw them away: its create throttle ` +
        `(MAX_CREATES_PER_MINUTE in carbon.conf, Debian ships 50) drops the points of every new metric over the ` +
        `limit without a log line (set it to inf), and so does its blacklist`
      );
    case 'retention':
      return (
        `the storage schema keeps these metrics for ${describeAge(cause.keepsFrom)} only (from ` +
        `${formatInstant(cause.keepsFrom)} on), and whisper drops a point older than its file's retention ` +
        `without a trace: ${schema}`
      );
    case 'coarse-step':
      return (
        `Graphite stores these metrics at a ${describeStep(cause.step)} step, coarser than a day: several ` +
        `days share one slot and only one value survives: ${schema}`
      );
    case 'rollup':
      return (
        `the points are in the ${describeStep(cause.fineStep)} archive but empty in the ` +
        `${describeStep(cause.step)} archive that a render over the written days reads: whisper rolls one ` +
        `point per day up into a coarser slot only when the xFilesFactor allows a slot that empty. Set ` +
        `\`xFilesFactor = 0\` and \`aggregationMethod = last\` for them in storage-aggregation.conf ` +
        `(whisper-set-xfilesfactor for existing files), or better ${schema}`
      );
    case 'missing':
      return (
        `Graphite has no value for the day ${waited} after the write: carbon did not store it, or not yet. ` +
        `${relayQueue('this metric is routed to')}; or the relay buffers longer than HEALTHLAKE_VERIFY_WAIT_MS`
      );
    case 'different':
      return (
        `Graphite holds another value for the day: another writer sent the same metric and day after this run, ` +
        `or the storage aggregation changed it`
      );
    case 'unreadable':
      return `graphite-web did not answer the render: ${cause.error}`;
  }
}

/** `30 days` back from now to an epoch-seconds instant. */
function describeAge(epochSeconds: number): string {
  const days = Math.round((Date.now() / 1000 - epochSeconds) / 86400);
  return days === 1 ? '1 day' : `${days} days`;
}

function formatInstant(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function describeStep(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The result line's account of a delivery: `709 points written, 709 confirmed in Graphite` for carbon alone;
 * per sink in parentheses when there are several (or one that is not carbon); what was not verified and why.
 */
export function deliveryPhrase(
  points: number,
  sent: Record<string, number>,
  verification: { skipped?: string; carbon?: ReadBackReport; statsd?: ReadBackReport },
): string {
  const sinks = Object.keys(sent);
  if (sinks.length === 0) return `${points} points (not sent)`;
  const perSink = Object.entries(sent)
    .map(([sink, n]) => `${n} to ${sink}`)
    .join(', ');
  if (sinks.every((s) => s === 'stdout')) return `${points} points (${perSink})`;
  const parts = [
    sinks.length === 1 && sinks[0] === 'carbon'
      ? `${points} points written`
      : `${points} points written (${perSink})`,
  ];
  if (verification.skipped) parts.push(`not verified (${verification.skipped})`);
  if (verification.carbon) {
    const { confirmed, notYetReadable } = verification.carbon;
    const later = notYetReadable > 0 ? ` (${notYetReadable} dated after now, not readable yet)` : '';
    parts.push(`${confirmed} confirmed in Graphite${later}`);
  }
  if (verification.statsd) {
    parts.push(`${verification.statsd.confirmed} statsD gauges seen in Graphite`);
  }
  return parts.join(', ');
}

/** The verification part of `--json` output: counts per channel, or why nothing was read back. */
export function verificationJson(v: { skipped?: string; carbon?: ReadBackReport; statsd?: ReadBackReport }) {
  const counts = (r: ReadBackReport | undefined) =>
    r
      ? { written: r.written, confirmed: r.confirmed, notYetReadable: r.notYetReadable, ms: r.elapsedMs }
      : null;
  return { skipped: v.skipped ?? null, carbon: counts(v.carbon), statsd: counts(v.statsd) };
}
