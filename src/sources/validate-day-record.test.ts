import { checkDayRecord, checkSourceResult } from './validate-day-record';

describe('checkDayRecord', () => {
  const heart = { sum: 140, count: 2, minutes: [[600, 140, 2]] };

  it('passes a valid record unchanged', () => {
    const record = {
      date: '2026-06-01',
      steps: 9000,
      restingHeartRate: 57.5,
      heart,
      sleeps: [{ dateOfSleep: '2026-06-01', minutesAsleep: 400, levels: [{ level: 'deep', seconds: 600 }] }],
      worked: 1,
    };
    expect(checkDayRecord(record, '2026-06-01', 'f')).toEqual({ record, problems: [] });
  });

  it('withholds each invalid input with the problem as the reason, and keeps the valid ones', () => {
    const { record, problems } = checkDayRecord(
      {
        date: '2026-06-01',
        steps: -3,
        restingHeartRate: 0,
        heart: { sum: null, count: 2, minutes: [] },
        sleeps: [{ dateOfSleep: '2026-06-01', minutesAsleep: 5000 }],
        worked: 2,
      },
      '2026-06-01',
      'archive/takeout/2026/2026-06-01.json',
    );
    expect(problems).toEqual([
      "steps -3 is not a plausible day's step count",
      'heart.sum null is not a number',
      'sleeps[0].minutesAsleep 5000 is not plausible',
      'worked 2 is not 0 or 1',
    ]);
    expect(record).toEqual({
      date: '2026-06-01',
      restingHeartRate: 0,
      withheld: {
        steps: {
          file: 'archive/takeout/2026/2026-06-01.json',
          reason: "refused, not a plausible value: steps -3 is not a plausible day's step count",
        },
        heart: {
          file: 'archive/takeout/2026/2026-06-01.json',
          reason: 'refused, not a plausible value: heart.sum null is not a number',
        },
        sleep: {
          file: 'archive/takeout/2026/2026-06-01.json',
          reason: 'refused, not a plausible value: sleeps[0].minutesAsleep 5000 is not plausible',
        },
        worked: {
          file: 'archive/takeout/2026/2026-06-01.json',
          reason: 'refused, not a plausible value: worked 2 is not 0 or 1',
        },
      },
    });
  });

  it('refuses a record of another date, or no record at all, whole', () => {
    const other = checkDayRecord({ date: '2026-06-02', steps: 1 }, '2026-06-01', 'f', (p) => `X: ${p}`);
    expect(other.record.withheld?.steps).toEqual({
      file: 'f',
      reason: 'X: holds the record of "2026-06-02", not of 2026-06-01',
    });
    expect(Object.keys(checkDayRecord(null, '2026-06-01', 'f').record.withheld ?? {})).toEqual([
      'steps',
      'heart',
      'resting',
      'sleep',
      'worked',
    ]);
  });

  it("checks a whole source's days, naming the source", () => {
    const checked = checkSourceResult({
      source: 'google-health',
      timeZone: 'UTC',
      days: new Map([
        ['2026-06-01', { date: '2026-06-01', heart: { sum: Infinity, count: 1, minutes: [] } }],
      ]),
      warnings: [],
      inputs: 1,
    });
    expect(checked.days.get('2026-06-01')).toEqual({
      date: '2026-06-01',
      withheld: {
        heart: {
          file: 'google-health',
          reason: 'refused, not a plausible value: heart.sum Infinity is not a number',
        },
      },
    });
  });
});
