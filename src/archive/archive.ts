import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { HealthlakeError } from '../errors';
import { isCivilDate } from '../util/civil-date';
import {
  DAY_INPUTS,
  type DateRange,
  type DayInput,
  type DayRecord,
  type Withheld,
} from '../sources/day-record';
import { checkDayRecord } from '../sources/validate-day-record';
import { stableJson } from './stable-json';

/**
 * The local archive: one JSON file per source and civil day, the normalised DayRecord exactly as the source
 * produced it. It is the source of truth for `replay` and for re-deriving metrics, so it is written atomically
 * (a crash leaves the old file or the new one, never half of one) and kept private (0600 files, 0700
 * directories: it is health data).
 *
 *   <dataDir>/archive/<source>/<YYYY>/<YYYY-MM-DD>.json   normalised days
 *   <dataDir>/raw/<source>/<YYYY-MM-DD>/<name>            raw API responses, for debugging a source
 */

/** Which source wins a health field when several have it: the live API over an export over generated data. */
export const HEALTH_SOURCE_PRIORITY = ['google-health', 'takeout', 'sample'] as const;
/** The source of `worked`; the others only fill in when it has no value for the day. */
export const WORKED_SOURCE = 'working-days';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;
const YEAR_DIR = /^\d{4}$/;
// A path segment that cannot climb out of its directory or hide ('.', '..', '.x', 'a/b' are all refused).
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Enough parallel reads to hide file-system latency, few enough to stay far from the open-file limit.
const READ_CONCURRENCY = 32;
// Each write waits for its own fsync (write-file-atomic); overlapping 8 makes a year's archive about twice as
// fast as one after the other (16 gained another 5 % for a few more MB of strings in flight).
const WRITE_CONCURRENCY = 8;

type HealthField = 'steps' | 'restingHeartRate' | 'heart' | 'sleeps';
const HEALTH_FIELDS: HealthField[] = ['steps', 'restingHeartRate', 'heart', 'sleeps'];
const INPUT_OF_FIELD: Record<HealthField, DayInput> = {
  steps: 'steps',
  restingHeartRate: 'resting',
  heart: 'heart',
  sleeps: 'sleep',
};

export class Archive {
  constructor(readonly dataDir: string) {}

  /** `<dataDir>/archive/<source>/<YYYY>/<date>.json` */
  dayFile(source: string, date: string): string {
    checkSegment('source', source);
    checkDate(date);
    return path.join(this.dataDir, 'archive', source, date.slice(0, 4), `${date}.json`);
  }

  /**
   * Writes (or replaces) one source's record of one day; returns the file written. A record that breaks the
   * plausibility rules is never archived (the sources validate first, so this is a bug if it happens).
   */
  async writeDay(source: string, record: DayRecord): Promise<string> {
    const file = this.dayFile(source, record.date);
    const { problems } = checkDayRecord(record, record.date, file);
    if (problems.length > 0) {
      throw new HealthlakeError(`Refusing to archive an invalid record as ${file}: ${problems.join('; ')}`);
    }
    await fs.mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    await writeFileAtomic(file, stableJson(record), { mode: FILE_MODE });
    return file;
  }

  /**
   * Writes (or replaces) one source's records of several days, as writeDay does, a few at a time; returns the
   * files written, in order. Every record is checked before the first is written.
   */
  async writeDays(source: string, records: readonly DayRecord[]): Promise<string[]> {
    for (const record of records) {
      const file = this.dayFile(source, record.date);
      const { problems } = checkDayRecord(record, record.date, file);
      if (problems.length > 0) {
        throw new HealthlakeError(`Refusing to archive an invalid record as ${file}: ${problems.join('; ')}`);
      }
    }
    return mapLimit([...records], WRITE_CONCURRENCY, (record) => this.writeDay(source, record));
  }

  /** One source's record of one day, or undefined when there is none. Throws when the record is invalid. */
  async readDay(source: string, date: string): Promise<DayRecord | undefined> {
    const file = this.dayFile(source, date);
    const loaded = await loadDayFile(file, date);
    if (loaded?.problem) throw new HealthlakeError(`Archive file ${file}: ${loaded.problem}`);
    return loaded?.record;
  }

