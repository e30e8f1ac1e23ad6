import { fakeRender, type FakeArchive } from '../../test/support/fake-render';
import type { MetricPoint } from '../sinks/sink';
import { readBack } from './read-back';

const DAY = 86400;
const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
const daysAgo = (n: number) => today - n * DAY;
const YEARS = 10 * 365 * DAY;

/** Two metrics × `days` days, the last one yesterday. */
function points(days: number, prefix = 'health'): MetricPoint[] {
  return Array.from({ length: days }, (_, i) => daysAgo(days - i)).flatMap((ts, i) => [
    { path: `${prefix}.steps`, value: 8000 + i, timestamp: ts },
    { path: `${prefix}.heart.average`, value: 70 + i / 3, timestamp: ts },
  ]);
}

/** Whisper files holding the points, one archive each, or as the given archives would keep them. */
function stored(pts: MetricPoint[], archive: Omit<FakeArchive, 'values'> = { step: DAY, retention: YEARS }) {
  const files: Record<string, FakeArchive[]> = {};
  for (const p of pts) {
    files[p.path] ??= [{ ...archive, values: new Map() }];
    const a = files[p.path]?.[0] as FakeArchive;
    if (p.timestamp >= today - archive.retention) a.values.set(p.timestamp - (p.timestamp % a.step), p.value);
  }
  return files;
}

const options = { waitMs: 2000, pollMs: 5 };

