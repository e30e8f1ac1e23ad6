import { InputError } from '../errors';
import type { DayRecord, HeartDay, SleepLog } from '../sources/day-record';
import { deriveDay, deriveDays, maxSustainedHeartRate, withheldMetrics } from './derive';
import { addDays, civilDates, isCivilDate } from '../util/civil-date';

/** Heart data with one entry per minute: [minute, average] means one sample of that value. */
function heartOf(minutes: Array<[number, number] | [number, number, number]>): HeartDay {
  const entries = minutes.map(([m, sum, count]) => [m, sum, count ?? 1] as [number, number, number]);
  return {
    sum: entries.reduce((s, [, sum]) => s + sum, 0),
    count: entries.reduce((c, [, , count]) => c + count, 0),
    minutes: entries,
  };
}

/** Minutes first..first+n-1, each with a single sample of `value` (or value(i) for the i-th). */
function run(first: number, n: number, value: number | ((i: number) => number)): Array<[number, number]> {
  return Array.from({ length: n }, (_, i) => [first + i, typeof value === 'number' ? value : value(i)]);
}

function mainSleepOn(date: string, minutesAsleep: number, levels?: SleepLog['levels']): SleepLog {
  return { dateOfSleep: date, isMainSleep: true, minutesAsleep, levels };
}

describe('deriveDay: steps, heart, worked', () => {
  it('takes steps and worked as they are, including 0', () => {
    expect(deriveDay({ date: '2024-03-01', steps: 8421, worked: 1 }, undefined)).toEqual({
      steps: 8421,
      worked: 1,
    });
    expect(deriveDay({ date: '2024-03-01', steps: 0, worked: 0 }, undefined)).toEqual({
      steps: 0,
      worked: 0,
    });
  });

  it('treats a resting heart rate of 0 (tracker not worn) as no value', () => {
    expect(deriveDay({ date: '2024-03-01', restingHeartRate: 57 }, undefined)).toEqual({
      'heart.resting': 57,
    });
    expect(deriveDay({ date: '2024-03-01', restingHeartRate: 0 }, undefined)).toEqual({});
  });

  it('averages over every sample of the day; no samples, no value', () => {
    const heart: HeartDay = { sum: 2150, count: 30, minutes: [] };
    expect(deriveDay({ date: '2024-03-01', heart }, undefined)).toEqual({ 'heart.average': 2150 / 30 });
    expect(deriveDay({ date: '2024-03-01', heart: { sum: 0, count: 0, minutes: [] } }, undefined)).toEqual(
      {},
    );
  });

  it('gives nothing for a missing day except the sleep of the night after', () => {
    expect(deriveDay(undefined, undefined)).toEqual({});
    const next: DayRecord = { date: '2024-03-02', sleeps: [mainSleepOn('2024-03-02', 431)], steps: 99 };
    expect(deriveDay(undefined, next)).toEqual({ 'sleep.minutes_after': 431 });
  });
});

