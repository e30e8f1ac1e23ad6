/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON bodies, read as the wire gives them */
/**
 * Pins down that the Google Health double answers as the API's published contract says, not more kindly: the
 * reader's tests are only worth what the double's answers are. Raw fetch calls, no healthlake code.
 */
import {
  API_ORIGIN,
  HEALTH_USER_ID,
  heartRatePoint,
  PHONE,
  restingPoint,
  serveGoogleHealth,
  sleepPoint,
  type GoogleHealthData,
} from '../support/google-health-fixtures';
import { VirtualClock } from '../support/virtual-clock';
import { useNockOffline } from '../support/nock-offline';

const ZONE = 'Europe/Berlin';
const at = (local: string) => Date.parse(`${local}+01:00`);
const BASE = `${API_ORIGIN}/v4/users/me`;

function data(): GoogleHealthData {
  return {
    timeZone: ZONE,
    heartRate: [
      heartRatePoint(at('2026-11-10T00:05:00'), 58, ZONE),
      heartRatePoint(at('2026-11-10T09:00:00'), 70, ZONE),
      heartRatePoint(at('2026-11-10T09:00:20'), 90, ZONE, PHONE),
    ],
    stepsByDay: new Map([
      ['2026-11-09', '8000'],
      ['2026-11-11', '0'],
    ]),
    restingHeartRate: [restingPoint('2026-11-09', 57), restingPoint('2026-11-10')],
    sleep: [
      sleepPoint({
        id: 'a1b2-night',
        startMs: at('2026-11-09T23:00:00'),
        segments: [{ level: 'deep', seconds: 3600 }],
        minutesAsleep: 60,
        timeZone: ZONE,
      }),
      sleepPoint({
        id: 'c3d4-nap',
        startMs: at('2026-11-10T14:00:00'),
        segments: [{ level: 'light', seconds: 1200 }],
        minutesAsleep: 20,
        nap: true,
        timeZone: ZONE,
      }),
    ],
  };
}

