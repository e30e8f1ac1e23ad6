import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../errors';
import { readWorkingDays } from '../working-days';
import { generateSampleExport, type SampleExport } from './generate-export';

const ZONE = 'Europe/Berlin';
const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-sample-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** sha256 over every file's relative path and bytes, in name order. */
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

/**
 * An independent reading of the export, as the importer should do it: `MM/DD/YY HH:MM:SS` is UTC and is
 * converted to the profile's zone with Intl (offsets cached per UTC hour), then summed per civil day.
 */
const zoneDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const hourCache = new Map<number, string>();
function utcStampToMs(stamp: string): number {
  const [d, t] = stamp.split(' ') as [string, string];
  const [mm, dd, yy] = d.split('/').map(Number) as [number, number, number];
  const [h, m, s] = t.split(':').map(Number) as [number, number, number];
  return Date.UTC(2000 + yy, mm - 1, dd, h, m, s);
}
function localDateOf(ms: number): string {
  const hour = Math.floor(ms / 3_600_000);
  let date = hourCache.get(hour);
  if (date === undefined) {
    date = zoneDate.format(new Date(hour * 3_600_000));
    hourCache.set(hour, date);
  }
  return date;
}

interface HeartRow {
  dateTime: string;
  value: { bpm: number; confidence: number };
}
interface StepsRow {
  dateTime: string;
  value: string;
}
interface SleepLogJson {
  logId: number;
  dateOfSleep: string;
  startTime: string;
  endTime: string;
  duration: number;
  minutesAsleep: number;
  minutesAwake: number;
  timeInBed: number;
  mainSleep: boolean;
  type: string;
  levels: {
    summary: Record<string, { count: number; minutes: number }>;
    data: Array<{ dateTime: string; level: string; seconds: number }>;
    shortData: unknown[];
  };
}

