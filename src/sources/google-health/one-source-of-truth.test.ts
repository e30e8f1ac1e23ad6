/**
 * Two data sources for the same minutes (a watch, and a phone writing through Health Connect) are counted once:
 * the reader reads Google's reconciled streams, never the raw list of every source.
 */
import { GoogleHealthClient } from '../../clients/google-health/client';
import { deriveDays } from '../../metrics/derive';
import {
  heartRatePoint,
  PHONE,
  restingPoint,
  serveGoogleHealth,
  sleepPoint,
  WATCH,
  type GoogleHealthData,
} from '../../../test/support/google-health-fixtures';
import { readGoogleHealth } from './read-google-health';
import { useNockOffline } from '../../../test/support/nock-offline';

const ZONE = 'Europe/Berlin';
const NOW = Date.parse('2026-11-15T11:00:00Z');
const DAY = '2026-11-10';
const at = (local: string) => Date.parse(`${local}+01:00`);

useNockOffline();

/** Ten minutes from 10:00, three samples a minute: the watch reads 70 + m, the phone 20 bpm more. */
function tenMinutes(source: typeof WATCH, offset: number): unknown[] {
  const points: unknown[] = [];
  for (let m = 0; m < 10; m++) {
    for (const s of ['05', '25', '45']) {
      points.push(heartRatePoint(at(`${DAY}T10:0${m}:${s}`), 70 + m + offset, ZONE, source));
    }
  }
  return points;
}

function twoDevices(): GoogleHealthData {
  const night = (id: string, source: typeof WATCH, minutesAsleep: string, startMinute: string) =>
    sleepPoint({
      id,
      startMs: at(`2026-11-09T23:${startMinute}:00`),
      segments: [{ level: 'light', seconds: 7 * 3600 }],
      minutesAsleep,
      timeZone: ZONE,
      dataSource: source,
    });
  return {
    timeZone: ZONE,
    heartRate: [...tenMinutes(WATCH, 0), ...tenMinutes(PHONE, 20)],
    stepsByDay: new Map([[DAY, '8000']]),
    restingHeartRate: [restingPoint(DAY, 57, WATCH), restingPoint(DAY, 61, PHONE)],
    // The same night, recorded by both: 420 minutes asleep, not 840.
    sleep: [night('watch-night', WATCH, '420', '00'), night('phone-night', PHONE, '410', '05')],
  };
}

const read = () =>
  readGoogleHealth({
    client: new GoogleHealthClient({ accessToken: async () => 'ya29.sources', requestsPerMinute: 60_000 }),
    range: { from: DAY, to: DAY },
    now: () => NOW,
  });

describe('one source of truth per day', () => {
  it('the raw list really holds both devices (what a naive reader would double-count)', async () => {
    serveGoogleHealth(twoDevices());
    const client = new GoogleHealthClient({ accessToken: async () => 'ya29.raw', requestsPerMinute: 60_000 });
    const member = 'heart_rate.sample_time.civil_time';
    const raw = await client.listAll('heart-rate', {
      filter: `${member} >= "${DAY}" AND ${member} < "2026-11-11"`,
      pageSize: 10_000,
    });
    expect(raw).toHaveLength(60);
  });

  it('heart samples, the resting rate and the night are each counted once, from the wearable', async () => {
    const server = serveGoogleHealth(twoDevices());
    const result = await read();
    expect(result.warnings).toEqual([]);
    const day = result.days.get(DAY);
    expect(day?.heart?.count).toBe(30); // the watch's 30 samples, not 60
    expect(day?.heart?.sum).toBe(3 * (70 + 71 + 72 + 73 + 74 + 75 + 76 + 77 + 78 + 79));
    expect(day?.restingHeartRate).toBe(57);
    expect(day?.sleeps?.map((s) => s.minutesAsleep)).toEqual([420]);
    const [metrics] = deriveDays(result.days, { from: DAY, to: DAY });
    expect(metrics?.values).toMatchObject({ 'heart.average': 74.5, 'sleep.minutes_before': 420 });
    // Every stream was read through :reconcile.
    const lists = server.requests.filter((r) => r.method === 'GET' && r.path.includes('/dataTypes/'));
    expect(lists.map((r) => r.path.endsWith(':reconcile'))).not.toContain(false);
  });

  it('two different resting rates still coming back for one date: withheld with a warning, not a guess', async () => {
    const data = twoDevices();
    serveGoogleHealth(data);
    // Both from wearables: reconcile has no preference left, so both come back.
    data.restingHeartRate.splice(1, 1, restingPoint(DAY, 61, { ...WATCH, device: { formFactor: 'RING' } }));
    const result = await read();
    expect(result.days.get(DAY)?.restingHeartRate).toBeUndefined();
    expect(result.warnings).toEqual([
      {
        file: 'GET /users/me/dataTypes/daily-resting-heart-rate/dataPoints:reconcile [daily-resting-heart-rate 2026-11-10..2026-11-10]',
        record: DAY,
        message: '2 different resting heart rates (57, 61) for one day; withheld',
      },
    ]);
  });
});
