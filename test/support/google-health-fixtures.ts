/**
 * Google Health API v4 test doubles: data points shaped as docs/health-sources.md §2.3 documents them (int64 fields as
 * strings, civil copies of every time), built by hand or converted from a classic Fitbit export, and a nock
 * server that answers list, dailyRollUp and settings requests the way §2.1–2.5 describe (AIP-160 filters on the
 * documented members only, newest first, pageSize limits, opaque page tokens, closed-open rollup ranges within
 * the per-type limits, google.rpc.Status errors).
 */
import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { addDays, civilDates } from '../../src/util/civil-date';
import { parseFitbitDate, parseFitbitDateTime, zoneClock } from '../../src/util/timezone';

export const API_ORIGIN = 'https://health.googleapis.com';
const BASE_PATH = '/v4/users/me';

export interface GoogleHealthData {
  timeZone: string;
  heartRate: unknown[];
  /** The dailyRollUp answer per civil day: `countSum` (a string, as int64 arrives). */
  stepsByDay: Map<string, string>;
  restingHeartRate: unknown[];
  sleep: unknown[];
}

type GoogleDate = { year: number; month: number; day: number };
type CivilDateTime = { date: GoogleDate; time: { hours: number; minutes: number; seconds: number } };

const pad2 = (n: number) => String(n).padStart(2, '0');

