import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors';
import { DailyMetrics } from '../metrics/metric-names';
import { readSummary, updateSummary } from './summary-csv';

const HEADER =
  'date,steps,heart.resting,heart.average,heart.max_sustained,sleep.minutes_before,sleep.minutes_after,' +
  'sleep.longest_episode,worked';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-summary-'));
  file = path.join(dir, 'sub', 'summary.csv');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const march: DailyMetrics[] = [
  { date: '2024-03-02', values: { steps: 10234, worked: 1 } },
  {
    date: '2024-03-01',
    values: {
      steps: 8421,
      'heart.resting': 57,
      'heart.average': 2150 / 30,
      'heart.max_sustained': 131.25,
      'sleep.minutes_before': 412,
      'sleep.minutes_after': 395,
      'sleep.longest_episode': 45.5,
      worked: 0,
    },
  },
];

describe('updateSummary', () => {
  it('writes a header and one sorted row per date, numbers as carbon gets them, empty cells for no value', async () => {
    await updateSummary(file, march);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      `${HEADER}\n` +
        '2024-03-01,8421,57,71.66666666666667,131.25,412,395,45.5,0\n' +
        '2024-03-02,10234,,,,,,,1\n',
    );
  });

  it('is readable by its owner only (0600), like the archive, also when it was 0644 before', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${HEADER}\n`, { mode: 0o644 });
    await updateSummary(file, march);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces the rows of the given dates: updating twice leaves one row per date and an identical file', async () => {
    await updateSummary(file, march);
    const first = fs.readFileSync(file, 'utf8');
    await updateSummary(file, march);
    expect(fs.readFileSync(file, 'utf8')).toBe(first);

    // A later run with new values for 03-02 and a new day: 03-01 is kept untouched.
    await updateSummary(file, [
      { date: '2024-03-03', values: { steps: 5 } },
      { date: '2024-03-02', values: { steps: 11000, 'sleep.minutes_before': 395, worked: 1 } },
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      `${HEADER}\n` +
        '2024-03-01,8421,57,71.66666666666667,131.25,412,395,45.5,0\n' +
        '2024-03-02,11000,,,,395,,,1\n' +
        '2024-03-03,5,,,,,,,\n',
    );
  });

  it('does not lose rows when many updates run at once (the lock serialises read-modify-write)', async () => {
    await updateSummary(file, [{ date: '2024-01-01', values: { steps: 1 } }]);
    const dates = Array.from({ length: 20 }, (_, i) => `2024-02-${String(i + 1).padStart(2, '0')}`);
    await Promise.all(dates.map((date, i) => updateSummary(file, [{ date, values: { steps: 100 + i } }])));

    const table = await readSummary(file);
    expect([...table.keys()]).toEqual(['2024-01-01', ...dates]);
    expect(table.get('2024-02-20')).toEqual({ steps: 119 });
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses to rewrite a file with a bad cell, naming file, line and column', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${HEADER}\n2024-03-01,12,,,,,,,\n2024-03-02,lots,,,,,,,\n`);
    const error = await updateSummary(file, march).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${file}:3: steps: invalid number "lots"`);
  });
});

describe('readSummary', () => {
  it('reads values back exactly, and nothing from a missing file', async () => {
    await updateSummary(file, march);
    const table = await readSummary(file);
    expect([...table.keys()]).toEqual(['2024-03-01', '2024-03-02']);
    expect(table.get('2024-03-01')).toEqual(march[1]?.values);
    expect(table.get('2024-03-02')).toEqual({ steps: 10234, worked: 1 });
    expect(await readSummary(path.join(dir, 'none.csv'))).toEqual(new Map());
  });

  it('finds columns by name, so reordered or unknown columns still read', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'worked,date,extra,steps\n1,2024-03-01,x,8421\n\n0,2024-03-02,,\n');
    const table = await readSummary(file);
    expect(table).toEqual(
      new Map([
        ['2024-03-01', { worked: 1, steps: 8421 }],
        ['2024-03-02', { worked: 0 }],
      ]),
    );
  });

  it('rejects a row with a bad date', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${HEADER}\n03/01/2024,1,,,,,,,\n`);
    await expect(readSummary(file)).rejects.toThrow(`${file}:2: date: invalid date "03/01/2024"`);
  });
});
