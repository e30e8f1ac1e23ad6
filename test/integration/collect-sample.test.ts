import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphiteSeries } from '../../src/clients/graphite';
import { generateSampleExport, type SampleExport } from '../../src/sources/sample/generate-export';
import { graphiteClient } from '../support/graphite-fixtures';
import { integrationStack, pollUntil } from '../support/integration-stack';
import { runCli } from '../support/run-cli';

// `healthlake collect --source sample` through the built CLI into the real carbon + graphite-web. Every value
// of every day is compared three ways: Graphite's render, summary.csv, and what this test computes itself from
// the generator's own record of the days and from the generated files. `^health\.` gets 1d:10y in the stack's
// storage schema, so the daily points of 2026-08-18..2026-11-15 stay readable.

const PREFIX = 'health.it_collect';
const ZONE = 'Europe/Berlin';
const METRICS = [
  'steps',
  'heart.resting',
  'heart.average',
  'heart.max_sustained',
  'sleep.minutes_before',
  'sleep.minutes_after',
  'sleep.longest_episode',
  'worked',
] as const;
type Metric = (typeof METRICS)[number];
type Values = Partial<Record<Metric, number>>;

const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
const nextDate = (date: string) => new Date((utcMidnight(date) + 86400) * 1000).toISOString().slice(0, 10);
// Graphite's range is (from, until]: one second before the first midnight includes that day.
const RANGE = { from: String(utcMidnight('2026-08-18') - 1), until: String(utcMidnight('2026-11-16')) };

// ---- the test's own reading of the generated files ----

const wallFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});
const offsetByUtcHour = new Map<number, number>();

/** The zone's wall clock at a UTC instant, as a Date whose UTC fields show that wall time. */
function wallClock(utcMs: number): Date {
  const hour = Math.floor(utcMs / 3_600_000);
  let offset = offsetByUtcHour.get(hour);
  if (offset === undefined) {
    const p = Object.fromEntries(
      wallFormat.formatToParts(new Date(hour * 3_600_000)).map((x) => [x.type, Number(x.value)]),
    );
    offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - hour * 3_600_000;
    offsetByUtcHour.set(hour, offset);
  }
  return new Date(utcMs + offset);
}

/** `MM/DD/YY HH:MM:SS` of the classic export, which is UTC. */
function parseUtcStamp(stamp: string): number {
  const [mm, dd, yy, h, m, s] = stamp.split(/[/ :]/).map(Number) as number[];
  return Date.UTC(2000 + yy!, mm! - 1, dd!, h!, m!, s!);
}

const jsonFiles = (dir: string, prefix: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown[]);

/** Per local date, per local clock minute: [sum, count] of the bpm samples. */
function heartMinutes(globalDir: string): Map<string, Map<number, [number, number]>> {
  const days = new Map<string, Map<number, [number, number]>>();
  for (const rows of jsonFiles(globalDir, 'heart_rate')) {
    for (const row of rows as Array<{ dateTime: string; value: { bpm: number } }>) {
      const wall = wallClock(parseUtcStamp(row.dateTime));
      const date = wall.toISOString().slice(0, 10);
      const minute = wall.getUTCHours() * 60 + wall.getUTCMinutes();
      if (!days.has(date)) days.set(date, new Map());
      const cell = days.get(date)!.get(minute) ?? [0, 0];
      days.get(date)!.set(minute, [cell[0] + row.value.bpm, cell[1] + 1]);
    }
  }
  return days;
}

/** Best mean over 10 consecutive clock minutes that all have samples, each minute's own mean counting once. */
function maxSustained(minutes: Map<number, [number, number]>): number | undefined {
  let best: number | undefined;
  let run: number[] = [];
  for (let m = 0; m < 1440; m++) {
    const cell = minutes.get(m);
    if (!cell) {
      run = [];
      continue;
    }
    run.push(cell[0] / cell[1]);
    if (run.length < 10) continue;
    const mean = run.slice(-10).reduce((a, b) => a + b, 0) / 10;
    if (best === undefined || mean > best) best = mean;
  }
  return best;
}

/** dateOfSleep → longest run of consecutive light/deep/rem segments, in minutes. */
function longestEpisodes(globalDir: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const logs of jsonFiles(globalDir, 'sleep')) {
    for (const log of logs as Array<{
      dateOfSleep: string;
      levels: { data: Array<{ level: string; seconds: number }> };
    }>) {
      let longest = 0;
      let current = 0;
      for (const { level, seconds } of log.levels.data) {
        current = ['light', 'deep', 'rem'].includes(level) ? current + seconds : 0;
        longest = Math.max(longest, current);
      }
      result.set(log.dateOfSleep, longest / 60);
    }
  }
  return result;
}

