/**
 * Done-when of the rate limit: a year's backfill against a double that enforces Google's 300 requests per
 * minute per user, answering 429 RESOURCE_EXHAUSTED without Retry-After, in virtual time (hours of real waiting
 * replayed in seconds, every wait still taken in full and in order). The user's other apps use most of the
 * quota for the first minutes, so the backfill is throttled; it must still complete without a single failed
 * day, never exceed its own budget in any minute, and a second run must fetch nothing already archived.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import pino from 'pino';
import { Archive } from '../../src/archive/archive';
import { DEFAULT_REQUESTS_PER_MINUTE, GoogleHealthClient } from '../../src/clients/google-health/client';
import { seededRandom } from '../../src/sources/sample/seeded-random';
import {
  readGoogleHealth,
  type GoogleHealthResult,
} from '../../src/sources/google-health/read-google-health';
import { addDays, civilDates } from '../../src/util/civil-date';
import { zoneClock } from '../../src/util/timezone';
import {
  heartRatePoint,
  restingPoint,
  serveGoogleHealth,
  sleepPoint,
  type GoogleHealthData,
  type RecordedRequest,
} from '../support/google-health-fixtures';
import { VirtualClock } from '../support/virtual-clock';

const ZONE = 'Europe/Berlin';
const NOW = Date.parse('2026-11-15T11:00:00Z');
// A year that ended more than a week ago: every day of it is settled once fetched.
const FROM = '2025-11-01';
const TO = '2026-10-31';
const YEAR = civilDates(FROM, TO);
const QUOTA = 300;

/** A year of one watch: hourly heart samples, steps, a resting rate and a night ending on every day. */
function yearOfData(): GoogleHealthData {
  const random = seededRandom(17, 'backfill');
  const data: GoogleHealthData = {
    timeZone: ZONE,
    heartRate: [],
    stepsByDay: new Map(),
    restingHeartRate: [],
    sleep: [],
  };
  const zone = zoneClock(ZONE);
  const local = (date: string, time: string) => {
    const asUtc = Date.parse(`${date}T${time}Z`);
    return asUtc - zone.offsetAt(asUtc);
  };
  for (const date of YEAR) {
    for (let h = 0; h < 24; h++) {
      data.heartRate.push(heartRatePoint(local(date, `${String(h).padStart(2, '0')}:30:00`), 60 + h, ZONE));
    }
    data.stepsByDay.set(date, String(random.int(2000, 15000)));
    data.restingHeartRate.push(restingPoint(date, random.int(52, 62)));
    data.sleep.push(
      sleepPoint({
        id: `night-${date}`,
        startMs: local(addDays(date, -1), '22:00:00'),
        segments: [{ level: 'light', seconds: 7 * 3600 }],
        minutesAsleep: '420',
        timeZone: ZONE,
      }),
    );
  }
  return data;
}

/** The most requests that arrived in any window (t - 60 s, t]. */
function maxPerMinute(requests: RecordedRequest[]): number {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, start = 0; i < times.length; i++) {
    while ((times[start] as number) <= (times[i] as number) - 60_000) start++;
    most = Math.max(most, i - start + 1);
  }
  return most;
}

let tmp: string;
beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-backfill-'));
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const logLines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

function run(clock: VirtualClock, progress?: { start: jest.Mock; increment: jest.Mock; stop: jest.Mock }) {
  const random = seededRandom(5, 'jitter');
  const client = new GoogleHealthClient({
    accessToken: async () => 'ya29.backfill',
    clock,
    random: () => random.next(),
    logger,
  });
  return readGoogleHealth({
    client,
    range: { from: FROM, to: TO },
    archive: new Archive(tmp),
    logger,
    progress,
    now: () => clock.now(),
  });
}

describe('a year of backfill within the rate limit, in virtual time', () => {
  const clock = new VirtualClock(NOW);
  let first: GoogleHealthResult;
  let requests: RecordedRequest[];
  const progress = { start: jest.fn(), increment: jest.fn(), stop: jest.fn() };

  beforeAll(async () => {
    const server = serveGoogleHealth(yearOfData(), {
      clock,
      // The user's other apps take 250 of the 300 requests a minute during the backfill's first 3 minutes.
      quota: { perMinute: QUOTA, otherApps: [{ from: NOW, to: NOW + 3 * 60_000, perMinute: 250 }] },
    });
    first = await run(clock, progress);
    requests = server.requests;
    nock.cleanAll();
  }, 180_000);

  it('completes without a single failed day', () => {
    expect(first.warnings).toEqual([]);
    expect([...first.days.keys()]).toEqual(YEAR);
    for (const date of YEAR) {
      const day = first.days.get(date);
      expect(day?.steps).toBeGreaterThan(0);
      expect(day?.restingHeartRate).toBeGreaterThan(0);
      expect(day?.heart?.count).toBe(24);
      expect(day?.sleeps?.map((s) => s.minutesAsleep)).toEqual([420]);
    }
    expect(first.fetchedDays).toBe(365);
  });

  it('was throttled, with 429s that carried no Retry-After, and backed off until they passed', () => {
    const throttled = requests.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    // All of them while the other apps used the quota (and the backoff that followed), none later.
    expect(Math.max(...throttled.map((r) => r.at))).toBeLessThan(NOW + 6 * 60_000);
    const retries = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg.includes('retrying'));
    expect(retries.length).toBe(throttled.length);
    expect(retries.every((l) => l.status === 429 && l.retryClass === 'throttled')).toBe(true);
  });

  it('never sent more than its budget in any minute, nor more than Google allows', () => {
    expect(maxPerMinute(requests)).toBeLessThanOrEqual(DEFAULT_REQUESTS_PER_MINUTE);
    expect(maxPerMinute(requests)).toBeLessThan(QUOTA);
    // A settings call, then per 14-day chunk one rollup, one resting and one sleep request, and a heart
    // request per day: 1 + 27 × 3 + 365 = 447 answered, the 429s on top.
    expect(requests.filter((r) => r.status === 200)).toHaveLength(447);
    const minutes = (Math.max(...requests.map((r) => r.at)) - NOW) / 60_000;
    expect(minutes).toBeGreaterThanOrEqual(447 / DEFAULT_REQUESTS_PER_MINUTE);
  });

  it('showed its progress in days and archived every day as it went, with the ledger of fetched days', () => {
    expect(progress.start).toHaveBeenCalledWith(365, 'google-health', 'days');
    expect(progress.increment.mock.calls.reduce((n, [by]) => n + by, 0)).toBe(365);
    const archived = (year: string) => fs.readdirSync(path.join(tmp, 'archive', 'google-health', year));
    expect([...archived('2025'), ...archived('2026')].filter((f) => f.endsWith('.json'))).toHaveLength(365);
    const ledger = JSON.parse(
      fs.readFileSync(path.join(tmp, 'archive', 'google-health', 'fetched.json'), 'utf8'),
    );
    expect(Object.keys(ledger.days)).toEqual(YEAR);
    expect(ledger.timeZone).toBe(ZONE);
  });

  it('a second run fetches nothing already archived, and reads the same year', async () => {
    const again = serveGoogleHealth(yearOfData(), { clock, quota: { perMinute: QUOTA } });
    const second = await run(clock);
    expect(again.requests).toEqual([]); // not a data request, not even the settings
    expect(second.inputs).toBe(0);
    expect(second).toMatchObject({ fetchedDays: 0, archivedDays: 365, warnings: [], timeZone: ZONE });
    expect(second.days).toEqual(first.days);
    expect(addDays(TO, 7) <= '2026-11-15').toBe(true); // the whole year was past the late-sync window
  });
});
