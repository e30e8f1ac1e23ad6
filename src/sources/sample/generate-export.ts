/**
 * A deterministic, realistic Fitbit export in the classic Takeout layout, with the file periods real exports
 * have, plus a working-days file, for tests, demos and benchmarks of the importer:
 *
 *   <outDir>/Takeout/Fitbit/Global Export Data/
 *     heart_rate-<date>.json          one file per civil day the watch was worn: from the wearer's local
 *                                     midnight to the next, in UTC times, a sample every ~heartIntervalSeconds
 *     steps-<date>.json               one file per calendar month, split at local midnight: one row per worn
 *                                     minute (value a string), UTC times
 *     resting_heart_rate-<date>.json  one file for the whole window, one row per civil day (0 = not worn)
 *     sleep-<date>.json               one file per calendar month of dateOfSleep, v1.2 logs, local times,
 *                                     newest first as the API returns them
 *   <outDir>/Takeout/Fitbit/Your Profile/Profile.csv   (timezone Europe/Berlin)
 *   <outDir>/working-days.csv                          (date,worked)
 *
 * A file is named by the first date of its period (the window's first day for the first month). With `travel`,
 * the person lives some days in another zone: those days run between that zone's midnights, as the watch's
 * files do, while the profile keeps the home zone. Files are written day by day through a small buffer, so a
 * year at 5 s (~0.6 GB) needs no more memory than a week.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../errors';
import { DatedJsonArrayFiles, exportRecord, heartRecord, stepsRecord } from './export-json';
import type { DayKind, SampleTravel } from './sample-calendar';
import { sampleCalendar } from './sample-calendar';
import { sampleDayPlan, type PlannedBlock, type SampleDayPlan } from './sample-day-plan';
import { asleepMinutes, type SampleNight } from './sample-night';
import { seededRandom } from './seeded-random';
import { fitbitShortDate, fitbitUtcStamp, localClock, localIsoStamp } from './zoned-clock';
import { civilMs, isCivilDate, weekday } from '../../util/civil-date';
import { isValidTimeZone } from '../../util/timezone';

export const SAMPLE_TIME_ZONE = 'Europe/Berlin';
const DAY_MS = 86_400_000;
// Bound once for the per-sample loop: under jest each lookup of a global like Math is slow (see seeded-random).
const { floor, round } = Math;

export type { SampleTravel };
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export interface SampleExportOptions {
  /** Created if missing; must not already hold a `Takeout/Fitbit/Global Export Data` with files. */
  outDir: string;
  /** Last civil date of the window (inclusive). */
  endDate?: string;
  days?: number;
  seed?: number;
  /** Mean spacing of heart-rate samples; each sample is jittered within the first half of its slot. */
  heartIntervalSeconds?: number;
  /** Days lived in another zone (a trip), e.g. a month in America/New_York. */
  travel?: SampleTravel;
}

/** What was generated for one civil day: the expected inputs of the daily metrics. */
export interface SampleDay {
  date: string;
  weekday: (typeof WEEKDAYS)[number];
  kind: DayKind;
  worked: 0 | 1;
  /** 23 or 25 on a DST change; another length on a day of travel (from one zone's midnight to another's). */
  hours: number;
  /** The zone the day was lived in (its midnights are the day's bounds). */
  timeZone: string;
  worn: boolean;
  /** Sum of the steps rows whose local time falls on the day; undefined when not worn. */
  steps?: number;
  /** As written in resting_heart_rate (which says 0 when undefined). */
  restingHeartRate?: number;
  /** Heart samples whose local time falls on the day. */
  heart?: { sum: number; count: number; max: number };
  /** The sleep log with dateOfSleep = date (the night that ended this morning), if one was logged. */
  sleep?: {
    logId: number;
    startTime: string;
    endTime: string;
    durationMs: number;
    minutesAsleep: number;
    minutesAwake: number;
    /** Asleep before this day's local midnight, i.e. on the evening before. */
    minutesAsleepBeforeMidnight: number;
  };
  /** Local wall-clock times, HH:MM. */
  workout?: { start: string; end: string; minutes: number };
  hike?: { start: string; end: string; minutes: number };
  heartGap?: { start: string; end: string; minutes: number };
}

