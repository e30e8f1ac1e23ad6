/**
 * The Google-era CSV layout (2024–2026 exports), read when an export has no classic JSON files (real Takeouts
 * carry both, and then the JSON family is read). Parsing is header-driven. The real header rows are:
 *
 *   Physical Activity_GoogleData/steps_YYYY-MM-DD.csv        timestamp,steps,data source
 *   Physical Activity_GoogleData/heart_rate_YYYY-MM-DD.csv   timestamp,beats per minute,data source
 *   Health Fitness Data_GoogleData/UserSleeps_YYYY-MM-DD.csv sleep_id,sleep_type,minutes_in_sleep_period,
 *     minutes_after_wake_up,minutes_to_fall_asleep,minutes_asleep,minutes_awake,minutes_longest_awakening,
 *     minutes_to_persistent_sleep,start_utc_offset,sleep_start,end_utc_offset,sleep_end,data_source,
 *     algorithm_version,sleep_created,sleep_last_updated
 *
 * so a column is found by its exact name (in normal form), never by a word it contains:
 * `minutes_to_fall_asleep` comes before `minutes_asleep`. Further rules:
 *
 * - Files are recognised by base name anywhere outside `Global Export Data/` (seen in
 *   `Physical Activity_GoogleData/` and `Health Fitness Data_GoogleData/`): `heart_rate_YYYY-MM-DD.csv`,
 *   `steps_YYYY-MM-DD.csv` (the date is the period start, as in the classic layout),
 *   `daily_resting_heart_rate*.csv`, `UserSleeps*.csv`. Any other file is ignored.
 * - The first row is the header. Columns are found by name in any order, compared case- and
 *   punctuation-insensitively (`beats per minute` = `beats_per_minute`); extra columns (`data source`) are
 *   ignored. A file whose headers are not recognised is not read whole (its days are withheld, with a
 *   warning naming it and its headers).
 * - Timestamps are ISO-8601 instants, UTC when they carry no designator (the exports write UTC). Which day
 *   a sample falls on is decided with the day windows, as for the classic layout.
 * - Resting heart rate: the date column holds either a bare date or a timestamp. A bare date, or a timestamp
 *   at exactly 00:00, is the civil day itself (daily values are stamped with their day); any other time of
 *   day is an instant and is converted to the profile's zone. 0 or an empty cell means not worn.
 * - Sleeps: start and end are instants. Local wall times use `start_utc_offset`/`end_utc_offset` when
 *   present (end falls back to start's), else an offset written in the timestamp, else the profile zone.
 *   `dateOfSleep` is the local date of the end, as Fitbit's. Main sleep comes from a main-sleep column
 *   (true/1/yes/main) when there is one; the real file has none, so the flag stays undefined and the longest
 *   log of the night is its main sleep (metrics/derive mainSleep, the one place of that rule). This file has
 *   no stages: levels stay undefined without a warning per log (UserSleepStages is not read).
 */
import type { Readable } from 'node:stream';
import { zoneClock } from '../../util/timezone';
import type { SleepLog } from '../day-record';
import { BOUNDS, checkValue } from '../plausibility';
import { scanInWindows, WINDOW_BYTES, type ByteSource } from './byte-windows';
import {
  findColumn,
  forEachCsvRecord,
  parseIsoInstant,
  parseUtcOffset,
  type CsvOutcome,
} from './csv-records';
import { PlainCsvScanner, type RowShape } from './csv-scan';
import { sampleRowShape } from './csv-shapes';
import type { DataFile, DataKind, PlannedFile } from './data-file';
import { FileReadBuilder, type FileRead, type ParserMode, type RecordLimits } from './file-read';
import type { ExportReader } from './locate';

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
    if (member.startsWith('Global Export Data/') || member.startsWith('user-site-export/')) continue;
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
/** By exact name only: `minutes_to_fall_asleep` also contains "asleep" and comes first in the real file. */
const MINUTES_ASLEEP = ['minutes asleep'];
const START_OFFSET = ['start utc offset', 'start offset', 'utc offset'];
const END_OFFSET = ['end utc offset', 'end offset'];
const MAIN_SLEEP = ['is main sleep', 'main sleep', 'mainsleep', 'is main'];
const SLEEP_ID = ['sleep id', 'log id', 'logid', 'id'];

interface CsvFileReader {
  onRow(fields: string[], line: number): void;
  /** Reads the usual rows from their bytes (csv-shapes.ts), with the same result as onRow. */
  shape?: RowShape;
}

