import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli';

// `healthlake collect --source takeout` through the built CLI on a tiny classic export (Europe/Berlin, three days
// of March 2026, CET = UTC+1) with one damaged record of each kind. Every value below is worked out by hand.

const PREFIX = 'health.e2e_bad';
const ts = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

const heart = (stamp: string, bpm: number | string) => ({ dateTime: stamp, value: { bpm, confidence: 2 } });
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

function writeExport(root: string): { exportDir: string; workingDays: string; truncated: string } {
  const fitbit = path.join(root, 'export', 'Takeout', 'Fitbit');
  const global = path.join(fitbit, 'Global Export Data');
  fs.mkdirSync(global, { recursive: true });
  fs.mkdirSync(path.join(fitbit, 'Your Profile'));
  fs.writeFileSync(
    path.join(fitbit, 'Your Profile', 'Profile.csv'),
    'id,full_name,timezone\nX1,T,Europe/Berlin\n',
  );
  const json = (name: string, value: unknown) =>
    fs.writeFileSync(path.join(global, name), JSON.stringify(value, null, 2));

  // Cut in the middle of element 2: elements 0 and 1 (local 03-02 09:00) are kept.
  const full = JSON.stringify(
    [heart('03/02/26 08:00:00', 65), heart('03/02/26 08:00:30', 67), heart('03/02/26 08:01:00', 90)],
    null,
    2,
  );
  const truncated = full.slice(0, full.lastIndexOf('"bpm"'));
  fs.writeFileSync(path.join(global, 'heart_rate-2026-03-02.json'), truncated);
  json('heart_rate-2026-03-03.json', HEART_0303);
  json('heart_rate-2026-03-04.json', [
    heart('03/04/26 09:00:00', 75),
    heart('03/04/26 09:00:10', 'abc'),
    heart('03/04/26 09:00:20', 77),
  ]);
  json('steps-2026-03-02.json', [
    steps('03/02/26 08:00:00', '100'),
    steps('03/02/26 08:01:00', 'x'),
    steps('03/02/26 23:30:00', '50'), // 00:30 local on 03-03
  ]);
  json('steps-2026-03-03.json', [steps('03/03/26 10:00:00', '1200')]);
  json('steps-2026-03-04.json', [steps('03/04/26 12:00:00', '3000')]);
  json('resting_heart_rate-2026-03-02.json', [
    resting('03/02/26', 57.5),
    resting('03/03/26', 58.25),
    resting('03/04/26', 0), // not worn: no value
  ]);
  json('sleep-2026-03-02.json', [
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
  ]);
  const workingDays = path.join(root, 'working-days.csv');
  fs.writeFileSync(workingDays, 'date,worked\n2026-03-02,1\n2026-03-03,1\n2026-02-30,1\n2026-03-04,0\n');
  return { exportDir: path.join(root, 'export'), workingDays, truncated };
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

describe('collect --source takeout with damaged input', () => {
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

  it('names each skipped record on stderr, collects everything else, and exits 5', async () => {
    const run = await runCli(
      [
        'collect',
        '--source',
        'takeout',
        '--path',
        input.exportDir,
        '--working-days',
        input.workingDays,
        '--dry-run',
      ],
      env(),
    );
    expect(run.code).toBe(5);
    const found = warnings(run.stderr);
    expect(found).toHaveLength(5);
    expect(found).toEqual(
      expect.arrayContaining([
        {
          file: 'Global Export Data/heart_rate-2026-03-02.json',
          record: 2,
          msg: expect.stringMatching(
            /^skipped input: unreadable from element 2 on \(.+\); the 2 elements before it were kept$/,
          ) as string,
        },
        {
          file: 'Global Export Data/heart_rate-2026-03-04.json',
          record: 1,
          msg: 'skipped input: bpm "abc" is not a number; record skipped',
        },
        {
          file: 'Global Export Data/steps-2026-03-02.json',
          record: 1,
          msg: 'skipped input: step count "x" is not a number; record skipped',
        },
        {
          file: 'Global Export Data/sleep-2026-03-02.json',
          record: '44444',
          msg: 'skipped input: sleep log has no levels; kept without them (minutesAsleep still counts)',
        },
        {
          file: input.workingDays,
          record: 4,
          msg: 'skipped input: date "2026-02-30" is not a calendar date YYYY-MM-DD; line skipped',
        },
      ]),
    );
    expect(run.stderr).toMatch(
      /^dry run: 3 days 2026-03-02\.\.2026-03-04, 19 points \(19 to stdout\), 5 input records skipped, \d+\.\d s$/m,
    );

    const [d2, d3, d4] = ['2026-03-02', '2026-03-03', '2026-03-04'].map(ts);
    const lines = run.stdout.split('\n');
    // The intact day: steps 50 (00:30 local) + 1200; heart mean 1256/16; best 10-minute window = minutes
    // 07:01..07:10, (70+72+…+86+90)/10 = 79.2 (the 3-sample minute counts once); sleep 30+60 before a wake.
    expect(lines.filter((l) => l.endsWith(` ${d3}`))).toEqual([
      `${PREFIX}.steps 1250 ${d3}`,
      `${PREFIX}.heart.resting 58.25 ${d3}`,
      `${PREFIX}.heart.average 78.5 ${d3}`,
      `${PREFIX}.heart.max_sustained 79.2 ${d3}`,
      `${PREFIX}.sleep.minutes_before 150 ${d3}`,
      `${PREFIX}.sleep.minutes_after 400 ${d3}`,
      `${PREFIX}.sleep.longest_episode 90 ${d3}`,
      `${PREFIX}.worked 1 ${d3}`,
    ]);
    // The damaged days keep what was readable: the two heart samples before the break, the steps around "x",
    // the heart samples around "abc", the log without levels (no longest_episode).
    expect(run.stdout).toBe(
      [
        `${PREFIX}.steps 100 ${d2}`,
        `${PREFIX}.heart.resting 57.5 ${d2}`,
        `${PREFIX}.heart.average 66 ${d2}`,
        `${PREFIX}.sleep.minutes_before 420 ${d2}`,
        `${PREFIX}.sleep.minutes_after 150 ${d2}`,
        `${PREFIX}.sleep.longest_episode 300 ${d2}`,
        `${PREFIX}.worked 1 ${d2}`,
        ...lines.filter((l) => l.endsWith(` ${d3}`)),
        `${PREFIX}.steps 3000 ${d4}`,
        `${PREFIX}.heart.average 76 ${d4}`,
        `${PREFIX}.sleep.minutes_before 400 ${d4}`,
        `${PREFIX}.worked 0 ${d4}`,
        '',
      ].join('\n'),
    );
    dryRunStdout = run.stdout;
    // A dry run archives nothing.
    expect(fs.existsSync(path.join(dataDir, 'archive'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'summary.csv'))).toBe(false);
  });

  it('archives the same days with --sink stdout (not a dry run), still exiting 5', async () => {
    const stdoutDir = path.join(root, 'data-stdout');
    const run = await runCli(
      [
        'collect',
        '--source',
        'takeout',
        '--path',
        input.exportDir,
        '--working-days',
        input.workingDays,
      ].concat(['--sink', 'stdout']),
      { ...env(), HEALTHLAKE_DATA_DIR: stdoutDir },
    );
    expect(run.code).toBe(5);
    expect(warnings(run.stderr)).toHaveLength(5);
    // The same carbon lines as the dry run, and nothing else: the summary line goes to stderr.
    expect(run.stdout).toBe(dryRunStdout);
    expect(run.stderr).toMatch(
      /^3 days 2026-03-02\.\.2026-03-04, 19 points \(19 to stdout\), 5 input records skipped/m,
    );
    expect(fs.readFileSync(path.join(stdoutDir, 'summary.csv'), 'utf8')).toBe(
      'date,steps,heart.resting,heart.average,heart.max_sustained,sleep.minutes_before,sleep.minutes_after,' +
        'sleep.longest_episode,worked\n' +
        '2026-03-02,100,57.5,66,,420,150,300,1\n' +
        '2026-03-03,1250,58.25,78.5,79.2,150,400,90,1\n' +
        '2026-03-04,3000,,76,,400,,,0\n',
    );
    const archived = (source: string) =>
      fs.readdirSync(path.join(stdoutDir, 'archive', source, '2026')).sort();
    expect(archived('takeout')).toEqual(['2026-03-02.json', '2026-03-03.json', '2026-03-04.json']);
    expect(archived('working-days')).toEqual(['2026-03-02.json', '2026-03-03.json', '2026-03-04.json']);
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