  /**
   * One source's record of one day, checked with the plausibility rules. A record that is not valid JSON, or
   * whose values are not plausible, is refused: the inputs it cannot vouch for come back withheld, with the
   * archive file and the problem as the reason (never read as 0).
   */
  private async readCheckedDay(source: string, date: string): Promise<DayRecord | undefined> {
    return (await loadDayFile(this.dayFile(source, date), date))?.record;
  }

  /** Sources that have an archive directory, sorted. */
  async listSources(): Promise<string[]> {
    const entries = await readDirOrEmpty(path.join(this.dataDir, 'archive'));
    return entries
      .filter((e) => e.isDirectory() && SAFE_SEGMENT.test(e.name))
      .map((e) => e.name)
      .sort();
  }

  /** Dates archived for a source in the range (unbounded by default), ascending. */
  async listDates(source: string, range: DateRange = {}): Promise<string[]> {
    checkSegment('source', source);
    if (range.from !== undefined) checkDate(range.from);
    if (range.to !== undefined) checkDate(range.to);
    const sourceDir = path.join(this.dataDir, 'archive', source);
    const years = (await readDirOrEmpty(sourceDir))
      .filter((e) => e.isDirectory() && YEAR_DIR.test(e.name))
      .map((e) => e.name)
      // Whole years outside the range are not even listed: a daily run reads one year directory, not ten.
      .filter(
        (y) =>
          (range.from === undefined || y >= range.from.slice(0, 4)) &&
          (range.to === undefined || y <= range.to.slice(0, 4)),
      );
    const dates: string[] = [];
    for (const year of years) {
      for (const entry of await readDirOrEmpty(path.join(sourceDir, year))) {
        // Only <date>.json: write-file-atomic's temporary files (<date>.json.<hash>) are skipped.
        const date = DAY_FILE.exec(entry.name)?.[1];
        if (!entry.isFile() || date === undefined || !isCivilDate(date) || date.slice(0, 4) !== year)
          continue;
        if (range.from !== undefined && date < range.from) continue;
        if (range.to !== undefined && date > range.to) continue;
        dates.push(date);
      }
    }
    return dates.sort();
  }

  /**
   * Every archived day in the range, all sources merged field by field: each health field from the
   * highest-priority source that has a value for it or withholds it (HEALTH_SOURCE_PRIORITY, then other
   * sources by name), and `worked` from WORKED_SOURCE first. So a day the API missed is still filled from an
   * export, per field, but a field a source withheld is not filled from a lower one. Records that fail the
   * plausibility rules are refused (their inputs withheld; see readCheckedDay). Iterates in date order.
   */
  async readRange(range: DateRange): Promise<Map<string, DayRecord>> {
    const bySource = new Map<string, Map<string, DayRecord>>();
    for (const source of await this.listSources()) {
      const dates = await this.listDates(source, range);
      const records = await mapLimit(dates, READ_CONCURRENCY, (date) => this.readCheckedDay(source, date));
      const days = new Map<string, DayRecord>();
      records.forEach((record, i) => {
        if (record) days.set(dates[i] as string, record);
      });
      bySource.set(source, days);
    }
    const allDates = [...new Set([...bySource.values()].flatMap((days) => [...days.keys()]))].sort();
    const healthOrder = healthSourceOrder([...bySource.keys()]);
    const workedOrder = [WORKED_SOURCE, ...healthOrder.filter((s) => s !== WORKED_SOURCE)];
    const merged = new Map<string, DayRecord>();
    for (const date of allDates) {
      const record: DayRecord = { date };
      const withhold = (input: DayInput, reason: NonNullable<DayRecord['withheld']>[DayInput]) => {
        record.withheld = { ...record.withheld, [input]: reason };
      };
      for (const field of HEALTH_FIELDS) {
        for (const source of healthOrder) {
          const candidate = bySource.get(source)?.get(date);
          const withheld = candidate?.withheld?.[INPUT_OF_FIELD[field]];
          if (withheld) {
            withhold(INPUT_OF_FIELD[field], withheld);
            break;
          }
          if (candidate && hasValue(candidate, field)) {
            setField(record, candidate, field);
            break;
          }
        }
      }
      for (const source of workedOrder) {
        const candidate = bySource.get(source)?.get(date);
        if (candidate?.withheld?.worked) {
          withhold('worked', candidate.withheld.worked);
          break;
        }
        const worked = candidate?.worked;
        if (worked === 0 || worked === 1) {
          record.worked = worked;
          break;
        }
      }
      merged.set(date, record);
    }
    return merged;
  }

