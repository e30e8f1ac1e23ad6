import type { DayRecord } from '../day-record';
import type { ReadTakeoutOptions } from './read-takeout';
import {
  heartJson,
  profileCsv,
  readFixtureExport,
  restingJson,
  stepsJson,
  wholeDayHeart,
  type FitbitFiles,
} from './takeout-fixture';

// The completeness rule, one case each, on small exports of a UTC user whose heart-rate files show whole UTC
// days (so each day is 00:00-24:00 UTC unless a case says otherwise).

const G = 'Global Export Data/';

/** Three whole days 06-01..06-03 and a resting rate for each, plus a month of steps (three a day). */
function baseFiles(): FitbitFiles {
  const days = ['2026-06-01', '2026-06-02', '2026-06-03'];
  return {
    'Your Profile/Profile.csv': profileCsv('UTC'),
    ...Object.fromEntries(
      days.map((d) => [`${G}heart_rate-${d}.json`, heartJson(wholeDayHeart(d, [[`${d}T12:00:00`, 90]]))]),
    ),
    [`${G}steps-2026-06-01.json`]: stepsJson(
      days.flatMap((d) => [
        [`${d}T08:00:00`, 100],
        [`${d}T12:00:00`, 200],
        [`${d}T20:00:00`, 300],
      ]),
    ),
    [`${G}resting_heart_rate-2026-06-01.json`]: restingJson(days.map((d) => [d, 58])),
  };
}

const WHOLE_HEART = {
  sum: 210,
  count: 3,
  minutes: [
    [0, 60, 1],
    [720, 90, 1],
    [1439, 60, 1],
  ] as Array<[number, number, number]>,
};
const wholeDay2 = (d: string) => wholeDayHeart(d, [[`${d}T12:00:00`, 90]]);
const wholeDay = (date: string): DayRecord => ({
  date,
  steps: 600,
  restingHeartRate: 58,
  heart: WHOLE_HEART,
});

const read = (files: FitbitFiles, options: Partial<ReadTakeoutOptions> = {}) =>
  readFixtureExport(files, { range: { from: '2026-06-01', to: '2026-06-03' }, ...options });

