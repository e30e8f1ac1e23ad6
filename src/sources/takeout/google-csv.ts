/**
 * The Google-era CSV layout (2024–2026 exports). It is only partly documented (marked [unconfirmed] in the
 * docs/health-sources.md, section 4), so parsing is header-driven and tolerant. Assumptions, each a guess to revisit
 * against a real export:
 *
 * - Files are recognised by base name anywhere outside `Global Export Data/` (seen in
 *   `Physical Activity_GoogleData/` and `Health Fitness Data_GoogleData/`): `heart_rate_YYYY-MM-DD.csv`,
 *   `steps_YYYY-MM-DD.csv` (the date is the period start, as in the classic layout),
 *   `daily_resting_heart_rate*.csv`, `UserSleeps*.csv`. Any other file is ignored.
 * - The first row is the header. Columns are found by name in any order, compared case- and
 *   punctuation-insensitively (`beats per minute` = `beats_per_minute`); extra columns (`data source`) are
 *   ignored. A file whose headers are not recognised gets one warning naming it and its headers, and is
 *   skipped.
 * - Timestamps are ISO-8601 instants, UTC when they carry no designator (the exports write UTC). Heart-rate
 *   and step samples fall on the civil date and clock minute of that instant in the profile's zone;
 *   `exportTimezone` does not apply (it is about the classic JSON's ambiguous timestamps).
 * - Resting heart rate: the date column holds either a bare date or a timestamp. A bare date, or a timestamp
 *   at exactly 00:00, is the civil day itself (daily values are stamped with their day); any other time of
 *   day is an instant and is converted to the profile's zone. 0 or an empty cell means not worn.
 * - Sleeps: start and end are instants. Local wall times use `start_utc_offset`/`end_utc_offset` when
 *   present (end falls back to start's), else an offset written in the timestamp, else the profile zone.
 *   `dateOfSleep` is the local date of the end, as Fitbit's. Main sleep comes from a main-sleep column
 *   (true/1/yes/main) when there is one, else the longest log of each dateOfSleep is the main one. This file
 *   has no stages: levels stay undefined without a warning per log (stage files are not confirmed, not read).
 */
import { zoneClock } from '../../util/timezone';
import type { SleepLog } from '../day-record';
import {
  findColumn,
  findColumnWhere,
  forEachCsvRecord,
  parseIsoInstant,
  parseUtcOffset,
} from './csv-records';
import { toNumber, type DataFile, type DataKind, type ReadContext } from './data-file';
import { FileWarnings } from './file-warnings';

/** Marks a member as belonging to the Google-era layout (for choosing one family). */
export const CSV_FOLDERS = ['Physical Activity_GoogleData/', 'Health Fitness Data_GoogleData/'] as const;

const CSV_PATTERNS: ReadonlyArray<[DataKind, RegExp]> = [
  ['heart', /^heart_rate_(\d{4}-\d{2}-\d{2})\.csv$/i],
  ['steps', /^steps_(\d{4}-\d{2}-\d{2})\.csv$/i],
  ['resting', /^daily_resting_heart_rate(?:[_-].*)?\.csv$/i],
  ['sleep', /^UserSleeps(?:[_-].*)?\.csv$/i],
];

/** The Google-era CSV files among an export's members. */
export function googleCsvFiles(members: readonly string[]): DataFile[] {
  const files: DataFile[] = [];
  for (const member of members) {
    if (member.startsWith('Global Export Data/')) continue;
    const base = member.slice(member.lastIndexOf('/') + 1);
    for (const [kind, pattern] of CSV_PATTERNS) {
      const m = pattern.exec(base);
      if (m) {
        files.push(m[1] ? { kind, member, date: m[1] } : { kind, member });
        break;
      }
    }
  }
  return files;
}

