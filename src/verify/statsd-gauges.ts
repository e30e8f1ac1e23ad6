import type { GraphiteSeries } from '../clients/graphite';
import type { MetricPoint } from '../sinks/sink';
import { silentLogger } from '../util/log';
import { sameValue, stepOf } from './judge';
import { sleep } from './ranges';
import type { PointProblem, ReadBackOptions, ReadBackReport } from './read-back';

/**
 * statsD takes UDP datagrams and answers nothing, so a single gauge cannot be confirmed on the way in. What can
 * be checked is the outcome: after its next flush, statsD writes every gauge to carbon as
 * `stats.gauges.<name>` (with or without legacyNamespace), stamped with the flush time. A gauge is confirmed
 * when Graphite has its value in a slot at or after the moment it was sent. statsD re-sends a gauge's last
 * value on every flush, so an old identical value is indistinguishable, and equally right.
 */

/** Where statsD's graphite backend writes gauges by default (globalPrefix `stats`, prefixGauge `gauges`). */
export const STATSD_GAUGE_NAMESPACE = 'stats.gauges';

export interface GaugeReadBackOptions extends ReadBackOptions {
  namespace?: string;
}

export async function readBackGauges(
  gauges: readonly MetricPoint[],
  sentAtMs: number,
  options: GaugeReadBackOptions,
): Promise<ReadBackReport> {
  const now = options.now ?? Date.now;
  const log = options.logger ?? silentLogger;
  const namespace = options.namespace ?? STATSD_GAUGE_NAMESPACE;
  const started = now();
  const deadline = started + options.waitMs;
  const sentAt = Math.floor(sentAtMs / 1000);
  const open = new Map(gauges.map((g) => [`${namespace}.${g.path}`, g.value]));
  const problems = new Map<string, PointProblem>();
  log.info({ gauges: gauges.length, waitMs: options.waitMs }, `reading ${gauges.length} statsD gauges back`);
  for (;;) {
    const targets = [...open.keys()];
    try {
      const series = await options.render(targets, { from: sentAt - 600 });
      const byTarget = new Map(series.map((s) => [s.target, s]));
      for (const target of targets) {
        const expected = open.get(target) as number;
        const problem = judgeGauge(target, expected, sentAt, byTarget.get(target));
        if (problem) problems.set(target, problem);
        else {
          open.delete(target);
          problems.delete(target);
        }
      }
    } catch (err) {
      for (const target of targets) {
        if (problems.has(target)) continue;
        const expected = open.get(target) as number;
        problems.set(target, {
          path: target,
          timestamp: sentAt,
          expected,
          actual: undefined,
          cause: { kind: 'unreadable', error: (err as Error).message },
        });
      }
    }
    if (open.size === 0 || now() >= deadline) break;
    await sleep(Math.max(0, Math.min(options.pollMs, deadline - now())));
  }
  const report: ReadBackReport = {
    written: gauges.length,
    confirmed: gauges.length - open.size,
    notYetReadable: 0,
    problems: [...problems.values()].filter((p) => open.has(p.path)),
    elapsedMs: now() - started,
  };
  log.info(
    { gauges: gauges.length, confirmed: report.confirmed, ms: report.elapsedMs },
    `${report.confirmed} of ${gauges.length} statsD gauges seen in Graphite`,
  );
  return report;
}

/** undefined when confirmed; otherwise what is wrong with the gauge so far. */
export function judgeGauge(
  target: string,
  expected: number,
  sentAt: number,
  series: GraphiteSeries | undefined,
): PointProblem | undefined {
  const base = { path: target, timestamp: sentAt, expected };
  if (!series) return { ...base, actual: undefined, cause: { kind: 'no-metric' } };
  const step = stepOf(series) ?? 1;
  // A slot covers [t, t + step); statsD's stamp is its flush time, at or after the send.
  const since = series.datapoints.filter(([, t]) => t + step > sentAt);
  if (since.some(([v]) => v !== null && sameValue(v, expected))) return undefined;
  const other = [...since].reverse().find(([v]) => v !== null);
  return other
    ? { ...base, actual: other[0], cause: { kind: 'different' } }
    : { ...base, actual: null, cause: { kind: 'missing' } };
}
