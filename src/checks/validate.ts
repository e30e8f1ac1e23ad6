import pLimit from 'p-limit';
import { GraphiteError, type GraphiteClient } from '../clients/graphite';
import type { DesiredCheck } from './desired';

export interface ValidationIssue {
  name: string;
  severity: 'error' | 'warning';
  /** http-error: graphite-web refused the target; empty: no series; all-null: series without any value. */
  kind: 'http-error' | 'empty' | 'all-null';
  message: string;
}

/**
 * Renders each check's target over the check's own range, as Seyren will, before anything is written.
 * Seyren itself never checks the HTTP status and turns every failure into a silent UNKNOWN.
 */
export async function validateTargets(
  checks: DesiredCheck[],
  graphite: Pick<GraphiteClient, 'render'>,
  concurrency = 4,
): Promise<ValidationIssue[]> {
  const limit = pLimit(concurrency);
  const issues = await Promise.all(
    checks.map((c) =>
      limit(async (): Promise<ValidationIssue | undefined> => {
        try {
          const series = await graphite.render(c.target, { from: c.from, until: c.until });
          if (series.length === 0) {
            return {
              name: c.name,
              severity: 'warning',
              kind: 'empty',
              message: 'the target returns no series (metric not written yet?)',
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