const TIME = ['timestamp', 'time', 'datetime', 'date time', 'timestamp utc', 'start time', 'start timestamp'];
const HEART_VALUE = ['beats per minute', 'bpm', 'heart rate', 'value'];
const STEPS_VALUE = ['steps', 'step count', 'count', 'value'];
const RESTING_DATE = ['date', 'day', 'timestamp', 'time'];
const RESTING_VALUE = ['beats per minute', 'bpm', 'resting heart rate', 'value'];
const SLEEP_START = ['sleep start', 'sleep start time', 'start time', 'start'];
const SLEEP_END = ['sleep end', 'sleep end time', 'end time', 'end'];
const START_OFFSET = ['start utc offset', 'start offset', 'utc offset'];
const END_OFFSET = ['end utc offset', 'end offset'];
const MAIN_SLEEP = ['is main sleep', 'main sleep', 'mainsleep', 'is main'];
const SLEEP_ID = ['sleep id', 'log id', 'logid', 'id'];

interface CsvFileReader {
  onRow(fields: string[], line: number): void;
  /** Called once the whole file was read (or reading broke off). */
  finish?(): void;
}

type ReaderFactory = (headers: string[], ctx: ReadContext, fw: FileWarnings) => CsvFileReader | undefined;

function cell(fields: string[], column: number): string {
  return column >= 0 ? (fields[column] ?? '') : '';
}

/** Heart-rate and step files share a shape: an instant and a number per row. */
function sampleReader(
  valueNames: string[],
  what: string,
  add: (ctx: ReadContext, t: number, n: number) => void,
): ReaderFactory {
  return (headers, ctx, fw) => {
    const timeCol = findColumn(headers, TIME);
    const valueCol = findColumn(headers, valueNames);
    if (timeCol < 0 || valueCol < 0) return undefined;
    return {
      onRow(fields, line) {
        const t = parseIsoInstant(cell(fields, timeCol));
        if (!t || !t.hasTime)
          return fw.record(line, `timestamp "${cell(fields, timeCol)}" is not an ISO-8601 time; row skipped`);
        const n = toNumber(cell(fields, valueCol));
        if (n === undefined || n < 0)
          return fw.record(line, `${what} "${cell(fields, valueCol)}" is not a number; row skipped`);
        add(ctx, t.epochMs, n);
      },
    };
  };
}

const heartReader = sampleReader(HEART_VALUE, 'bpm', (ctx, t, bpm) => {
  const { date, minuteOfDay } = ctx.instantToLocal(t);
  ctx.days.addHeart(date, minuteOfDay, bpm);
});

const stepsReader = sampleReader(STEPS_VALUE, 'step count', (ctx, t, steps) => {
  ctx.days.addSteps(ctx.instantToLocal(t).date, steps);
});

const restingReader: ReaderFactory = (headers, ctx, fw) => {
  const dateCol = findColumn(headers, RESTING_DATE);
  const valueCol = findColumn(headers, RESTING_VALUE);
  if (dateCol < 0 || valueCol < 0) return undefined;
  return {
    onRow(fields, line) {
      const when = parseIsoInstant(cell(fields, dateCol));
      if (!when)
        return fw.record(line, `date "${cell(fields, dateCol)}" is not an ISO-8601 date; row skipped`);
      const date = when.atMidnight ? when.writtenDate : ctx.instantToLocal(when.epochMs).date;
      const raw = cell(fields, valueCol);
      if (raw === '') return; // not worn, like 0
      const bpm = toNumber(raw);
      if (bpm === undefined || bpm < 0)
        return fw.record(line, `resting heart rate "${raw}" is not a number; row skipped`);
      ctx.days.setRestingHeartRate(date, bpm);
    },
  };
};

function parseBoolean(text: string): boolean {
  return /^(true|1|yes|y|main)$/i.test(text.trim());
}

/** Local wall time as Fitbit writes it (`2026-06-15T23:46:00.000`, no offset). */
function wallTime(epochMs: number, offsetMs: number): string {
  return new Date(epochMs + offsetMs).toISOString().slice(0, 23);
}

