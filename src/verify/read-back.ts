import type { GraphiteSeries } from '../clients/graphite';
import type { MetricPoint } from '../sinks/sink';
import { silentLogger } from '../util/log';
import { judgePoint } from './judge';
import { chunk, sleep, wholeRange } from './ranges';
import { checkRollups } from './rollup';
import {
  DEFAULT_BATCH_SIZE,
  type Expected,
  type PointProblem,
  type ReadBackOptions,
  type ReadBackReport,
  type ReadBackState,
} from './types';

export type { PointProblem, ReadBackOptions, ReadBackReport, RenderFn } from './types';

/**
 * Read-back verification of points written to carbon: carbon's plaintext protocol acknowledges nothing, so the
 * only proof that a point arrived is graphite-web rendering it. Every written metric is rendered over the whole
 * written range (several targets per request), again every poll interval while points are missing, until all
 * are confirmed or the wait is over. The whole range each time, because that is what a dashboard over those
 * days shows: a narrower render can read a finer archive and find points that the wide view has lost
 * (rollup.ts). Then every point not confirmed gets the most likely cause (judge.ts), so the user learns what
 * to fix.
 *
 * It only reads, and needs nothing but a render function: collect, replay and a test against a relay with a
 * federating graphite-web in front use it the same way.
 */

export async function readBack(
  points: readonly MetricPoint[],
  options: ReadBackOptions,
): Promise<ReadBackReport> {
  const now = options.now ?? Date.now;
  const log = options.logger ?? silentLogger;
  const started = now();
  const nowSeconds = Math.floor(started / 1000);

  // The last value per metric and day, as whisper keeps the last value of a slot.
  const expected: Expected = new Map();
  let notYetReadable = 0;
  for (const p of points) {
    if (p.timestamp > nowSeconds) {
      notYetReadable++;
      continue;
    }
    let days = expected.get(p.path);
    if (!days) expected.set(p.path, (days = new Map()));
    days.set(p.timestamp, p.value);
  }
  log.info(
    { points: points.length, metrics: expected.size, waitMs: options.waitMs },
    `reading ${points.length - notYetReadable} points back from graphite-web`,
  );
  const state: ReadBackState = {
    expected,
    open: new Map(
      [...expected].map(([path, days]) => [path, new Map([...days.keys()].map((ts) => [ts, undefined]))]),
    ),
    confirmed: new Map([...expected.keys()].map((path) => [path, new Set<number>()])),
    final: [],
    wide: new Map(),
  };

  const deadline = started + options.waitMs;
  for (let round = 0; ; round++) {
    // The first round judges every point once, however long it takes; later ones stop at the deadline, so a
    // slow graphite-web cannot stretch the wait by a whole round of renders.
    await renderOpen(state, options, round === 0 ? Infinity : deadline);
    const remaining = [...state.open.values()].reduce((n, days) => n + days.size, 0);
    if (remaining === 0 || now() >= deadline) break;
    log.debug({ remaining }, 'points not in Graphite yet; asking again');
    await sleep(Math.max(0, Math.min(options.pollMs, deadline - now())));
  }
  const waited = [...state.open.values()].flatMap((days) => [...days.values()]).filter(isProblem);
  const problems = [...state.final, ...(await checkRollups(state, waited, options))];
  problems.sort((a, b) => a.path.localeCompare(b.path) || a.timestamp - b.timestamp);

  const written = points.length;
  const failedAfterConfirming = problems.filter((p) => state.confirmed.get(p.path)?.has(p.timestamp)).length;
  const confirmed =
    [...state.confirmed.values()].reduce((n, days) => n + days.size, 0) - failedAfterConfirming;
  const report = { written, confirmed, notYetReadable, problems, elapsedMs: now() - started };
  log.info(
    { written, confirmed, problems: problems.length, ms: report.elapsedMs },
    `${confirmed} of ${written} points confirmed in Graphite`,
  );
  return report;
}

/** One round: every metric with open days rendered over its whole range (until `deadline`), each open day judged. */
async function renderOpen(state: ReadBackState, options: ReadBackOptions, deadline: number): Promise<void> {
  const now = options.now ?? Date.now;
  const paths = [...state.open].filter(([, days]) => days.size > 0).map(([path]) => path);
  for (const batch of chunk(paths, options.batchSize ?? DEFAULT_BATCH_SIZE)) {
    if (now() >= deadline) return; // what is still open keeps what the last round saw
    let series: GraphiteSeries[];
    try {
      series = await options.render(batch, wholeRange(state.expected, batch));
    } catch (err) {
      noteUnreadable(state, batch, (err as Error).message);
      continue;
    }
    const byTarget = new Map(series.map((s) => [s.target, s]));
    for (const path of batch) {
      const pending = state.open.get(path) as Map<number, PointProblem | undefined>;
      const days = state.expected.get(path) as Map<number, number>;
      state.wide.set(path, byTarget.get(path));
      for (const ts of pending.keys()) {
        const value = days.get(ts) as number;
        const judged = judgePoint(value, ts, byTarget.get(path));
        if (judged.confirmed) {
          state.confirmed.get(path)?.add(ts);
          pending.delete(ts);
          continue;
        }
        const problem = { path, timestamp: ts, expected: value, actual: judged.actual, cause: judged.cause };
        if (judged.final) {
          state.final.push(problem);
          pending.delete(ts);
        } else pending.set(ts, problem);
      }
    }
  }
}

function noteUnreadable(state: ReadBackState, paths: string[], error: string): void {
  for (const path of paths) {
    const pending = state.open.get(path) as Map<number, PointProblem | undefined>;
    for (const [ts, seen] of pending) {
      // A render that failed says nothing about a point seen before; only a point never seen is unreadable.
      if (seen && seen.cause.kind !== 'unreadable') continue;
      const expected = state.expected.get(path)?.get(ts) as number;
      pending.set(ts, {
        path,
        timestamp: ts,
        expected,
        actual: undefined,
        cause: { kind: 'unreadable', error },
      });
    }
  }
}

function isProblem(p: PointProblem | undefined): p is PointProblem {
  return p !== undefined;
}
