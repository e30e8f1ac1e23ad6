/**
 * The classic Fitbit export: JSON arrays, one file per period, named by the period's first date. They sit in
 * `Global Export Data/` (Google Takeout) or `user-site-export/` (the older fitbit.com account export).
 *
 *   heart_rate-YYYY-MM-DD.json         one day: the wearer's local midnight to local midnight, UTC times
 *                                      [{"dateTime":"MM/DD/YY HH:MM:SS","value":{"bpm":64,"confidence":2}}]
 *   steps-YYYY-MM-DD.json              about a month, UTC times, one record a minute
 *                                      [{"dateTime":"MM/DD/YY HH:MM:SS","value":"12"}]   (value: string count)
 *   resting_heart_rate-YYYY-MM-DD.json a year or the whole span, one record a civil day
 *                                      [{"dateTime":"…","value":{"date":"MM/DD/YY","value":57.1,"error":6.1}}]
 *   sleep-YYYY-MM-DD.json              about a month of Fitbit v1.2 sleep logs (logId, dateOfSleep,
 *                                      startTime, endTime, minutesAsleep, [mainSleep], levels.{data,…})
 *
 * Heart-rate and steps `dateTime`s are UTC (they equal the Google-era CSV copies' `Z` instants); sleep times
 * and resting-rate dates are the wearer's local civil values. Numbers are accepted as JSON numbers or decimal
 * strings (steps are strings in the export) and must be plausible (plausibility.ts).
 */
import type { Readable } from 'node:stream';
import { isCivilDate } from '../../util/civil-date';
import { scanInWindows, WINDOW_BYTES, type ByteSource } from './byte-windows';
import { elementHandler } from './classic-records';
import { classicShape } from './classic-shapes';
import type { DataFile, DataKind, PlannedFile } from './data-file';
import { FileReadBuilder, type FileRead, type ParserMode, type RecordLimits } from './file-read';
import { forEachJsonArrayElement } from './json-array';
import { JsonArrayScanner } from './json-scan';
import type { ExportReader } from './locate';

/** The folders holding classic files: Google Takeout's, and the fitbit.com account export's. */
export const CLASSIC_FOLDERS = ['Global Export Data', 'user-site-export'] as const;

const KIND_BY_PREFIX: Record<string, DataKind> = {
  steps: 'steps',
  heart_rate: 'heart',
  resting_heart_rate: 'resting',
  sleep: 'sleep',
};
const CLASSIC_NAME = new RegExp(
  `^(?:${CLASSIC_FOLDERS.join('|')})/(steps|heart_rate|resting_heart_rate|sleep)-(.*)\\.json$`,
);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ClassicListing {
  files: DataFile[];
  /** Named like a data file of a kind, but the name holds no calendar date: the reason, per file. */
  misnamed: Array<DataFile & { misnamed: string }>;
}

/** The classic files among an export's members; every other file (weight, calories, …) is ignored. */
export function classicFiles(members: readonly string[]): ClassicListing {
  const listing: ClassicListing = { files: [], misnamed: [] };
  for (const member of members) {
    const m = CLASSIC_NAME.exec(member);
    const kind = m ? KIND_BY_PREFIX[m[1] as string] : undefined;
    if (!m || !kind) continue;
    const date = m[2] as string;
    if (ISO_DATE.test(date) && isCivilDate(date)) listing.files.push({ kind, member, date });
    else {
      listing.misnamed.push({
        kind,
        member,
        misnamed: `named like a ${m[1]} file, but "${date}" is not a calendar date YYYY-MM-DD, so its period is unknown`,
      });
    }
  }
  return listing;
}

/**
 * The fast path: the file's records read from its bytes (json-scan.ts); undefined when the scanner declines
 * the file (damaged, truncated, refused for size, or unreadable), which is then read by the streaming parser.
 */
export async function scanClassicFile(
  input: ByteSource,
  file: PlannedFile,
  limits: RecordLimits,
  windowBytes = WINDOW_BYTES,
): Promise<FileRead | undefined> {
  const builder = new FileReadBuilder(file, limits);
  const scanner = new JsonArrayScanner(elementHandler(file.kind, builder), classicShape(file.kind, builder));
  return (await scanInWindows(input, scanner, windowBytes)) === 'done' ? builder.finish() : undefined;
}

/** The streaming parser's read of the file: every record before a break is kept, and the break is named. */
export async function streamClassicFile(
  input: Readable,
  file: PlannedFile,
  limits: RecordLimits,
): Promise<FileRead> {
  const builder = new FileReadBuilder(file, limits);
  const outcome = await forEachJsonArrayElement(input, elementHandler(file.kind, builder));
  if (!outcome.error) return builder.finish();
  const damage =
    outcome.count === 0
      ? outcome.error.message
      : `unreadable from record ${outcome.count} on (${outcome.error.message})`;
  return builder.finish(damage);
}

/**
 * Reads one classic JSON file. Bad input becomes warnings and damage in the result; only bugs throw. The fast
 * path first; a file it declines is read again from the start by the streaming parser, which keeps every
 * record before the break and says what broke. 'streaming' uses that parser for every file (a diagnostic: the
 * importer's former path). Both give the same FileRead for any file the fast path accepts.
 */
export async function readClassicFile(
  reader: ExportReader,
  file: PlannedFile,
  limits: RecordLimits,
  parser: ParserMode = 'fast',
): Promise<FileRead> {
  if (parser === 'fast') {
    const read = await scanClassicFile(reader.source(file.member), file, limits);
    if (read) return read;
  }
  return streamClassicFile(reader.open(file.member), file, limits);
}