describe('generateSampleExport, default window', () => {
  let sample: SampleExport;
  let globalDir: string;
  const readJson = <T>(name: string): T =>
    JSON.parse(fs.readFileSync(path.join(globalDir, name), 'utf8')) as T;
  const filesLike = (prefix: string): string[] =>
    fs
      .readdirSync(globalDir)
      .filter((f) => f.startsWith(`${prefix}-`))
      .sort();
  const day = (date: string) => sample.days.find((d) => d.date === date)!;
  // Per local day, read back from every heart_rate and steps file.
  const readBack = new Map<
    string,
    { steps: number; stepRows: number; heartSum: number; heartCount: number }
  >();
  const heartTimes = new Map<string, number[]>();

  beforeAll(() => {
    sample = generateSampleExport({ outDir: tmpDir() });
    globalDir = path.join(sample.fitbitDir, 'Global Export Data');
    const entry = (date: string) => {
      let e = readBack.get(date);
      if (!e) readBack.set(date, (e = { steps: 0, stepRows: 0, heartSum: 0, heartCount: 0 }));
      return e;
    };
    for (const file of filesLike('steps')) {
      for (const row of readJson<StepsRow[]>(file)) {
        const e = entry(localDateOf(utcStampToMs(row.dateTime)));
        e.steps += Number(row.value);
        e.stepRows++;
      }
    }
    for (const file of filesLike('heart_rate')) {
      for (const row of readJson<HeartRow[]>(file)) {
        const ms = utcStampToMs(row.dateTime);
        const date = localDateOf(ms);
        const e = entry(date);
        e.heartSum += row.value.bpm;
        e.heartCount++;
        if (!heartTimes.has(date)) heartTimes.set(date, []);
        heartTimes.get(date)!.push(ms);
      }
    }
  });

  it('covers 2026-08-18 .. 2026-11-15 in Europe/Berlin, including the 25-hour day of 2026-10-25', () => {
    expect(sample).toMatchObject({ startDate: '2026-08-18', endDate: '2026-11-15', timeZone: ZONE });
    expect(sample.days).toHaveLength(90);
    expect(sample.dstDates).toEqual(['2026-10-25']);
    expect(day('2026-10-25').hours).toBe(25);
    // Local 2026-10-25 runs from 22:00 UTC the day before (CEST) to 23:00 UTC (CET).
    const times = heartTimes.get('2026-10-25')!;
    expect(times[0]).toBeGreaterThanOrEqual(Date.UTC(2026, 9, 24, 22));
    expect(times[times.length - 1]).toBeLessThan(Date.UTC(2026, 9, 25, 23));
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThan(24.9 * 3_600_000);
  });

  it('puts the gaps on fixed days: unworn, heart-rate gap, night without sleep log', () => {
    expect([sample.unwornDate, sample.heartGapDate, sample.noSleepLogDate]).toEqual([
      '2026-09-07',
      '2026-09-29',
      '2026-10-20',
    ]);
  });

  it('writes the classic layout with the periods real exports have, and a profile naming the zone', () => {
    const [profile] = parse(fs.readFileSync(path.join(sample.fitbitDir, 'Your Profile', 'Profile.csv')), {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(profile!.timezone).toBe(ZONE);
    // Heart rate: one file per local day worn (all but the unworn 09-07), named by that day.
    const heart = filesLike('heart_rate');
    expect(heart[0]).toBe('heart_rate-2026-08-18.json');
    expect(heart).toHaveLength(89);
    expect(heart).not.toContain('heart_rate-2026-09-07.json');
    // Steps and sleep: one file per calendar month, named by its first day in the window.
    const months = ['2026-08-18', '2026-09-01', '2026-10-01', '2026-11-01'];
    expect(filesLike('steps')).toEqual(months.map((m) => `steps-${m}.json`));
    expect(filesLike('sleep')).toEqual(months.map((m) => `sleep-${m}.json`));
    // Resting heart rate: one file for the whole span.
    expect(filesLike('resting_heart_rate')).toEqual(['resting_heart_rate-2026-08-18.json']);
    expect(sample.files).toBe(89 + 4 + 4 + 1 + 2);
  });

  it('writes each heart-rate file from local midnight to local midnight, in UTC times (25 hours on 10-25)', () => {
    const spans = filesLike('heart_rate').map((f) => {
      const rows = readJson<HeartRow[]>(f);
      return [f, utcStampToMs(rows[0]!.dateTime), utcStampToMs(rows[rows.length - 1]!.dateTime)] as const;
    });
    for (const [file, first, last] of spans) {
      const date = file.slice('heart_rate-'.length, -'.json'.length);
      const next = new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      // The zone's midnights: 22:00 UTC the evening before in summer (CEST), 23:00 in winter (CET).
      const midnight = (d: string) => {
        for (const h of [22, 23]) {
          const t = Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10) - 1, h);
          if (localDateOf(t) === d && localDateOf(t - 1000) !== d) return t;
        }
        throw new Error(`no midnight found for ${d}`);
      };
      expect(first).toBeGreaterThanOrEqual(midnight(date));
      expect(first - midnight(date)).toBeLessThan(15_000);
      expect(last).toBeLessThan(midnight(next));
      expect(midnight(next) - last).toBeLessThan(30_000);
    }
    const dst = spans.find(([f]) => f === 'heart_rate-2026-10-25.json')!;
    expect(dst[2] - dst[1]).toBeGreaterThan(24.9 * 3_600_000);
  });

  it('writes heart rate and steps with UTC timestamps in MM/DD/YY HH:MM:SS, steps as strings', () => {
    const stamp = /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d$/;
    const heart = readJson<HeartRow[]>('heart_rate-2026-08-18.json');
    expect(heart[0]!.dateTime).toMatch(/^08\/17\/26 22:00:0\d$/); // 00:00 CEST
    for (const row of heart.slice(0, 50)) {
      expect(row.dateTime).toMatch(stamp);
      expect(Number.isInteger(row.value.bpm)).toBe(true);
      expect([1, 2, 3]).toContain(row.value.confidence);
    }
    // The first hours (the night: no charging break) have a sample every 5-15 s.
    const night = heart.slice(0, 500);
    const gaps = night.slice(1).map((r, i) => utcStampToMs(r.dateTime) - utcStampToMs(night[i]!.dateTime));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(15000);
    const steps = readJson<StepsRow[]>('steps-2026-11-01.json');
    expect(steps[0]!.dateTime).toBe('10/31/26 23:00:00'); // 00:00 CET on 11-01: the month split at local midnight
    for (const row of steps) {
      expect(row.dateTime).toMatch(/^\d\d\/\d\d\/\d\d \d\d:\d\d:00$/);
      expect(typeof row.value).toBe('string');
      expect(row.value).toMatch(/^\d+$/);
    }
  });

  it('reports per day exactly what the files hold once converted from UTC to the local day', () => {
    for (const d of sample.days) {
      const back = readBack.get(d.date);
      expect({ date: d.date, steps: back?.steps, heart: back && [back.heartSum, back.heartCount] }).toEqual({
        date: d.date,
        steps: d.steps,
        heart: d.heart && [d.heart.sum, d.heart.count],
      });
    }
  });

  it('leaves the unworn day empty, with a resting heart rate of 0', () => {
    expect(readBack.has('2026-09-07')).toBe(false);
    const { worn, steps, heart, sleep, restingHeartRate } = day('2026-09-07');
    expect({ worn, steps, heart, sleep, restingHeartRate }).toEqual({ worn: false });
    const resting = readJson<
      Array<{ dateTime: string; value: { date: string; value: number; error: number } }>
    >('resting_heart_rate-2026-08-18.json');
    expect(resting).toHaveLength(90);
    expect(resting.find((r) => r.value.date === '09/07/26')).toEqual({
      dateTime: '09/07/26 00:00:00',
      value: { date: '09/07/26', value: 0, error: 0 },
    });
    for (const r of resting.filter((x) => x.value.date !== '09/07/26')) {
      expect(r.value.value).toBeGreaterThanOrEqual(55);
      expect(r.value.value).toBeLessThanOrEqual(60);
    }
  });

  it('has a multi-hour heart-rate gap on 2026-09-29 while steps go on', () => {
    expect(day('2026-09-29').heartGap).toEqual({ start: '09:30', end: '13:45', minutes: 255 });
    const times = heartTimes.get('2026-09-29')!;
    const longest = Math.max(...times.slice(1).map((t, i) => t - times[i]!));
    expect(longest).toBeGreaterThanOrEqual(4 * 3_600_000);
    // 10:00–11:00 local is 08:00–09:00 UTC: steps rows for each minute.
    const rows = readJson<StepsRow[]>('steps-2026-09-01.json').filter((r) =>
      r.dateTime.startsWith('09/29/26 08:'),
    );
    expect(rows).toHaveLength(60);
  });

  it('writes v1.2 sleep logs in local time, newest first, none for the unworn day and the unlogged night', () => {
    const logs = filesLike('sleep').flatMap((f) => readJson<SleepLogJson[]>(f));
    const dates = logs.map((l) => l.dateOfSleep);
    for (const f of filesLike('sleep')) {
      const inFile = readJson<SleepLogJson[]>(f).map((l) => l.dateOfSleep);
      expect(inFile).toEqual([...inFile].sort().reverse());
    }
    const expected = sample.days.map((d) => d.date).filter((d) => d !== '2026-09-07' && d !== '2026-10-20');
    expect([...dates].sort()).toEqual(expected);
    expect(readBack.get('2026-10-20')!.heartCount).toBeGreaterThan(8000); // slept, just not logged
    for (const log of logs) {
      expect(log).toMatchObject({ mainSleep: true, type: 'stages', levels: { shortData: [] } });
      expect(log.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000$/);
      const asleep = log.levels.data.filter((s) => s.level !== 'wake').reduce((n, s) => n + s.seconds, 0);
      expect(log.minutesAsleep).toBe(asleep / 60);
      expect(log.levels.data.reduce((n, s) => n + s.seconds, 0) * 1000).toBe(log.duration);
      const { deep, light, rem, wake } = log.levels.summary;
      expect(deep!.minutes + light!.minutes + rem!.minutes).toBe(log.minutesAsleep);
      expect(wake!.minutes).toBe(log.minutesAwake);
      expect(log.timeInBed).toBeGreaterThanOrEqual(390);
      expect(log.endTime.slice(11, 16) >= '06:30' && log.endTime.slice(11, 16) <= '08:30').toBe(true);
      const d = day(log.dateOfSleep);
      expect(d.sleep).toMatchObject({
        logId: log.logId,
        startTime: log.startTime,
        minutesAsleep: log.minutesAsleep,
      });
    }
    // Across the change the wall clock shows an hour less than the night lasted.
    const dst = logs.find((l) => l.dateOfSleep === '2026-10-25')!;
    const wallMs = Date.parse(dst.endTime + 'Z') - Date.parse(dst.startTime + 'Z');
    expect(dst.duration - wallMs).toBe(3_600_000);
  });

  it('follows a weekly rhythm with hikes, commutes and workouts', () => {
    for (const d of sample.days.filter((x) => x.worn)) {
      if (d.kind === 'workday') expect(d.steps).toBeGreaterThanOrEqual(8000);
      if (d.kind === 'workday') expect(d.steps).toBeLessThanOrEqual(12500);
      if (d.kind === 'weekend') expect(d.steps).toBeLessThanOrEqual(7500);
      if (d.kind === 'hike') expect(d.steps).toBeGreaterThanOrEqual(15000);
      if (d.workout) expect(d.heart!.max).toBeGreaterThanOrEqual(140);
      const mean = d.heart!.sum / d.heart!.count;
      expect(mean).toBeGreaterThan(60);
      expect(mean).toBeLessThan(85);
    }
    expect(sample.days.filter((d) => d.workout).length).toBeGreaterThan(20);
    expect(sample.days.filter((d) => d.kind === 'hike').length).toBeGreaterThan(5);
  });

  it('writes a working-days file for the window: weekdays but the vacation days', () => {
    const rows = fs.readFileSync(sample.workingDaysFile, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('date,worked');
    expect(rows).toHaveLength(91);
    const off = sample.days
      .filter((d) => !['Sat', 'Sun'].includes(d.weekday) && d.worked === 0)
      .map((d) => d.date);
    expect(off).toEqual(['2026-09-18', '2026-09-21']);
    expect(rows).toContain('2026-09-18,0');
    expect(rows).toContain('2026-09-17,1');
  });

  it('writes a working-days file that readWorkingDays reads without warnings', async () => {
    const { days, warnings } = await readWorkingDays(sample.workingDaysFile);
    expect(warnings).toEqual([]);
    expect([...days.values()]).toEqual(sample.days.map((d) => ({ date: d.date, worked: d.worked })));
  });

  it('builds a date the same way whatever the window (away from gaps and days off)', () => {
    // Here the gaps fall on 10-23, 10-26 (heart only) and 10-29, the days off on 10-30 and 11-02.
    const short = generateSampleExport({ outDir: tmpDir(), endDate: '2026-11-02', days: 14 });
    expect(short.days.find((d) => d.date === '2026-10-25')).toEqual(day('2026-10-25'));
  });
});

describe('generateSampleExport determinism and options', () => {
  const options = { endDate: '2026-10-29', days: 10, heartIntervalSeconds: 15 };

  it('gives identical bytes for the same seed, different ones for another seed', () => {
    const a = generateSampleExport({ outDir: tmpDir(), ...options });
    const b = generateSampleExport({ outDir: tmpDir(), ...options });
    const c = generateSampleExport({ outDir: tmpDir(), ...options, seed: 7 });
    expect(treeHash(a.root)).toBe(treeHash(b.root));
    expect(treeHash(c.root)).not.toBe(treeHash(a.root));
    // Pinned, so that a change to the generator is deliberate: other tests cross-check its numbers.
    expect(treeHash(a.root)).toBe('fba5d960ba32dc32e95dcc0dc2afd852ab37da0e649a1f5d45619ef6a33241e0');
  });

  it("writes a trip abroad as the watch does: those days between the other zone's midnights", () => {
    const trip = generateSampleExport({
      outDir: tmpDir(),
      ...options,
      travel: { from: '2026-10-23', to: '2026-10-26', timeZone: 'America/New_York' },
    });
    const byDate = new Map(trip.days.map((d) => [d.date, d]));
    // Leaving Berlin: 10-22 runs from Berlin's midnight to New York's (24 + 6 hours).
    expect(byDate.get('2026-10-22')).toMatchObject({ hours: 30, timeZone: ZONE });
    expect(byDate.get('2026-10-23')).toMatchObject({ hours: 24, timeZone: 'America/New_York' });
    // 10-25: Berlin's clocks go back, New York's do not (until November).
    expect(byDate.get('2026-10-25')).toMatchObject({ hours: 24, timeZone: 'America/New_York' });
    // Back: 10-26 runs from New York's midnight to Berlin's (24 - 5 hours after the change).
    expect(byDate.get('2026-10-26')).toMatchObject({ hours: 19, timeZone: 'America/New_York' });
    const globalDir = path.join(trip.fitbitDir, 'Global Export Data');
    const rows = JSON.parse(
      fs.readFileSync(path.join(globalDir, 'heart_rate-2026-10-24.json'), 'utf8'),
    ) as HeartRow[];
    // New York's midnight in summer time (UTC-4) is 04:00 UTC.
    expect(rows[0]!.dateTime).toMatch(/^10\/24\/26 04:00:0\d$/);
    expect(rows[rows.length - 1]!.dateTime).toMatch(/^10\/25\/26 03:59:[45]\d$/);
    const logs = JSON.parse(
      fs.readFileSync(path.join(globalDir, 'sleep-2026-10-20.json'), 'utf8'),
    ) as SleepLogJson[];
    // Sleep logs are in the local time of the night: waking in New York at 06:30-08:30 there.
    const wake = logs.find((l) => l.dateOfSleep === '2026-10-24')!.endTime.slice(11, 16);
    expect(wake >= '06:30' && wake <= '08:30').toBe(true);
    expect(() =>
      generateSampleExport({
        outDir: tmpDir(),
        ...options,
        travel: { from: 'x', to: 'y', timeZone: 'Mars/Base' },
      }),
    ).toThrow(/travel needs dates.*\n?.*unknown travel zone|unknown travel zone/s);
  });

  it('rejects bad options and a directory that already holds an export', () => {
    expect(() => generateSampleExport({ outDir: tmpDir(), endDate: '2026-02-30' })).toThrow(InputError);
    expect(() => generateSampleExport({ outDir: tmpDir(), heartIntervalSeconds: 0 })).toThrow(
      /heartIntervalSeconds/,
    );
    const dir = tmpDir();
    generateSampleExport({ outDir: dir, ...options });
    expect(() => generateSampleExport({ outDir: dir, ...options })).toThrow(/empty directory/);
  });
});
