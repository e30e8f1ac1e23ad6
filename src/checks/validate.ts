import pLimit from 'p-limit';
import { GraphiteError, type GraphiteClient } from '../clients/graphite';
import type { DesiredCheck } from './desired';
import { metricsWithoutSeries, noSeriesMessage } from './series-presence';

export interface ValidationIssue {
  name: string;
  severity: 'error' | 'warning';
  /**
   * http-error: graphite-web refused the target; no-series: Graphite has no series for the check's metric (a
   * typo, or nothing written yet); empty: the target returns no series although the metric exists; all-null:
   * series without any value in the check's range.
   */
  kind: 'http-error' | 'no-series' | 'empty' | 'all-null';
  message: string;
}

/**
 * Renders each check's target over the check's own range, as Seyren will, before anything is written, and asks
 * whether its metric has any series. Seyren itself never checks the HTTP status and turns every failure into a
 * silent UNKNOWN; a metric without series (a typo) would look like a quiet check forever.
 */
export async function validateTargets(
  checks: DesiredCheck[],
  graphite: Pick<GraphiteClient, 'render' | 'expand'>,
  concurrency = 4,
): Promise<ValidationIssue[]> {
  const limit = pLimit(concurrency);
  const missing = await metricsWithoutSeries(checks, (m) => graphite.expand(m), concurrency);
  const issues = await Promise.all(
    checks.map((c) =>
      limit(async (): Promise<ValidationIssue | undefined> => {
        try {
          const series = await graphite.render(c.target, { from: c.from, until: c.until });
          if (missing.has(c.source.metric)) {
            return {
              name: c.name,
              severity: 'error',
              kind: 'no-series',
              message: noSeriesMessage(c.source.metric),
            };
          }
          if (series.length === 0) {
            return {
              name: c.name,
              severity: 'warning',
              kind: 'empty',
              message: 'the target returns no series although the metric has some',
            };
          }
          if (series.every((s) => s.datapoints.every(([v]) => v === null))) {
            return {
              name: c.name,
              severity: 'warning',
              kind: 'all-null',
              message: `every point in ${c.from} .. ${c.until} is null: the check would stay UNKNOWN`,
            };
          }
          return undefined;
        } catch (err) {
          const status =
            err instanceof GraphiteError && err.status !== undefined ? `HTTP ${err.status}: ` : '';
          return {
            name: c.name,
            severity: 'error',
            kind: 'http-error',
            message: `${status}${(err as Error).message}`,
          };
        }
      }),
    ),
  );
  return issues.filter((i): i is ValidationIssue => i !== undefined);
}