describe('heart.max_sustained', () => {
  it('is the mean of exactly 10 consecutive minutes', () => {
    // 60, 61, …, 69: mean 64.5.
    expect(maxSustainedHeartRate(heartOf(run(600, 10, (i) => 60 + i)))).toBe(64.5);
  });

  it('weights each minute by its own mean, not by its sample count', () => {
    // Minute 100 has two samples (80 and 70: mean 75); 101..109 one sample of 70 each.
    // Per minute: (75 + 9·70) / 10 = 70.5. Per sample it would be (150 + 630) / 11 ≈ 70.9.
    const minutes: Array<[number, number, number]> = [
      [100, 150, 2],
      ...run(101, 9, 70).map(([m, v]) => [m, v, 1] as [number, number, number]),
    ];
    expect(maxSustainedHeartRate(heartOf(minutes))).toBe(70.5);
  });

  it('slides over a longer run and keeps the highest window', () => {
    // 50, then nine 70s, then 100: windows (50 + 630)/10 = 68 and (630 + 100)/10 = 73.
    const minutes = [...run(0, 1, 50), ...run(1, 9, 70), ...run(10, 1, 100)];
    expect(maxSustainedHeartRate(heartOf(minutes))).toBe(73);
  });

  it('has no value for a 9-minute run', () => {
    expect(maxSustainedHeartRate(heartOf(run(0, 9, 150)))).toBeUndefined();
    expect(deriveDay({ date: '2024-03-01', heart: heartOf(run(0, 9, 150)) }, undefined)).toEqual({
      'heart.average': 150,
    });
  });

  it('does not bridge a missing minute', () => {
    // 0..4 at 150 and 6..10 at 60: two 5-minute runs, neither qualifies.
    expect(maxSustainedHeartRate(heartOf([...run(0, 5, 150), ...run(6, 5, 60)]))).toBeUndefined();
    // 0..4 at 150 and 6..15 at 60: only the second run counts, despite the higher values before the gap.
    expect(maxSustainedHeartRate(heartOf([...run(0, 5, 150), ...run(6, 10, 60)]))).toBe(60);
  });

  it('gives the shared value when two runs tie', () => {
    // 70, 90, 70, 90, … and 90, 70, 90, 70, …: both means are exactly 80.
    const first = run(0, 10, (i) => (i % 2 === 0 ? 70 : 90));
    const second = run(500, 10, (i) => (i % 2 === 0 ? 90 : 70));
    expect(maxSustainedHeartRate(heartOf([...first, ...second]))).toBe(80);
  });

  it('is exactly the hand-computed mean of fractional minute means', () => {
    // Each minute has three samples summing to 241: mean 241/3. Ten of them: (10 · 241/3) / 10.
    const minutes: Array<[number, number, number]> = run(0, 10, 241).map(([m, v]) => [m, v, 3]);
    const perMinute = 241 / 3;
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += perMinute;
    expect(maxSustainedHeartRate(heartOf(minutes))).toBe(sum / 10);
  });

  it('does not depend on the order of the minutes, and merges a minute given twice', () => {
    const minutes = run(0, 10, (i) => 60 + i).reverse();
    expect(maxSustainedHeartRate(heartOf(minutes))).toBe(64.5);
    // Minute 5 split into two entries (sums 60 and 70, one sample each) is the same as one entry of mean 65.
    const split: Array<[number, number, number]> = [
      ...run(0, 10, 65)
        .filter(([m]) => m !== 5)
        .map(([m, v]) => [m, v, 1] as [number, number, number]),
      [5, 60, 1],
      [5, 70, 1],
    ];
    expect(maxSustainedHeartRate(heartOf(split))).toBe(65);
  });

  it('ignores minutes outside the day and minutes without samples', () => {
    const minutes: Array<[number, number, number]> = [
      ...run(1430, 10, 80).map(([m, v]) => [m, v, 1] as [number, number, number]),
      [1440, 200, 1],
      [-1, 200, 1],
      [0, 0, 0],
    ];
    expect(maxSustainedHeartRate(heartOf(minutes))).toBe(80);
  });
});

