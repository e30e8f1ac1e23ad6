import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { ExitCode, HealthlakeError, InputError } from '../errors';
import { isCivilDate } from '../util/civil-date';
import { formatMetricValue } from '../metrics/format-value';
import { DAILY_METRICS, DailyMetric, DailyMetrics, DailyValues } from '../metrics/metric-names';

/**
 * summary.csv: one row per day with every daily metric, for a spreadsheet or a quick look without Graphite.
 * Values are printed exactly as carbon gets them (formatMetricValue), so the file and Graphite agree to the
 * digit. Re-collecting a day replaces its row; it is never appended twice.
 */

export const SUMMARY_HEADER = ['date', ...DAILY_METRICS] as const;

// Two cron runs, or a run and a manual replay, may update the file at once. Waits up to a few seconds for the
// other writer (a read-modify-write of a few thousand rows takes milliseconds), and treats a lock older than
// `stale` as left behind by a crashed process.
const LOCK_OPTIONS: lockfile.LockOptions = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 60, factor: 1.3, minTimeout: 5, maxTimeout: 250, randomize: true },
};

/** Replaces the rows of the given dates (adding those that are new), keeps every other row, sorted by date. */
export async function updateSummary(file: string, rows: DailyMetrics[]): Promise<void> {
  for (const row of rows) {
    if (!isCivilDate(row.date))
      throw new RangeError(`Invalid date ${JSON.stringify(row.date)}: expected YYYY-MM-DD`);
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await withLock(file, async () => {
    const table = await readSummary(file);
    for (const row of rows) table.set(row.date, row.values);
    // Health data: readable by its owner only, like the archive (also when an older version left it 0644).
    await writeFileAtomic(file, formatSummary(table), { mode: 0o600 });
  });
}

/** The rows of summary.csv by date (ascending); empty when the file does not exist. Empty cells are absent. */
export async function readSummary(file: string): Promise<Map<string, DailyValues>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  return parseSummary(text, file);
}

/** The file's text: header, then one row per date in ascending order. */
export function formatSummary(table: Map<string, DailyValues>): string {
  const lines = [SUMMARY_HEADER.join(',')];
  for (const date of [...table.keys()].sort()) {
    const values = table.get(date) ?? {};
    const cells = DAILY_METRICS.map((m) => {
      const value = values[m];
      return value === undefined ? '' : formatMetricValue(value);
    });
    lines.push([date, ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Columns are found by header name, so a column added or moved by a later version still reads correctly;
 * a column this version does not know is ignored (and not written back: the file is derived data, replayable
 * from the archive).
 */
export function parseSummary(text: string, file: string): Map<string, DailyValues> {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // `info` gives each record's line number for error messages; the typings only know plain records.
    records = parse(text, { info: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (err) {
    throw InputError.single(`${file} is not valid CSV: ${(err as Error).message}`, { file });
  }
  const table = new Map<string, DailyValues>();
  const [header, ...rows] = records;
  if (!header) return table;
  const dateIndex = header.record.indexOf('date');
  if (dateIndex < 0) throw InputError.single('the header has no "date" column', { file, line: 1 });
  const columns = DAILY_METRICS.map((metric) => [metric, header.record.indexOf(metric)] as const).filter(
    ([, index]) => index >= 0,
  );
  for (const { record, info } of rows) {
    const date = record[dateIndex] ?? '';
    if (!isCivilDate(date)) {
      throw InputError.single(`invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`, {
        file,
        line: info.lines,
        field: 'date',
      });
    }
    const values: DailyValues = {};
    for (const [metric, index] of columns) {
      const cell = (record[index] ?? '').trim();
      if (cell === '') continue;
      values[metric as DailyMetric] = parseValue(cell, { file, line: info.lines, field: metric });
    }
    // A date given twice (a hand edit) keeps its last row, as a later update would.
    table.set(date, values);
  }
  return new Map([...table.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function parseValue(cell: string, where: { file: string; line: number; field: string }): number {
  const value = Number(cell);
  if (!Number.isFinite(value)) throw InputError.single(`invalid number ${JSON.stringify(cell)}`, where);
  return value;
}

async function withLock<T>(file: string, body: () => Promise<T>): Promise<T> {
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      ...LOCK_OPTIONS,
      // The default throws from a timer, which would crash the process; report it from here instead.
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new HealthlakeError(
        `${file} is locked by another healthlake process (${file}.lock); try again when it has finished`,
        ExitCode.locked,
      );
    }
    throw err;
  }
  try {
    const result = await body();
    if (compromised)
      throw new HealthlakeError(`Lost the lock on ${file} while updating it: ${compromised.message}`);
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}