async function get(path: string, query: Record<string, string> = {}) {
  const res = await fetch(`${BASE}${path}?${new URLSearchParams(query)}`);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
const day = (member: string, from: string, before: string) => ({
  filter: `${member} >= "${from}" AND ${member} < "${before}"`,
});

useNockOffline();

describe('the Google Health double answers as the API does', () => {
  it('lists raw points newest first, from every source, heart samples without a name', async () => {
    serveGoogleHealth(data());
    const { body } = await get(
      '/dataTypes/heart-rate/dataPoints',
      day('heart_rate.sample_time.civil_time', '2026-11-10', '2026-11-11'),
    );
    expect(body.dataPoints.map((p: any) => p.heartRate.beatsPerMinute)).toEqual(['90', '70', '58']);
    expect(body.dataPoints.map((p: any) => p.dataSource.device.formFactor)).toEqual([
      'PHONE',
      'WATCH',
      'WATCH',
    ]);
    expect(body.dataPoints.some((p: object) => 'name' in p)).toBe(false);
    expect(body.nextPageToken).toBeUndefined();
  });

  it('leaves out proto3 zero values: an hour 0, a false nap, empty lists; keeps explicit int64 zeros', async () => {
    serveGoogleHealth(data());
    const heart = await get(
      '/dataTypes/heart-rate/dataPoints',
      day('heart_rate.sample_time.civil_time', '2026-11-10', '2026-11-11'),
    );
    expect(heart.body.dataPoints[2].heartRate.sampleTime.civilTime).toEqual({
      date: { year: 2026, month: 11, day: 10 },
      time: { minutes: 5 },
    });
    const sleep = await get(
      '/dataTypes/sleep/dataPoints',
      day('sleep.interval.civil_end_time', '2026-11-10', '2026-11-11'),
    );
    const [nap, night] = sleep.body.dataPoints;
    expect(night.sleep.metadata).toEqual({ stagesStatus: 'SUCCEEDED', processed: true, mainSleep: true });
    expect(nap.sleep.metadata).toEqual({ stagesStatus: 'SUCCEEDED', processed: true, nap: true });
    expect(night.sleep).not.toHaveProperty('outOfBedSegments');
    expect(night.sleep.summary.minutesToFallAsleep).toBe('0');
    const empty = await get(
      '/dataTypes/sleep/dataPoints',
      day('sleep.interval.civil_end_time', '2026-01-01', '2026-01-02'),
    );
    expect(empty.body).toEqual({});
  });

  it('names identifiable points with the Google Health user id, never "me"; the settings too', async () => {
    serveGoogleHealth(data());
    const sleep = await get(
      '/dataTypes/sleep/dataPoints',
      day('sleep.interval.civil_end_time', '2026-11-10', '2026-11-11'),
    );
    expect(sleep.body.dataPoints.map((p: { name: string }) => p.name)).toEqual([
      `users/${HEALTH_USER_ID}/dataTypes/sleep/dataPoints/c3d4-nap`,
      `users/${HEALTH_USER_ID}/dataTypes/sleep/dataPoints/a1b2-night`,
    ]);
    expect((await get('/settings')).body).toEqual({
      name: `users/${HEALTH_USER_ID}/settings`,
      timeZone: ZONE,
    });
  });

  it('returns a resting rate’s date without a value on a day with none', async () => {
    serveGoogleHealth(data());
    const { body } = await get(
      '/dataTypes/daily-resting-heart-rate/dataPoints',
      day('daily_resting_heart_rate.date', '2026-11-09', '2026-11-11'),
    );
    expect(body.dataPoints.map((p: any) => p.dailyRestingHeartRate)).toEqual([
      {
        date: { year: 2026, month: 11, day: 10 },
        dailyRestingHeartRateMetadata: { calculationMethod: 'WITH_SLEEP' },
      },
      {
        date: { year: 2026, month: 11, day: 9 },
        beatsPerMinute: '57',
        dailyRestingHeartRateMetadata: { calculationMethod: 'WITH_SLEEP' },
      },
    ]);
  });

  it('reconciles to one source per minute, without data sources, names as dataPointName', async () => {
    serveGoogleHealth(data());
    const heart = await get(
      '/dataTypes/heart-rate/dataPoints:reconcile',
      day('heart_rate.sample_time.civil_time', '2026-11-10', '2026-11-11'),
    );
    expect(heart.body.dataPoints.map((p: any) => p.heartRate.beatsPerMinute)).toEqual(['70', '58']);
    expect(heart.body.dataPoints.some((p: object) => 'dataSource' in p)).toBe(false);
    const sleep = await get(
      '/dataTypes/sleep/dataPoints:reconcile',
      day('sleep.interval.civil_end_time', '2026-11-10', '2026-11-11'),
    );
    expect(sleep.body.dataPoints[1]).toMatchObject({
      dataPointName: `users/${HEALTH_USER_ID}/dataTypes/sleep/dataPoints/a1b2-night`,
    });
    expect(sleep.body.dataPoints[1]).not.toHaveProperty('name');
  });

  it('rolls steps up per civil day, newest first, a day without data with its dates and no value', async () => {
    serveGoogleHealth(data());
    const res = await fetch(`${BASE}/dataTypes/steps/dataPoints:dailyRollUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        range: {
          start: { date: { year: 2026, month: 11, day: 9 } },
          end: { date: { year: 2026, month: 11, day: 12 } },
        },
        windowSizeDays: 1,
      }),
    });
    const body = (await res.json()) as { rollupDataPoints: unknown[] };
    expect(body.rollupDataPoints).toEqual([
      {
        civilStartTime: { date: { year: 2026, month: 11, day: 11 } },
        civilEndTime: { date: { year: 2026, month: 11, day: 12 } },
        steps: { countSum: '0' },
      },
      {
        civilStartTime: { date: { year: 2026, month: 11, day: 10 } },
        civilEndTime: { date: { year: 2026, month: 11, day: 11 } },
      },
      {
        civilStartTime: { date: { year: 2026, month: 11, day: 9 } },
        civilEndTime: { date: { year: 2026, month: 11, day: 10 } },
        steps: { countSum: '8000' },
      },
    ]);
  });

  it('refuses a filter member the API does not document', async () => {
    serveGoogleHealth(data());
    const res = await get(
      '/dataTypes/sleep/dataPoints',
      day('sleep.interval.civil_start_time', '2026-11-10', '2026-11-11'),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].reason).toBe('INVALID_DATA_POINT_FILTER');
  });

  it('enforces the per-user quota with 429 RESOURCE_EXHAUSTED and no Retry-After', async () => {
    const clock = new VirtualClock(Date.parse('2026-11-15T11:00:00Z'));
    const server = serveGoogleHealth(data(), { clock, quota: { perMinute: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('/settings')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const throttled = await get('/settings');
    expect(throttled.headers.get('retry-after')).toBeNull();
    expect(throttled.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(throttled.body.error.details[0]).toMatchObject({ reason: 'RATE_LIMIT_EXCEEDED' });
    await clock.sleep(60_000); // a minute later the window is free again
    expect((await get('/settings')).status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 200]);
  });
});
