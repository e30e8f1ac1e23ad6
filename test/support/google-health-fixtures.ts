/**
 * A nock double of the Google Health API v4 that answers the way Google's published contract says (the v4
 * protos and discovery document, the rate-limits and troubleshooting guides), with the data points of
 * google-health-points.ts:
 *
 * - `dataPoints` (list): every data source's raw points; `dataPoints:reconcile`: one stream per data type, a
 *   data source chosen per minute (heart rate), per date (daily resting rate) or per overlapping session
 *   (sleep), wearables first, then phones, then the rest, and the points without `dataSource`, their name as
 *   `dataPointName` (Google does not publish its reconciliation rules; this one de-duplicates as it promises);
 * - AIP-160 filters on the documented members only (anything else: 400 INVALID_DATA_POINT_FILTER), results
 *   newest first by start time, the documented page sizes and opaque page tokens;
 * - dailyRollUp over a closed-open civil range within the per-type limit, one point per civil day, newest
 *   first, a day without data coming back with its dates and no value;
 * - settings named by the real user id, not `me`;
 * - optionally, the per-user quota: more than `perMinute` requests in the last 60 s (the requests of the user's
 *   other apps included) get 429 RESOURCE_EXHAUSTED with no Retry-After, and every request is logged with its
 *   (virtual) time and status.
 */
import nock from 'nock';
import { addDays, civilDates } from '../../src/util/civil-date';
import type { Clock } from '../../src/util/clock';
import { errorBodies } from './google-health-errors';
import {
  civilDateText,
  civilText,
  googleDate,
  HEALTH_USER_ID,
  type DataSource,
  type GoogleHealthData,
} from './google-health-points';

export * from './google-health-errors';
export * from './google-health-points';

export const API_ORIGIN = 'https://health.googleapis.com';
const BASE_PATH = '/v4/users/me';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  /** When it arrived (the double's clock). */
  at: number;
  status: number;
}

export interface QuotaOptions {
  /** Requests per user in any 60 s; Google documents 300. */
  perMinute: number;
  /** The user's other apps: their requests per minute in [from, to) (virtual ms), counted in the same quota. */
  otherApps?: Array<{ from: number; to: number; perMinute: number }>;
}

export interface ServeOptions {
  /** The double's clock (default: real time). */
  clock?: Pick<Clock, 'now'>;
  quota?: QuotaOptions;
}

export interface GoogleHealthDouble {
  requests: RecordedRequest[];
}

interface ListType {
  /** The documented filter member, and the point's value it compares (YYYY-MM-DD or …THH:MM:SS). */
  member: string;
  key: (point: any) => string; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Newest first, by interval start time. */
  order: (point: any) => string; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Points of one source that reconcile picks one source for (a minute, a date; sleep: overlaps). */
  slot: (point: any) => string; // eslint-disable-line @typescript-eslint/no-explicit-any
  payload: string;
  maxPageSize: number;
  points: (data: GoogleHealthData) => unknown[];
}

const LIST_TYPES: Record<string, ListType> = {
  'heart-rate': {
    member: 'heart_rate.sample_time.civil_time',
    key: (p) => civilText(p.heartRate.sampleTime.civilTime),
    order: (p) => p.heartRate.sampleTime.physicalTime,
    slot: (p) => String(p.heartRate.sampleTime.physicalTime).slice(0, 16),
    payload: 'heartRate',
    maxPageSize: 10_000,
    points: (d) => d.heartRate,
  },
  'daily-resting-heart-rate': {
    member: 'daily_resting_heart_rate.date',
    key: (p) => civilDateText(p.dailyRestingHeartRate.date),
    order: (p) => civilDateText(p.dailyRestingHeartRate.date),
    slot: (p) => civilDateText(p.dailyRestingHeartRate.date),
    payload: 'dailyRestingHeartRate',
    maxPageSize: 10_000,
    points: (d) => d.restingHeartRate,
  },
  sleep: {
    member: 'sleep.interval.civil_end_time',
    key: (p) => civilText(p.sleep.interval.civilEndTime),
    order: (p) => p.sleep.interval.startTime,
    slot: (p) => `${p.sleep.interval.startTime}/${p.sleep.interval.endTime}`,
    payload: 'sleep',
    maxPageSize: 25,
    points: (d) => d.sleep,
  },
};

