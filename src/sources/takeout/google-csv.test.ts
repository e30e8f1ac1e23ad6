import { readTakeout } from './read-takeout';
import { googleCsvFiles } from './google-csv';
import { makeExportFixture, profileCsv, type ExportFixture, type FitbitFiles } from './takeout-fixture';

const PA = 'Physical Activity_GoogleData/';
const HF = 'Health Fitness Data_GoogleData/';

/** Hand-made Google-era export of a Berlin user; column orders and spellings vary on purpose. */
const CSV_FILES: FitbitFiles = {
  'Your Profile/Profile.csv': profileCsv('Europe/Berlin'),
  [`${PA}heart_rate_2026-06-30.csv`]:
    'timestamp,beats per minute,data source\n' +
    '2026-06-30T21:59:10Z,60,Pixel Watch 3\n' +
    '2026-06-30T21:59:40.500Z,70,Pixel Watch 3\n' +
    '2026-06-30T22:00:05Z,80,Pixel Watch 3\n' +
    '2026-06-30T23:30:00Z,abc,Pixel Watch 3\n' +
    '2026-06-30 23:31:00,90,Pixel Watch 3\n',
  // Columns swapped, header in another spelling.
  [`${PA}steps_2026-06-30.csv`]:
    'Steps,Timestamp\n10,2026-06-30T21:59:00Z\n5,2026-06-30T22:00:00Z\n12,2026-06-30T23:30:00Z\n',
  [`${PA}daily_resting_heart_rate.csv`]:
    'date,beats per minute\n2026-06-30,58\n2026-07-01,0\n2026-07-02,\n2026-07-03T00:00:00Z,61\n2026-07-03T22:00:00Z,62\n',
  [`${HF}UserSleeps_2026.csv`]:
    'sleep_id,sleep_type,sleep_start,sleep_end,start_utc_offset,end_utc_offset,minutes_asleep,minutes_awake\n' +
    '11,stages,2026-06-30T21:30:00Z,2026-07-01T05:10:00Z,+02:00,+02:00,430,30\n' +
    '12,classic,2026-07-01T12:00:00Z,2026-07-01T12:40:00Z,+02:00,+02:00,35,5\n' +
    // No offsets: the profile zone gives the local times.
    '13,stages,2026-07-02T20:00:00Z,2026-07-03T04:00:00Z,,,420,60\n',
  // Unrecognised headers: one warning naming the file and its headers, file skipped.
  [`${PA}heart_rate_2026-07-01.csv`]: 'time_of_day,pulse\n2026-07-01T10:00:00Z,70\n',
  // Not a file we read.
  [`${PA}calories_2026-06-30.csv`]: 'timestamp,calories\n2026-06-30T10:00:00Z,1.2\n',
};

describe('readTakeout, Google-era CSV layout', () => {
  let fixture: ExportFixture;
  beforeAll(async () => {
    fixture = await makeExportFixture(CSV_FILES);
  });
  afterAll(() => fixture.cleanup());

  it.each(['dir', 'zip'] as const)('reads the CSV files by their headers (%s)', async (kind) => {
    const result = await readTakeout({ path: kind === 'dir' ? fixture.dir : fixture.zip });
    expect(result.timeZone).toBe('Europe/Berlin');
    expect(result.inputs).toBe(5);
    expect([...result.days.values()]).toEqual([
      {
        date: '2026-06-30',
        steps: 10,
        restingHeartRate: 58,
        heart: { sum: 130, count: 2, minutes: [[1439, 130, 2]] },
      },
      {
        date: '2026-07-01',
        steps: 17,
        heart: {
          sum: 170,
          count: 2,
          minutes: [
            [0, 80, 1],
            [91, 90, 1],
          ],
        },
        sleeps: [
          {
            dateOfSleep: '2026-07-01',
            isMainSleep: true,
            minutesAsleep: 430,
            startTime: '2026-06-30T23:30:00.000',
            endTime: '2026-07-01T07:10:00.000',
            levels: undefined,
          },
          {
            dateOfSleep: '2026-07-01',
            isMainSleep: false,
            minutesAsleep: 35,
            startTime: '2026-07-01T14:00:00.000',
            endTime: '2026-07-01T14:40:00.000',
            levels: undefined,
          },
        ],
      },
      {
        date: '2026-07-03',
        restingHeartRate: 61,
        sleeps: [
          {
            dateOfSleep: '2026-07-03',
            isMainSleep: true,
            minutesAsleep: 420,
            startTime: '2026-07-02T22:00:00.000',
            endTime: '2026-07-03T06:00:00.000',
            levels: undefined,
          },
        ],
      },
      // 22:00Z on 07-03 is 00:00 on 07-04 in Berlin: an instant, converted.
      { date: '2026-07-04', restingHeartRate: 62 },
    ]);
    expect(result.warnings).toEqual([
      {
        file: `${PA}heart_rate_2026-06-30.csv`,
        record: 5,
        message: expect.stringContaining('bpm "abc" is not a number'),
      },
      {
        file: `${PA}heart_rate_2026-07-01.csv`,
        message: expect.stringContaining(
          'headers not recognised as a heart-rate (timestamp, beats per minute) file: time_of_day, pulse',
        ),
      },
    ]);
  });

  it('keeps the rows before a malformed line and names the line', async () => {
    const broken = await makeExportFixture({
      'Your Profile/Profile.csv': profileCsv('UTC'),
      [`${PA}steps_2026-06-30.csv`]: 'timestamp,steps\n2026-06-30T10:00:00Z,10\n2026-06-30T10:01:00Z,"5\n',
    });
    try {
      const result = await readTakeout({ path: broken.zip });
      expect(result.days.get('2026-06-30')).toEqual({ date: '2026-06-30', steps: 10 });
      expect(result.warnings).toEqual([
        {
          file: `${PA}steps_2026-06-30.csv`,
          record: expect.any(Number),
          message: expect.stringMatching(/^unreadable from line \d+ on .*rows before it were kept/),
        },
      ]);
    } finally {
      broken.cleanup();
    }
  });

  it('finds the files by name outside the classic folder', () => {
    expect(
      googleCsvFiles([
        `${PA}heart_rate_2026-06-30.csv`,
        `${PA}steps_2026-06-30.csv`,
        `${PA}daily_resting_heart_rate.csv`,
        `${HF}UserSleeps_2024-01-01_2026-11-28.csv`,
        'Global Export Data/steps_2026-06-30.csv',
        `${PA}heart_rate_variability_2026-06-30.csv`,
        `${HF}UserSleepScores.csv`,
      ]),
    ).toEqual([
      { kind: 'heart', member: `${PA}heart_rate_2026-06-30.csv`, date: '2026-06-30' },
      { kind: 'steps', member: `${PA}steps_2026-06-30.csv`, date: '2026-06-30' },
      { kind: 'resting', member: `${PA}daily_resting_heart_rate.csv` },
      { kind: 'sleep', member: `${HF}UserSleeps_2024-01-01_2026-11-28.csv` },
    ]);
  });
});