function expectedValues(
  sample: SampleExport,
  globalDir: string,
  heart: Map<string, Map<number, [number, number]>>,
): Map<string, Values> {
  const episodes = longestEpisodes(globalDir);
  const byDate = new Map(sample.days.map((d) => [d.date, d]));
  const expected = new Map<string, Values>();
  for (const d of sample.days) {
    const v: Values = {};
    if (d.steps !== undefined) v.steps = d.steps;
    if (d.restingHeartRate) v['heart.resting'] = d.restingHeartRate;
    if (d.heart) v['heart.average'] = d.heart.sum / d.heart.count;
    const sustained = heart.has(d.date) ? maxSustained(heart.get(d.date)!) : undefined;
    if (sustained !== undefined) v['heart.max_sustained'] = sustained;
    if (d.sleep) v['sleep.minutes_before'] = d.sleep.minutesAsleep;
    const after = byDate.get(nextDate(d.date))?.sleep;
    if (after) v['sleep.minutes_after'] = after.minutesAsleep;
    if (episodes.has(d.date)) v['sleep.longest_episode'] = episodes.get(d.date);
    v.worked = d.worked;
    expected.set(d.date, v);
  }
  return expected;
}

// ---- what the run left behind ----

function readSummaryCsv(file: string): Map<string, Values> {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  expect(header).toBe(['date', ...METRICS].join(','));
  return new Map(
    rows.map((row) => {
      const [date, ...cells] = row.split(',');
      const values: Values = {};
      cells.forEach((cell, i) => {
        if (cell !== '') values[METRICS[i]!] = Number(cell);
      });
      return [date!, values];
    }),
  );
}

/** Graphite's values by date, null cells left out; every returned timestamp must be a UTC midnight. */
function graphiteValues(series: GraphiteSeries[]): Map<string, Values> {
  const byDate = new Map<string, Values>();
  for (const s of series) {
    const metric = s.target.slice(PREFIX.length + 1) as Metric;
    for (const [value, ts] of s.datapoints) {
      expect(ts % 86400).toBe(0);
      if (value === null) continue;
      const date = new Date(ts * 1000).toISOString().slice(0, 10);
      byDate.set(date, { ...byDate.get(date), [metric]: value });
    }
  }
  return new Map([...byDate].sort(([a], [b]) => a.localeCompare(b)));
}

function renderAll(expectedPoints: Map<Metric, number>): Promise<GraphiteSeries[]> {
  return pollUntil(
    () =>
      graphiteClient().render(
        METRICS.map((m) => `${PREFIX}.${m}`),
        RANGE,
      ),
    (series) =>
      series.length === METRICS.length &&
      series.every(
        (s) =>
          s.datapoints.filter(([v]) => v !== null).length ===
          expectedPoints.get(s.target.slice(PREFIX.length + 1) as Metric),
      ),
    { timeoutMs: 30000, intervalMs: 200 },
  );
}

function treeHash(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) walk(file);
      else hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file));
    }
  };
  walk(root);
  return hash.digest('hex');
}

const closeTo = (actual: number | undefined, expected: number | undefined) =>
  actual === undefined || expected === undefined
    ? actual === expected
    : Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(expected), 1e-300);

