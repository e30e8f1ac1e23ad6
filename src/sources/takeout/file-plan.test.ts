import { covers, planExport, recordLimits, selectFiles } from './file-plan';

const G = 'Global Export Data/';
const PA = 'Physical Activity_GoogleData/';

describe('planExport: the period each file covers by its name', () => {
  const plan = planExport([
    `${G}heart_rate-2026-06-14.json`,
    `${G}heart_rate-2026-06-15.json`,
    `${G}steps-2026-05-17.json`,
    `${G}steps-2026-06-17.json`,
    // A month missing in the chain: the June file covers at most a month.
    `${G}steps-2026-08-17.json`,
    `${G}sleep-2026-01-31.json`,
    `${G}resting_heart_rate-2025-11-02.json`,
    `${G}resting_heart_rate-2026-11-02.json`,
    `${G}steps-2026-9-3.json`,
    `${G}heart_rate-2026-02-30.json`,
    `${G}weight-2026-06-01.json`,
    'Your Profile/Profile.csv',
    `${PA}steps_2026-06-30.csv`,
  ]);
  const period = (member: string) => plan.files.find((f) => f.member === `${G}${member}`)?.period;

  it('reads the classic family and ignores the CSV copies', () => {
    expect(plan.layout).toBe('classic-json');
    expect(plan.ignoredCsvFiles).toBe(1);
  });

  it('gives a heart-rate file one day, steps and sleep a month at most, the resting file up to the next one', () => {
    expect(period('heart_rate-2026-06-14.json')).toEqual({ from: '2026-06-14', to: '2026-06-15' });
    expect(period('steps-2026-05-17.json')).toEqual({ from: '2026-05-17', to: '2026-06-17' });
    expect(period('steps-2026-06-17.json')).toEqual({ from: '2026-06-17', to: '2026-07-17' });
    // The last file runs for the usual spacing: a month.
    expect(period('steps-2026-08-17.json')).toEqual({ from: '2026-08-17', to: '2026-09-17' });
    expect(period('sleep-2026-01-31.json')).toEqual({ from: '2026-01-31', to: '2026-02-28' });
    expect(period('resting_heart_rate-2025-11-02.json')).toEqual({ from: '2025-11-02', to: '2026-11-02' });
    expect(period('resting_heart_rate-2026-11-02.json')).toEqual({ from: '2026-11-02' });
  });

  it('gives the last classic monthly file a month, even after a first file that starts late in its month', () => {
    const short = planExport([`${G}sleep-2026-09-27.json`, `${G}sleep-2026-10-01.json`]);
    expect(short.files.map((f) => f.period)).toEqual([
      { from: '2026-09-27', to: '2026-10-01' },
      { from: '2026-10-01', to: '2026-11-01' },
    ]);
  });

  it('keeps misnamed files, with no period, to count and place their records', () => {
    expect(plan.files.filter((f) => f.misnamed).map((f) => [f.member, f.kind, f.period, f.misnamed])).toEqual(
      [
        [
          `${G}steps-2026-9-3.json`,
          'steps',
          undefined,
          'named like a steps file, but "2026-9-3" is not a calendar date YYYY-MM-DD, so its period is unknown',
        ],
        [
          `${G}heart_rate-2026-02-30.json`,
          'heart',
          undefined,
          'named like a heart_rate file, but "2026-02-30" is not a calendar date YYYY-MM-DD, so its period is unknown',
        ],
      ],
    );
    const misnamed = plan.files.find((f) => f.misnamed)!;
    expect(covers(misnamed, '2026-09-03')).toBe(false);
    expect(recordLimits(misnamed)).toEqual({});
  });

  it('gives CSV sample files the spacing of the files before them, and undated CSV files everything', () => {
    const csv = planExport([
      `${PA}heart_rate_2026-06-29.csv`,
      `${PA}heart_rate_2026-06-30.csv`,
      `${PA}heart_rate_2026-07-01.csv`,
      `${PA}daily_resting_heart_rate.csv`,
    ]);
    expect(csv.layout).toBe('google-csv');
    expect(csv.files.map((f) => [f.member.slice(PA.length), f.period])).toEqual([
      ['daily_resting_heart_rate.csv', {}],
      ['heart_rate_2026-06-29.csv', { from: '2026-06-29', to: '2026-06-30' }],
      ['heart_rate_2026-06-30.csv', { from: '2026-06-30', to: '2026-07-01' }],
      ['heart_rate_2026-07-01.csv', { from: '2026-07-01', to: '2026-07-02' }],
    ]);
  });

  it('allows records the UTC shift can move out of the period, and no further', () => {
    const heart = plan.files.find((f) => f.member === `${G}heart_rate-2026-06-14.json`)!;
    // Local 06-14 is 06-13 10:00 UTC at +14:00 at the earliest, 06-15 12:00 UTC at -12:00 at the latest.
    expect(recordLimits(heart)).toEqual({
      instants: { from: Date.parse('2026-06-13T10:00:00Z'), to: Date.parse('2026-06-15T12:00:00Z') },
    });
    const sleep = plan.files.find((f) => f.member === `${G}sleep-2026-01-31.json`)!;
    expect(recordLimits(sleep)).toEqual({ dates: { from: '2026-01-30', to: '2026-02-28' } });
  });
});

describe('selectFiles', () => {
  const { files } = planExport([
    `${G}heart_rate-2026-02-10.json`,
    `${G}heart_rate-2026-02-13.json`,
    `${G}heart_rate-2026-02-18.json`,
    `${G}heart_rate-2026-02-19.json`,
    `${G}steps-2026-01-01.json`,
    `${G}steps-2026-02-01.json`,
    `${G}steps-2026-03-01.json`,
    `${G}resting_heart_rate-2025-01-01.json`,
    `${G}steps-2026-2-1.json`,
  ]);
  const names = (range: { from?: string; to?: string }) =>
    selectFiles(files, range).map((f) => f.member.slice(G.length));

  it('reads the files whose period meets the range, two days before and three after it (the day windows)', () => {
    expect(names({ from: '2026-02-15', to: '2026-02-15' })).toEqual([
      'heart_rate-2026-02-13.json',
      'heart_rate-2026-02-18.json',
      'resting_heart_rate-2025-01-01.json',
      'steps-2026-02-01.json',
      'steps-2026-2-1.json',
    ]);
    expect(names({ from: '2026-03-03' })).toEqual([
      'resting_heart_rate-2025-01-01.json',
      'steps-2026-03-01.json',
      'steps-2026-2-1.json',
    ]);
  });

  it('reads everything without a range', () => {
    expect(names({})).toHaveLength(files.length);
  });
});
