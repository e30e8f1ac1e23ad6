import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSampleExport, type SampleExport } from '../../src/sources/sample/generate-export';
import { zipBuffer, type ZipEntrySpec } from '../../src/sources/takeout/takeout-fixture';
import { runCli } from '../support/run-cli';

// The layouts and time facts of real exports, through the built CLI: a month abroad (the days follow the
// wearer, and the summary says how many were cut at another offset than the profile zone's), and the older
// fitbit.com account export (MyFitbitData/<Name>/user-site-export, User-Profile.json, no `mainSleep`).

const PREFIX = 'health.e2e_layouts';
const ts = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

interface Result {
  days: number;
  points: number;
  otherOffsetDays: string[];
  withheld: unknown[];
  warnings: unknown[];
}

/** Carbon lines of a run as { "<date> <metric>": value }. */
function lines(stdout: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of stdout.trim().split('\n')) {
    const [name, value, time] = line.split(' ');
    const date = new Date(Number(time) * 1000).toISOString().slice(0, 10);
    values.set(`${date} ${name!.slice(PREFIX.length + 1)}`, Number(value));
  }
  return values;
}

async function collect(root: string, args: string[]) {
  const run = await runCli(['collect', '--source', 'takeout', '--sink', 'stdout', ...args], {
    HEALTHLAKE_DATA_DIR: path.join(root, `data-${Math.random().toString(36).slice(2)}`),
    HEALTHLAKE_PREFIX: PREFIX,
  });
  return run;
}

