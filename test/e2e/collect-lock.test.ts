import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli';

// Two `healthlake collect` runs started at once on one data directory (two cron runs that overlap): one runs,
// the other exits 7 at once and does nothing. The sample is used because its first run generates the export
// (~10 s) while holding the lock, so the second run is sure to meet it.

const PREFIX = 'health.e2e_lock';
const METRICS = [
  'steps',
  'heart.resting',
  'heart.average',
  'heart.max_sustained',
  'sleep.minutes_before',
  'sleep.minutes_after',
  'sleep.longest_episode',
  'worked',
];

/** The carbon lines summary.csv stands for, in the order collect writes them. */
function linesOfSummary(csv: string): string[] {
  const [header, ...rows] = csv.trim().split('\n');
  expect(header).toBe(`date,${METRICS.join(',')}`);
  return rows.flatMap((row) => {
    const [date, ...cells] = row.split(',');
    const ts = Date.parse(`${date}T00:00:00Z`) / 1000;
    return cells.flatMap((cell, i) => (cell === '' ? [] : [`${PREFIX}.${METRICS[i]} ${cell} ${ts}`]));
  });
}

describe('collect lock', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-lock-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const collect = () =>
    runCli(
      ['collect', '--source', 'sample', '--from', '2026-11-14', '--to', '2026-11-15', '--sink', 'stdout'],
      { HEALTHLAKE_DATA_DIR: dataDir, HEALTHLAKE_PREFIX: PREFIX },
    );

  it('lets one of two simultaneous runs collect; the other exits 7 without writing anything', async () => {
    const runs = await Promise.all([collect(), collect()]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 7]);
    const winner = runs.find((r) => r.code === 0)!;
    const loser = runs.find((r) => r.code === 7)!;

    expect(loser).toEqual({
      code: 7,
      stdout: '',
      stderr:
        `healthlake: another healthlake collect is running on ${dataDir} ` +
        `(lock ${path.join(dataDir, 'collect')}.lock); this run did nothing\n`,
    });

    // The winner wrote the two days once: 8 metrics on 11-14, 7 on 11-15 (the night after is not in the
    // sample), and printed exactly those carbon lines.
    const summary = fs.readFileSync(path.join(dataDir, 'summary.csv'), 'utf8');
    expect(
      summary
        .trim()
        .split('\n')
        .slice(1)
        .map((r) => r.split(',')[0]),
    ).toEqual(['2026-11-14', '2026-11-15']);
    const expected = linesOfSummary(summary);
    expect(expected).toHaveLength(15);
    // Only the carbon lines: the run's summary goes to stderr when stdout is a sink.
    expect(winner.stdout).toBe(`${expected.join('\n')}\n`);
    expect(winner.stderr).toMatch(
      /^2 days 2026-11-14\.\.2026-11-15, 15 points \(15 to stdout\), 0 input records skipped/m,
    );
    expect(fs.readdirSync(path.join(dataDir, 'archive', 'sample', '2026')).sort()).toEqual([
      '2026-11-14.json',
      '2026-11-15.json',
    ]);
    // Released: no lock directory is left, and the next run is not refused.
    expect(fs.existsSync(path.join(dataDir, 'collect.lock'))).toBe(false);
    const again = await collect();
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(winner.stdout);
    expect(fs.readFileSync(path.join(dataDir, 'summary.csv'), 'utf8')).toBe(summary);
  }, 120_000);
});
