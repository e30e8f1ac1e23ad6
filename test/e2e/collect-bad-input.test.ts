import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipBuffer } from '../../src/sources/takeout/takeout-fixture';
import { runCli } from '../support/run-cli';

// `healthlake collect --source takeout` through the built CLI on a tiny classic export (Europe/Berlin, three days
// of March 2026, CET = UTC+1) with implausible, non-finite, repeated, conflicting and misdated records. Every
// value below is worked out by hand. Each heart-rate file runs from local midnight (23:00 UTC the day before)
// to local midnight, as real ones do.

const PREFIX = 'health.e2e_bad';
const ts = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
const G = 'Global Export Data/';

const heart = (stamp: string, bpm: unknown) => ({ dateTime: stamp, value: { bpm, confidence: 2 } });
const steps = (stamp: string, value: string) => ({ dateTime: stamp, value });
const resting = (day: string, value: number) => ({
  dateTime: `${day} 00:00:00`,
  value: { date: day, value, error: 6.1 },
});
const levels = (...segments: Array<[string, number]>) => ({
  data: segments.map(([level, minutes]) => ({
    dateTime: '2026-03-01T23:00:00.000',
    level,
    seconds: minutes * 60,
  })),
});
const sleepLog = (logId: number, dateOfSleep: string, minutesAsleep: number, lv?: object) => ({
  logId,
  dateOfSleep,
  startTime: `${dateOfSleep}T00:00:00.000`,
  endTime: `${dateOfSleep}T07:30:00.000`,
  minutesAsleep,
  mainSleep: true,
  type: lv ? 'stages' : 'classic',
  ...(lv ? { levels: lv } : {}),
});

/** The first and last sample of a whole local day D (CET): 00:00:05 and 23:59:55 local, at 60 bpm. */
const dayEdges = (utcDayBefore: string, utcDay: string) => [
  heart(`${utcDayBefore} 23:00:05`, 60),
  heart(`${utcDay} 22:59:55`, 60),
];

/** Local 2026-03-03 07:00..07:11 is 06:00..06:11 UTC: per-minute means 62, 70, 72, …, 86, 90, 60. */
const HEART_0303 = [
  heart('03/03/26 06:00:05', 60),
  heart('03/03/26 06:00:35', 64),
  ...[70, 72, 74, 76, 78, 80, 82, 84, 86].map((bpm, i) => heart(`03/03/26 06:0${i + 1}:10`, bpm)),
  heart('03/03/26 06:10:00', 88),
  heart('03/03/26 06:10:20', 90),
  heart('03/03/26 06:10:40', 92),
  heart('03/03/26 06:11:00', 60),
  heart('03/03/26 12:00:00', 100), // alone: in no 10-minute run
];

function exportFiles(): Record<string, string> {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  const [edge0302a, edge0302b] = dayEdges('03/01/26', '03/02/26');
  const [edge0303a, edge0303b] = dayEdges('03/02/26', '03/03/26');
  const [edge0304a, edge0304b] = dayEdges('03/03/26', '03/04/26');
  const steps0303 = [
    steps('03/02/26 23:30:00', '50'),
    steps('03/03/26 10:00:00', '400'),
    steps('03/03/26 10:01:00', '400'),
    steps('03/03/26 10:02:00', '400'),
  ];
  return {
    'Your Profile/Profile.csv': 'id,full_name,timezone\nX1,T,Europe/Berlin\n',
    [`${G}heart_rate-2026-03-02.json`]: json([edge0302a, heart('03/02/26 08:00:00', 99999), edge0302b]),
    [`${G}heart_rate-2026-03-03.json`]: json([edge0303a, ...HEART_0303, edge0303b]),
    // Two samples of 1.7e308 would overflow a sum to Infinity.
    [`${G}heart_rate-2026-03-04.json`]: json([
      edge0304a,
      heart('03/04/26 09:00:00', 1.7e308),
      heart('03/04/26 09:00:10', 1.7e308),
      edge0304b,
    ]),
    [`${G}steps-2026-03-02.json`]: json([
      steps('03/02/26 08:00:00', '100'),
      steps('03/02/26 08:01:00', '12.5'),
      // 03-03's records twice: counted once, the day is not doubled.
      ...steps0303,
      ...steps0303,
      steps('03/04/26 12:00:00', '300'),
      steps('03/04/99 12:01:00', '40'), // 2099 in a 2026 file
      steps('03/04/26 12:02:00', '7'),
    ]),
    [`${G}resting_heart_rate-2026-03-02.json`]: json([
      resting('03/02/26', 57.5),
      resting('03/03/26', 58.25),
      resting('03/03/26', 58.25),
      resting('03/04/26', 60),
      resting('03/04/26', 61),
    ]),
    [`${G}sleep-2026-03-02.json`]: json([
      sleepLog(44444, '2026-03-04', 400), // no levels
      sleepLog(
        33333,
        '2026-03-03',
        150,
        levels(['light', 30], ['deep', 60], ['wake', 2], ['rem', 20], ['light', 40], ['wake', 5]),
      ),
      sleepLog(
        22222,
        '2026-03-02',
        420,
        levels(
          ['light', 30],
          ['deep', 90],
          ['wake', 10],
          ['rem', 40],
          ['light', 80],
          ['deep', 60],
          ['rem', 120],
        ),
      ),
    ]),
  };
}

