/**
 * The classic Fitbit export: JSON arrays under `Global Export Data/`, one file per period (a day or a month),
 * named by the period's start date.
 *
 *   steps-YYYY-MM-DD.json              [{"dateTime":"MM/DD/YY HH:MM:SS","value":"12"}]   (value: string count)
 *   heart_rate-YYYY-MM-DD.json         [{"dateTime":"…","value":{"bpm":64,"confidence":2}}]
 *   resting_heart_rate-YYYY-MM-DD.json [{"dateTime":"…","value":{"date":"MM/DD/YY","value":57.1,"error":6.1}}]
 *   sleep-YYYY-MM-DD.json              [Fitbit v1.2 sleep logs: logId, dateOfSleep, startTime, endTime,
 *                                       minutesAsleep, mainSleep, type, levels.{summary,data,shortData}]
 *
 * Whether steps/heart `dateTime`s are UTC or local wall time is disputed between parsers (docs/health-sources.md,
 * section 4); the caller decides (exportTimezone). Sleep times and resting-HR dates are local civil values.
 * Numbers are accepted as JSON numbers or numeric strings (steps are strings in the export).
 */
import { parseFitbitDate, parseFitbitDateTime } from '../../util/timezone';
import { isCivilDate } from '../../util/civil-date';
import type { SleepLog, SleepSegment } from '../day-record';
import { toNumber, type DataFile, type DataKind, type ReadContext } from './data-file';
import { FileWarnings } from './file-warnings';
import { forEachJsonArrayElement } from './json-array';

export const CLASSIC_FOLDER = 'Global Export Data/';

const CLASSIC_FILE =
  /^Global Export Data\/(steps|heart_rate|resting_heart_rate|sleep)-(\d{4}-\d{2}-\d{2})\.json$/;
const KIND_BY_PREFIX: Record<string, DataKind> = {
  steps: 'steps',
  heart_rate: 'heart',
  resting_heart_rate: 'resting',
  sleep: 'sleep',
};