describe('readBack', () => {
  it('confirms every point that Graphite renders with its value, several targets per render', async () => {
    const written = points(30);
    const graphite = fakeRender(() => stored(written));
    const report = await readBack(written, { ...options, render: graphite.render, batchSize: 25 });
    expect(report).toMatchObject({ written: 60, confirmed: 60, notYetReadable: 0, problems: [] });
    expect(graphite.calls[0]).toEqual(['health.steps', 'health.heart.average']);
  });

  it('asks again until a new metric appears, then confirms it', async () => {
    const written = points(3);
    let round = 0;
    const graphite = fakeRender(() => (++round <= 2 ? {} : stored(written)));
    const report = await readBack(written, { ...options, render: graphite.render });
    expect(report.confirmed).toBe(6);
    expect(report.problems).toEqual([]);
    expect(round).toBeGreaterThanOrEqual(3);
  });

  it('stops a later round at the end of the wait, however slow graphite-web renders (the first round is whole)', async () => {
    const written = [...points(2, 'a'), ...points(2, 'b')]; // 4 metrics, one per render
    let clock = Date.now();
    const slow = fakeRender(() => ({})); // none of them ever appears
    const render: typeof slow.render = async (targets, range) => {
      clock += 1000; // each render takes a second
      return slow.render(targets, range);
    };
    const report = await readBack(written, {
      waitMs: 5500,
      pollMs: 5,
      batchSize: 1,
      render,
      now: () => clock,
    });
    // Round 1: all 4 (to 4 s); round 2: two more (to 6 s), then the wait of 5.5 s is over.
    expect(slow.calls).toHaveLength(6);
    expect(report.confirmed).toBe(0);
    expect(report.problems).toHaveLength(8);
  });

  it('names a retention that ends before the days written, without waiting for them', async () => {
    const written = points(40, 'it');
    // Debian-like catch-all: 1-minute slots for 30 days.
    const graphite = fakeRender(() => stored(written, { step: 60, retention: 30 * DAY }));
    const report = await readBack(written, { ...options, waitMs: 60_000, render: graphite.render });

    expect(report.confirmed).toBe(2 * 29);
    expect(report.problems).toHaveLength(2 * 11);
    expect(report.problems[0]).toMatchObject({
      path: 'it.heart.average',
      timestamp: daysAgo(40),
      expected: 70,
      actual: undefined,
      cause: { kind: 'retention' },
    });
    // Decided in the first round: no second one for those points, although a minute was allowed.
    expect(report.elapsedMs).toBeLessThan(60_000);
    expect(graphite.calls.filter((c) => c.length === 2)).toHaveLength(2);
  });

  it('names a step coarser than a day', async () => {
    const written = points(14);
    const graphite = fakeRender(() => stored(written, { step: 7 * DAY, retention: YEARS }));
    const report = await readBack(written, { ...options, render: graphite.render });
    expect(report.confirmed).toBe(0);
    expect(new Set(report.problems.map((p) => p.cause.kind))).toEqual(new Set(['coarse-step']));
  });

  it('reports a metric that never appears, and empty or different days, after the wait', async () => {
    const written = points(3);
    const files = stored(written.filter((p) => p.path === 'health.steps'));
    files['health.steps']?.[0]?.values.delete(daysAgo(2));
    files['health.steps']?.[0]?.values.set(daysAgo(1), 1);
    const graphite = fakeRender(() => files);
    const report = await readBack(written, { ...options, waitMs: 100, render: graphite.render });

    expect(report.confirmed).toBe(1);
    expect(report.problems.map((p) => [p.path, p.timestamp, p.cause.kind, p.actual])).toEqual([
      ['health.heart.average', daysAgo(3), 'no-metric', undefined],
      ['health.heart.average', daysAgo(2), 'no-metric', undefined],
      ['health.heart.average', daysAgo(1), 'no-metric', undefined],
      ['health.steps', daysAgo(2), 'missing', null],
      ['health.steps', daysAgo(1), 'different', 1],
    ]);
  });

  it('finds days that a long render shows empty in the finer archive: the roll-up (xFilesFactor) lost them', async () => {
    const written = points(60);
    // 1h slots for 31 days, 1d slots for 10 years; a recent day reached the 1d archive only by a roll-up that
    // xFilesFactor 0.5 refused (1 of 24 slots), an older one was written into the 1d archive directly.
    const files: Record<string, FakeArchive[]> = {};
    for (const p of written) {
      files[p.path] ??= [
        { step: 3600, retention: 31 * DAY, values: new Map() },
        { step: DAY, retention: YEARS, values: new Map() },
      ];
      const [fine, coarse] = files[p.path] as FakeArchive[];
      if (p.timestamp >= today - 31 * DAY) fine?.values.set(p.timestamp, p.value);
      else coarse?.values.set(p.timestamp, p.value);
    }
    const graphite = fakeRender(() => files);
    const report = await readBack(written, { ...options, waitMs: 100, render: graphite.render });

    expect(report.confirmed).toBe(2 * 29);
    expect(report.problems).toHaveLength(2 * 31);
    expect(report.problems.map((p) => p.cause.kind)).toEqual(Array(2 * 31).fill('rollup'));
    expect(report.problems[0]?.cause).toEqual({ kind: 'rollup', step: DAY, fineStep: 3600 });
  });

  it("watches days confirmed from carbon's cache until the roll-up has emptied them", async () => {
    const written = points(10);
    const files: Record<string, FakeArchive[]> = {};
    for (const p of written) {
      files[p.path] ??= [
        { step: 3600, retention: 5 * DAY, values: new Map() },
        { step: DAY, retention: YEARS, values: new Map() },
      ];
      for (const a of files[p.path] as FakeArchive[]) a.values.set(p.timestamp, p.value);
    }
    let renders = 0;
    const graphite = fakeRender(() => {
      // graphite-web merges the cache into the 1d slots until carbon has written the points; then the roll-up
      // leaves the days of the last 5 days (those in the 1h archive) empty.
      if (++renders === 3) {
        for (const archives of Object.values(files)) {
          for (const ts of [...(archives[1] as FakeArchive).values.keys()]) {
            if (ts >= today - 5 * DAY) archives[1]?.values.delete(ts);
          }
        }
      }
      return files;
    });
    const report = await readBack(written, { ...options, waitMs: 300, render: graphite.render });

    expect(report.confirmed).toBe(2 * 5);
    expect(report.problems).toHaveLength(2 * 5);
    expect(report.problems.every((p) => p.cause.kind === 'rollup' && p.actual === null)).toBe(true);
  });

  it('does not ask about days after now, which graphite-web cannot render yet', async () => {
    const written: MetricPoint[] = [
      { path: 'health.steps', value: 1, timestamp: daysAgo(1) },
      { path: 'health.steps', value: 2, timestamp: today + DAY },
    ];
    const graphite = fakeRender(() => stored(written));
    const report = await readBack(written, { ...options, render: graphite.render });
    expect(report).toMatchObject({ written: 2, confirmed: 1, notYetReadable: 1, problems: [] });
  });

  it('says graphite-web could not be read when every render fails', async () => {
    const written = points(1);
    const report = await readBack(written, {
      ...options,
      waitMs: 50,
      render: () => Promise.reject(new Error('graphite-web at http://g did not answer /render in time')),
    });
    expect(report.confirmed).toBe(0);
    expect(report.problems.map((p) => p.cause)).toEqual([
      { kind: 'unreadable', error: 'graphite-web at http://g did not answer /render in time' },
      { kind: 'unreadable', error: 'graphite-web at http://g did not answer /render in time' },
    ]);
  });
});