const sleepReader: ReaderFactory = (headers, ctx, fw) => {
  const startCol = findColumn(headers, SLEEP_START);
  const endCol = findColumn(headers, SLEEP_END);
  const asleepCol = findColumnWhere(headers, (h) => h.split(' ').includes('asleep'));
  if (startCol < 0 || endCol < 0 || asleepCol < 0) return undefined;
  const startOffsetCol = findColumn(headers, START_OFFSET);
  const endOffsetCol = findColumn(headers, END_OFFSET);
  const mainCol = findColumn(headers, MAIN_SLEEP);
  const idCol = findColumn(headers, SLEEP_ID);
  const clock = zoneClock(ctx.timeZone);
  // A sleeps file is small (a few logs a day); it is kept until the end to pick main sleeps by length.
  const logs: Array<{ log: SleepLog; id: string }> = [];

  return {
    onRow(fields, line) {
      const start = parseIsoInstant(cell(fields, startCol));
      const end = parseIsoInstant(cell(fields, endCol));
      if (!start?.hasTime || !end?.hasTime) {
        return fw.record(
          line,
          `start "${cell(fields, startCol)}" or end "${cell(fields, endCol)}" is not an ISO-8601 time; sleep skipped`,
        );
      }
      const minutesAsleep = toNumber(cell(fields, asleepCol));
      if (minutesAsleep === undefined || minutesAsleep < 0) {
        return fw.record(line, `minutes asleep "${cell(fields, asleepCol)}" is not a number; sleep skipped`);
      }
      const startColumnOffset = parseUtcOffset(cell(fields, startOffsetCol));
      const startOffset = startColumnOffset ?? start.writtenOffsetMs ?? clock.offsetAt(start.epochMs);
      const endOffset =
        parseUtcOffset(cell(fields, endOffsetCol)) ??
        startColumnOffset ??
        end.writtenOffsetMs ??
        clock.offsetAt(end.epochMs);
      const endTime = wallTime(end.epochMs, endOffset);
      const log: SleepLog = {
        dateOfSleep: endTime.slice(0, 10),
        isMainSleep: mainCol >= 0 && parseBoolean(cell(fields, mainCol)),
        minutesAsleep,
        startTime: wallTime(start.epochMs, startOffset),
        endTime,
        levels: undefined,
      };
      // Without an id, the start instant identifies a log: the same night in two files is kept once.
      logs.push({ log, id: cell(fields, idCol) || `start:${start.epochMs}` });
    },
    finish() {
      if (mainCol < 0) markLongestAsMain(logs.map((entry) => entry.log));
      for (const { log, id } of logs) ctx.days.addSleep(log, id);
    },
  };
};

function markLongestAsMain(logs: SleepLog[]): void {
  const longest = new Map<string, SleepLog>();
  for (const log of logs) {
    const best = longest.get(log.dateOfSleep);
    if (!best || log.minutesAsleep > best.minutesAsleep) longest.set(log.dateOfSleep, log);
  }
  for (const log of longest.values()) log.isMainSleep = true;
}

const READERS: Record<DataKind, ReaderFactory> = {
  heart: heartReader,
  steps: stepsReader,
  resting: restingReader,
  sleep: sleepReader,
};

const KIND_NAMES: Record<DataKind, string> = {
  heart: 'heart-rate (timestamp, beats per minute)',
  steps: 'steps (timestamp, steps)',
  resting: 'resting heart rate (date, beats per minute)',
  sleep: 'sleeps (sleep_start, sleep_end, minutes asleep)',
};

/** Reads one Google-era CSV file into the accumulator. Bad input becomes warnings; only bugs throw. */
export async function readGoogleCsvFile(file: DataFile, ctx: ReadContext): Promise<void> {
  const fw = new FileWarnings(file.member, ctx.warnings);
  let reader: CsvFileReader | undefined;
  const outcome = await forEachCsvRecord(ctx.reader.open(file.member), (fields, line) => {
    if (reader) {
      reader.onRow(fields, line);
      return true;
    }
    reader = READERS[file.kind](fields, ctx, fw);
    if (!reader) {
      fw.problem(
        `headers not recognised as a ${KIND_NAMES[file.kind]} file: ${fields.join(', ')}; file skipped`,
      );
      return false;
    }
    return true;
  });
  if (outcome.error) {
    const where = outcome.line !== undefined ? `line ${outcome.line}` : `record ${outcome.count + 1}`;
    fw.problem(
      `unreadable from ${where} on (${outcome.error.message}); the rows before it were kept`,
      outcome.line,
    );
  }
  reader?.finish?.();
  fw.finish();
}
