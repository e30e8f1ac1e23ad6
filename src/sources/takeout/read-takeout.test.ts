import { Writable } from 'node:stream';
import pino from 'pino';
import type { DayRecord, ProgressReporter, SourceResult } from '../day-record';
import { readTakeout } from './read-takeout';
import {
  heartJson,
  makeExportFixture,
  profileCsv,
  restingJson,
  stepsJson,
  type ExportFixture,
  type FitbitFiles,
} from './takeout-fixture';

const G = 'Global Export Data/';

const SLEEP_LOGS = [
  {
    logId: 1001,
    dateOfSleep: '2026-06-16',
    startTime: '2026-06-15T23:46:00.000',
    endTime: '2026-06-16T07:10:00.000',
    duration: 26640000,
    minutesAsleep: 400,
    minutesAwake: 44,
    mainSleep: true,
    type: 'stages',
    levels: {
      summary: { deep: { count: 3, minutes: 60 } },
      data: [
        { dateTime: '2026-06-15T23:46:00.000', level: 'wake', seconds: 60 },
        { dateTime: '2026-06-15T23:47:00.000', level: 'light', seconds: 1800 },
        { dateTime: '2026-06-16T00:17:00.000', level: 'deep', seconds: 3600 },
        { dateTime: '2026-06-16T01:17:00.000', level: 'rem', seconds: 1200 },
      ],
      shortData: [{ dateTime: '2026-06-16T00:00:00.000', level: 'wake', seconds: 30 }],
    },
  },
  {
    logId: 1002,
    dateOfSleep: '2026-06-16',
    startTime: '2026-06-16T14:00:00.000',
    endTime: '2026-06-16T14:45:00.000',
    minutesAsleep: 40,
    mainSleep: false,
    type: 'classic',
    levels: {
      summary: {},
      data: [
        { dateTime: '2026-06-16T14:00:00.000', level: 'awake', seconds: 120 },
        { dateTime: '2026-06-16T14:02:00.000', level: 'asleep', seconds: 2100 },
        { dateTime: '2026-06-16T14:37:00.000', level: 'restless', seconds: 480 },
      ],
    },
  },
  // Outside every range used below except the unbounded one; has no levels.
  {
    logId: 2001,
    dateOfSleep: '2026-06-20',
    startTime: '2026-06-19T23:00:00.000',
    minutesAsleep: 420,
    mainSleep: true,
  },
];

/**
 * A classic export of a Berlin user, shaped like a real one: daily heart-rate files from local midnight to local
 * midnight (UTC times), monthly steps and sleep files split at local midnight, one resting-rate file, and a
 * DST fall-back day (25 hours).
 */
const CLASSIC_FILES: FitbitFiles = {
  'Your Profile/Profile.csv': profileCsv('Europe/Berlin'),
  [`${G}steps-2026-06-15.json`]: stepsJson([
    ['2026-06-15T10:00:00', 100],
    ['2026-06-15T21:59:00', 10], // 23:59 CEST on 06-15
    ['2026-06-15T22:00:00', 5], // 00:00 CEST on 06-16
    ['2026-06-15T23:30:00', 12], // 01:30 CEST on 06-16
  ]),
  [`${G}steps-2026-07-01.json`]: stepsJson([['2026-07-01T08:00:00', 7]]),
  [`${G}heart_rate-2026-06-15.json`]: heartJson([
    ['2026-06-14T22:00:05', 60], // 00:00:05 CEST
    ['2026-06-15T12:00:10', 70],
    ['2026-06-15T21:59:55', 80], // 23:59:55 CEST
  ]),
  [`${G}heart_rate-2026-06-16.json`]: heartJson([
    ['2026-06-15T22:00:05', 80],
    ['2026-06-15T23:30:00', 90],
    ['2026-06-16T21:59:50', 70],
  ]),
  [`${G}heart_rate-2026-10-25.json`]: heartJson([
    ['2026-10-24T22:00:00', 50], // 00:00 CEST
    ['2026-10-25T00:30:00', 60], // 02:30 CEST
    ['2026-10-25T01:30:00', 80], // 02:30 CET: same clock minute
    ['2026-10-25T22:59:00', 70], // 23:59 CET
  ]),
  [`${G}resting_heart_rate-2026-06-15.json`]: restingJson([
    ['2026-06-15', 57.1],
    ['2026-06-16', 0],
  ]),
  [`${G}sleep-2026-06-15.json`]: JSON.stringify(SLEEP_LOGS),
  // Files we do not read, some of them not even JSON: ignored silently.
  [`${G}weight-2026-06-01.json`]: '[{"logId":1,"weight":70}]',
  [`${G}calories-2026-06-01.json`]: 'not json at all',
  [`${G}time_in_heart_rate_zones-2026-06-01.json`]: '{',
  'Sleep/sleep_score.csv': 'garbage',
};

