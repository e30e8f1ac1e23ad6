import { readTakeout } from './read-takeout';
import {
  heartJson,
  makeExportFixture,
  profileCsv,
  readFixtureExport,
  restingJson,
  stepsJson,
  wholeDayHeart,
  type FitbitFiles,
} from './takeout-fixture';

// Records of the classic JSON files that are implausible, repeated, misdated or unreadable. The profile zone is
// UTC and every heart-rate file shows a whole UTC day, so each day is 00:00-24:00 UTC.

const G = 'Global Export Data/';
const PROFILE = { 'Your Profile/Profile.csv': profileCsv('UTC') };

const read = (files: FitbitFiles, kind: 'dir' | 'zip' = 'dir') =>
  readFixtureExport({ ...PROFILE, ...files }, { kind });

const skipped = (file: string, n: number) => ({
  file: `${G}${file}`,
  reason: `${n === 1 ? '1 record' : `${n} records`} of it skipped (named in the warnings about it)`,
});

describe('classic JSON records', () => {
  it.each(['dir', 'zip'] as const)(
    'skips implausible values naming file and record, and withholds that day only (%s)',
    async (kind) => {
      const result = await read(
        {
          [`${G}heart_rate-2026-06-30.json`]: heartJson(
            wholeDayHeart('2026-06-30', [
              ['2026-06-30T10:00:00', 70],
              ['2026-06-30T10:00:05', 'abc'],
              ['2026-06-30T10:00:10', 99999],
              ['2026-06-30T10:00:15', '1e308'],
              ['2026-06-30T10:00:20', 72],
            ]),
          ),
          [`${G}heart_rate-2026-07-01.json`]: heartJson(
            wholeDayHeart('2026-07-01', [['2026-07-01T08:00:00', 80]]),
          ),
          [`${G}steps-2026-06-30.json`]: stepsJson([
            ['2026-06-30T10:00:00', 100],
            ['2026-06-30T10:01:00', '12.5'],
            ['2026-06-30T10:02:00', '1e12'],
            ['2026-07-01T09:00:00', 200],
          ]),
          [`${G}resting_heart_rate-2026-06-30.json`]: restingJson([
            ['2026-06-30', 57],
            ['2026-07-01', 58],
          ]),
        },
        kind,
      );
      expect(result.warnings).toEqual([
        {
          file: `${G}heart_rate-2026-06-30.json`,
          record: 2,
          message: 'bpm "abc" is not a number; record skipped',
        },
        {
          file: `${G}heart_rate-2026-06-30.json`,
          record: 3,
          message: 'bpm 99999 is outside the plausible range 20..250; record skipped',
        },
        {
          file: `${G}heart_rate-2026-06-30.json`,
          record: 4,
          message: 'bpm "1e308" is outside the plausible range 20..250; record skipped',
        },
        {
          file: `${G}steps-2026-06-30.json`,
          record: 1,
          message: 'step count "12.5" is not a whole number; record skipped',
        },
        {
          file: `${G}steps-2026-06-30.json`,
          record: 2,
          message: 'step count "1e12" is outside the plausible range 0..500; record skipped',
        },
      ]);
      expect([...result.days.values()]).toEqual([
        {
          date: '2026-06-30',
          restingHeartRate: 57,
          withheld: {
            heart: skipped('heart_rate-2026-06-30.json', 3),
            steps: skipped('steps-2026-06-30.json', 2),
          },
        },
        {
          date: '2026-07-01',
          steps: 200,
          restingHeartRate: 58,
          heart: {
            sum: 200,
            count: 3,
            minutes: [
              [0, 60, 1],
              [480, 80, 1],
              [1439, 60, 1],
            ],
          },
        },
      ]);
    },
  );

  it('never lets a non-finite or huge number reach a sum', async () => {
    const raw =
      '[{"dateTime":"06/30/26 00:00:05","value":{"bpm":60,"confidence":2}},' +
      '{"dateTime":"06/30/26 10:00:00","value":{"bpm":1.7e308,"confidence":2}},' +
      '{"dateTime":"06/30/26 10:00:01","value":{"bpm":1.7e308,"confidence":2}},' +
      '{"dateTime":"06/30/26 10:00:02","value":{"bpm":1e999,"confidence":2}},' +
      '{"dateTime":"06/30/26 23:59:55","value":{"bpm":60,"confidence":2}}]';
    const result = await read({ [`${G}heart_rate-2026-06-30.json`]: raw });
    expect(result.warnings.map((w) => [w.record, w.message])).toEqual([
      [1, 'bpm 1.7e+308 is outside the plausible range 20..250; record skipped'],
      [2, 'bpm 1.7e+308 is outside the plausible range 20..250; record skipped'],
      [3, 'bpm Infinity is not a number; record skipped'],
    ]);
    expect(result.days.get('2026-06-30')).toEqual({
      date: '2026-06-30',
      withheld: { heart: skipped('heart_rate-2026-06-30.json', 3) },
    });
  });

  it('counts a repeated timestamp once: exact repeats are a count, conflicting ones withhold the day', async () => {
    const steps: Array<[string, number]> = [
      ['2026-06-30T10:00:00', 100],
      ['2026-06-30T10:01:00', 90],
      ['2026-07-01T10:00:00', 50],
    ];
    const heart = wholeDayHeart('2026-06-30', [['2026-06-30T12:00:00', 80]]);
    const result = await read({
      // The whole array twice: the day's steps must not double.
      [`${G}steps-2026-06-30.json`]: stepsJson([...steps, ...steps]),
      [`${G}heart_rate-2026-06-30.json`]: heartJson([...heart, ['2026-06-30T12:00:00', 81]]),
      [`${G}heart_rate-2026-07-01.json`]: heartJson(wholeDayHeart('2026-07-01')),
      [`${G}resting_heart_rate-2026-06-30.json`]: restingJson([
        ['2026-06-30', 57],
        ['2026-06-30', 57],
        ['2026-07-01', 58],
        ['2026-07-01', 59],
      ]),
      [`${G}sleep-2026-06-30.json`]: JSON.stringify([
        { logId: 77, dateOfSleep: '2026-06-30', minutesAsleep: 300, mainSleep: true },
        { logId: 77, dateOfSleep: '2026-06-30', minutesAsleep: 300, mainSleep: true },
        { logId: 78, dateOfSleep: '2026-07-01', minutesAsleep: 400, mainSleep: true },
        { logId: 78, dateOfSleep: '2026-07-01', minutesAsleep: 410, mainSleep: true },
      ]),
    });
    expect(result.warnings).toEqual([
      {
        file: `${G}heart_rate-2026-06-30.json`,
        record: 3,
        message:
          'repeats the time 2026-06-30T12:00:00Z of record 1 with another value (80 vs 81); both doubtful',
      },
      {
        file: `${G}resting_heart_rate-2026-06-30.json`,
        record: 3,
        message: 'repeats the date 2026-07-01 of record 2 with another value (58 vs 59); both doubtful',
      },
      {
        file: `${G}resting_heart_rate-2026-06-30.json`,
        message:
          '1 record repeats an earlier record exactly (same time or date, same value); each is counted once',
      },
      { file: `${G}sleep-2026-06-30.json`, record: '77', message: expect.stringContaining('no levels') },
      { file: `${G}sleep-2026-06-30.json`, record: '77', message: expect.stringContaining('no levels') },
      { file: `${G}sleep-2026-06-30.json`, record: '78', message: expect.stringContaining('no levels') },
      { file: `${G}sleep-2026-06-30.json`, record: '78', message: expect.stringContaining('no levels') },
      {
        file: `${G}sleep-2026-06-30.json`,
        record: '78',
        message: 'sleep log 78 appears twice with different content; both doubtful',
      },
      {
        file: `${G}sleep-2026-06-30.json`,
        message:
          '1 record repeats an earlier record exactly (same time or date, same value); each is counted once',
      },
      {
        file: `${G}steps-2026-06-30.json`,
        message:
          '3 records repeat an earlier record exactly (same time or date, same value); each is counted once',
      },
    ]);
    expect([...result.days.values()]).toEqual([
      {
        date: '2026-06-30',
        steps: 190,
        restingHeartRate: 57,
        sleeps: [{ dateOfSleep: '2026-06-30', isMainSleep: true, minutesAsleep: 300, levels: undefined }],
        withheld: { heart: skipped('heart_rate-2026-06-30.json', 1) },
      },
      {
        date: '2026-07-01',
        steps: 50,
        heart: {
          sum: 120,
          count: 2,
          minutes: [
            [0, 60, 1],
            [1439, 60, 1],
          ],
        },
        withheld: {
          resting: skipped('resting_heart_rate-2026-06-30.json', 1),
          sleep: skipped('sleep-2026-06-30.json', 1),
        },
      },
    ]);
  });

  it("skips a record dated outside its file's period; the day around it is withheld", async () => {
    const result = await read({
      [`${G}heart_rate-2026-06-30.json`]: heartJson(
        wholeDayHeart('2026-06-30', [
          ['2026-06-30T10:00:00', 70],
          ['2099-06-30T10:00:02', 71],
          ['2026-06-30T10:00:04', 72],
        ]),
      ),
      [`${G}heart_rate-2026-07-01.json`]: heartJson(wholeDayHeart('2026-07-01')),
      // Inside the period, 10 h into the next UTC day: still the file's (a local day can end at 12:00 UTC).
      [`${G}steps-2026-06-30.json`]: stepsJson([
        ['2026-06-30T10:00:00', 10],
        ['2026-07-30T11:00:00', 20],
        ['2026-07-31T13:00:00', 30],
      ]),
    });
    expect(result.warnings).toEqual([
      {
        file: `${G}heart_rate-2026-06-30.json`,
        record: 2,
        message:
          "time 2099-06-30T10:00:02Z is outside the file's period (more than the UTC shift allows); record skipped",
      },
      {
        file: `${G}steps-2026-06-30.json`,
        record: 2,
        message:
          "time 2026-07-31T13:00:00Z is outside the file's period (more than the UTC shift allows); record skipped",
      },
    ]);
    expect(result.days.get('2026-06-30')).toEqual({
      date: '2026-06-30',
      steps: 10,
      withheld: { heart: skipped('heart_rate-2026-06-30.json', 1) },
    });
    expect(result.days.has('2099-06-30')).toBe(false);
    expect(result.days.get('2026-07-01')).toMatchObject({ heart: { count: 2 } });
  });

  it('gives a sleep log without mainSleep no flag, so the longest log of the night is its main sleep', async () => {
    const result = await read({
      [`${G}sleep-2019-03-01.json`]: JSON.stringify([
        { logId: 1, dateOfSleep: '2019-03-02', minutesAsleep: 55, startTime: '2019-03-02T13:00:00.000' },
        { logId: 2, dateOfSleep: '2019-03-02', minutesAsleep: 431, startTime: '2019-03-01T23:20:00.000' },
      ]),
    });
    expect(result.days.get('2019-03-02')!.sleeps!.map((s) => [s.minutesAsleep, s.isMainSleep])).toEqual([
      [431, undefined],
      [55, undefined],
    ]);
  });

  it('caps record warnings per file and says how many more there were', async () => {
    const many = heartJson(
      Array.from({ length: 120 }, (_, i) => [`2026-06-30T10:${String(i % 60).padStart(2, '0')}:00`, 'x']),
    );
    const result = await read({ [`${G}heart_rate-2026-06-30.json`]: many });
    expect(result.warnings).toHaveLength(51);
    expect(result.warnings[50]).toEqual({
      file: `${G}heart_rate-2026-06-30.json`,
      message: expect.stringContaining('70 more records'),
    });
  });

  it('rejects a path that is not an export, naming it and what was expected', async () => {
    const fixture = await makeExportFixture({ 'Something Else/file.txt': 'x' }, '');
    try {
      await expect(readTakeout({ path: fixture.dir })).rejects.toThrow(
        new RegExp(`${fixture.dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}.*expected a Google Takeout \\.zip`),
      );
      await expect(readTakeout({ path: fixture.zip })).rejects.toMatchObject({
        name: 'InputError',
        exitCode: 3,
      });
      await expect(readTakeout({ path: `${fixture.dir}/Something Else/file.txt` })).rejects.toThrow(
        /not a readable zip/,
      );
      await expect(readTakeout({ path: `${fixture.dir}/missing` })).rejects.toThrow(
        /cannot read the export: ENOENT/,
      );
    } finally {
      fixture.cleanup();
    }
  });
});
