/**
 * Reading single Google Health API v4 data points (docs/google-health-api.md) into the values a DayRecord needs.
 * Every function takes one point as `unknown`, because a point is only as trustworthy as the body it came in:
 * anything unusable is reported through `warn` and yields undefined, so one bad point costs that point only.
 *
 * int64 fields (counts, bpm, minutes) arrive as JSON strings; peers have also seen numbers, so both are read,
 * and a string is only accepted when it is an integer that a double holds exactly.
 */
import { isCivilDate } from '../../util/civil-date';
import { wallParts, zoneClock, type LocalParts } from '../../util/timezone';
import type { SleepLog, SleepSegment } from '../day-record';
import { BOUNDS, checkValue } from '../plausibility';

export type Warn = (message: string) => void;

const INT64 = /^-?\d{1,19}$/;
const DURATION = /^(-?\d+(?:\.\d+)?)s$/;

/** An int64 field as a number; undefined when it is not an integer or too large to be exact. */
export function parseInt64(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !INT64.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Dates already checked: a day of samples repeats the same handful of dates tens of thousands of times. */
const checkedDates = new Map<string, boolean>();

/** google.type.Date `{year, month, day}` as YYYY-MM-DD; undefined when it is not a calendar date. */
export function googleDate(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const { year, month, day } = value;
  if (typeof year !== 'number' || typeof month !== 'number' || typeof day !== 'number') return undefined;
  const text = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  let valid = checkedDates.get(text);
  if (valid === undefined) {
    valid = isCivilDate(text);
    if (checkedDates.size < 10_000) checkedDates.set(text, valid);
  }
  return valid ? text : undefined;
}

interface CivilTime {
  date: string;
  hours: number;
  minutes: number;
  seconds: number;
}

/** A CivilDateTime `{date, time: {hours, minutes, seconds}}`; an absent time (or field) is midnight (proto3). */
function civilDateTime(value: unknown): CivilTime | undefined {
  if (!isRecord(value)) return undefined;
  const date = googleDate(value.date);
  if (!date) return undefined;
  const time = isRecord(value.time) ? value.time : {};
  const field = (v: unknown, max: number) =>
    v === undefined ? 0 : typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : NaN;
  const hours = field(time.hours, 23);
  const minutes = field(time.minutes, 59);
  const seconds = field(time.seconds, 60);
  if ([hours, minutes, seconds].some(Number.isNaN)) return undefined;
  return { date, hours, minutes, seconds };
}

/** A civil time as the Fitbit sleep log spells its times (local wall clock, no offset), for the archive. */
function fitbitLocalStamp(t: CivilTime): string {
  return `${t.date}T${pad2(t.hours)}:${pad2(t.minutes)}:${pad2(t.seconds)}.000`;
}

/** `"3600s"` as milliseconds. */
function durationMs(value: unknown): number | undefined {
  const m = typeof value === 'string' ? DURATION.exec(value) : null;
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/**
 * Civil date and clock minute of a sample: the API's own civil copy when present, else the physical time
 * shifted by the offset it carries, else the physical time in the user's zone.
 */
function sampleLocalParts(sampleTime: unknown, timeZone: string): LocalParts | undefined {
  if (!isRecord(sampleTime)) return undefined;
  const civil = civilDateTime(sampleTime.civilTime);
  if (civil) return { date: civil.date, minuteOfDay: civil.hours * 60 + civil.minutes };
  const physical = typeof sampleTime.physicalTime === 'string' ? Date.parse(sampleTime.physicalTime) : NaN;
  if (Number.isNaN(physical)) return undefined;
  const offset = durationMs(sampleTime.utcOffset);
  return offset !== undefined ? wallParts(physical + offset) : zoneClock(timeZone).localParts(physical);
}

export interface HeartSample extends LocalParts {
  bpm: number;
}

/** A `heart-rate` point: `{heartRate: {sampleTime: {physicalTime, utcOffset, civilTime}, beatsPerMinute}}`. */
export function readHeartSample(point: unknown, timeZone: string, warn: Warn): HeartSample | undefined {
  const heartRate = isRecord(point) ? point.heartRate : undefined;
  if (!isRecord(heartRate)) return void warn('no "heartRate" object; point skipped');
  const bpm = parseInt64(heartRate.beatsPerMinute);
  if (bpm === undefined || bpm < 0) {
    return void warn(`beatsPerMinute ${shown(heartRate.beatsPerMinute)} is not an int64; point skipped`);
  }
  // The export's bound for one sample: a 1000 among 59 samples of 70 still makes a plausible minute's mean.
  const plausible = checkValue(bpm, BOUNDS.heartRate);
  if (typeof plausible === 'string') return void warn(`${plausible}; point skipped`);
  const local = sampleLocalParts(heartRate.sampleTime, timeZone);
  if (!local) return void warn('no readable sampleTime; point skipped');
  return { ...local, bpm };
}

/** A `daily-resting-heart-rate` point: `{dailyRestingHeartRate: {date, beatsPerMinute}}`. */
export function readRestingRate(point: unknown, warn: Warn): { date: string; bpm: number } | undefined {
  const resting = isRecord(point) ? point.dailyRestingHeartRate : undefined;
  if (!isRecord(resting)) return void warn('no "dailyRestingHeartRate" object; point skipped');
  const date = googleDate(resting.date);
  if (!date) return void warn(`date ${shown(resting.date)} is not a calendar date; point skipped`);
  // A date without a value is a day Google has no resting rate for (not worn): no value, nothing wrong.
  if (resting.beatsPerMinute === undefined) return undefined;
  const bpm = parseInt64(resting.beatsPerMinute);
  if (bpm === undefined || bpm < 0) {
    return void warn(`beatsPerMinute ${shown(resting.beatsPerMinute)} is not an int64; point skipped`);
  }
  // 0 is "not worn" (the accumulator drops it); any other value must be a plausible resting rate.
  const plausible = bpm === 0 ? bpm : checkValue(bpm, BOUNDS.restingHeartRate);
  if (typeof plausible === 'string') return void warn(`${plausible}; point skipped`);
  return { date, bpm };
}

/**
 * A steps dailyRollUp point: `{civilStartTime: {date}, steps: {countSum}}`. A point without a steps value is a
 * day without steps data (undefined, no warning); a countSum that is not an int64 is a warning.
 */
export function readStepsRollup(point: unknown, warn: Warn): { date: string; steps: number } | undefined {
  if (!isRecord(point)) return void warn('not an object; point skipped');
  const date = civilDateTime(point.civilStartTime)?.date;
  if (!date) return void warn(`civilStartTime ${shown(point.civilStartTime)} has no date; point skipped`);
  if (!isRecord(point.steps) || point.steps.countSum === undefined) return undefined;
  const steps = parseInt64(point.steps.countSum);
  if (steps === undefined || steps < 0) {
    return void warn(
      `steps.countSum ${shown(point.steps.countSum)} of ${date} is not an int64; point skipped`,
    );
  }
  return { date, steps };
}

/** The stage types of the API and the level names the Fitbit logs (and derive.ts) use. */
const LEVEL_BY_STAGE = new Map([
  ['AWAKE', 'wake'],
  ['LIGHT', 'light'],
  ['DEEP', 'deep'],
  ['REM', 'rem'],
  ['ASLEEP', 'asleep'],
  ['RESTLESS', 'restless'],
]);

/**
 * `sleep.stages` as level segments in time order. A type this code does not know keeps its name in lower
 * case: derive.ts counts only known asleep levels, so an unknown one ends an episode rather than extending it.
 */
function sleepLevels(stages: unknown, warn: Warn): SleepSegment[] | undefined {
  if (!Array.isArray(stages)) {
    warn('sleep has no "stages"; kept without levels (minutesAsleep still counts)');
    return undefined;
  }
  const timed: Array<{ start: number; segment: SleepSegment }> = [];
  stages.forEach((stage: unknown, i) => {
    const start = isRecord(stage) && typeof stage.startTime === 'string' ? Date.parse(stage.startTime) : NaN;
    const end = isRecord(stage) && typeof stage.endTime === 'string' ? Date.parse(stage.endTime) : NaN;
    const type = isRecord(stage) && typeof stage.type === 'string' ? stage.type : undefined;
    if (type === undefined || Number.isNaN(start) || Number.isNaN(end) || end < start) {
      warn(`stages[${i}] has no type, startTime or endTime; segment skipped`);
      return;
    }
    const level = LEVEL_BY_STAGE.get(type) ?? type.toLowerCase();
    timed.push({ start, segment: { level, seconds: (end - start) / 1000 } });
  });
  // The API does not promise an order; the longest-episode metric depends on it.
  return timed.sort((a, b) => a.start - b.start).map((t) => t.segment);
}

/**
 * A `sleep` point, keyed by its wake date (the civil date it ended on), as Fitbit's dateOfSleep was. Main sleep
 * is every sleep that is not a nap (`metadata.nap`; proto3 JSON leaves a false out). The point's resource name
 * is its id: `name` on a listed point, `dataPointName` on a reconciled one.
 */
export function readSleep(point: unknown, warn: Warn): { id?: string; log: SleepLog } | undefined {
  const sleep = isRecord(point) ? point.sleep : undefined;
  if (!isRecord(sleep)) return void warn('no "sleep" object; point skipped');
  const interval = isRecord(sleep.interval) ? sleep.interval : {};
  const end = civilDateTime(interval.civilEndTime);
  if (!end)
    return void warn(`interval.civilEndTime ${shown(interval.civilEndTime)} has no date; sleep skipped`);
  const summary = isRecord(sleep.summary) ? sleep.summary : {};
  const minutesAsleep = parseInt64(summary.minutesAsleep);
  if (minutesAsleep === undefined || minutesAsleep < 0) {
    return void warn(`summary.minutesAsleep ${shown(summary.minutesAsleep)} is not an int64; sleep skipped`);
  }
  const metadata = isRecord(sleep.metadata) ? sleep.metadata : {};
  const log: SleepLog = { dateOfSleep: end.date, isMainSleep: metadata.nap !== true, minutesAsleep };
  const start = civilDateTime(interval.civilStartTime);
  if (start) log.startTime = fitbitLocalStamp(start);
  log.endTime = fitbitLocalStamp(end);
  log.levels = sleepLevels(sleep.stages, warn);
  const name = resourceName(point);
  return name === undefined ? { log } : { id: name, log };
}

/** `name` of a listed data point, `dataPointName` of a reconciled one; only identifiable types have one. */
export function resourceName(point: unknown): string | undefined {
  if (!isRecord(point)) return undefined;
  const name = point.name ?? point.dataPointName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