const EXPECTED_DAYS: DayRecord[] = [
  {
    date: '2026-06-15',
    steps: 110,
    restingHeartRate: 57.1,
    heart: {
      sum: 210,
      count: 3,
      minutes: [
        [0, 60, 1],
        [840, 70, 1],
        [1439, 80, 1],
      ],
    },
  },
  {
    date: '2026-06-16',
    steps: 17,
    heart: {
      sum: 240,
      count: 3,
      minutes: [
        [0, 80, 1],
        [90, 90, 1],
        [1439, 70, 1],
      ],
    },
    sleeps: [
      {
        dateOfSleep: '2026-06-16',
        isMainSleep: true,
        minutesAsleep: 400,
        startTime: '2026-06-15T23:46:00.000',
        endTime: '2026-06-16T07:10:00.000',
        levels: [
          { level: 'wake', seconds: 60 },
          { level: 'light', seconds: 1800 },
          { level: 'deep', seconds: 3600 },
          { level: 'rem', seconds: 1200 },
        ],
      },
      {
        dateOfSleep: '2026-06-16',
        isMainSleep: false,
        minutesAsleep: 40,
        startTime: '2026-06-16T14:00:00.000',
        endTime: '2026-06-16T14:45:00.000',
        levels: [
          { level: 'awake', seconds: 120 },
          { level: 'asleep', seconds: 2100 },
          { level: 'restless', seconds: 480 },
        ],
      },
    ],
  },
  {
    date: '2026-06-20',
    sleeps: [
      {
        dateOfSleep: '2026-06-20',
        isMainSleep: true,
        minutesAsleep: 420,
        startTime: '2026-06-19T23:00:00.000',
        levels: undefined,
      },
    ],
  },
  { date: '2026-07-01', steps: 7 },
  {
    date: '2026-10-25',
    heart: {
      sum: 260,
      count: 4,
      minutes: [
        [0, 50, 1],
        [150, 140, 2],
        [1439, 70, 1],
      ],
    },
  },
];

function daysOf(result: SourceResult): DayRecord[] {
  return [...result.days.values()];
}

