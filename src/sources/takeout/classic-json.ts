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
import { parseFitbitDate, parseFitbitDateTime } from '../../util/timezone';
import { isCivilDate } from '../../util/civil-date';
import type { SleepLog, SleepSegment } from '../day-record';
import { BOUNDS, checkValue, shown } from '../plausibility';
import type { DataFile, DataKind, PlannedFile } from './data-file';
import { FileReadBuilder, type FileRead, type RecordLimits } from './file-read';
import { forEachJsonArrayElement } from './json-array';
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type ElementHandler = (element: unknown, index: number) => void;

const NO_TIME = 'no readable dateTime (MM/DD/YY HH:MM:SS); record skipped';

/** A steps or heart-rate element's time (as parseFitbitDateTime reads it) and value; undefined if unreadable. */
function timedValue(element: unknown): { t: number; value: unknown } | undefined {
  if (!isObject(element) || typeof element.dateTime !== 'string') return undefined;
  const t = parseFitbitDateTime(element.dateTime);
  return Number.isNaN(t) ? undefined : { t, value: element.value };
}

function stepsHandler(b: FileReadBuilder): ElementHandler {
  return (element, index) => {
    const sample = timedValue(element);
    if (!sample) return b.skip(index, NO_TIME);
    const steps = checkValue(sample.value, BOUNDS.stepsPerRecord);
    if (typeof steps === 'string') return b.skip(index, `${steps}; record skipped`, sample.t);
    b.stepsSample(index, sample.t, steps);
  };
}

function heartHandler(b: FileReadBuilder): ElementHandler {
  return (element, index) => {
    const sample = timedValue(element);
    if (!sample) return b.skip(index, NO_TIME);
    const bpm = checkValue(isObject(sample.value) ? sample.value.bpm : undefined, BOUNDS.heartRate);
    if (typeof bpm === 'string') return b.skip(index, `${bpm}; record skipped`, sample.t);
    b.heartSample(index, sample.t, bpm);
  };
}

function restingHandler(b: FileReadBuilder): ElementHandler {
  return (element, index) => {
    const value = isObject(element) ? element.value : undefined;
    // value.date is the civil day the resting rate belongs to; dateTime is only when it was computed.
    const date = isObject(value)
      ? ((typeof value.date === 'string' ? parseFitbitDate(value.date) : undefined) ??
        (isObject(element) && typeof element.dateTime === 'string'
          ? parseFitbitDate(element.dateTime.slice(0, 8))
          : undefined))
      : undefined;
    if (!isObject(value) || !date) return b.skip(index, 'no readable date (MM/DD/YY); record skipped');
    // 0 and null: the tracker was not worn, which is no value (but still a record that may repeat).
    if (value.value === null || value.value === 0) return b.restingRate(index, date, 0);
    const bpm = checkValue(value.value, BOUNDS.restingHeartRate);
    if (typeof bpm === 'string') return b.skip(index, `${bpm}; record skipped`, date);
    b.restingRate(index, date, bpm);
  };
}

/** `levels.data` as segments; undefined when the log has none; a string when a segment is not plausible. */
function sleepLevels(log: Record<string, unknown>): SleepSegment[] | undefined | string {
  const levels = log.levels;
  const data = isObject(levels) ? levels.data : undefined;
  if (!Array.isArray(data)) return undefined;
  const segments: SleepSegment[] = [];
  for (const [i, item] of data.entries()) {
    const seconds = isObject(item) ? checkValue(item.seconds, BOUNDS.sleepSegmentSeconds) : 'not an object';
    if (!isObject(item) || typeof item.level !== 'string' || typeof seconds === 'string') {
      return `levels.data[${i}] has no level or plausible seconds (${typeof seconds === 'string' ? seconds : 'no level'})`;
    }
    segments.push({ level: item.level, seconds });
  }
  return segments;
}

function sleepHandler(b: FileReadBuilder): ElementHandler {
  return (element, index) => {
    if (!isObject(element)) return b.skip(index, 'not a sleep log object; skipped');
    const id =
      typeof element.logId === 'number' || typeof element.logId === 'string'
        ? String(element.logId)
        : undefined;
    // Warnings about a sleep log name its logId (what a user can look up); the array index when there is none.
    const ref = id ?? index;
    const dateOfSleep = element.dateOfSleep;
    if (typeof dateOfSleep !== 'string' || !isCivilDate(dateOfSleep)) {
      return b.skip(ref, `dateOfSleep ${shown(dateOfSleep)} is not a YYYY-MM-DD date; log skipped`);
    }
    const minutesAsleep = checkValue(element.minutesAsleep, BOUNDS.minutesAsleep);
    if (typeof minutesAsleep === 'string') return b.skip(ref, `${minutesAsleep}; log skipped`, dateOfSleep);
    const levels = sleepLevels(element);
    if (typeof levels === 'string') return b.skip(ref, `${levels}; log skipped`, dateOfSleep);
    // No mainSleep key (older exports): undefined, and the longest log of the night is its main sleep.
    const log: SleepLog = { dateOfSleep, minutesAsleep };
    if (typeof element.mainSleep === 'boolean') log.isMainSleep = element.mainSleep;
    if (typeof element.startTime === 'string') log.startTime = element.startTime;
    if (typeof element.endTime === 'string') log.endTime = element.endTime;
    log.levels = levels;
    if (levels === undefined)
      b.note(ref, 'sleep log has no levels; kept without them (minutesAsleep still counts)');
    b.sleepLog(ref, log, id);
  };
}

const HANDLERS: Record<DataKind, (b: FileReadBuilder) => ElementHandler> = {
  steps: stepsHandler,
  heart: heartHandler,
  resting: restingHandler,
  sleep: sleepHandler,
};

/** Reads one classic JSON file. Bad input becomes warnings and damage in the result; only bugs throw. */
export async function readClassicFile(
  reader: ExportReader,
  file: PlannedFile,
  limits: RecordLimits,
): Promise<FileRead> {
  const builder = new FileReadBuilder(file, limits);
  const handle = HANDLERS[file.kind](builder);
  const outcome = await forEachJsonArrayElement(reader.open(file.member), (element, index) => {
    builder.countRecord();
    handle(element, index);
  });
  if (!outcome.error) return builder.finish();
  const damage =
    outcome.count === 0
      ? outcome.error.message
      : `unreadable from record ${outcome.count} on (${outcome.error.message})`;
  return builder.finish(damage);
}
