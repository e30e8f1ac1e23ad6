import pLimit from 'p-limit';
import { GraphiteError, lastNonNull } from '../clients/graphite';
import type { SeyrenCheck } from '../clients/seyren/types';
import type { GraphiteRenderer } from '../evaluator/graphite-provider';
import { silentLogger, type Logger } from '../util/log';
import type { GraphitePoint } from './evaluate';

/**
 * The value each series of a check has now, as Seyren will judge it at its next run: graphite-web renders the
 * check's target over the check's own range (Seyren's defaults -11minutes..-1minutes when unset) and each
 * series' last non-null point counts. Optional: once Graphite does not answer at all, no further check asks.
 */
export async function currentGraphiteValues(
  checks: readonly SeyrenCheck[],
  graphite: GraphiteRenderer,
  options: { concurrency?: number; logger?: Logger } = {},
): Promise<{ values: Map<string, GraphitePoint[]>; unreachable: boolean }> {
  const log = options.logger ?? silentLogger;
  const values = new Map<string, GraphitePoint[]>();
  let unreachable = false;
  const limit = pLimit(options.concurrency ?? 4);
  await Promise.all(
    checks
      .filter((c) => c.target)
      .map((check) =>
        limit(async () => {
          if (unreachable) return;
          try {
            const rendered = await graphite.render(check.target as string, {
              from: check.from ?? '-11minutes',
              until: check.until ?? '-1minutes',
            });
            const points: GraphitePoint[] = [];
            for (const series of rendered) {
              const last = lastNonNull(series);
              if (last) points.push({ series: series.target, value: last.value, at: last.timestamp * 1000 });
            }
            values.set(check.id, points);
          } catch (err) {
            if (err instanceof GraphiteError && err.status === undefined) {
              if (!unreachable)
                log.warn({ reason: err.message }, 'Graphite did not answer: no current values');
              unreachable = true;
            } else log.debug({ check: check.name, reason: (err as Error).message }, 'no current value');
          }
        }),
      ),
  );
  return { values, unreachable };
}
