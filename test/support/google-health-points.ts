/**
 * Google Health API v4 data points as the API really answers them, built from Google's published schema (the
 * v4 protos of googleapis/google/devicesandservices/health/v4 and the generated discovery document):
 *
 * - proto3 JSON: a field at its zero value is left out when it has no explicit presence. So `time` of a civil
 *   time has no `hours` at midnight-to-1am, `metadata.nap`/`manuallyEdited` are absent when false, an empty
 *   `outOfBedSegments` is absent, an UNSPECIFIED enum is absent. Fields declared `optional` (beatsPerMinute,
 *   countSum, the sleep summary's minutes) keep their explicit "0".
 * - int64 fields arrive as JSON strings; durations as "3600s"; timestamps RFC 3339 without milliseconds.
 * - Only identifiable data types (sleep, exercise, …) have a resource name, and it holds the system-generated
 *   Google Health user id, never the alias `me`: `users/<id>/dataTypes/sleep/dataPoints/<id>`. Heart-rate
 *   samples and daily resting rates have none.
 * - Every listed point carries its `dataSource` (device, platform, recording method); a reconciled point has
 *   no data source, and its name is `dataPointName`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseFitbitDate, parseFitbitDateTime, zoneClock } from '../../src/util/timezone';

/** A Google Health user id as Identity.health_user_id describes it (1-63 letters, digits, hyphens). */
export const HEALTH_USER_ID = 'g7Hq2-4101938475';

type GoogleDate = { year: number; month: number; day: number };
type TimeOfDay = { hours?: number; minutes?: number; seconds?: number };
export type CivilDateTime = { date: GoogleDate; time?: TimeOfDay };

export interface DataSource {
  recordingMethod?: string;
  device?: { formFactor?: string; manufacturer?: string; displayName?: string };
  application?: { packageName?: string };
  platform?: string;
}

/** The wearable most points come from. */
export const WATCH: DataSource = {
  recordingMethod: 'PASSIVELY_MEASURED',
  device: { formFactor: 'WATCH', manufacturer: 'Google', displayName: 'Pixel Watch 3' },
  application: { packageName: 'com.google.android.apps.fitbit' },
  platform: 'FITBIT',
};
/** A phone that records the same minutes through Health Connect. */
export const PHONE: DataSource = {
  recordingMethod: 'PASSIVELY_MEASURED',
  device: { formFactor: 'PHONE', manufacturer: 'Samsung', displayName: 'Galaxy S25' },
  application: { packageName: 'com.sec.android.app.shealth' },
  platform: 'HEALTH_CONNECT',
};

const pad2 = (n: number) => String(n).padStart(2, '0');

