import pLimit from 'p-limit';
import type { DesiredCheck } from './desired';
import type { CheckSpec } from './definitions';

/**
 * Which checks read a metric Graphite has no series for. A typo (`health.setps`) renders, validates and plans
 * like a quiet check, and Seyren would show it as "no data" forever; asking graphite-web's /metrics/expand for
 * each distinct metric (one cheap call each) tells the two apart before anything is provisioned.
 */
export async function metricsWithoutSeries(
  checks: readonly DesiredCheck[],
  expand: (glob: string) => Promise<string[]>,
  concurrency = 4,
): Promise<Set<string>> {
  const limit = pLimit(concurrency);
  const metrics = [...new Set(checks.map((c) => c.source.metric))];
  const found = await Promise.all(
    metrics.map((m) => limit(async () => [m, (await expand(m)).length] as const)),
  );
  return new Set(found.filter(([, n]) => n === 0).map(([m]) => m));
}

export const noSeriesMessage = (metric: string) =>
  `no series in Graphite for ${metric} (a typo in the metric, or nothing written yet?)`;

/** The warning for a glob that matched no series: its checks are left out, so the person must hear of it. */
export function unmatchedGlobMessage(
  spec: Pick<CheckSpec, 'metric' | 'heuristic' | 'file' | 'line'>,
): string {
  return `"${spec.metric}" matches no series in Graphite: its ${spec.heuristic} check (${spec.file}:${spec.line ?? '?'}) is left out`;
}