export interface SampleExport {
  /** outDir: holds `Takeout/` and `working-days.csv`. */
  root: string;
  /** `<root>/Takeout/Fitbit`, the export's own root. */
  fitbitDir: string;
  workingDaysFile: string;
  startDate: string;
  endDate: string;
  timeZone: string;
  /** The deliberate gaps; undefined for windows shorter than a week. */
  unwornDate?: string;
  heartGapDate?: string;
  noSleepLogDate?: string;
  /** Days of the window with 23 or 25 hours. */
  dstDates: string[];
  files: number;
  days: SampleDay[];
}

export function generateSampleExport(options: SampleExportOptions): SampleExport {
  const { outDir, endDate = '2026-11-15', days = 90, seed = 42, heartIntervalSeconds = 10, travel } = options;
  validate(endDate, days, seed, heartIntervalSeconds, travel);
  const fitbitDir = path.join(outDir, 'Takeout', 'Fitbit');
  const globalDir = path.join(fitbitDir, 'Global Export Data');
  if (fs.existsSync(globalDir) && fs.readdirSync(globalDir).length > 0) {
    // Stale files of an earlier, longer run would silently become part of this export.
    throw InputError.single('already holds a generated export; choose an empty directory', {
      file: globalDir,
    });
  }
  fs.mkdirSync(globalDir, { recursive: true });
  fs.mkdirSync(path.join(fitbitDir, 'Your Profile'), { recursive: true });

  const cal = sampleCalendar(seed, SAMPLE_TIME_ZONE, endDate, days, travel);
  const heartFiles = new DatedJsonArrayFiles(globalDir, 'heart_rate');
  const stepsFiles = new DatedJsonArrayFiles(globalDir, 'steps');
  const sleepFiles = new DatedJsonArrayFiles(globalDir, 'sleep');
  const restingFiles = new DatedJsonArrayFiles(globalDir, 'resting_heart_rate');
  const summaries: SampleDay[] = [];
  const resting: string[] = [];
  // A calendar month of sleep logs is held, then written as one file.
  let month: { firstDate: string; sleeps: string[] } | undefined;
  const flushMonth = (): void => {
    if (month && month.sleeps.length > 0) sleepFiles.writeFile(month.firstDate, month.sleeps.reverse());
    month = undefined;
  };

  try {
    for (const date of cal.dates) {
      if (month && month.firstDate.slice(0, 7) !== date.slice(0, 7)) flushMonth();
      month ??= { firstDate: date, sleeps: [] };
      const plan = sampleDayPlan(cal, date);
      const summary = summarise(plan, cal.zoneOn(date));
      summary.steps = writeSteps(plan, stepsFiles, month.firstDate);
      summary.heart = writeHeart(plan, heartFiles, seed, heartIntervalSeconds);
      resting.push(restingRecord(plan));
      if (plan.night.logged) {
        const log = sleepLog(plan.night, seed, cal.zoneOn(plan.night.wakeDate));
        month.sleeps.push(exportRecord(log));
        summary.sleep = {
          logId: log.logId,
          startTime: log.startTime,
          endTime: log.endTime,
          durationMs: log.duration,
          minutesAsleep: log.minutesAsleep,
          minutesAwake: log.minutesAwake,
          minutesAsleepBeforeMidnight: asleepMinutes(plan.night, plan.startUtc),
        };
      }
      summaries.push(summary);
    }
    flushMonth();
    restingFiles.writeFile(cal.startDate, resting);
  } finally {
    for (const w of [heartFiles, stepsFiles, sleepFiles, restingFiles]) w.close();
  }

  fs.writeFileSync(path.join(fitbitDir, 'Your Profile', 'Profile.csv'), PROFILE_CSV);
  const workingDaysFile = path.join(outDir, 'working-days.csv');
  fs.writeFileSync(
    workingDaysFile,
    ['date,worked', ...summaries.map((d) => `${d.date},${d.worked}`), ''].join('\n'),
  );

  const written = [heartFiles, stepsFiles, sleepFiles, restingFiles].reduce(
    (n, w) => n + w.written.length,
    0,
  );
  return {
    root: outDir,
    fitbitDir,
    workingDaysFile,
    startDate: cal.startDate,
    endDate: cal.endDate,
    timeZone: SAMPLE_TIME_ZONE,
    unwornDate: cal.unwornDate,
    heartGapDate: cal.heartGapDate,
    noSleepLogDate: cal.noSleepLogDate,
    dstDates: summaries.filter((d) => d.hours !== 24).map((d) => d.date),
    files: written + 2,
    days: summaries,
  };
}