function writeExport(root: string): { exportDir: string; workingDays: string } {
  const fitbit = path.join(root, 'export', 'Takeout', 'Fitbit');
  for (const [member, text] of Object.entries(exportFiles())) {
    const file = path.join(fitbit, ...member.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  const workingDays = path.join(root, 'working-days.csv');
  fs.writeFileSync(
    workingDays,
    'date,worked\n2026-03-02,1\n2026-03-03,1\n2026-03-03,yes\n2026-02-30,1\n2026-03-04,0\n2026-03-04,1\n',
  );
  return { exportDir: path.join(root, 'export'), workingDays };
}

interface LogLine {
  level: number;
  msg: string;
  file?: string;
  record?: string | number;
}

function warnings(stderr: string): Array<{ file?: string; record?: string | number; msg: string }> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.level === 40)
    .map(({ file, record, msg }) => ({ file, record, msg }));
}

describe('collect --source takeout with implausible, repeated and misdated records', () => {
  let root: string;
  let dataDir: string;
  let input: ReturnType<typeof writeExport>;
  let dryRunStdout = '';

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-bad-'));
    dataDir = path.join(root, 'data');
    input = writeExport(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const env = () => ({ HEALTHLAKE_DATA_DIR: dataDir, HEALTHLAKE_PREFIX: PREFIX });
  const collectArgs = () => [
    'collect',
    '--source',
    'takeout',
    '--path',
    input.exportDir,
    '--working-days',
    input.workingDays,
  ];

  it('names each skipped record, withholds only the metrics and days they touch, and exits 5', async () => {
    const run = await runCli([...collectArgs(), '--dry-run'], env());
    expect(run.code).toBe(5);
    const skipped = (msg: string) => `skipped input: ${msg}`;
    expect(warnings(run.stderr)).toEqual([
      // Record by record, in file order.
      {
        file: `${G}heart_rate-2026-03-02.json`,
        record: 1,
        msg: skipped('bpm 99999 is outside the plausible range 20..250; record skipped'),
      },
      {
        file: `${G}heart_rate-2026-03-04.json`,
        record: 1,
        msg: skipped('bpm 1.7e+308 is outside the plausible range 20..250; record skipped'),
      },
      {
        file: `${G}heart_rate-2026-03-04.json`,
        record: 2,
        msg: skipped('bpm 1.7e+308 is outside the plausible range 20..250; record skipped'),
      },
      {
        file: `${G}resting_heart_rate-2026-03-02.json`,
        record: 4,
        msg: skipped('repeats the date 2026-03-04 of record 3 with another value (60 vs 61); both doubtful'),
      },
      {
        file: `${G}resting_heart_rate-2026-03-02.json`,
        msg: skipped(
          '1 record repeats an earlier record exactly (same time or date, same value); each is counted once',
        ),
      },
      {
        file: `${G}sleep-2026-03-02.json`,
        record: '44444',
        msg: skipped('sleep log has no levels; kept without them (minutesAsleep still counts)'),
      },
      {
        file: `${G}steps-2026-03-02.json`,
        record: 1,
        msg: skipped('step count "12.5" is not a whole number; record skipped'),
      },
      {
        file: `${G}steps-2026-03-02.json`,
        record: 11,
        msg: skipped(
          "time 2099-03-04T12:01:00Z is outside the file's period (more than the UTC shift allows); record skipped",
        ),
      },
      {
        file: `${G}steps-2026-03-02.json`,
        msg: skipped(
          '4 records repeat an earlier record exactly (same time or date, same value); each is counted once',
        ),
      },
      {
        file: input.workingDays,
        record: 5,
        msg: skipped('date "2026-02-30" is not a calendar date YYYY-MM-DD; line skipped'),
      },
      {
        file: input.workingDays,
        record: 7,
        msg: skipped('2026-03-04 is listed again with another value (0 on line 6, 1 here); neither is used'),
      },
      {
        file: input.workingDays,
        msg: skipped('1 line repeats the date and value of an earlier line; each is counted once'),
      },
      // Then, per file and reason (sorted by file), what was withheld.
      {
        file: input.workingDays,
        msg: skipped(
          'lists the day twice with different values (the lines are named above); withheld: worked on 2026-03-04',
        ),
      },
      {
        file: `${G}heart_rate-2026-03-02.json`,
        msg: skipped(
          '1 record of it skipped (named in the warnings about it); withheld: heart.average, heart.max_sustained on 2026-03-02',
        ),
      },
      {
        file: `${G}heart_rate-2026-03-04.json`,
        msg: skipped(
          '2 records of it skipped (named in the warnings about it); withheld: heart.average, heart.max_sustained on 2026-03-04',
        ),
      },
      {
        file: `${G}resting_heart_rate-2026-03-02.json`,
        msg: skipped(
          '1 record of it skipped (named in the warnings about it); withheld: heart.resting on 2026-03-04',
        ),
      },
      {
        file: `${G}steps-2026-03-02.json`,
        msg: skipped(
          '2 records of it skipped (named in the warnings about it); withheld: steps on 2026-03-02, 2026-03-04',
        ),
      },
    ]);
    expect(run.stderr).toMatch(
      /^dry run: 3 days 2026-03-02\.\.2026-03-04, 14 points \(14 to stdout\), 17 input records skipped, 8 points withheld, \d+\.\d s \(read \d+\.\d\d s\)$/m,
    );

    const [d2, d3, d4] = ['2026-03-02', '2026-03-03', '2026-03-04'].map(ts);
    // The intact day: steps 50 (00:30 local) + 3 × 400, once; heart mean (1256 + 60 + 60)/18; best 10-minute window
    // = minutes 07:01..07:10, (70+72+…+86+90)/10 = 79.2 (the 3-sample minute counts once); sleep 30+60.
    expect(run.stdout).toBe(
      [
        `${PREFIX}.heart.resting 57.5 ${d2}`,
        `${PREFIX}.sleep.minutes_before 420 ${d2}`,
        `${PREFIX}.sleep.minutes_after 150 ${d2}`,
        `${PREFIX}.sleep.longest_episode 300 ${d2}`,
        `${PREFIX}.worked 1 ${d2}`,
        `${PREFIX}.steps 1250 ${d3}`,
        `${PREFIX}.heart.resting 58.25 ${d3}`,
        `${PREFIX}.heart.average ${1376 / 18} ${d3}`,
        `${PREFIX}.heart.max_sustained 79.2 ${d3}`,
        `${PREFIX}.sleep.minutes_before 150 ${d3}`,
        `${PREFIX}.sleep.minutes_after 400 ${d3}`,
        `${PREFIX}.sleep.longest_episode 90 ${d3}`,
        `${PREFIX}.worked 1 ${d3}`,
        `${PREFIX}.sleep.minutes_before 400 ${d4}`,
        '',
      ].join('\n'),
    );
    dryRunStdout = run.stdout;
    // A dry run archives nothing.
    expect(fs.existsSync(path.join(dataDir, 'archive'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'summary.csv'))).toBe(false);
  });

  it('archives the same days with --sink stdout, with empty summary.csv cells and no non-finite number', async () => {
    const stdoutDir = path.join(root, 'data-stdout');
    const run = await runCli([...collectArgs(), '--sink', 'stdout'], {
      ...env(),
      HEALTHLAKE_DATA_DIR: stdoutDir,
    });
    expect(run.code).toBe(5);
    expect(run.stdout).toBe(dryRunStdout);
    // The summary goes to stderr, as in the dry run: stdout carries the carbon lines only.
    expect(run.stderr).toMatch(
      /^3 days 2026-03-02\.\.2026-03-04, 14 points \(14 to stdout\), 17 input records skipped, 8 points withheld, /m,
    );
    expect(fs.readFileSync(path.join(stdoutDir, 'summary.csv'), 'utf8')).toBe(
      'date,steps,heart.resting,heart.average,heart.max_sustained,sleep.minutes_before,sleep.minutes_after,' +
        'sleep.longest_episode,worked\n' +
        '2026-03-02,,57.5,,,420,150,300,1\n' +
        `2026-03-03,1250,58.25,${1376 / 18},79.2,150,400,90,1\n` +
        '2026-03-04,,,,,400,,,\n',
    );
    const archiveDir = path.join(stdoutDir, 'archive', 'takeout', '2026');
    expect(fs.readdirSync(archiveDir).sort()).toEqual([
      '2026-03-02.json',
      '2026-03-03.json',
      '2026-03-04.json',
    ]);
    // The withheld inputs are archived as such (with their reasons), never as a partial or non-finite value.
    const march4 = JSON.parse(fs.readFileSync(path.join(archiveDir, '2026-03-04.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(march4).sort()).toEqual(['date', 'sleeps', 'withheld']);
    expect(Object.keys(march4.withheld as object).sort()).toEqual(['heart', 'resting', 'steps']);
    for (const file of fs.readdirSync(archiveDir)) {
      expect(fs.readFileSync(path.join(archiveDir, file), 'utf8')).not.toMatch(/null|Infinity|NaN/);
    }
  });

  it('reads a name the zip holds twice once, and cannot trust one whose two entries differ', async () => {
    const files = exportFiles();
    const entries = Object.entries(files).map(([member, content]) => ({
      name: `Takeout/Fitbit/${member}`,
      content,
    }));
    const zip = await zipBuffer([
      ...entries,
      // The same sleep file again (ignored), and another 03-03 heart-rate file under the same name.
      { name: `Takeout/Fitbit/${G}sleep-2026-03-02.json`, content: files[`${G}sleep-2026-03-02.json`]! },
      { name: `Takeout/Fitbit/${G}heart_rate-2026-03-03.json`, content: '[]' },
    ]);
    const zipFile = path.join(root, 'duplicates.zip');
    fs.writeFileSync(zipFile, zip);
    const run = await runCli(
      [
        'collect',
        '--source',
        'takeout',
        '--path',
        zipFile,
        '--from',
        '2026-03-03',
        '--to',
        '2026-03-03',
        '--dry-run',
      ],
      env(),
    );
    expect(run.code).toBe(5);
    const found = warnings(run.stderr);
    expect(found).toEqual(
      expect.arrayContaining([
        {
          file: `${G}sleep-2026-03-02.json`,
          msg: 'skipped input: the zip holds this entry twice (the same bytes); the second is not read',
        },
        {
          file: `${G}heart_rate-2026-03-03.json`,
          msg: 'skipped input: the zip holds two entries of this name with different bytes; the file is treated as unreadable',
        },
        {
          file: `${G}heart_rate-2026-03-03.json`,
          msg:
            'skipped input: not read whole: cannot read the file: the zip holds two different entries of this name; ' +
            'neither can be trusted; no record of it could be read; withheld: heart.average, heart.max_sustained on 2026-03-03',
        },
      ]),
    );
    expect(run.stdout).not.toMatch(/heart\.(average|max_sustained)/);
    expect(run.stdout).toMatch(
      new RegExp(`^${PREFIX.replace('.', '\\.')}\\.steps 1250 ${ts('2026-03-03')}$`, 'm'),
    );
  });

  it('exits 3 for --source takeout without --path, saying what is missing, and leaves no lock behind', async () => {
    const run = await runCli(['collect', '--source', 'takeout', '--dry-run'], env());
    expect(run).toEqual({
      code: 3,
      stdout: '',
      stderr:
        'healthlake: --source takeout needs --path (the Takeout zip, its folder, or the Fitbit folder)\n',
    });
    expect(fs.existsSync(path.join(dataDir, 'collect.lock'))).toBe(false);
  });
});