type ReaderFactory = (headers: string[], b: FileReadBuilder, timeZone: string) => CsvFileReader | undefined;

function cell(fields: string[], column: number): string {
  return column >= 0 ? (fields[column] ?? '') : '';
}

/** Heart-rate and step files share a shape: an instant and a number per row. */
function sampleReader(
  valueNames: string[],
  bound: (typeof BOUNDS)['heartRate' | 'stepsPerRecord'],
  add: (b: FileReadBuilder, line: number, t: number, n: number) => void,
): ReaderFactory {
  return (headers, b) => {
    const timeCol = findColumn(headers, TIME);
    const valueCol = findColumn(headers, valueNames);
    if (timeCol < 0 || valueCol < 0) return undefined;
    return {
      onRow(fields, line) {
        const t = parseIsoInstant(cell(fields, timeCol));
        if (!t || !t.hasTime)
          return b.skip(line, `timestamp "${cell(fields, timeCol)}" is not an ISO-8601 time; row skipped`);
        const n = checkValue(cell(fields, valueCol), bound);
        if (typeof n === 'string') return b.skip(line, `${n}; row skipped`, t.epochMs);
        add(b, line, t.epochMs, n);
      },
      shape: sampleRowShape(timeCol, valueCol, bound, b, add),
    };
  };
}

const heartReader = sampleReader(HEART_VALUE, BOUNDS.heartRate, (b, line, t, bpm) =>
  b.heartSample(line, t, bpm),
);
const stepsReader = sampleReader(STEPS_VALUE, BOUNDS.stepsPerRecord, (b, line, t, steps) =>
  b.stepsSample(line, t, steps),
);

