import { deriveDays } from '../../metrics/derive';
import { readTakeout } from './read-takeout';
import { googleCsvFiles } from './google-csv';
import { makeExportFixture, profileCsv, type ExportFixture, type FitbitFiles } from './takeout-fixture';

const PA = 'Physical Activity_GoogleData/';
const HF = 'Health Fitness Data_GoogleData/';

/** The header rows of a real Google-era export, verbatim (only structure: no one's values). */
const HEADERS = {
  heart: 'timestamp,beats per minute,data source',
  steps: 'timestamp,steps,data source',
  sleeps:
    'sleep_id,sleep_type,minutes_in_sleep_period,minutes_after_wake_up,minutes_to_fall_asleep,minutes_asleep,' +
    'minutes_awake,minutes_longest_awakening,minutes_to_persistent_sleep,start_utc_offset,sleep_start,' +
    'end_utc_offset,sleep_end,data_source,algorithm_version,sleep_created,sleep_last_updated',
};

const csv = (header: string, rows: string[]) => `${header}\n${rows.join('\n')}\n`;

/** A Google-era export of a Berlin user (CEST, UTC+2), with generated values under the real headers. */
const CSV_FILES: FitbitFiles = {
  'Your Profile/Profile.csv': profileCsv('Europe/Berlin'),
  // 06-30 from local midnight to local midnight; both timestamp spellings of real exports.
  [`${PA}heart_rate_2026-06-30.csv`]: csv(HEADERS.heart, [
    '2026-06-29T22:00:05Z,60,Pixel Watch 3',
    '2026-06-30T10:00:00Z,70,Pixel Watch 3',
    '2026-06-30 21:59:55+0000,80,Pixel Watch 3',
  ]),
  [`${PA}steps_2026-06-30.csv`]: csv(HEADERS.steps, [
    '2026-06-30T10:00:00Z,10,Pixel Watch 3',
    '2026-06-30T21:59:00Z,5,Pixel Watch 3', // 23:59 on 06-30
    '2026-06-30T22:00:00Z,7,Pixel Watch 3', // 00:00 on 07-01
  ]),
  [`${PA}daily_resting_heart_rate.csv`]:
    'date,beats per minute\n2026-06-30,58\n2026-07-01T00:00:00Z,0\n2026-07-02,\n',
  // minutes_to_fall_asleep (12) comes before minutes_asleep (430): the asleep minutes are the latter.
  [`${HF}UserSleeps_2026-06-30.csv`]: csv(HEADERS.sleeps, [
    '11,stages,460,0,12,430,30,9,14,+02:00,2026-06-30T21:30:00Z,+02:00,2026-07-01T05:10:00Z,Pixel Watch 3,3,2026-07-01T05:20:00Z,2026-07-01T05:20:00Z',
    '12,classic,40,0,3,35,5,2,4,+02:00,2026-07-01T12:00:00Z,+02:00,2026-07-01T12:40:00Z,Pixel Watch 3,3,2026-07-01T12:45:00Z,2026-07-01T12:45:00Z',
    // No offsets: the profile zone gives the local times.
    '13,stages,480,0,20,420,60,15,25,,2026-07-02T20:00:00Z,,2026-07-03T04:00:00Z,Pixel Watch 3,3,2026-07-03T04:10:00Z,2026-07-03T04:10:00Z',
  ]),
  // Unrecognised headers: the file cannot be read, so the day it covers gets no heart-rate metrics.
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

  it.each(['dir', 'zip'] as const)('reads the CSV files by their real header rows (%s)', async (kind) => {
    const result = await readTakeout({ path: kind === 'dir' ? fixture.dir : fixture.zip });
    expect(result.timeZone).toBe('Europe/Berlin');
    expect(result.inputs).toBe(5);
    expect(result.warnings).toEqual([]);
    const sleep = (id: number, minutesAsleep: number, startTime: string, endTime: string) => ({
      dateOfSleep: endTime.slice(0, 10),
      minutesAsleep,
      startTime,
      endTime,
      levels: undefined,
    });
    expect([...result.days.values()]).toEqual([
      {
        date: '2026-06-30',
        steps: 15,
        restingHeartRate: 58,
        heart: {
          sum: 210,
          count: 3,
          minutes: [
            [0, 60, 1],
            [720, 70, 1],
            [1439, 80, 1],
          ],
        },
      },
      {
        date: '2026-07-01',
        steps: 7,
        sleeps: [
          sleep(11, 430, '2026-06-30T23:30:00.000', '2026-07-01T07:10:00.000'),
          sleep(12, 35, '2026-07-01T14:00:00.000', '2026-07-01T14:40:00.000'),
        ],
        withheld: {
          heart: {
            file: `${PA}heart_rate_2026-07-01.csv`,
            reason:
              'not read whole: headers not recognised as a heart-rate (timestamp, beats per minute) file: ' +
              'time_of_day, pulse; no record of it could be read',
          },
        },
      },
      {
        date: '2026-07-03',
        sleeps: [sleep(13, 420, '2026-07-02T22:00:00.000', '2026-07-03T06:00:00.000')],
      },
    ]);
    // The file has no main-sleep column: the longest log of each night is its main sleep.
    const metrics = deriveDays(result.days, { from: '2026-06-30', to: '2026-07-03' });
    expect(metrics.map((m) => [m.date, m.values['sleep.minutes_before']])).toEqual([
      ['2026-06-30', undefined],
      ['2026-07-01', 430],
      ['2026-07-02', undefined],
      ['2026-07-03', 420],
    ]);
  });

  it('withholds every day of a file that breaks off at a malformed line, naming the line', async () => {
    const broken = await makeExportFixture({
      'Your Profile/Profile.csv': profileCsv('UTC'),
      [`${PA}steps_2026-06-30.csv`]: 'timestamp,steps\n2026-06-30T10:00:00Z,10\n2026-07-02T10:01:00Z,"5\n',
    });
    try {
      const result = await readTakeout({ path: broken.zip });
      expect(result.warnings).toEqual([]);
      const withheld = {
        steps: {
          file: `${PA}steps_2026-06-30.csv`,
          reason: expect.stringMatching(
            /^not read whole: unreadable from line \d+ on \(.+\); none of the 1 record read from it is used$/,
          ) as string,
        },
      };
      expect(result.days.get('2026-06-30')).toEqual({ date: '2026-06-30', withheld });
    } finally {
      broken.cleanup();
    }
  });

  it('finds the files by name outside the classic folders', () => {
    expect(
      googleCsvFiles([
        `${PA}heart_rate_2026-06-30.csv`,
        `${PA}steps_2026-06-30.csv`,
        `${PA}daily_resting_heart_rate.csv`,
        `${HF}UserSleeps_2024-01-01_2026-11-28.csv`,
        'Global Export Data/steps_2026-06-30.csv',
        'user-site-export/steps_2026-06-30.csv',
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