function validate(
  endDate: string,
  days: number,
  seed: number,
  interval: number,
  travel: SampleTravel | undefined,
): void {
  const problems: string[] = [];
  if (travel && (!isCivilDate(travel.from) || !isCivilDate(travel.to) || travel.from > travel.to)) {
    problems.push(`travel needs dates from <= to, got ${travel.from}..${travel.to}`);
  }
  if (travel && !isValidTimeZone(travel.timeZone)) problems.push(`unknown travel zone "${travel.timeZone}"`);
  if (!isCivilDate(endDate)) problems.push(`endDate must be a calendar date YYYY-MM-DD, got "${endDate}"`);
  if (!Number.isInteger(days) || days < 1 || days > 3660) problems.push(`days must be 1..3660, got ${days}`);
  if (!Number.isSafeInteger(seed)) problems.push(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(interval) || interval < 1 || interval > 60) {
    problems.push(`heartIntervalSeconds must be 1..60, got ${interval}`);
  }
  if (problems.length > 0) throw new InputError(problems.map((message) => ({ message })));
}

function summarise(plan: SampleDayPlan, timeZone: string): SampleDay {
  const block = (b: PlannedBlock | undefined) =>
    b && {
      start: localClock(b.startUtc, timeZone),
      end: localClock(b.startUtc + b.minutes * 60_000, timeZone),
      minutes: b.minutes,
    };
  return {
    date: plan.date,
    weekday: WEEKDAYS[weekday(plan.date)]!,
    kind: plan.kind,
    worked: plan.worked ? 1 : 0,
    hours: plan.minutes / 60,
    timeZone,
    worn: plan.worn.includes(1),
    restingHeartRate: plan.restingHeartRate,
    workout: block(plan.workout),
    hike: block(plan.hike),
    heartGap: block(plan.heartGap),
  };
}

/** The day's steps rows go into the month's file (`fileDate`): monthly files split at local midnight. */
function writeSteps(plan: SampleDayPlan, files: DatedJsonArrayFiles, fileDate: string): number | undefined {
  let sum: number | undefined;
  for (let m = 0; m < plan.minutes; m++) {
    if (!plan.worn[m]) continue;
    const instant = plan.startUtc + m * 60_000;
    const steps = plan.steps[m]!;
    files.add(fileDate, stepsRecord(fitbitUtcStamp(instant), steps));
    sum = (sum ?? 0) + steps;
  }
  return sum;
}

/**
 * Samples a heart rate that follows the plan's target with a ~40 s lag plus correlated noise, so walking,
 * workouts and sleep stages show the way they do in real data rather than as steps.
 */
function writeHeart(
  plan: SampleDayPlan,
  files: DatedJsonArrayFiles,
  seed: number,
  interval: number,
): SampleDay['heart'] {
  const rnd = seededRandom(seed, `heart ${plan.date}`);
  const alpha = 1 - Math.exp(-interval / 40);
  const totalSeconds = plan.minutes * 60;
  let level = plan.targetBpm[0]!;
  let noise = 0;
  let sum = 0;
  let count = 0;
  let max = 0;
  let stampMinute = -1;
  let stampPrefix = '';
  for (let slot = 0; slot * interval < totalSeconds; slot++) {
    const t = slot * interval + rnd.int(0, floor(interval / 2));
    if (t >= totalSeconds) break;
    const m = floor(t / 60);
    // The body goes on while the sensor is off, so the model advances in gaps too.
    level += (plan.targetBpm[m]! - level) * alpha;
    noise = 0.8 * noise + 0.6 * rnd.gauss();
    const confidenceDraw = rnd.next();
    if (!plan.heartOn[m]) continue;
    const bpm = round(level + 1.5 * noise);
    const confidence = heartConfidence(plan.steps[m]! > 60 || bpm > 120, confidenceDraw);
    if (m !== stampMinute) {
      // Formatting a Date per sample dominated the run time; a minute's samples share all but the seconds
      // (local midnight is a whole UTC minute in every zone).
      stampMinute = m;
      stampPrefix = fitbitUtcStamp(plan.startUtc + m * 60_000).slice(0, -2);
    }
    const seconds = t % 60;
    // The day's file: its samples run from the wearer's local midnight to the next (a day off wrist has none).
    files.add(
      plan.date,
      heartRecord(stampPrefix + (seconds < 10 ? `0${seconds}` : seconds), bpm, confidence),
    );
    sum += bpm;
    count++;
    if (bpm > max) max = bpm;
  }
  return count > 0 ? { sum, count, max } : undefined;
}

