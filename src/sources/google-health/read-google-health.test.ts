import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { Archive } from '../../archive/archive';
import { AuthRequiredError } from '../../auth/token-store';
import {
  GoogleAccountError,
  GoogleHealthClient,
  GoogleHealthError,
} from '../../clients/google-health/client';
import { ExitCode } from '../../errors';
import { deriveDays } from '../../metrics/derive';
import { addDays, civilDates } from '../../util/civil-date';
import {
  API_ORIGIN,
  errorBodies,
  HEALTH_USER_ID,
  heartRatePoint,
  restingPoint,
  serveGoogleHealth,
  sleepPoint,
  type GoogleHealthData,
} from '../../../test/support/google-health-fixtures';
import { useNockOffline } from '../../../test/support/nock-offline';
import { readGoogleHealth, resolveWindow } from './read-google-health';

const ZONE = 'Europe/Berlin';
// 2026-11-15 12:00 in Berlin (CET, +1).
const NOW = Date.parse('2026-11-15T11:00:00Z');
const HEART = '/v4/users/me/dataTypes/heart-rate/dataPoints:reconcile';
const at = (local: string) => Date.parse(`${local}+01:00`);

function emptyData(): GoogleHealthData {
  return { timeZone: ZONE, heartRate: [], stepsByDay: new Map(), restingHeartRate: [], sleep: [] };
}

/** Eleven minutes of samples from 10:00 on the date: 3 per minute, 70..80 bpm, minute m at 70 + m. */
function heartMorning(date: string): unknown[] {
  const points: unknown[] = [];
  for (let m = 0; m < 11; m++) {
    for (const s of ['00', '20', '40']) {
      points.push(heartRatePoint(at(`${date}T10:${String(m).padStart(2, '0')}:${s}`), 70 + m, ZONE));
    }
  }
  return points;
}

let tmp: string;
useNockOffline();
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-gh-read-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const client = () =>
  new GoogleHealthClient({
    accessToken: async () => 'ya29.reader-test',
    retries: 1,
    retryBaseDelayMs: 1,
    requestsPerMinute: 60_000,
  });
const read = (range = { from: '2026-11-10', to: '2026-11-11' }) =>
  readGoogleHealth({ client: client(), range, archive: new Archive(tmp), now: () => NOW });
const rawFile = (name: string) => path.join(tmp, 'raw', 'google-health', '2026-11-15', name);