describe('readTakeout, classic JSON layout', () => {
  let fixture: ExportFixture;
  beforeAll(async () => {
    fixture = await makeExportFixture(CLASSIC_FILES);
  });
  afterAll(() => fixture.cleanup());

  it('reads steps, heart, resting HR and sleeps per Berlin civil day', async () => {
    const result = await readTakeout({ path: fixture.dir });
    expect(result.source).toBe('takeout');
    expect(result.timeZone).toBe('Europe/Berlin');
    expect(daysOf(result)).toEqual(EXPECTED_DAYS);
    expect([...result.days.keys()]).toEqual(EXPECTED_DAYS.map((d) => d.date));
    expect(result.inputs).toBe(7);
    expect(result.otherOffsetDays).toEqual([]);
    // Only the sleep without levels is worth a warning; unknown files are ignored silently.
    expect(result.warnings).toEqual([
      {
        file: `${G}sleep-2026-06-15.json`,
        record: '2001',
        message: expect.stringContaining('no levels'),
      },
    ]);
  });

  it('gives identical results from the Takeout root, the Takeout folder, the Fitbit folder and the zip', async () => {
    const fromRoot = await readTakeout({ path: fixture.dir });
    for (const p of [`${fixture.dir}/Takeout`, fixture.fitbitDir, fixture.zip]) {
      const other = await readTakeout({ path: p });
      expect(daysOf(other)).toEqual(daysOf(fromRoot));
      expect(other.warnings).toEqual(fromRoot.warnings);
      expect(other.inputs).toBe(fromRoot.inputs);
    }
  });

  it('keeps only dates inside the range and skips files that cannot reach it', async () => {
    const progress: ProgressReporter & { total?: number; increments: number; stopped: boolean } = {
      increments: 0,
      stopped: false,
      start(total) {
        this.total = total;
      },
      increment() {
        this.increments++;
      },
      stop() {
        this.stopped = true;
      },
    };
    const result = await readTakeout({
      path: fixture.zip,
      range: { from: '2026-06-16', to: '2026-07-01' },
      progress,
    });
    expect([...result.days.keys()]).toEqual(['2026-06-16', '2026-06-20', '2026-07-01']);
    expect(result.days.get('2026-06-16')).toEqual(EXPECTED_DAYS[1]);
    // heart_rate-2026-10-25 cannot reach the range (nor the days its windows need): not read.
    expect(progress).toMatchObject({ total: 6, increments: 6, stopped: true });
    expect(result.inputs).toBe(6);
  });

  it("cuts days at the profile zone's midnights with exportTimezone 'profile' (here the same days)", async () => {
    const result = await readTakeout({ path: fixture.dir, exportTimezone: 'profile' });
    expect(daysOf(result)).toEqual(EXPECTED_DAYS);
  });

  it("reads steps and heart timestamps as local wall time with exportTimezone 'local'", async () => {
    const result = await readTakeout({
      path: fixture.dir,
      exportTimezone: 'local',
      range: { from: '2026-06-15', to: '2026-06-16' },
    });
    expect(result.days.get('2026-06-15')).toEqual({
      date: '2026-06-15',
      steps: 127,
      restingHeartRate: 57.1,
      heart: {
        sum: 320,
        count: 4,
        minutes: [
          [720, 70, 1],
          [1319, 80, 1],
          [1320, 80, 1],
          [1410, 90, 1],
        ],
      },
    });
    expect(result.days.get('2026-06-16')).toEqual({
      date: '2026-06-16',
      heart: { sum: 70, count: 1, minutes: [[1319, 70, 1]] },
      sleeps: EXPECTED_DAYS[1]!.sleeps,
    });
  });

  it('falls back to UTC with a warning when the profile has no time zone', async () => {
    const noProfile = await makeExportFixture(
      Object.fromEntries(
        Object.entries(CLASSIC_FILES).filter(([member]) => !member.startsWith('Your Profile/')),
      ),
    );
    try {
      const result = await readTakeout({
        path: noProfile.dir,
        range: { from: '2026-06-15', to: '2026-06-16' },
      });
      expect(result.timeZone).toBe('UTC');
      expect(result.warnings[0]).toEqual({
        file: 'Your Profile/Profile.csv',
        message: expect.stringContaining('UTC'),
      });
      // The heart-rate files still show where the wearer's days begin (22:00 UTC): those days are kept, and
      // counted as cut at another offset than the (fallback) profile zone's.
      expect(daysOf(result)).toEqual(EXPECTED_DAYS.slice(0, 2));
      expect(result.otherOffsetDays).toEqual(['2026-06-15', '2026-06-16']);
    } finally {
      noProfile.cleanup();
    }
  });
});

describe('readTakeout, both families present', () => {
  it('imports the classic JSON only and says so in a log line', async () => {
    const fixture = await makeExportFixture({
      ...CLASSIC_FILES,
      'Physical Activity_GoogleData/steps_2026-06-30.csv': 'timestamp,steps\n2026-06-30T10:00:00Z,999\n',
    });
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    );
    try {
      const result = await readTakeout({ path: fixture.dir, logger });
      expect(daysOf(result)).toEqual(EXPECTED_DAYS);
      expect(lines.join('')).toMatch(/importing the JSON family only/);
    } finally {
      fixture.cleanup();
    }
  });
});
