/**
 * Validates a DayRecord with the plausibility rules the sources apply to raw records, for the places where a
 * record comes from somewhere that may have been damaged or written by an older version: the archive (read by
 * `replay`) and every source's output before it is archived. An invalid input is never repaired or read as 0:
 * it is withheld, with the problem as the reason, and the caller warns.
 */
import { isCivilDate } from '../util/civil-date';
import { BOUNDS, isPlausible } from './plausibility';
import {
  DAY_INPUTS,
  type DayInput,
  type DayRecord,
  type SourceResult,
  type Withheld,
  type WithheldReason,
} from './day-record';

const MINUTES_PER_DAY = 1440;
/** How a refused input's reason is worded by default. */
const refusedReason = (problem: string): string => `refused, not a plausible value: ${problem}`;

function isWithheldReason(value: unknown): value is WithheldReason {
  return (
    isObject(value) &&
    typeof value.file === 'string' &&
    typeof value.reason === 'string' &&
    (value.expected === undefined || value.expected === true)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message: numbers as JavaScript writes them (Infinity, NaN), the rest as JSON. */
const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? 'undefined'));

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function meanInBounds(sum: unknown, count: number): boolean {
  return typeof sum === 'number' && Number.isFinite(sum) && isPlausible(sum / count, BOUNDS.heartRate);
}

function heartProblem(heart: unknown): string | undefined {
  if (!isObject(heart)) return 'heart is not an object';
  const { sum, count, minutes } = heart;
  if (!isCount(count)) return `heart.count ${show(count)} is not a whole number >= 0`;
  if (typeof sum !== 'number' || !Number.isFinite(sum)) return `heart.sum ${show(sum)} is not a number`;
  if (count > 0 && !meanInBounds(sum, count))
    return `heart.sum / heart.count = ${sum / count} is not a plausible heart rate`;
  if (!Array.isArray(minutes)) return 'heart.minutes is not a list';
  for (const [i, entry] of minutes.entries()) {
    const [minute, minuteSum, minuteCount] = Array.isArray(entry) ? (entry as unknown[]) : [];
    if (
      !Number.isInteger(minute) ||
      (minute as number) < 0 ||
      (minute as number) >= MINUTES_PER_DAY ||
      !isCount(minuteCount) ||
      minuteCount === 0 ||
      !meanInBounds(minuteSum, minuteCount)
    ) {
      return `heart.minutes[${i}] ${show(entry)} is not [minute 0..1439, sum, count] of plausible samples`;
    }
  }
  return undefined;
}

function sleepProblem(sleeps: unknown): string | undefined {
  if (!Array.isArray(sleeps)) return 'sleeps is not a list';
  for (const [i, log] of sleeps.entries()) {
    if (!isObject(log)) return `sleeps[${i}] is not an object`;
    if (typeof log.dateOfSleep !== 'string' || !isCivilDate(log.dateOfSleep))
      return `sleeps[${i}].dateOfSleep ${show(log.dateOfSleep)} is not a date`;
    if (!isPlausible(log.minutesAsleep, BOUNDS.minutesAsleep))
      return `sleeps[${i}].minutesAsleep ${show(log.minutesAsleep)} is not plausible`;
    if (log.isMainSleep !== undefined && typeof log.isMainSleep !== 'boolean')
      return `sleeps[${i}].isMainSleep is not true or false`;
    if (log.levels !== undefined) {
      if (!Array.isArray(log.levels)) return `sleeps[${i}].levels is not a list`;
      const bad = log.levels.findIndex(
        (s: unknown) =>
          !isObject(s) || typeof s.level !== 'string' || !isPlausible(s.seconds, BOUNDS.sleepSegmentSeconds),
      );
      if (bad >= 0) return `sleeps[${i}].levels[${bad}] is not a level with plausible seconds`;
    }
  }
  return undefined;
}

/** The problem with one input of a record, or undefined when it is absent or valid. */
function inputProblem(record: Record<string, unknown>, input: DayInput): string | undefined {
  switch (input) {
    case 'steps':
      return record.steps === undefined || isPlausible(record.steps, BOUNDS.stepsPerDay)
        ? undefined
        : `steps ${show(record.steps)} is not a plausible day's step count`;
    case 'resting':
      return record.restingHeartRate === undefined ||
        record.restingHeartRate === 0 ||
        isPlausible(record.restingHeartRate, BOUNDS.restingHeartRate)
        ? undefined
        : `restingHeartRate ${show(record.restingHeartRate)} is not plausible`;
    case 'heart':
      return record.heart === undefined ? undefined : heartProblem(record.heart);
    case 'sleep':
      return record.sleeps === undefined ? undefined : sleepProblem(record.sleeps);
    case 'worked':
      return record.worked === undefined || record.worked === 0 || record.worked === 1
        ? undefined
        : `worked ${show(record.worked)} is not 0 or 1`;
  }
}

const FIELD_OF: Record<DayInput, keyof DayRecord> = {
  steps: 'steps',
  heart: 'heart',
  resting: 'restingHeartRate',
  sleep: 'sleeps',
  worked: 'worked',
};

export interface CheckedRecord {
  /** The record with every invalid input removed and marked withheld (the reason says why). */
  record: DayRecord;
  /** One sentence per invalid input; empty when the record is valid. */
  problems: string[];
}

/**
 * Checks a record (parsed JSON of unknown shape) that should be the record of `date`, read from `file`. A
 * record that is not one at all (not an object, another date) comes back with every input withheld; `reasonOf`
 * words the reason of a withheld input from the problem.
 */
export function checkDayRecord(
  value: unknown,
  date: string,
  file: string,
  reasonOf: (problem: string) => string = refusedReason,
): CheckedRecord {
  if (!isObject(value) || value.date !== date) {
    const problem = !isObject(value)
      ? 'not a day record (not a JSON object)'
      : `holds the record of ${show(value.date)}, not of ${date}`;
    const withheld: Withheld = {};
    for (const input of DAY_INPUTS) withheld[input] = { file, reason: reasonOf(problem) };
    return { record: { date, withheld }, problems: [problem] };
  }
  const record = { ...value } as unknown as DayRecord & Record<string, unknown>;
  const problems: string[] = [];
  const withheld: Withheld = {};
  if (value.withheld !== undefined) {
    if (!isObject(value.withheld)) problems.push('withheld is not an object');
    else
      for (const [input, reason] of Object.entries(value.withheld)) {
        if ((DAY_INPUTS as readonly string[]).includes(input) && isWithheldReason(reason))
          withheld[input as DayInput] = reason;
        else problems.push(`withheld.${input} is not a known input with a file and a reason`);
      }
  }
  for (const input of DAY_INPUTS) {
    const problem = inputProblem(value, input);
    if (problem === undefined) continue;
    problems.push(problem);
    delete record[FIELD_OF[input]];
    withheld[input] = { file, reason: reasonOf(problem) };
  }
  delete record.withheld;
  if (Object.keys(withheld).length > 0) record.withheld = withheld;
  return { record, problems };
}

/**
 * A source's result with every implausible input withheld, the source named as the file: the last check
 * before anything is archived or derived, whatever the source (the Takeout reader applies the same bounds per
 * record already; this catches any source that does not).
 */
export function checkSourceResult(result: SourceResult): SourceResult {
  const days = new Map<string, DayRecord>();
  for (const [date, record] of result.days)
    days.set(date, checkDayRecord(record, date, result.source).record);
  return { ...result, days };
}
