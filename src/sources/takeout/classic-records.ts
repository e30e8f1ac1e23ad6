/**
 * What a classic export record means: the rules that turn one array element of a steps, heart-rate, resting
 * heart rate or sleep file into FileReadBuilder calls (or a skipped record with its reason).
 *
 * Two parsers feed these rules: the fast byte scanner (json-scan.ts, classic-shapes.ts), which hands over the
 * fields of the usual record shapes without building the element, and JSON.parse or the streaming parser, which
 * hand over whole elements (elementHandler). Both end in the same functions below (heartValue, stepsValue), so
 * a record gives the same result whichever parser read it.
 */
import { isCivilDate } from '../../util/civil-date';
import { parseFitbitDate, parseFitbitDateTime } from '../../util/timezone';
import type { SleepLog, SleepSegment } from '../day-record';
import { BOUNDS, checkValue, shown } from '../plausibility';
import type { DataKind } from './data-file';
import type { FileReadBuilder } from './file-read';

export type ElementHandler = (element: unknown, index: number) => void;

export const NO_TIME = 'no readable dateTime (MM/DD/YY HH:MM:SS); record skipped';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A steps or heart-rate element's time (as parseFitbitDateTime reads it) and value; undefined if unreadable. */
function timedValue(element: unknown): { t: number; value: unknown } | undefined {
  if (!isObject(element) || typeof element.dateTime !== 'string') return undefined;
  const t = parseFitbitDateTime(element.dateTime);
  return Number.isNaN(t) ? undefined : { t, value: element.value };
}

/** A heart-rate record with a readable time `t`: its `value.bpm` as written (number, string, anything). */
export function heartValue(b: FileReadBuilder, index: number, t: number, rawBpm: unknown): void {
  const bpm = checkValue(rawBpm, BOUNDS.heartRate);
  if (typeof bpm === 'string') return b.skip(index, `${bpm}; record skipped`, t);
  b.heartSample(index, t, bpm);
}

/** A steps record with a readable time `t`: its `value` as written (the export writes a string). */
export function stepsValue(b: FileReadBuilder, index: number, t: number, rawSteps: unknown): void {
  const steps = checkValue(rawSteps, BOUNDS.stepsPerRecord);
  if (typeof steps === 'string') return b.skip(index, `${steps}; record skipped`, t);
  b.stepsSample(index, t, steps);
}

/**
 * A steps value written as a string of 1 to 15 ASCII digits (`written` holds its bytes), whose number is
 * `count`: exactly what stepsValue makes of that string (a whole number, at least 0), without making the string
 * unless it is out of bounds and has to be shown in the warning.
 */
export function stepsDigits(
  b: FileReadBuilder,
  index: number,
  t: number,
  count: number,
  written: { bytes: Buffer; from: number; to: number },
): void {
  if (count <= BOUNDS.stepsPerRecord.max) b.stepsSample(index, t, count);
  else stepsValue(b, index, t, written.bytes.toString('latin1', written.from, written.to));
}

function stepsHandler(b: FileReadBuilder): ElementHandler {
  return (element, index) => {
    const sample = timedValue(element);
    if (!sample) return b.skip(index, NO_TIME);
    stepsValue(b, index, sample.t, sample.value);
  };
}

function heartHandler(b: FileReadBuilder): ElementHandler {
  return (element, index) => {
    const sample = timedValue(element);
    if (!sample) return b.skip(index, NO_TIME);
    heartValue(b, index, sample.t, isObject(sample.value) ? sample.value.bpm : undefined);
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

/** The rule for whole elements of a file of `kind`, feeding `b`; counts each element as a record. */
export function elementHandler(kind: DataKind, b: FileReadBuilder): ElementHandler {
  const handle = HANDLERS[kind](b);
  return (element, index) => {
    b.countRecord();
    handle(element, index);
  };
}