describe('a month abroad: each day cut at the offset its heart-rate file shows', () => {
  let root: string;
  let trip: SampleExport;
  const FROM = '2026-08-27';
  const TO = '2026-10-15';

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-travel-'));
    // Profile Europe/Berlin; 09-05..10-04 lived in New York (UTC-4): 30 days, plus the two days of travel.
    trip = generateSampleExport({
      outDir: path.join(root, 'export'),
      endDate: TO,
      days: 50,
      heartIntervalSeconds: 30,
      travel: { from: '2026-09-05', to: '2026-10-04', timeZone: 'America/New_York' },
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('gives every day the values of the day the wearer lived, and says how many days were cut elsewhere', async () => {
    const run = await collect(root, ['--path', trip.root, '--from', FROM, '--to', TO, '--dry-run']);
    expect(run.code).toBe(0);
    // 09-04 (from Berlin's midnight to New York's, 30 h) to 10-04 (New York's to Berlin's, 18 h), but for
    // 09-07, the day off wrist (no samples to cut).
    expect(run.stderr).toMatch(
      /^dry run: 50 days 2026-08-27\.\.2026-10-15, \d+ points \(\d+ to stdout\), 0 input records skipped, 30 days cut at another UTC offset than the profile zone's, \d+\.\d s \(read \d+\.\d\d s\)$/m,
    );
    const values = lines(run.stdout);
    const mismatches: string[] = [];
    for (const d of trip.days) {
      const want: Array<[string, number | undefined]> = [
        ['steps', d.steps],
        ['heart.average', d.heart && d.heart.sum / d.heart.count],
        ['heart.resting', d.restingHeartRate],
        ['sleep.minutes_before', d.sleep?.minutesAsleep],
      ];
      for (const [metric, value] of want) {
        const got = values.get(`${d.date} ${metric}`);
        if (got !== value)
          mismatches.push(`${d.date} ${metric}: ${got} (lived: ${value}, ${d.hours} h in ${d.timeZone})`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(trip.days.find((d) => d.date === '2026-09-04')!.hours).toBe(30);
    expect(trip.days.find((d) => d.date === '2026-10-04')!.hours).toBe(18);
  });

  it('lists the days in --json, and cuts at the profile zone with --export-timezone profile (the old days)', async () => {
    const json = await collect(root, [
      '--path',
      trip.root,
      '--from',
      FROM,
      '--to',
      TO,
      '--dry-run',
      '--json',
    ]);
    // A dry run with --json prints the result alone: stdout is one JSON document.
    const result = JSON.parse(json.stdout) as Result;
    expect(result.otherOffsetDays).toHaveLength(30);
    expect(result.otherOffsetDays[0]).toBe('2026-09-04');
    expect(result.otherOffsetDays).not.toContain('2026-09-07');
    expect(result.otherOffsetDays[29]).toBe('2026-10-04');

    const profile = await collect(root, [
      '--path',
      trip.root,
      '--from',
      FROM,
      '--to',
      TO,
      '--export-timezone',
      'profile',
      '--dry-run',
    ]);
    // The day off wrist (09-07) now gets the first hours of 09-06's New York file; no file covers it, so that
    // is withheld with a warning (exit 5) instead of sent as a partial day.
    expect(profile.code).toBe(5);
    expect(profile.stderr).toContain(
      '"file":"Global Export Data/heart_rate-2026-09-06.json","msg":"skipped input: some of its samples fall on a day ' +
        "that no heart-rate file covers (a missing or misnamed file's day); withheld: heart.average, " +
        'heart.max_sustained on 2026-09-07"',
    );
    expect(profile.stderr).not.toMatch(/cut at another UTC offset/);
    // Cut at Berlin's midnights, a New York day runs from 18:00 to 18:00 of the wearer's time: other values.
    const lived = trip.days.find((d) => d.date === '2026-09-15')!;
    expect(lines(profile.stdout).get('2026-09-15 steps')).not.toBe(lived.steps);
    expect(lines(profile.stdout).get('2026-09-15 heart.average')).not.toBe(
      lived.heart!.sum / lived.heart!.count,
    );
  });
});

describe('the fitbit.com account export layout', () => {
  let root: string;
  let sample: SampleExport;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-account-'));
    sample = generateSampleExport({
      outDir: path.join(root, 'takeout'),
      endDate: '2026-10-10',
      days: 14,
      heartIntervalSeconds: 30,
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads MyFitbitData/<Name>/user-site-export and User-Profile.json, and takes the longest log without mainSleep', async () => {
    const globalDir = path.join(sample.fitbitDir, 'Global Export Data');
    const entries: ZipEntrySpec[] = fs.readdirSync(globalDir).map((name) => {
      let content = fs.readFileSync(path.join(globalDir, name), 'utf8');
      if (name.startsWith('sleep-')) {
        // The 2018-19 account export has no mainSleep key at all; give each night a nap too.
        const logs = (JSON.parse(content) as Array<Record<string, unknown>>).map(
          ({ mainSleep: _, ...log }) => log,
        );
        const naps = logs.map((log) => ({
          ...log,
          logId: Number(log.logId) + 1,
          minutesAsleep: 25,
          levels: { data: [{ dateTime: log.startTime, level: 'asleep', seconds: 1500 }] },
        }));
        content = JSON.stringify([...logs, ...naps]);
      }
      return { name: `MyFitbitData/JaneDoe/user-site-export/${name}`, content };
    });
    entries.push({
      name: 'MyFitbitData/JaneDoe/user-profile/User-Profile.json',
      content: JSON.stringify({
        fullName: 'Jane Doe',
        timezone: 'Europe/Berlin',
        offsetFromUTCMillis: 7200000,
      }),
    });
    const zip = path.join(root, 'MyFitbitData.zip');
    fs.writeFileSync(zip, await zipBuffer(entries));

    const range = ['--from', '2026-09-27', '--to', '2026-10-10', '--dry-run'];
    const account = await collect(root, ['--path', zip, ...range]);
    const takeout = await collect(root, ['--path', sample.root, ...range]);
    expect(account.code).toBe(0);
    expect(takeout.code).toBe(0);
    // The same days, whatever the layout; without mainSleep the longest log of each night is the main one.
    expect(account.stdout).toBe(takeout.stdout);
    const night = sample.days.find((d) => d.date === '2026-10-05')!.sleep!;
    expect(account.stdout).toContain(
      `${PREFIX}.sleep.minutes_before ${night.minutesAsleep} ${ts('2026-10-05')}\n`,
    );
  });
});