describe('readGoogleHealth', () => {
  it('builds day records from steps rollups, heart samples, resting rates and sleep', async () => {
    const data = emptyData();
    data.stepsByDay.set('2026-11-10', '9120').set('2026-11-11', '0');
    data.heartRate.push(...heartMorning('2026-11-10'));
    data.restingHeartRate.push(restingPoint('2026-11-10', '57'), restingPoint('2026-11-11', '0'));
    const night = [
      { level: 'light', seconds: 1800 },
      { level: 'deep', seconds: 3600 },
      { level: 'wake', seconds: 300 },
      { level: 'rem', seconds: 1200 },
    ];
    data.sleep.push(
      sleepPoint({
        id: 'n1',
        startMs: at('2026-11-09T23:30:00'),
        segments: night,
        minutesAsleep: '110',
        timeZone: ZONE,
      }),
      sleepPoint({
        id: 'nap1',
        startMs: at('2026-11-10T14:00:00'),
        segments: [{ level: 'asleep', seconds: 1200 }],
        minutesAsleep: '20',
        nap: true,
        timeZone: ZONE,
      }),
    );
    serveGoogleHealth(data);
    const result = await read();
    expect(result.warnings).toEqual([]);
    expect(result.timeZone).toBe(ZONE);
    const day = result.days.get('2026-11-10');
    expect(day).toMatchObject({ steps: 9120, restingHeartRate: 57 });
    expect(day?.heart).toMatchObject({
      count: 33,
      sum: 3 * (70 + 71 + 72 + 73 + 74 + 75 + 76 + 77 + 78 + 79 + 80),
    });
    expect(day?.heart?.minutes[0]).toEqual([600, 210, 3]);
    // Keyed by the wake date; the nap is not the main sleep; levels in the names derive.ts expects.
    expect(day?.sleeps).toEqual([
      {
        dateOfSleep: '2026-11-10',
        isMainSleep: true,
        minutesAsleep: 110,
        startTime: '2026-11-09T23:30:00.000',
        endTime: '2026-11-10T01:25:00.000',
        levels: night,
      },
      expect.objectContaining({
        isMainSleep: false,
        minutesAsleep: 20,
        levels: [{ level: 'asleep', seconds: 1200 }],
      }),
    ]);
    // A resting rate of 0 means not worn: no value. 0 steps from the rollup are kept.
    expect(result.days.get('2026-11-11')).toEqual({ date: '2026-11-11', steps: 0 });
    const [metrics] = deriveDays(result.days, { from: '2026-11-10', to: '2026-11-10' });
    expect(metrics?.values).toMatchObject({
      'heart.max_sustained': 75.5,
      'sleep.minutes_before': 110,
      'sleep.longest_episode': 90,
    });
  });

  it('follows the sleep pages (25 a page) and keys every sleep by its wake date', async () => {
    const data = emptyData();
    const dates = civilDates('2026-10-17', '2026-11-15');
    for (const date of dates) {
      const segments = [{ level: 'light', seconds: 6 * 3600 }];
      data.sleep.push(
        sleepPoint({
          id: `n-${date}`,
          startMs: at(`${addDays(date, -1)}T23:00:00`),
          segments,
          minutesAsleep: '360',
          timeZone: ZONE,
        }),
        sleepPoint({
          id: `nap-${date}`,
          startMs: at(`${date}T15:00:00`),
          segments: [{ level: 'light', seconds: 600 }],
          minutesAsleep: '10',
          nap: true,
          timeZone: ZONE,
        }),
      );
    }
    const server = serveGoogleHealth(data);
    const result = await read({ from: dates[0] as string, to: dates[dates.length - 1] as string });
    // Three chunks of at most 14 days (28, 28 and 4 sessions): 2 + 2 + 1 pages of at most 25.
    const sleepRequests = server.requests.filter((r) => r.path.endsWith('/sleep/dataPoints:reconcile'));
    expect(sleepRequests.map((r) => r.query.pageSize)).toEqual(['25', '25', '25', '25', '25']);
    expect(sleepRequests.filter((r) => r.query.pageToken !== undefined)).toHaveLength(2);
    for (const date of dates) {
      expect(
        result.days.get(date)?.sleeps?.map((s) => [s.dateOfSleep, s.isMainSleep, s.minutesAsleep]),
      ).toEqual([
        [date, true, 360],
        [date, false, 10],
      ]);
    }
    expect(fs.readdirSync(path.dirname(rawFile('x'))).filter((f) => f.startsWith('sleep-'))).toHaveLength(5);
  });

  it('skips a point whose int64 is not a number, naming the request and the record', async () => {
    const data = emptyData();
    data.heartRate.push(
      ...heartMorning('2026-11-10'),
      heartRatePoint(at('2026-11-10T12:00:00'), 'seventy', ZONE),
    );
    data.stepsByDay.set('2026-11-10', '12x').set('2026-11-11', '8000');
    data.restingHeartRate.push(restingPoint('2026-11-10', '99999999999999999999'));
    data.sleep.push(
      sleepPoint({
        id: 'n1',
        startMs: at('2026-11-09T23:30:00'),
        segments: [{ level: 'deep', seconds: 8 * 3600 }],
        minutesAsleep: 'n/a',
        timeZone: ZONE,
      }),
    );
    serveGoogleHealth(data);
    const result = await read();
    expect(result.warnings).toEqual([
      {
        file: 'GET /users/me/dataTypes/daily-resting-heart-rate/dataPoints:reconcile [daily-resting-heart-rate 2026-11-10..2026-11-11, page 1]',
        record: 0,
        message: 'beatsPerMinute "99999999999999999999" is not an int64; point skipped',
      },
      {
        file: 'GET /users/me/dataTypes/heart-rate/dataPoints:reconcile [heart-rate 2026-11-10, page 1]',
        record: 0,
        message: 'beatsPerMinute "seventy" is not an int64; point skipped',
      },
      {
        file: 'GET /users/me/dataTypes/heart-rate/dataPoints:reconcile [heart-rate 2026-11-10]',
        record: '2026-11-10',
        message: '1 heart-rate point of the day skipped; heart.average and heart.max_sustained withheld',
      },
      {
        file: 'GET /users/me/dataTypes/sleep/dataPoints:reconcile [sleep 2026-11-10..2026-11-11, page 1]',
        record: `users/${HEALTH_USER_ID}/dataTypes/sleep/dataPoints/n1`,
        message: 'summary.minutesAsleep "n/a" is not an int64; sleep skipped',
      },
      {
        file: 'POST /users/me/dataTypes/steps/dataPoints:dailyRollUp [steps 2026-11-10..2026-11-11, page 1]',
        record: 1, // newest first: 11-11, then 11-10
        message: 'steps.countSum "12x" of 2026-11-10 is not an int64; point skipped',
      },
    ]);
    // A day with a skipped heart-rate point gets no heart rate at all: its mean would leave the point out.
    expect(result.days.get('2026-11-10')?.heart).toBeUndefined();
    expect(result.days.get('2026-11-10')?.steps).toBeUndefined();
    expect(result.days.get('2026-11-11')?.steps).toBe(8000);
  });

  it('refuses implausible values as the export does: a 1000 bpm sample withholds its day, a resting 300 its value', async () => {
    const data = emptyData();
    // Minute 10:00 holds 70, 70 and 1000 bpm: a mean of 380 is refused, but 59 samples of 70 and one of 1000
    // would make a plausible minute, so the sample itself must be checked.
    data.heartRate.push(
      ...heartMorning('2026-11-10'),
      heartRatePoint(at('2026-11-10T12:00:10'), '1000', ZONE),
      ...heartMorning('2026-11-11'),
    );
    data.restingHeartRate.push(restingPoint('2026-11-10', '300'), restingPoint('2026-11-11', '0'));
    serveGoogleHealth(data);
    const result = await read();
    expect(result.warnings.map((w) => [w.record, w.message])).toEqual([
      [1, 'resting heart rate 300 is outside the plausible range 20..150; point skipped'],
      [0, 'bpm 1000 is outside the plausible range 20..250; point skipped'],
      ['2026-11-10', '1 heart-rate point of the day skipped; heart.average and heart.max_sustained withheld'],
    ]);
    expect(result.days.get('2026-11-10')?.heart).toBeUndefined();
    expect(result.days.get('2026-11-10')?.restingHeartRate).toBeUndefined();
    expect(result.days.get('2026-11-11')?.heart?.count).toBe(33);
    expect(result.days.get('2026-11-11')?.restingHeartRate).toBeUndefined(); // 0: not worn, no value
    const metrics = deriveDays(result.days, { from: '2026-11-10', to: '2026-11-11' });
    expect(metrics.find((m) => m.date === '2026-11-10')?.values['heart.average']).toBeUndefined();
    expect(metrics.find((m) => m.date === '2026-11-11')?.values['heart.average']).toBeCloseTo(75, 9);
  });

  it('skips a day whose heart-rate page 2 is not JSON, whole, after archiving what came', async () => {
    const data = emptyData();
    data.heartRate.push(...heartMorning('2026-11-10'), ...heartMorning('2026-11-11'));
    nock(API_ORIGIN)
      .get(HEART)
      .query((q) => String(q.filter).includes('>= "2026-11-10"') && q.pageToken === undefined)
      .reply(200, { dataPoints: heartMorning('2026-11-10').slice(0, 10), nextPageToken: 'p2' })
      .get(HEART)
      .query((q) => q.pageToken === 'p2')
      .reply(200, '<html><body>502 Bad Gateway</body></html>');
    serveGoogleHealth(data);
    const result = await read();
    expect(result.warnings).toEqual([
      {
        file: 'GET /users/me/dataTypes/heart-rate/dataPoints:reconcile [heart-rate 2026-11-10]',
        message:
          'Google Health API GET /users/me/dataTypes/heart-rate/dataPoints:reconcile answered something unusable: the body is not JSON; skipped',
      },
    ]);
    // Not half a day: page 1 alone would give a wrong average.
    expect(result.days.get('2026-11-10')?.heart).toBeUndefined();
    expect(result.days.get('2026-11-11')?.heart?.count).toBe(33);
    expect(JSON.parse(fs.readFileSync(rawFile('heart-rate-2026-11-10-1.json'), 'utf8')).nextPageToken).toBe(
      'p2',
    );
    expect(fs.readFileSync(rawFile('heart-rate-2026-11-10-2.json'), 'utf8')).toContain('502 Bad Gateway');
  });

  it('stops at an account that is not linked to Google Health', async () => {
    nock(API_ORIGIN).get(HEART).query(true).reply(400, errorBodies.accountNotLinked());
    serveGoogleHealth(emptyData());
    const err = await read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoogleHealthError);
    expect((err as Error).message).toMatch(/not linked to Google Health/);
  });

  it('stops with the auth error on a 401', async () => {
    nock(API_ORIGIN).get('/v4/users/me/settings').reply(401, errorBodies.unauthenticated());
    const err = await read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthRequiredError);
    expect((err as Error).message).toMatch(/run `healthlake auth`/);
  });

  it('stops at the UberMint 403 with Google’s remedy, exit 6, whichever request met it', async () => {
    nock(API_ORIGIN).get(HEART).query(true).reply(403, errorBodies.uberMint());
    serveGoogleHealth(emptyData());
    const err = await read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoogleAccountError);
    expect((err as GoogleAccountError).exitCode).toBe(ExitCode.authRequired);
    expect((err as Error).message).toMatch(
      /Could not mint UberMint from GaiaMint\): a legacy Fitbit account/,
    );
    expect((err as Error).message).toMatch(/sign out of the Fitbit mobile app/);
  });

  it('a 403 on the settings is classified like any other: UberMint stops the read', async () => {
    nock(API_ORIGIN).get('/v4/users/me/settings').reply(403, errorBodies.uberMint('message'));
    serveGoogleHealth(emptyData());
    const err = await read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoogleAccountError);
  });

  it('uses the host zone with a warning naming the scope when Google refuses the settings scope', async () => {
    nock(API_ORIGIN).get('/v4/users/me/settings').reply(403, errorBodies.scopeInsufficient());
    const data = emptyData();
    data.stepsByDay.set('2026-11-10', '100');
    serveGoogleHealth(data);
    const result = await read();
    expect(result.warnings).toEqual([
      {
        file: 'Google consent',
        record: 'settings.readonly',
        message: expect.stringMatching(
          /^the consent does not include settings\.readonly, so the time zone is the host's/,
        ),
      },
    ]);
    expect(result.days.get('2026-11-10')?.steps).toBe(100);
  });

  it('partial consent met at runtime: a data type Google refuses is skipped, the rest read, the scope named', async () => {
    const data = emptyData();
    data.stepsByDay.set('2026-11-10', '100');
    data.heartRate.push(...heartMorning('2026-11-10'));
    data.sleep.push(
      sleepPoint({
        id: 'n1',
        startMs: at('2026-11-09T23:30:00'),
        segments: [{ level: 'deep', seconds: 3600 }],
        minutesAsleep: '60',
        timeZone: ZONE,
      }),
    );
    // The token says nothing about scopes (unknown); Google refuses sleep, once, and is not asked again.
    nock(API_ORIGIN)
      .get('/v4/users/me/dataTypes/sleep/dataPoints:reconcile')
      .query(true)
      .reply(403, errorBodies.scopeInsufficient());
    const server = serveGoogleHealth(data);
    const result = await read();
    expect(result.warnings).toEqual([
      {
        file: 'Google consent',
        record: 'sleep.readonly',
        message:
          'the consent does not include sleep.readonly, so the sleep metrics are not collected; run ' +
          '`healthlake auth` and tick every box on the consent screen to collect it',
      },
    ]);
    expect(result.days.get('2026-11-10')).toMatchObject({ steps: 100, heart: { count: 33 } });
    expect(result.days.get('2026-11-10')?.sleeps).toBeUndefined();
    expect(server.requests.filter((r) => r.path.includes('/sleep/'))).toEqual([]);
  });

  it('reads the last 7 days up to today in the user zone by default, and nothing after today', async () => {
    const server = serveGoogleHealth(emptyData());
    const result = await readGoogleHealth({ client: client(), now: () => NOW });
    expect(result.range).toEqual({ from: '2026-11-09', to: '2026-11-15' });
    const heartDays = server.requests
      .filter((r) => r.path === HEART)
      .map((r) => /civil_time >= "([^"]+)"/.exec(r.query.filter ?? '')?.[1])
      .sort();
    expect(heartDays).toEqual(civilDates('2026-11-09', '2026-11-15'));

    server.requests.length = 0;
    const later = await readGoogleHealth({
      client: client(),
      range: { from: '2026-11-14', to: '2026-11-20' },
      now: () => NOW,
    });
    expect(later.range).toEqual({ from: '2026-11-14', to: '2026-11-20' });
    expect(server.requests.filter((r) => r.path === HEART)).toHaveLength(2);
    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({
      range: {
        start: { date: { year: 2026, month: 11, day: 14 } },
        end: { date: { year: 2026, month: 11, day: 16 } },
      },
      windowSizeDays: 1,
    });
  });

  it('resolves open window ends', () => {
    expect(resolveWindow({}, '2026-11-15')).toEqual({ from: '2026-11-09', to: '2026-11-15' });
    expect(resolveWindow({ to: '2026-11-01' }, '2026-11-15')).toEqual({
      from: '2026-10-26',
      to: '2026-11-01',
    });
    expect(resolveWindow({ from: '2026-11-01' }, '2026-11-15')).toEqual({
      from: '2026-11-01',
      to: '2026-11-15',
    });
  });
});