describe('collect --source sample into the real Graphite', () => {
  let root: string;
  let dataDir: string;
  let sample: SampleExport;
  let expected: Map<string, Values>;
  let summary: Map<string, Values>;
  let summaryBytes: string;
  let archiveHash: string;
  let rendered: GraphiteSeries[];
  let graphite: Map<string, Values>;
  let heart: Map<string, Map<number, [number, number]>>;

  const collect = () => {
    const stack = integrationStack();
    return runCli(['collect', '--source', 'sample'], {
      HEALTHLAKE_DATA_DIR: dataDir,
      HEALTHLAKE_PREFIX: PREFIX,
      CARBON_HOST: '127.0.0.1',
      CARBON_PORT: String(stack.carbonPort),
      GRAPHITE_URL: stack.graphiteUrl,
    });
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-collect-'));
    dataDir = path.join(root, 'data');
    sample = generateSampleExport({ outDir: path.join(root, 'truth') });
    const run = await collect();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^90 days 2026-08-18\.\.2026-11-15, 709 points written, 709 confirmed in Graphite, 0 input records skipped/,
    );
    // Computed from the files the CLI generated and read, not from the test's own copy.
    const globalDir = path.join(dataDir, 'sample-export', 'Takeout', 'Fitbit', 'Global Export Data');
    heart = heartMinutes(globalDir);
    expected = expectedValues(sample, globalDir, heart);
    summaryBytes = fs.readFileSync(path.join(dataDir, 'summary.csv'), 'utf8');
    summary = readSummaryCsv(path.join(dataDir, 'summary.csv'));
    archiveHash = treeHash(path.join(dataDir, 'archive'));
    const points = new Map(
      METRICS.map((m) => [m, [...summary.values()].filter((v) => v[m] !== undefined).length]),
    );
    rendered = await renderAll(points);
    graphite = graphiteValues(rendered);
  }, 240_000);

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('covers the 90 days of the sample, 2026-08-18..2026-11-15 in Europe/Berlin', () => {
    expect(sample).toMatchObject({ startDate: '2026-08-18', endDate: '2026-11-15', timeZone: ZONE });
    expect([...summary.keys()]).toEqual(sample.days.map((d) => d.date));
    expect([...expected.keys()]).toEqual(sample.days.map((d) => d.date));
    expect([...graphite.keys()]).toEqual(sample.days.map((d) => d.date));
  });

  it('gives, for every day and every metric, the same value in Graphite, summary.csv and what the test computes itself', () => {
    const mismatches: string[] = [];
    let points = 0;
    for (const [date, want] of expected) {
      for (const metric of METRICS) {
        const inCsv = summary.get(date)?.[metric];
        const inGraphite = graphite.get(date)?.[metric];
        if (inCsv !== undefined) points++;
        // Graphite stores the double carbon was sent, which is the number the CSV prints: exactly equal.
        if (inGraphite !== inCsv || !closeTo(inCsv, want[metric])) {
          mismatches.push(
            `${date} ${metric}: graphite ${inGraphite}, csv ${inCsv}, expected ${want[metric]}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // 90 days × 8, less: the unworn day's 6, the nights without a log (10-20 before + longest, 09-06 and
    // 10-19 after), and the last day's night after, which is not in the sample.
    expect(points).toBe(709);
  });

  it('leaves the unworn day 2026-09-07 without steps, heart and the night before; worked is 1', () => {
    expect(sample.unwornDate).toBe('2026-09-07');
    expect(graphite.get('2026-09-07')).toEqual({
      'sleep.minutes_after': sample.days.find((d) => d.date === '2026-09-08')!.sleep!.minutesAsleep,
      worked: 1,
    });
    expect(graphite.get('2026-09-06')!['sleep.minutes_after']).toBeUndefined();
  });

  it('has every metric on the 25-hour DST day 2026-10-25, from samples of all 25 hours', () => {
    const day = sample.days.find((d) => d.date === '2026-10-25')!;
    expect(day.hours).toBe(25);
    expect(Object.keys(graphite.get('2026-10-25')!).sort()).toEqual([...METRICS].sort());
    expect(graphite.get('2026-10-25')).toEqual(summary.get('2026-10-25'));
    expect(graphite.get('2026-10-25')!['heart.average']).toBe(day.heart!.sum / day.heart!.count);
    // The test's own UTC → local reading puts the same samples on the day as the generator did: 25 hours,
    // the repeated hour 02:00–02:59 sharing its clock minutes. One hour has at most 360 slots of 10 s.
    const minutes = heart.get('2026-10-25')!;
    const count = (from: number, to: number) =>
      [...minutes].filter(([m]) => m >= from && m < to).reduce((n, [, [, c]]) => n + c, 0);
    expect(count(0, 1440)).toBe(day.heart!.count);
    expect(count(120, 180)).toBeGreaterThan(360);
    expect(count(180, 240)).toBeLessThanOrEqual(360);
  });

  it('keeps the 10-minute runs of the heart-gap day 2026-09-29 on either side of the gap', () => {
    const gap = sample.days.find((d) => d.date === '2026-09-29')!.heartGap;
    expect(gap).toEqual({ start: '09:30', end: '13:45', minutes: 255 });
    const v = graphite.get('2026-09-29')!;
    expect(Object.keys(v).sort()).toEqual([...METRICS].sort());
    expect(closeTo(v['heart.max_sustained'], expected.get('2026-09-29')!['heart.max_sustained'])).toBe(true);
  });

  it('has no night before on 2026-10-20 (no sleep log) but the night after; 10-19 has no night after', () => {
    expect(sample.noSleepLogDate).toBe('2026-10-20');
    const v = graphite.get('2026-10-20')!;
    expect([v['sleep.minutes_before'], v['sleep.longest_episode']]).toEqual([undefined, undefined]);
    expect(v['sleep.minutes_after']).toBe(
      sample.days.find((d) => d.date === '2026-10-21')!.sleep!.minutesAsleep,
    );
    expect(graphite.get('2026-10-19')!['sleep.minutes_after']).toBeUndefined();
    expect(v.steps).toBe(sample.days.find((d) => d.date === '2026-10-20')!.steps);
  });

  it('changes nothing when the same collect runs again: same Graphite points, same summary.csv and archive bytes', async () => {
    const again = await collect();
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fs.readFileSync(path.join(dataDir, 'summary.csv'), 'utf8')).toBe(summaryBytes);
    expect(treeHash(path.join(dataDir, 'archive'))).toBe(archiveHash);
    // The run read every resent point back before it said so: carbon has taken them all. Then every slot is
    // unchanged and none was added.
    expect(again.stdout).toContain('709 points written, 709 confirmed in Graphite');
    const points = new Map(
      METRICS.map((m) => [m, [...summary.values()].filter((v) => v[m] !== undefined).length]),
    );
    expect(await renderAll(points)).toEqual(rendered);
  }, 120_000);
});