const restingReader: ReaderFactory = (headers, b, timeZone) => {
  const dateCol = findColumn(headers, RESTING_DATE);
  const valueCol = findColumn(headers, RESTING_VALUE);
  if (dateCol < 0 || valueCol < 0) return undefined;
  const clock = zoneClock(timeZone);
  return {
    onRow(fields, line) {
      const when = parseIsoInstant(cell(fields, dateCol));
      if (!when) return b.skip(line, `date "${cell(fields, dateCol)}" is not an ISO-8601 date; row skipped`);
      const date = when.atMidnight ? when.writtenDate : clock.localParts(when.epochMs).date;
      const raw = cell(fields, valueCol);
      // Empty or 0: not worn, no value.
      if (raw === '' || Number(raw) === 0) return b.restingRate(line, date, 0);
      const bpm = checkValue(raw, BOUNDS.restingHeartRate);
      if (typeof bpm === 'string') return b.skip(line, `${bpm}; row skipped`, date);
      b.restingRate(line, date, bpm);
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

const sleepReader: ReaderFactory = (headers, b, timeZone) => {
  const startCol = findColumn(headers, SLEEP_START);
  const endCol = findColumn(headers, SLEEP_END);
  const asleepCol = findColumn(headers, MINUTES_ASLEEP);
  if (startCol < 0 || endCol < 0 || asleepCol < 0) return undefined;
  const startOffsetCol = findColumn(headers, START_OFFSET);
  const endOffsetCol = findColumn(headers, END_OFFSET);
  const mainCol = findColumn(headers, MAIN_SLEEP);
  const idCol = findColumn(headers, SLEEP_ID);
  const clock = zoneClock(timeZone);

  return {
    onRow(fields, line) {
      const start = parseIsoInstant(cell(fields, startCol));
      const end = parseIsoInstant(cell(fields, endCol));
      if (!start?.hasTime || !end?.hasTime) {
        return b.skip(
          line,
          `start "${cell(fields, startCol)}" or end "${cell(fields, endCol)}" is not an ISO-8601 time; sleep skipped`,
        );
      }
      const startColumnOffset = parseUtcOffset(cell(fields, startOffsetCol));
      const startOffset = startColumnOffset ?? start.writtenOffsetMs ?? clock.offsetAt(start.epochMs);
      const endOffset =
        parseUtcOffset(cell(fields, endOffsetCol)) ??
        startColumnOffset ??
        end.writtenOffsetMs ??
        clock.offsetAt(end.epochMs);
      const endTime = wallTime(end.epochMs, endOffset);
      const dateOfSleep = endTime.slice(0, 10);
      const minutesAsleep = checkValue(cell(fields, asleepCol), BOUNDS.minutesAsleep);
      if (typeof minutesAsleep === 'string')
        return b.skip(line, `${minutesAsleep}; sleep skipped`, dateOfSleep);
      const log: SleepLog = {
        dateOfSleep,
        minutesAsleep,
        startTime: wallTime(start.epochMs, startOffset),
        endTime,
        levels: undefined,
      };
      if (mainCol >= 0) log.isMainSleep = parseBoolean(cell(fields, mainCol));
      // Without an id, the start instant identifies a log: the same night in two files is kept once.
      b.sleepLog(line, log, cell(fields, idCol) || `start:${start.epochMs}`);
    },
  };
};

const READERS: Record<DataKind, ReaderFactory> = {
  heart: heartReader,
  steps: stepsReader,
  resting: restingReader,
  sleep: sleepReader,
};

const KIND_COLUMNS: Record<DataKind, string> = {
  heart: 'heart-rate (timestamp, beats per minute)',
  steps: 'steps (timestamp, steps)',
  resting: 'resting heart rate (date, beats per minute)',
  sleep: 'sleeps (sleep_start, sleep_end, minutes_asleep)',
};

/** The records of one CSV file, header first, through the row reader its headers call for. */
class CsvFileRecords {
  readonly builder: FileReadBuilder;
  private rows: CsvFileReader | undefined;
  private headerProblem: string | undefined;

  constructor(
    private readonly file: PlannedFile,
    limits: RecordLimits,
    private readonly timeZone: string,
  ) {
    this.builder = new FileReadBuilder(file, limits);
  }

  /** How the fast path reads data rows from their bytes, once the header is read (see csv-shapes.ts). */
  readonly shape = (): RowShape | undefined => this.rows?.shape;

  /** forEachCsvRecord's callback: false stops reading (headers not recognised). */
  readonly onRecord = (fields: string[], line: number): boolean => {
    if (this.rows) {
      this.builder.countRecord();
      this.rows.onRow(fields, line);
      return true;
    }
    this.rows = READERS[this.file.kind](fields, this.builder, this.timeZone);
    if (!this.rows) {
      this.headerProblem = `headers not recognised as a ${KIND_COLUMNS[this.file.kind]} file: ${fields.join(', ')}`;
      return false;
    }
    return true;
  };

  /** The file's result once reading ended: `count` records handed over (the header included). */
  finish(outcome: CsvOutcome): FileRead {
    if (this.headerProblem) return this.builder.finish(this.headerProblem);
    if (outcome.error) {
      const where = outcome.line !== undefined ? `line ${outcome.line}` : `record ${outcome.count + 1}`;
      return this.builder.finish(`unreadable from ${where} on (${outcome.error.message})`);
    }
    if (outcome.count === 0) return this.builder.finish('the file is empty, expected a header row');
    return this.builder.finish();
  }
}

/** The fast path (csv-scan.ts): undefined when it declines the file, which is then read by csv-parse. */
export async function scanGoogleCsvFile(
  input: ByteSource,
  file: PlannedFile,
  limits: RecordLimits,
  timeZone: string,
  windowBytes = WINDOW_BYTES,
): Promise<FileRead | undefined> {
  const records = new CsvFileRecords(file, limits, timeZone);
  const scanner = new PlainCsvScanner(records.onRecord, records.shape);
  const outcome = await scanInWindows(input, scanner, windowBytes);
  return outcome === 'declined' ? undefined : records.finish({ count: scanner.count });
}

/** csv-parse's read of the file: every record before a break is kept, and the break is named. */
export async function streamGoogleCsvFile(
  input: Readable,
  file: PlannedFile,
  limits: RecordLimits,
  timeZone: string,
): Promise<FileRead> {
  const records = new CsvFileRecords(file, limits, timeZone);
  return records.finish(await forEachCsvRecord(input, records.onRecord));
}

/**
 * Reads one Google-era CSV file. Bad input becomes warnings and damage in the result; only bugs throw. The fast
 * path reads plain CSV; a file it declines is read again from the start by csv-parse, as is every file with
 * the 'streaming' parser.
 */
export async function readGoogleCsvFile(
  reader: ExportReader,
  file: PlannedFile,
  limits: RecordLimits,
  timeZone: string,
  parser: ParserMode = 'fast',
): Promise<FileRead> {
  if (parser === 'fast') {
    const input = reader.source(file.member);
    const read = await scanGoogleCsvFile(input, file, limits, timeZone);
    if (read) return read;
  }
  return streamGoogleCsvFile(reader.open(file.member), file, limits, timeZone);
}