describe('sleep metrics', () => {
  const levels: SleepLog['levels'] = [
    { level: 'light', seconds: 600 },
    { level: 'deep', seconds: 1200 },
    { level: 'wake', seconds: 300 },
    { level: 'rem', seconds: 900 },
    { level: 'light', seconds: 1800 },
    { level: 'awake', seconds: 60 },
    { level: 'deep', seconds: 600 },
  ];

  it('takes minutes_before from the main sleep ending on D and longest_episode from its levels', () => {
    // Asleep runs: 600 + 1200 = 1800 s, 900 + 1800 = 2700 s (45 min), 600 s.
    const day: DayRecord = { date: '2024-03-01', sleeps: [mainSleepOn('2024-03-01', 412, levels)] };
    expect(deriveDay(day, undefined)).toEqual({ 'sleep.minutes_before': 412, 'sleep.longest_episode': 45 });
  });

  it('ignores naps and logs that ended on another date', () => {
    const day: DayRecord = {
      date: '2024-03-01',
      sleeps: [
        { dateOfSleep: '2024-03-01', isMainSleep: false, minutesAsleep: 600 },
        mainSleepOn('2024-02-29', 500),
        mainSleepOn('2024-03-01', 380),
      ],
    };
    expect(deriveDay(day, undefined)).toEqual({ 'sleep.minutes_before': 380 });
    expect(deriveDay({ date: '2024-03-01', sleeps: [day.sleeps![0]!] }, undefined)).toEqual({});
  });

  it('takes the longest of two main sleeps, and the first one on a tie', () => {
    const short = mainSleepOn('2024-03-01', 90, [{ level: 'asleep', seconds: 5400 }]);
    const long = mainSleepOn('2024-03-01', 420, [{ level: 'deep', seconds: 3600 }]);
    expect(deriveDay({ date: '2024-03-01', sleeps: [short, long] }, undefined)).toEqual({
      'sleep.minutes_before': 420,
      'sleep.longest_episode': 60,
    });
    const tieA = mainSleepOn('2024-03-01', 300, [{ level: 'light', seconds: 1200 }]);
    const tieB = mainSleepOn('2024-03-01', 300, [{ level: 'light', seconds: 2400 }]);
    expect(deriveDay({ date: '2024-03-01', sleeps: [tieA, tieB] }, undefined)).toEqual({
      'sleep.minutes_before': 300,
      'sleep.longest_episode': 20,
    });
  });

  it('has no longest_episode without levels, but still minutes_before', () => {
    expect(deriveDay({ date: '2024-03-01', sleeps: [mainSleepOn('2024-03-01', 400)] }, undefined)).toEqual({
      'sleep.minutes_before': 400,
    });
    expect(
      deriveDay({ date: '2024-03-01', sleeps: [mainSleepOn('2024-03-01', 400, [])] }, undefined),
    ).toEqual({
      'sleep.minutes_before': 400,
    });
  });

  it('breaks episodes on restless and awake (classic logs), counts upper-case levels, keeps fractions', () => {
    const classic = mainSleepOn('2024-03-01', 70, [
      { level: 'asleep', seconds: 3000 },
      { level: 'restless', seconds: 120 },
      { level: 'ASLEEP', seconds: 1200 },
      { level: 'awake', seconds: 60 },
      { level: 'asleep', seconds: 90 },
    ]);
    expect(deriveDay({ date: '2024-03-01', sleeps: [classic] }, undefined)['sleep.longest_episode']).toBe(50);
    const short = mainSleepOn('2024-03-01', 2, [{ level: 'light', seconds: 90 }]);
    expect(deriveDay({ date: '2024-03-01', sleeps: [short] }, undefined)['sleep.longest_episode']).toBe(1.5);
  });

  it('gives a longest_episode of 0 when levels exist but none is asleep', () => {
    const awake = mainSleepOn('2024-03-01', 0, [{ level: 'wake', seconds: 600 }]);
    expect(deriveDay({ date: '2024-03-01', sleeps: [awake] }, undefined)).toEqual({
      'sleep.minutes_before': 0,
      'sleep.longest_episode': 0,
    });
  });

  it('takes the longest log of the night as its main sleep when no log says either way (older exports, CSV)', () => {
    const nap = { dateOfSleep: '2024-03-01', minutesAsleep: 45, startTime: '2024-03-01T14:00:00.000' };
    const night = {
      dateOfSleep: '2024-03-01',
      minutesAsleep: 402,
      startTime: '2024-02-29T23:10:00.000',
      levels: [{ level: 'light', seconds: 1800 }],
    };
    const yesterday = { dateOfSleep: '2024-02-29', minutesAsleep: 600 };
    expect(deriveDay({ date: '2024-03-01', sleeps: [night, nap, yesterday] }, undefined)).toEqual({
      'sleep.minutes_before': 402,
      'sleep.longest_episode': 30,
    });
    // Equal length: the first in start-time order (the records keep their logs in that order).
    const twin = { ...night, startTime: '2024-03-01T02:00:00.000', levels: [] };
    expect(deriveDay({ date: '2024-03-01', sleeps: [night, twin] }, undefined)['sleep.longest_episode']).toBe(
      30,
    );
    // A log of the night carries the flag, and none says "main": the source says there is no main sleep.
    expect(
      deriveDay({ date: '2024-03-01', sleeps: [{ ...night, isMainSleep: false }, nap] }, undefined),
    ).toEqual({});
  });

  it('takes minutes_after from the next night, absent until it exists', () => {
    const day: DayRecord = { date: '2024-03-01', sleeps: [mainSleepOn('2024-03-01', 400)] };
    const next: DayRecord = { date: '2024-03-02', sleeps: [mainSleepOn('2024-03-02', 455)] };
    expect(deriveDay(day, next)).toEqual({ 'sleep.minutes_before': 400, 'sleep.minutes_after': 455 });
    expect(deriveDay(day, { date: '2024-03-02', steps: 10 })).toEqual({ 'sleep.minutes_before': 400 });
  });
});