/** Wearables first, then phones, then anything else; manual entries last. */
function sourceRank(source: DataSource | undefined): number {
  if (source?.recordingMethod === 'MANUAL') return 3;
  const form = source?.device?.formFactor;
  if (form === 'WATCH' || form === 'FITNESS_BAND' || form === 'RING') return 0;
  return form === 'PHONE' ? 1 : 2;
}

const overlaps = (a: string, b: string) => {
  const [aStart = '', aEnd = ''] = a.split('/');
  const [bStart = '', bEnd = ''] = b.split('/');
  return aStart < bEnd && bStart < aEnd;
};

/** The reconciled stream: per slot the points of the best-ranked source, as ReconciledDataPoint. */
function reconcile(spec: ListType, points: unknown[], isSession: boolean): unknown[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ranked = [...points].sort((a: any, b: any) => sourceRank(a.dataSource) - sourceRank(b.dataSource));
  const rankOfSlot = new Map<string, number>(); // samples and days: one slot each
  const sessions: Array<{ slot: string; rank: number }> = []; // sessions: slots that overlap
  const kept: unknown[] = [];
  for (const point of ranked) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const p = point as any;
    const slot = spec.slot(p);
    const rank = sourceRank(p.dataSource);
    const takenBy = isSession ? sessions.find((k) => overlaps(k.slot, slot))?.rank : rankOfSlot.get(slot);
    if (takenBy !== undefined && takenBy < rank) continue;
    if (isSession) sessions.push({ slot, rank });
    else rankOfSlot.set(slot, rank);
    kept.push(point);
  }
  return kept.map((point) => {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { dataSource, name, ...rest } = point as { dataSource?: unknown; name?: string };
    return name ? { ...rest, dataPointName: name } : rest;
  });
}

/** `member >= "A" AND member < "B"`, the only form the collector sends; undefined for anything else. */
function parseFilter(filter: string, member: string): { from: string; before: string } | undefined {
  const escaped = member.replace(/\./g, '\\.');
  const m = new RegExp(`^${escaped} >= "([^"]+)" AND ${escaped} < "([^"]+)"$`).exec(filter);
  return m ? { from: m[1] as string, before: m[2] as string } : undefined;
}

const byOrderDesc = (a: { order: string }, b: { order: string }) =>
  a.order < b.order ? 1 : a.order > b.order ? -1 : 0;

type Reply = [number, unknown];