describe('assembleDays: a metric of day D only when every file covering D was read whole', () => {
  it('reads the undamaged export whole (the baseline of every case)', async () => {
    const result = await read(baseFiles());
    expect(result.warnings).toEqual([]);
    expect([...result.days.values()]).toEqual(['2026-06-01', '2026-06-02', '2026-06-03'].map(wholeDay));
  });

  it.each([
    [
      'empty',
      '',
      'not read whole: the file is empty (0 bytes), expected a JSON array; no record of it could be read',
    ],
    [
      'truncated',
      heartJson(wholeDayHeart('2026-06-02', [['2026-06-02T12:00:00', 90]])).slice(0, 150),
      expect.stringMatching(
        /^not read whole: unreadable from record 1 on \(.+\); none of the 1 record read from it is used$/,
      ) as string,
    ],
    [
      'an object, not an array',
      '{"dateTime":"06/02/26 12:00:00","value":{"bpm":90}}',
      'not read whole: the file does not hold a JSON array; no record of it could be read',
    ],
  ])(
    'withholds the day of a heart-rate file that is %s; the days around keep their values',
    async (_, body, reason) => {
      const result = await read({ ...baseFiles(), [`${G}heart_rate-2026-06-02.json`]: body });
      expect(result.days.get('2026-06-02')).toEqual({
        date: '2026-06-02',
        steps: 600,
        restingHeartRate: 58,
        withheld: { heart: { file: `${G}heart_rate-2026-06-02.json`, reason } },
      });
      expect(result.days.get('2026-06-01')).toEqual(wholeDay('2026-06-01'));
      expect(result.days.get('2026-06-03')).toEqual(wholeDay('2026-06-03'));
    },
  );

  it('withholds every day a damaged monthly file covers', async () => {
    const files = baseFiles();
    const steps = files[`${G}steps-2026-06-01.json`]!;
    const result = await read({ ...files, [`${G}steps-2026-06-01.json`]: steps.slice(0, steps.length - 30) });
    for (const date of ['2026-06-01', '2026-06-02', '2026-06-03']) {
      expect(result.days.get(date)).toEqual({
        date,
        restingHeartRate: 58,
        heart: WHOLE_HEART,
        withheld: {
          steps: {
            file: `${G}steps-2026-06-01.json`,
            reason: expect.stringMatching(/^not read whole: .*; none of the 8 records read from it is used$/),
          },
        },
      });
    }
  });

  it('calls a heart-rate file missing when the day has a resting rate (the tracker was worn)', async () => {
    const files = baseFiles();
    delete files[`${G}heart_rate-2026-06-02.json`];
    const result = await read(files);
    expect(result.days.get('2026-06-02')).toEqual({
      date: '2026-06-02',
      steps: 600,
      restingHeartRate: 58,
      withheld: {
        heart: {
          file: `${G}heart_rate-2026-06-02.json`,
          reason:
            "missing: the day has a resting heart rate (the tracker was worn) but no heart-rate file covers it, so all of that day's heart-rate records are lost",
        },
      },
    });
    // Without a resting rate it is a day off wrist: no heart rate, nothing missing.
    const offWrist = {
      ...files,
      [`${G}resting_heart_rate-2026-06-01.json`]: restingJson([['2026-06-02', 0]]),
    };
    expect((await read(offWrist)).days.get('2026-06-02')).toEqual({ date: '2026-06-02', steps: 600 });
  });

  it('gives no day the samples that spill over from a neighbour file (profile zone cut, own file missing)', async () => {
    const files = baseFiles();
    delete files[`${G}heart_rate-2026-06-02.json`];
    // The wearer was at UTC-3 on 06-01: its file runs to 03:00 UTC on 06-02.
    files[`${G}heart_rate-2026-06-01.json`] = heartJson([
      ['2026-06-01T03:00:05', 60],
      ['2026-06-02T01:00:00', 90],
      ['2026-06-02T02:59:55', 60],
    ]);
    files[`${G}resting_heart_rate-2026-06-01.json`] = restingJson([['2026-06-01', 58]]);
    const result = await read(files, { exportTimezone: 'profile' });
    expect(result.days.get('2026-06-02')!.withheld).toEqual({
      heart: {
        file: `${G}heart_rate-2026-06-01.json`,
        reason:
          "some of its samples fall on a day that no heart-rate file covers (a missing or misnamed file's day)",
      },
    });
    expect(result.days.get('2026-06-02')!.heart).toBeUndefined();
  });

  it('withholds the days of a misnamed file, found by where its records fall, naming it', async () => {
    const files = baseFiles();
    files[`${G}heart_rate-2026-6-2.json`] = files[`${G}heart_rate-2026-06-02.json`]!;
    delete files[`${G}heart_rate-2026-06-02.json`];
    const result = await read(files);
    expect(result.days.get('2026-06-02')!.withheld).toEqual({
      heart: {
        file: `${G}heart_rate-2026-6-2.json`,
        reason:
          'not read whole: named like a heart_rate file, but "2026-6-2" is not a calendar date YYYY-MM-DD, so its period is unknown; none of the 3 records read from it is used',
      },
    });
    expect(result.days.get('2026-06-01')).toEqual(wholeDay('2026-06-01'));
  });

  it('names a misnamed file whose records fall on no collected day (or that holds none)', async () => {
    const result = await read({ ...baseFiles(), [`${G}heart_rate-2026-02-30.json`]: '[]' });
    expect(result.warnings).toEqual([
      {
        file: `${G}heart_rate-2026-02-30.json`,
        message:
          'named like a heart_rate file, but "2026-02-30" is not a calendar date YYYY-MM-DD, so its period is unknown; not used (0 records, none on the days collected)',
      },
    ]);
    expect([...result.days.values()]).toEqual(['2026-06-01', '2026-06-02', '2026-06-03'].map(wholeDay));
  });

  it('withholds the hours two files of one kind both hold (two versions of them)', async () => {
    const files = baseFiles();
    // 06-02's file also holds the first two hours of 06-03, which 06-03's own file holds too.
    files[`${G}heart_rate-2026-06-02.json`] = heartJson([
      ...wholeDay2('2026-06-02'),
      ['2026-06-03T00:00:05', 60],
      ['2026-06-03T02:00:00', 61],
    ]);
    const result = await read(files);
    expect(result.days.get('2026-06-03')!.withheld).toEqual({
      heart: {
        file: `${G}heart_rate-2026-06-03.json`,
        reason: `holds samples of the same hours as ${G}heart_rate-2026-06-02.json (two versions of them)`,
      },
    });
    expect(result.days.get('2026-06-02')).toEqual(wholeDay('2026-06-02'));
  });

  it('withholds a resting rate two files disagree about, and counts an exact repeat once', async () => {
    // The 06-03 file starts a day early (its period may begin a day before its name's date).
    const conflict = await read({
      ...baseFiles(),
      [`${G}resting_heart_rate-2026-06-03.json`]: restingJson([
        ['2026-06-02', 61],
        ['2026-06-03', 58],
      ]),
    });
    expect(conflict.days.get('2026-06-02')!.withheld).toEqual({
      resting: {
        file: `${G}resting_heart_rate-2026-06-03.json`,
        reason: `disagrees with ${G}resting_heart_rate-2026-06-01.json about the resting heart rate of 2026-06-02`,
      },
    });
    expect(conflict.days.get('2026-06-03')).toEqual(wholeDay('2026-06-03'));
    const repeat = await read({
      ...baseFiles(),
      [`${G}resting_heart_rate-2026-06-03.json`]: restingJson([['2026-06-02', 58]]),
    });
    expect(repeat.days.get('2026-06-02')).toEqual(wholeDay('2026-06-02'));
    expect(repeat.warnings).toEqual([
      {
        file: `${G}resting_heart_rate-2026-06-03.json`,
        message:
          '1 record repeats a record of another file exactly (same date or sleep log); each is counted once',
      },
    ]);
  });

  it("withholds the export's first and last day when their heart-rate files show they were not whole", async () => {
    const files = baseFiles();
    // The tracker came out of its box at 14:00 on 06-01; the export was made at 10:30 on 06-03.
    files[`${G}heart_rate-2026-06-01.json`] = heartJson([
      ['2026-06-01T14:00:00', 70],
      ['2026-06-01T23:59:55', 60],
    ]);
    files[`${G}heart_rate-2026-06-03.json`] = heartJson([
      ['2026-06-03T00:00:05', 60],
      ['2026-06-03T10:30:00', 70],
    ]);
    const result = await read(files);
    expect(result.warnings).toEqual([]);
    expect(result.days.get('2026-06-01')).toEqual({
      date: '2026-06-01',
      restingHeartRate: 58,
      withheld: {
        heart: {
          file: `${G}heart_rate-2026-06-01.json`,
          reason: "the export's first day is not whole: its heart rate starts at 2026-06-01T14:00:00Z",
          expected: true,
        },
        steps: {
          file: `${G}heart_rate-2026-06-01.json`,
          reason: "the export's first day is not whole: its heart rate starts at 2026-06-01T14:00:00Z",
          expected: true,
        },
      },
    });
    expect(result.days.get('2026-06-02')).toEqual(wholeDay('2026-06-02'));
    expect(result.days.get('2026-06-03')!.withheld?.heart?.reason).toBe(
      "the export's last day is not whole: its heart rate ends at 2026-06-03T10:30:00Z",
    );
  });

  it('withholds every day of a file when a record that cannot be placed has no readable neighbour', async () => {
    const files = baseFiles();
    files[`${G}steps-2026-06-01.json`] = JSON.stringify([{ dateTime: 'garbage', value: '5' }]);
    const result = await read(files);
    for (const date of ['2026-06-01', '2026-06-02', '2026-06-03']) {
      expect(result.days.get(date)!.withheld?.steps).toEqual({
        file: `${G}steps-2026-06-01.json`,
        reason: '1 record of it skipped (named in the warnings about it)',
      });
    }
  });
});