export function googleDate(date: string): GoogleDate {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

/** `2026-10-25T01:30:00Z`: RFC 3339 without milliseconds, as Google writes it. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The zone's offset at an instant and the civil copy of the instant, as the API carries them. */
function civilOf(ms: number, timeZone: string): { utcOffset: string; civil: CivilDateTime } {
  const offset = zoneClock(timeZone).offsetAt(ms);
  const wall = new Date(ms + offset);
  return {
    utcOffset: `${offset / 1000}s`,
    civil: {
      date: { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() },
      time: { hours: wall.getUTCHours(), minutes: wall.getUTCMinutes(), seconds: wall.getUTCSeconds() },
    },
  };
}

/** `YYYY-MM-DDTHH:MM:SS` of a CivilDateTime: what the civil filters compare with. */
function civilText(c: CivilDateTime): string {
  const { date: d, time: t } = c;
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}T${pad2(t.hours)}:${pad2(t.minutes)}:${pad2(t.seconds)}`;
}

const DATA_SOURCE = {
  recordingMethod: 'PASSIVELY_MEASURED',
  device: { manufacturer: 'Google', displayName: 'Pixel Watch 3' },
  platform: 'FITBIT',
};

export function heartRatePoint(instantMs: number, bpm: number | string, timeZone: string): unknown {
  const { utcOffset, civil } = civilOf(instantMs, timeZone);
  return {
    dataSource: DATA_SOURCE,
    heartRate: {
      sampleTime: { physicalTime: rfc3339(instantMs), utcOffset, civilTime: civil },
      beatsPerMinute: String(bpm),
      metadata: { motionContext: 'SEDENTARY', sensorLocation: 'WRIST' },
    },
  };
}

export function restingPoint(date: string, bpm: number | string): unknown {
  return {
    name: `users/me/dataTypes/daily-resting-heart-rate/dataPoints/${date.replace(/-/g, '')}`,
    dataSource: DATA_SOURCE,
    dailyRestingHeartRate: {
      date: googleDate(date),
      beatsPerMinute: String(bpm),
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
      endTime: rfc3339(t),
      startUtcOffset: civilOf(start, timeZone).utcOffset,
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
  return {
    name: `users/me/dataTypes/sleep/dataPoints/${spec.id}`,
    dataSource: DATA_SOURCE,
    sleep: {
      interval: {
        startTime: rfc3339(spec.startMs),
        endTime: rfc3339(t),
        startUtcOffset: start.utcOffset,
        endUtcOffset: end.utcOffset,
        civilStartTime: start.civil,
        civilEndTime: end.civil,
      },
      type: 'STAGES',
      stages,
      summary: {
        minutesAsleep: String(spec.minutesAsleep),
        minutesAwake: String(inPeriod - Number(spec.minutesAsleep)),
        minutesInSleepPeriod: String(inPeriod),
        minutesToFallAsleep: '0',
        minutesAfterWakeUp: '0',
        stagesSummary: ['AWAKE', 'LIGHT', 'DEEP', 'REM'].map((type) => ({
          type,
          minutes: String(minutesOf(type)),
          count: String(stages.filter((s) => s.type === type).length),
        })),
      },
      metadata: { nap: spec.nap ?? false, stagesStatus: 'SUCCEEDED', processed: true, manuallyEdited: false },
      outOfBedSegments: [],
    },
  };
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
    .filter((v) => v.value > 0)
    .map((v) => restingPoint(parseFitbitDate(v.date) as string, Math.round(v.value)));
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

interface FitbitSleepLog {
  logId: number;
  endTime: string;
  duration: number;
  minutesAsleep: number;
  mainSleep: boolean;
  levels: { data: Array<{ level: string; seconds: number }> };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

const rpcError = (code: number, status: string, message: string, reason?: string) => ({
  error: {
    code,
    message,
    status,
    ...(reason
      ? {
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' },
          ],
        }
      : {}),
  },
});

interface ListType {
  /** The documented filter member, and the point's value it compares (YYYY-MM-DD or …THH:MM:SS). */
  member: string;
  key: (point: any) => string; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Newest first, by interval start time (docs/health-sources.md §2.2). */
  order: (point: any) => string; // eslint-disable-line @typescript-eslint/no-explicit-any
  maxPageSize: number;
  points: (data: GoogleHealthData) => unknown[];
}

const civilDateText = (d: GoogleDate) => `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;

const LIST_TYPES: Record<string, ListType> = {
  'heart-rate': {
    member: 'heart_rate.sample_time.civil_time',
    key: (p) => civilText(p.heartRate.sampleTime.civilTime),
    order: (p) => p.heartRate.sampleTime.physicalTime,
    maxPageSize: 10_000,
    points: (d) => d.heartRate,
  },
  'daily-resting-heart-rate': {
    member: 'daily_resting_heart_rate.date',
    key: (p) => civilDateText(p.dailyRestingHeartRate.date),
    order: (p) => civilDateText(p.dailyRestingHeartRate.date),
    maxPageSize: 10_000,
    points: (d) => d.restingHeartRate,
  },
  sleep: {
    member: 'sleep.interval.civil_end_time',
    key: (p) => civilText(p.sleep.interval.civilEndTime),
    order: (p) => p.sleep.interval.startTime,
    maxPageSize: 25,
    points: (d) => d.sleep,
  },
};

/** `member >= "A" AND member < "B"`, the only form the collector sends; undefined for anything else. */
function parseFilter(filter: string, member: string): { from: string; before: string } | undefined {
  const escaped = member.replace(/\./g, '\\.');
  const m = new RegExp(`^${escaped} >= "([^"]+)" AND ${escaped} < "([^"]+)"$`).exec(filter);
  return m ? { from: m[1] as string, before: m[2] as string } : undefined;
}

/** Answers the API's requests from `data` until nock.cleanAll(); returns the requests seen. */
export function serveGoogleHealth(data: GoogleHealthData): { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const record = (method: string, uri: string, body?: unknown) => {
    const url = new URL(uri, API_ORIGIN);
    requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    return url;
  };
  const scope = nock(API_ORIGIN).persist();
  scope.get(`${BASE_PATH}/settings`).reply(200, (uri) => {
    record('GET', uri);
    return { name: 'users/me/settings', timeZone: data.timeZone };
  });
  scope.post(`${BASE_PATH}/dataTypes/steps/dataPoints:dailyRollUp`).reply((uri, body) => {
    record('POST', uri, body);
    const range = (body as { range?: { start?: { date?: GoogleDate }; end?: { date?: GoogleDate } } }).range;
    if (
      !range?.start?.date ||
      !range.end?.date ||
      (body as { windowSizeDays?: number }).windowSizeDays !== 1
    ) {
      return [
        400,
        rpcError(400, 'INVALID_ARGUMENT', 'range.start, range.end and windowSizeDays are required'),
      ];
    }
    const start = civilDateText(range.start.date);
    const end = civilDateText(range.end.date);
    const days = civilDates(start, addDays(end, -1));
    if (days.length === 0 || days.length > 90) {
      return [400, rpcError(400, 'INVALID_ARGUMENT', 'The range must cover 1 to 90 days for steps')];
    }
    const rollupDataPoints = days
      .filter((d) => data.stepsByDay.has(d))
      .map((d) => ({
        civilStartTime: { date: googleDate(d) },
        civilEndTime: { date: googleDate(addDays(d, 1)) },
        steps: { countSum: data.stepsByDay.get(d) },
      }));
    return [200, { rollupDataPoints }];
  });
  for (const [type, spec] of Object.entries(LIST_TYPES)) {
    // Keys and the newest-first order computed once, on the first request (tests may edit data before it).
    let indexed: Array<{ key: string; point: unknown }> | undefined;
    const sorted = () =>
      (indexed ??= spec
        .points(data)
        .map((point) => ({ key: spec.key(point), order: spec.order(point), point }))
        .sort((a, b) => (a.order < b.order ? 1 : a.order > b.order ? -1 : 0)));
    scope
      .get(`${BASE_PATH}/dataTypes/${type}/dataPoints`)
      .query(true)
      .reply((uri) => {
        const url = record('GET', uri);
        const filter = url.searchParams.get('filter') ?? '';
        const bounds = parseFilter(filter, spec.member);
        if (!bounds) {
          return [
            400,
            rpcError(400, 'INVALID_ARGUMENT', `Invalid filter: ${filter}`, 'INVALID_DATA_POINT_FILTER'),
          ];
        }
        const asked = Number(url.searchParams.get('pageSize') ?? Math.min(1440, spec.maxPageSize));
        const pageSize = Math.min(asked, spec.maxPageSize);
        const token = url.searchParams.get('pageToken');
        const offset = token
          ? (JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset: number }).offset
          : 0;
        const matching = sorted().filter((p) => p.key >= bounds.from && p.key < bounds.before);
        const page = matching.slice(offset, offset + pageSize).map((p) => p.point);
        const next = offset + pageSize < matching.length;
        const nextPageToken = Buffer.from(JSON.stringify({ offset: offset + pageSize })).toString(
          'base64url',
        );
        return [200, next ? { dataPoints: page, nextPageToken } : { dataPoints: page }];
      });
  }
  return { requests };
}