/** Answers the API's requests from `data` until nock.cleanAll(). */
export function serveGoogleHealth(data: GoogleHealthData, options: ServeOptions = {}): GoogleHealthDouble {
  const clock = options.clock ?? { now: () => Date.now() };
  const requests: RecordedRequest[] = [];

  /** Over quota: the user's accepted requests of the last 60 s, plus their other apps', reach the limit. */
  const overQuota = (at: number): boolean => {
    const quota = options.quota;
    if (!quota) return false;
    const since = at - 60_000;
    const ours = requests.filter((r) => r.at > since && r.status !== 429).length;
    const others = (quota.otherApps ?? []).reduce((n, load) => {
      const overlap = Math.max(0, Math.min(at, load.to) - Math.max(since, load.from));
      return n + Math.floor((load.perMinute * overlap) / 60_000);
    }, 0);
    return ours + others >= quota.perMinute;
  };

  /** Every request goes through here: logged, checked against the quota, then answered. */
  const handle = (method: string, uri: string, body: unknown, answer: (url: URL) => Reply): Reply => {
    const url = new URL(uri, API_ORIGIN);
    const at = clock.now();
    const reply: Reply = overQuota(at) ? [429, errorBodies.resourceExhausted()] : answer(url);
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      at,
      status: reply[0],
    });
    return reply;
  };

  const scope = nock(API_ORIGIN).persist();
  scope
    .get(`${BASE_PATH}/settings`)
    .reply((uri) =>
      handle('GET', uri, undefined, () => [
        200,
        { name: `users/${HEALTH_USER_ID}/settings`, timeZone: data.timeZone },
      ]),
    );
  scope
    .post(`${BASE_PATH}/dataTypes/steps/dataPoints:dailyRollUp`)
    .reply((uri, body) => handle('POST', uri, body, () => dailyRollUp(data, body)));
  for (const [type, spec] of Object.entries(LIST_TYPES)) {
    // Keys and the newest-first order computed once, on the first request (tests may edit data before it).
    let indexed: Array<{ key: string; order: string; point: unknown }> | undefined;
    let reconciled: Array<{ key: string; order: string; point: unknown }> | undefined;
    const index = (points: unknown[]) =>
      points.map((point) => ({ key: spec.key(point), order: spec.order(point), point })).sort(byOrderDesc);
    const raw = () => (indexed ??= index(spec.points(data)));
    const merged = () => (reconciled ??= index(reconcile(spec, spec.points(data), type === 'sleep')));
    for (const [suffix, source] of [
      ['', raw],
      [':reconcile', merged],
    ] as const) {
      scope
        .get(`${BASE_PATH}/dataTypes/${type}/dataPoints${suffix}`)
        .query(true)
        .reply((uri) => handle('GET', uri, undefined, (url) => listPage(spec, source(), url)));
    }
  }
  return { requests };
}

function listPage(spec: ListType, sorted: Array<{ key: string; point: unknown }>, url: URL): Reply {
  const filter = url.searchParams.get('filter') ?? '';
  const bounds = parseFilter(filter, spec.member);
  if (!bounds) return [400, errorBodies.invalidFilter(filter)];
  const asked = Number(url.searchParams.get('pageSize') ?? Math.min(1440, spec.maxPageSize));
  const pageSize = Math.min(asked, spec.maxPageSize);
  const token = url.searchParams.get('pageToken');
  const offset = token
    ? (JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset: number }).offset
    : 0;
  const matching = sorted.filter((p) => p.key >= bounds.from && p.key < bounds.before);
  const page = matching.slice(offset, offset + pageSize).map((p) => p.point);
  const next = offset + pageSize < matching.length;
  const nextPageToken = Buffer.from(JSON.stringify({ offset: offset + pageSize })).toString('base64url');
  // proto3: an empty repeated field is left out.
  return [200, { ...(page.length > 0 ? { dataPoints: page } : {}), ...(next ? { nextPageToken } : {}) }];
}

type GoogleDate = { year: number; month: number; day: number };

function dailyRollUp(data: GoogleHealthData, body: unknown): Reply {
  const request = body as { range?: { start?: { date?: GoogleDate }; end?: { date?: GoogleDate } } };
  const { range } = request;
  if (!range?.start?.date || !range.end?.date || (body as { windowSizeDays?: number }).windowSizeDays !== 1) {
    return [400, errorBodies.invalidArgument('range.start, range.end and windowSizeDays are required')];
  }
  const start = civilDateText(range.start.date);
  const end = civilDateText(range.end.date);
  const days = civilDates(start, addDays(end, -1));
  if (days.length === 0 || days.length > 90) {
    return [400, errorBodies.invalidArgument('The range must cover 1 to 90 days for steps')];
  }
  const rollupDataPoints = days.reverse().map((d) => ({
    civilStartTime: { date: googleDate(d) },
    civilEndTime: { date: googleDate(addDays(d, 1)) },
    ...(data.stepsByDay.has(d) ? { steps: { countSum: data.stepsByDay.get(d) } } : {}),
  }));
  return [200, { rollupDataPoints }];
}
