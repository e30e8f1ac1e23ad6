import type { GraphiteSeries, RenderRange } from '../clients/graphite';
import { sameValue, stepOf, valueAt, type Cause } from './judge';
import { chunk, daysRange, sleep, wholeRange } from './ranges';
import { DEFAULT_BATCH_SIZE, type PointProblem, type ReadBackOptions, type ReadBackState } from './types';

/**
 * Daily points in a schema whose finest archive is finer than a day. whisper answers a render from the finest
 * archive that reaches back to `from`, so a render over many days reads a coarser archive, where each day's
 * single point arrives only by roll-up, and an xFilesFactor above 0 (whisper's default is 0.5) leaves that
 * slot empty: the point is in Graphite for a while, yet gone from every long view and gone for good once the
 * fine archive expires. graphite-web hides it right after a write: it merges carbon's cache into the coarse
 * slot without any xFilesFactor, until carbon has written the point to disk.
 *
 * So, per metric, one render of its latest days alone shows whether a finer archive exists (a smaller step);
 * for such metrics, days missing from the wide render but present in the fine one are a roll-up problem, and
 * days confirmed early are read again for a few seconds, until carbon has had time to write them.
 */

/** How long confirmed points of a metric with a finer archive are watched for carbon's write to empty them. */
export const SETTLE_MS = 5000;

export async function checkRollups(
  state: ReadBackState,
  waited: PointProblem[],
  options: ReadBackOptions,
): Promise<PointProblem[]> {
  const fine = await renderFinestArchives(state, waited, options);
  const rollup = (path: string): Cause | undefined => {
    const step = stepOf(state.wide.get(path) ?? { target: path, datapoints: [] });
    const fineStep = stepOf(fine.get(path) ?? { target: path, datapoints: [] });
    return step && fineStep && fineStep < step ? { kind: 'rollup', step, fineStep } : undefined;
  };
  // A metric's latest missing day found in the finer archive speaks for all its missing days: the older
  // ones may be beyond that archive's retention already, but they went the same way.
  const inFinerArchive = new Set<string>();
  for (const p of waited) {
    const series = fine.get(p.path);
    const v = series && p.cause.kind === 'missing' ? valueAt(series, p.timestamp) : undefined;
    if (typeof v === 'number' && sameValue(v, p.expected)) inFinerArchive.add(p.path);
  }
  const problems = waited.map((p) => {
    const cause = p.cause.kind === 'missing' && inFinerArchive.has(p.path) ? rollup(p.path) : undefined;
    return cause ? { ...p, cause } : p;
  });

  const risky = [...state.confirmed].filter(([path, days]) => days.size > 0 && rollup(path));
  if (risky.length === 0) return problems;
  const now = options.now ?? Date.now;
  const settleUntil = now() + Math.min(SETTLE_MS, options.waitMs);
  const emptied = new Map<string, PointProblem>();
  while (now() < settleUntil) {
    await sleep(Math.min(options.pollMs, Math.max(0, settleUntil - now())));
    for (const [path, days] of risky) {
      let series: GraphiteSeries | undefined;
      try {
        series = (await options.render([path], wholeRange(state.expected, [path]))).find(
          (s) => s.target === path,
        );
      } catch {
        continue;
      }
      if (!series) continue;
      for (const ts of days) {
        const expected = state.expected.get(path)?.get(ts) as number;
        const actual = valueAt(series, ts);
        const key = `${path} ${ts}`;
        if (typeof actual === 'number' && sameValue(actual, expected)) emptied.delete(key);
        else {
          const cause: Cause =
            actual === null || actual === undefined ? (rollup(path) as Cause) : { kind: 'different' };
          emptied.set(key, { path, timestamp: ts, expected, actual: actual ?? null, cause });
        }
      }
    }
  }
  return [...problems, ...emptied.values()];
}

/**
 * Each metric rendered from its latest missing day (or its latest day) on: the finest archive that reaches
 * back that far. Metrics that share that range share a render.
 */
async function renderFinestArchives(
  state: ReadBackState,
  waited: PointProblem[],
  options: ReadBackOptions,
): Promise<Map<string, GraphiteSeries>> {
  const byRange = new Map<string, { range: RenderRange; paths: string[] }>();
  for (const [path, days] of state.expected) {
    if (!state.wide.get(path)) continue;
    const missing = waited
      .filter((p) => p.path === path && p.cause.kind === 'missing')
      .map((p) => p.timestamp);
    const latest = Math.max(...days.keys());
    const from = missing.length > 0 ? Math.max(...missing) : latest;
    const range = daysRange([from, latest]);
    const key = `${range.from} ${range.until}`;
    const group = byRange.get(key) ?? { range, paths: [] };
    group.paths.push(path);
    byRange.set(key, group);
  }
  const fine = new Map<string, GraphiteSeries>();
  for (const { range, paths } of byRange.values()) {
    for (const batch of chunk(paths, options.batchSize ?? DEFAULT_BATCH_SIZE)) {
      try {
        for (const s of await options.render(batch, range)) fine.set(s.target, s);
      } catch {
        // The diagnosis is a bonus: without it, points stay "missing" and nothing is watched.
      }
    }
  }
  return fine;
}