describe('deriveDays', () => {
  const days = new Map<string, DayRecord>([
    ['2024-02-28', { date: '2024-02-28', steps: 1000 }],
    // 2024-02-29 has no record at all.
    ['2024-03-01', { date: '2024-03-01', steps: 3000, sleeps: [mainSleepOn('2024-03-01', 410)] }],
    ['2024-03-02', { date: '2024-03-02', sleeps: [mainSleepOn('2024-03-02', 395)] }],
  ]);

  it('lists the dates in range that have a value, ascending, with minutes_after from past the range end', () => {
    expect(deriveDays(days, { from: '2024-02-27', to: '2024-03-01' })).toEqual([
      { date: '2024-02-28', values: { steps: 1000 } },
      // No record, but the night that ended on 03-01 is its sleep after.
      { date: '2024-02-29', values: { 'sleep.minutes_after': 410 } },
      {
        date: '2024-03-01',
        values: { steps: 3000, 'sleep.minutes_before': 410, 'sleep.minutes_after': 395 },
      },
    ]);
  });

  it('takes open bounds from the records', () => {
    expect(deriveDays(days, {}).map((d) => d.date)).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2024-03-02',
    ]);
    expect(deriveDays(new Map(), {})).toEqual([]);
  });

  it('returns nothing for an empty or inverted range', () => {
    expect(deriveDays(days, { from: '2024-03-05', to: '2024-03-10' })).toEqual([]);
    expect(deriveDays(days, { from: '2024-03-02', to: '2024-03-01' })).toEqual([]);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => deriveDays(days, { from: '2024-02-30', to: '2024-03-01' })).toThrow(InputError);
    expect(() => deriveDays(days, { from: '2024-3-1', to: '2024-03-01' })).toThrow(/expected YYYY-MM-DD/);
  });
});

describe('withheld inputs', () => {
  const reason = { file: 'Global Export Data/steps-2024-03-01.json', reason: 'not read whole' };
  const full: DayRecord = {
    date: '2024-03-01',
    steps: 9000,
    restingHeartRate: 57,
    heart: heartOf(run(600, 10, 70)),
    sleeps: [mainSleepOn('2024-03-01', 400, [{ level: 'deep', seconds: 600 }])],
    worked: 1,
  };

  it('give their metrics no value, whatever value the record still holds', () => {
    expect(deriveDay({ ...full, withheld: { steps: reason, heart: reason } }, undefined)).toEqual({
      'heart.resting': 57,
      'sleep.minutes_before': 400,
      'sleep.longest_episode': 10,
      worked: 1,
    });
    expect(withheldMetrics({ ...full, withheld: { steps: reason, heart: reason } }, undefined)).toEqual([
      'steps',
      'heart.average',
      'heart.max_sustained',
    ]);
  });

  it("withhold the day before's minutes_after when the night is withheld", () => {
    const next: DayRecord = {
      date: '2024-03-02',
      sleeps: [mainSleepOn('2024-03-02', 380)],
      withheld: { sleep: reason },
    };
    expect(deriveDay(full, next)['sleep.minutes_after']).toBeUndefined();
    expect(withheldMetrics(full, next)).toEqual(['sleep.minutes_after']);
    expect(withheldMetrics({ ...full, withheld: { resting: reason, worked: reason } }, undefined)).toEqual([
      'heart.resting',
      'worked',
    ]);
  });

  it('are listed per day by deriveDays, also for a day left without any value', () => {
    const days = new Map<string, DayRecord>([
      ['2024-03-01', { date: '2024-03-01', withheld: { steps: reason } }],
      ['2024-03-02', { date: '2024-03-02', steps: 5 }],
    ]);
    expect(deriveDays(days, { from: '2024-03-01', to: '2024-03-02' })).toEqual([
      { date: '2024-03-01', values: {}, withheld: ['steps'] },
      { date: '2024-03-02', values: { steps: 5 } },
    ]);
  });
});

describe('civil dates', () => {
  it('adds days across month, leap day and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-31', 1)).toBe('2024-04-01'); // a DST change in Europe: irrelevant for civil dates
    expect(addDays('2024-01-01', -1)).toBe('2023-12-31');
  });

  it('lists dates inclusively and validates them', () => {
    expect(civilDates('2024-02-27', '2024-03-01')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(isCivilDate('2024-02-29')).toBe(true);
    expect(isCivilDate('2023-02-29')).toBe(false);
    expect(isCivilDate('2024-02-29T00:00')).toBe(false);
  });
});