/** The classic files among an export's members; every other file (weight, calories, …) is ignored. */
export function classicFiles(members: readonly string[]): DataFile[] {
  const files: DataFile[] = [];
  for (const member of members) {
    const m = CLASSIC_FILE.exec(member);
    const kind = m ? KIND_BY_PREFIX[m[1] as string] : undefined;
    if (m && kind && isCivilDate(m[2] as string)) files.push({ kind, member, date: m[2] as string });
  }
  return files;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type ElementHandler = (element: unknown, index: number) => void;

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

const NO_TIME = 'no readable dateTime (MM/DD/YY HH:MM:SS); record skipped';

/** A steps or heart-rate element's time (as parseFitbitDateTime reads it) and value; undefined if unreadable. */
function timedValue(element: unknown): { t: number; value: unknown } | undefined {
  if (!isObject(element) || typeof element.dateTime !== 'string') return undefined;
  const t = parseFitbitDateTime(element.dateTime);
  return Number.isNaN(t) ? undefined : { t, value: element.value };
}

function stepsHandler(ctx: ReadContext, fw: FileWarnings): ElementHandler {
  return (element, index) => {
    const sample = timedValue(element);
    if (!sample) return fw.record(index, NO_TIME);
    const steps = toNumber(sample.value);
    if (steps === undefined || steps < 0) {
      return fw.record(index, `step count ${shown(sample.value)} is not a number; record skipped`);
    }
    ctx.days.addSteps(ctx.toLocal(sample.t).date, steps);
  };
}

function heartHandler(ctx: ReadContext, fw: FileWarnings): ElementHandler {
  return (element, index) => {
    const sample = timedValue(element);
    if (!sample) return fw.record(index, NO_TIME);
    const raw = isObject(sample.value) ? sample.value.bpm : undefined;
    const bpm = toNumber(raw);
    if (bpm === undefined || bpm < 0)
      return fw.record(index, `bpm ${shown(raw)} is not a number; record skipped`);
    const { date, minuteOfDay } = ctx.toLocal(sample.t);
    ctx.days.addHeart(date, minuteOfDay, bpm);
  };
}

function restingHandler(ctx: ReadContext, fw: FileWarnings): ElementHandler {
  return (element, index) => {
    const value = isObject(element) ? element.value : undefined;
    if (!isObject(value)) return fw.record(index, 'no value object; record skipped');
    // value.date is the civil day the resting rate belongs to; dateTime is only when it was computed.
    const date =
      (typeof value.date === 'string' ? parseFitbitDate(value.date) : undefined) ??
      (isObject(element) && typeof element.dateTime === 'string'
        ? parseFitbitDate(element.dateTime.slice(0, 8))
        : undefined);
    if (!date) return fw.record(index, 'no readable date (MM/DD/YY); record skipped');
    if (value.value === null) return; // not worn, like 0
    const bpm = toNumber(value.value);
    if (bpm === undefined || bpm < 0)
      return fw.record(index, `resting heart rate ${shown(value.value)} is not a number; record skipped`);
    ctx.days.setRestingHeartRate(date, bpm);
  };
}

/** `levels.data` as segments; undefined (with a warning) when the log has none. */
function sleepLevels(
  log: Record<string, unknown>,
  ref: string | number,
  fw: FileWarnings,
): SleepSegment[] | undefined {
  const levels = log.levels;
  const data = isObject(levels) ? levels.data : undefined;
  if (!Array.isArray(data)) {
    fw.record(ref, 'sleep log has no levels; kept without them (minutesAsleep still counts)');
    return undefined;
  }
  const segments: SleepSegment[] = [];
  data.forEach((item: unknown, i) => {
    const seconds = isObject(item) ? toNumber(item.seconds) : undefined;
    if (!isObject(item) || typeof item.level !== 'string' || seconds === undefined) {
      fw.record(ref, `levels.data[${i}] has no level or seconds; segment skipped`);
    } else {
      segments.push({ level: item.level, seconds });
    }
  });
  return segments;
}

function sleepHandler(ctx: ReadContext, fw: FileWarnings): ElementHandler {
  return (element, index) => {
    if (!isObject(element)) return fw.record(index, 'not a sleep log object; skipped');
    const id =
      typeof element.logId === 'number' || typeof element.logId === 'string'
        ? String(element.logId)
        : undefined;
    // Warnings about a sleep log name its logId (what a user can look up); the array index when there is none.
    const ref = id ?? index;
    const dateOfSleep = element.dateOfSleep;
    if (typeof dateOfSleep !== 'string' || !isCivilDate(dateOfSleep)) {
      return fw.record(ref, `dateOfSleep ${shown(dateOfSleep)} is not a YYYY-MM-DD date; log skipped`);
    }
    const minutesAsleep = toNumber(element.minutesAsleep);
    if (minutesAsleep === undefined || minutesAsleep < 0) {
      return fw.record(ref, `minutesAsleep ${shown(element.minutesAsleep)} is not a number; log skipped`);
    }
    // Out-of-range logs are dropped before their levels are looked at: no warnings about data not imported.
    if (!ctx.days.inRange(dateOfSleep)) return;
    const log: SleepLog = { dateOfSleep, isMainSleep: element.mainSleep === true, minutesAsleep };
    if (typeof element.startTime === 'string') log.startTime = element.startTime;
    if (typeof element.endTime === 'string') log.endTime = element.endTime;
    log.levels = sleepLevels(element, ref, fw);
    ctx.days.addSleep(log, id);
  };
}

const HANDLERS: Record<DataKind, (ctx: ReadContext, fw: FileWarnings) => ElementHandler> = {
  steps: stepsHandler,
  heart: heartHandler,
  resting: restingHandler,
  sleep: sleepHandler,
};

/** Reads one classic JSON file into the accumulator. Bad input becomes warnings; only bugs throw. */
export async function readClassicFile(file: DataFile, ctx: ReadContext): Promise<void> {
  const fw = new FileWarnings(file.member, ctx.warnings);
  const outcome = await forEachJsonArrayElement(ctx.reader.open(file.member), HANDLERS[file.kind](ctx, fw));
  if (outcome.error) {
    fw.problem(
      `unreadable from element ${outcome.count} on (${outcome.error.message}); the ${outcome.count} elements before it were kept`,
      outcome.count,
    );
  }
  fw.finish();
}