  /**
   * Stores a raw API response as received, under the date it was fetched (default: today in the process's
   * local zone), so a misbehaving source can be debugged from what it actually said. Returns the file written.
   */
  async writeRaw(
    source: string,
    name: string,
    body: string | Buffer,
    date: string = localDate(),
  ): Promise<string> {
    checkSegment('source', source);
    checkSegment('name', name);
    checkDate(date);
    const dir = path.join(this.dataDir, 'raw', source, date);
    await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
    const file = path.join(dir, name);
    await writeFileAtomic(file, body, { mode: FILE_MODE });
    return file;
  }
}

/** Known sources in priority order, then any other source by name, and the working-days file last. */
function healthSourceOrder(sources: string[]): string[] {
  const known: readonly string[] = HEALTH_SOURCE_PRIORITY;
  const others = sources.filter((s) => !known.includes(s) && s !== WORKED_SOURCE).sort();
  return [...known, ...others, WORKED_SOURCE];
}

/** Whether a record really has the field: 0 resting rate, no heart samples and no sleep logs mean "no data". */
function hasValue(record: DayRecord, field: HealthField): boolean {
  switch (field) {
    case 'steps':
      return typeof record.steps === 'number' && Number.isFinite(record.steps);
    case 'restingHeartRate':
      return typeof record.restingHeartRate === 'number' && record.restingHeartRate > 0;
    case 'heart':
      return record.heart !== undefined && record.heart.count > 0;
    case 'sleeps':
      return Array.isArray(record.sleeps) && record.sleeps.length > 0;
  }
}

function setField(target: DayRecord, source: DayRecord, field: HealthField): void {
  // Written out per field, so the compiler checks each type (a generic assignment would need a cast).
  if (field === 'steps') target.steps = source.steps;
  else if (field === 'restingHeartRate') target.restingHeartRate = source.restingHeartRate;
  else if (field === 'heart') target.heart = source.heart;
  else target.sleeps = source.sleeps;
}

const refusal = (problem: string): string =>
  `archive record refused: ${problem}; collect that day again to replace it`;

/**
 * An archive file's record, checked. `problem` says what is wrong (then `record` withholds every input it
 * cannot vouch for); undefined when there is no file.
 */
async function loadDayFile(
  file: string,
  date: string,
): Promise<{ record: DayRecord; problem?: string } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const problem = `not valid JSON (${(err as Error).message})`;
    const withheld: Withheld = {};
    for (const input of DAY_INPUTS) withheld[input] = { file, reason: refusal(problem) };
    return { record: { date, withheld }, problem: refusal(problem) };
  }
  const { record, problems } = checkDayRecord(value, date, file, refusal);
  return problems.length === 0 ? { record } : { record, problem: refusal(problems.join('; ')) };
}

async function readDirOrEmpty(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Like Promise.all over items.map(fn), with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function checkSegment(what: string, value: string): void {
  if (!SAFE_SEGMENT.test(value)) {
    throw new HealthlakeError(
      `Invalid archive ${what} ${JSON.stringify(value)}: letters, digits, '.', '_' and '-' only`,
    );
  }
}

function checkDate(date: string): void {
  if (!isCivilDate(date))
    throw new HealthlakeError(`Invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
}

/** Today's civil date in the process's time zone. */
function localDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