/** The optical sensor is less sure while moving: mostly 3 at rest, mostly 2 (sometimes 1) when active. */
function heartConfidence(active: boolean, draw: number): number {
  if (active) return draw < 0.3 ? 1 : draw < 0.9 ? 2 : 3;
  return draw < 0.7 ? 3 : 2;
}

function restingRecord(plan: SampleDayPlan): string {
  const day = fitbitShortDate(plan.date);
  const rhr = plan.restingHeartRate;
  return exportRecord({
    dateTime: `${day} 00:00:00`,
    value: { date: day, value: rhr ?? 0, error: rhr === undefined ? 0 : plan.restingError },
  });
}

/** A Fitbit v1.2 "stages" sleep log; times are the device's local wall clock without offset. */
function sleepLog(night: SampleNight, seed: number, timeZone: string) {
  const rnd = seededRandom(seed, `logId ${night.wakeDate}`);
  const levels = ['deep', 'light', 'rem', 'wake'] as const;
  const summary = Object.fromEntries(
    levels.map((level) => {
      const ofLevel = night.segments.filter((s) => s.level === level);
      return [level, { count: ofLevel.length, minutes: ofLevel.reduce((n, s) => n + s.seconds, 0) / 60 }];
    }),
  );
  let t = night.startUtc;
  const data = night.segments.map((s) => {
    const entry = { dateTime: localIsoStamp(t, timeZone), level: s.level, seconds: s.seconds };
    t += s.seconds * 1000;
    return entry;
  });
  const duration = night.endUtc - night.startUtc;
  const minutesAsleep = asleepMinutes(night);
  const timeInBed = duration / 60_000;
  return {
    logId: 48_000_000_000 + (civilMs(night.wakeDate) / DAY_MS) * 100 + rnd.int(0, 99),
    dateOfSleep: night.wakeDate,
    startTime: localIsoStamp(night.startUtc, timeZone),
    endTime: localIsoStamp(night.endUtc, timeZone),
    duration,
    minutesToFallAsleep: 0,
    minutesAsleep,
    minutesAwake: timeInBed - minutesAsleep,
    minutesAfterWakeup: 0,
    timeInBed,
    efficiency: Math.round((minutesAsleep / timeInBed) * 100),
    type: 'stages',
    infoCode: 0,
    logType: 'auto_detected',
    levels: { summary, data, shortData: [] },
    mainSleep: true,
  };
}

/** A trimmed classic Profile.csv; about_me is quoted and holds a comma, as free text does. */
const PROFILE_CSV = [
  'id,full_name,first_name,last_name,display_name,username,email_address,date_of_birth,child,country,city,' +
    'timezone,locale,member_since,about_me,start_day_of_week,sleep_tracking,time_display_format,gender,height,' +
    'weight,stride_length_walking,stride_length_running,distance_unit,height_unit,weight_unit',
  '7QX2LB,Sam Sample,Sam,Sample,Sam S.,null,sam@example.org,1988-04-12,false,DE,Berlin,Europe/Berlin,de_DE,' +
    '2019-03-02,"Walks to work, hikes at weekends",MONDAY,Normal,24hour,FEMALE,170.0,64.0,72.4,105.3,' +
    'METRIC,METRIC,METRIC',
  '',
].join('\n');