export function googleDate(date: string): GoogleDate {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

export const civilDateText = (d: GoogleDate) => `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;

/** `YYYY-MM-DDTHH:MM:SS` of a CivilDateTime: what the civil filters compare with. */
export function civilText(c: CivilDateTime): string {
  const t = c.time ?? {};
  return `${civilDateText(c.date)}T${pad2(t.hours ?? 0)}:${pad2(t.minutes ?? 0)}:${pad2(t.seconds ?? 0)}`;
}

/** A google.type.TimeOfDay in proto3 JSON: zero fields left out. */
function timeOfDay(hours: number, minutes: number, seconds: number): TimeOfDay {
  const t: TimeOfDay = {};
  if (hours) t.hours = hours;
  if (minutes) t.minutes = minutes;
  if (seconds) t.seconds = seconds;
  return t;
}

/** `2026-10-25T01:30:00Z`: RFC 3339 without milliseconds, as Google writes it. */
export const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The zone's offset at an instant and the civil copy of the instant, as the API carries them. */
export function civilOf(ms: number, timeZone: string): { utcOffset: string; civil: CivilDateTime } {
  const offset = zoneClock(timeZone).offsetAt(ms);
  const wall = new Date(ms + offset);
  return {
    utcOffset: `${offset / 1000}s`,
    civil: {
      date: { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() },
      time: timeOfDay(wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds()),
    },
  };
}

export function heartRatePoint(
  instantMs: number,
  bpm: number | string,
  timeZone: string,
  dataSource: DataSource = WATCH,
): unknown {
  const { utcOffset, civil } = civilOf(instantMs, timeZone);
  const sensorLocation = dataSource.device?.formFactor === 'WATCH' ? 'WRIST' : undefined;
  return {
    dataSource,
    heartRate: {
      sampleTime: { physicalTime: rfc3339(instantMs), utcOffset, civilTime: civil },
      beatsPerMinute: String(bpm),
      ...(sensorLocation ? { metadata: { sensorLocation } } : {}),
    },
  };
}

/** A day's resting rate; without `bpm`, a date with no value (a day Google has no resting rate for). */
export function restingPoint(date: string, bpm?: number | string, dataSource: DataSource = WATCH): unknown {
  return {
    dataSource,
    dailyRestingHeartRate: {
      date: googleDate(date),
      ...(bpm === undefined ? {} : { beatsPerMinute: String(bpm) }),
      dailyRestingHeartRateMetadata: { calculationMethod: 'WITH_SLEEP' },
    },
  };
}

const STAGE_BY_LEVEL: Record<string, string> = {
  wake: 'AWAKE',
  awake: 'AWAKE',
  light: 'LIGHT',
  deep: 'DEEP',
  rem: 'REM',
  asleep: 'ASLEEP',
  restless: 'RESTLESS',
};

export interface SleepSpec {
  id: string | number;
  startMs: number;
  /** Back to back from startMs, as Fitbit's levels.data. */
  segments: Array<{ level: string; seconds: number }>;
  minutesAsleep: number | string;
  nap?: boolean;
  timeZone: string;
  dataSource?: DataSource;
}

export function sleepPoint(spec: SleepSpec): unknown {
  const { timeZone } = spec;
  let t = spec.startMs;
  const stages = spec.segments.map((s) => {
    const start = t;
    t += s.seconds * 1000;
    return {
      type: STAGE_BY_LEVEL[s.level] ?? s.level.toUpperCase(),
      startTime: rfc3339(start),
      startUtcOffset: civilOf(start, timeZone).utcOffset,
      endTime: rfc3339(t),
      endUtcOffset: civilOf(t, timeZone).utcOffset,
    };
  });
  const start = civilOf(spec.startMs, timeZone);
  const end = civilOf(t, timeZone);
  const minutesOf = (type: string) =>
    stages
      .filter((s) => s.type === type)
      .reduce((n, s) => n + (Date.parse(s.endTime) - Date.parse(s.startTime)), 0) / 60_000;
  const inPeriod = (t - spec.startMs) / 60_000;
  const types = [...new Set(stages.map((s) => s.type))];
  return {
    name: `users/${HEALTH_USER_ID}/dataTypes/sleep/dataPoints/${spec.id}`,
    dataSource: spec.dataSource ?? WATCH,
    sleep: {
      interval: {
        startTime: rfc3339(spec.startMs),
        startUtcOffset: start.utcOffset,
        endTime: rfc3339(t),
        endUtcOffset: end.utcOffset,
        civilStartTime: start.civil,
        civilEndTime: end.civil,
      },
      type: types.includes('ASLEEP') ? 'CLASSIC' : 'STAGES',
      ...(stages.length > 0 ? { stages } : {}),
      // proto3: `nap` and `mainSleep` only when true, `manuallyEdited` never (false).
      metadata: {
        stagesStatus: 'SUCCEEDED',
        processed: true,
        ...(spec.nap ? { nap: true } : { mainSleep: true }),
      },
      summary: {
        minutesInSleepPeriod: String(inPeriod),
        minutesAfterWakeUp: '0',
        minutesToFallAsleep: '0',
        minutesAsleep: String(spec.minutesAsleep),
        minutesAwake: String(inPeriod - Number(spec.minutesAsleep)),
        stagesSummary: types.map((type) => ({
          type,
          minutes: String(minutesOf(type)),
          count: String(stages.filter((s) => s.type === type).length),
        })),
      },
    },
  };
}

export interface GoogleHealthData {
  timeZone: string;
  heartRate: unknown[];
  /** The dailyRollUp answer per civil day: `countSum` (a string, as int64 arrives). */
  stepsByDay: Map<string, string>;
  restingHeartRate: unknown[];
  sleep: unknown[];
}

type ExportRecord = { dateTime: string; value: unknown };

function exportFiles(fitbitDir: string, prefix: string): ExportRecord[] {
  const dir = path.join(fitbitDir, 'Global Export Data');
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.json'))
    .sort()
    .flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ExportRecord[]);
}

/** The instant of a local wall-clock `YYYY-MM-DDTHH:MM:SS(.sss)` in the zone (two passes settle the offset). */
function wallToInstant(wall: string, timeZone: string): number {
  const asUtc = Date.parse(`${wall.slice(0, 19)}Z`);
  const clock = zoneClock(timeZone);
  return asUtc - clock.offsetAt(asUtc - clock.offsetAt(asUtc));
}

interface FitbitSleepLog {
  logId: number;
  endTime: string;
  duration: number;
  minutesAsleep: number;
  mainSleep: boolean;
  levels: { data: Array<{ level: string; seconds: number }> };
}

/**
 * The same underlying data as a classic export (its heart-rate and steps times are UTC, sleep times local), as
 * the API would hold it: every heart sample a point; steps summed per civil day, as dailyRollUp does; resting
 * rates as int64 (the export has decimals, the API whole beats: rounded); sleep logs as sessions with stages.
 */
export function googleHealthDataFromExport(fitbitDir: string, timeZone: string): GoogleHealthData {
  const clock = zoneClock(timeZone);
  const heartRate = exportFiles(fitbitDir, 'heart_rate').map((r) =>
    heartRatePoint(parseFitbitDateTime(r.dateTime), (r.value as { bpm: number }).bpm, timeZone),
  );
  const steps = new Map<string, number>();
  for (const r of exportFiles(fitbitDir, 'steps')) {
    const date = clock.localParts(parseFitbitDateTime(r.dateTime)).date;
    steps.set(date, (steps.get(date) ?? 0) + Number(r.value));
  }
  const restingHeartRate = exportFiles(fitbitDir, 'resting_heart_rate')
    .map((r) => r.value as { date: string; value: number })
    // The export's 0 (not worn) is, in the API, a date without a value.
    .map((v) =>
      restingPoint(parseFitbitDate(v.date) as string, v.value > 0 ? Math.round(v.value) : undefined),
    );
  const sleep = (exportFiles(fitbitDir, 'sleep') as unknown as FitbitSleepLog[]).map((log) =>
    sleepPoint({
      id: log.logId,
      // From the end: a start at 02:xx on the night clocks go back is ambiguous, a wake-up time is not.
      startMs: wallToInstant(log.endTime, timeZone) - log.duration,
      segments: log.levels.data,
      minutesAsleep: log.minutesAsleep,
      nap: !log.mainSleep,
      timeZone,
    }),
  );
  const stepsByDay = new Map([...steps].map(([date, n]) => [date, String(n)]));
  return { timeZone, heartRate, stepsByDay, restingHeartRate, sleep };
}
