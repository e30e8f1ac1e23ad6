/**
 * A backfill resumes from the archive: complete chunks are archived as they finish, with the ledger of fetched
 * days; a later run takes settled days from the archive instead of asking Google again, unless asked to refetch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { Archive } from '../../archive/archive';
import { GoogleAccountError, GoogleHealthClient } from '../../clients/google-health/client';
import { civilDates } from '../../util/civil-date';
import {
  API_ORIGIN,
  errorBodies,
  heartRatePoint,
  restingPoint,
  serveGoogleHealth,
  type GoogleHealthData,
  type RecordedRequest,
} from '../../../test/support/google-health-fixtures';
import { readGoogleHealth } from './read-google-health';
import { useNockOffline } from '../../../test/support/nock-offline';

const ZONE = 'Europe/Berlin';
const NOW = Date.parse('2026-11-15T11:00:00Z');
const HEART = '/v4/users/me/dataTypes/heart-rate/dataPoints:reconcile';

function data(dates: string[]): GoogleHealthData {
  return {
    timeZone: ZONE,
    heartRate: dates.map((d) => heartRatePoint(Date.parse(`${d}T09:00:00Z`), 70, ZONE)),
    stepsByDay: new Map(dates.map((d) => [d, '5000'])),
    restingHeartRate: dates.map((d) => restingPoint(d, 58)),
    sleep: [],
  };
}

let tmp: string;
useNockOffline();
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-resume-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const read = (from: string, to: string, extra: { refetch?: boolean; dryRun?: boolean } = {}) =>
  readGoogleHealth({
    client: new GoogleHealthClient({
      accessToken: async () => 'ya29.resume',
      retries: 1,
      retryBaseDelayMs: 1,
      requestsPerMinute: 60_000,
    }),
    range: { from, to },
    archive: new Archive(tmp),
    now: () => NOW,
    ...extra,
  });
const heartDays = (requests: RecordedRequest[]) =>
  requests
    .filter((r) => r.path === HEART)
    .map((r) => /civil_time >= "([^"]+)"/.exec(r.query.filter ?? '')?.[1]);
const ledgerDays = () =>
  Object.keys(
    JSON.parse(fs.readFileSync(path.join(tmp, 'archive', 'google-health', 'fetched.json'), 'utf8')).days,
  );

describe('resuming from the archive', () => {
  it('fetches a day again until it is 7 days old when fetched; settled days come from the archive', async () => {
    const dates = civilDates('2026-11-01', '2026-11-15');
    const server = serveGoogleHealth(data(dates));
    const first = await read('2026-11-01', '2026-11-15');
    expect(first).toMatchObject({ fetchedDays: 15, archivedDays: 0 });
    expect(heartDays(server.requests)).toHaveLength(15);

    server.requests.length = 0;
    const second = await read('2026-11-01', '2026-11-15');
    // Fetched today: 11-01..11-08 are settled; the last 7 days may still get late syncs and are asked again.
    expect(second).toMatchObject({ fetchedDays: 7, archivedDays: 8, warnings: [] });
    expect(heartDays(server.requests).sort()).toEqual(civilDates('2026-11-09', '2026-11-15'));
    expect(second.days).toEqual(first.days);

    server.requests.length = 0;
    const refetched = await read('2026-11-01', '2026-11-15', { refetch: true });
    expect(refetched).toMatchObject({ fetchedDays: 15, archivedDays: 0 });
    expect(heartDays(server.requests)).toHaveLength(15);
  });

  it('a run stopped by a fatal failure keeps the chunks it finished; the next run fetches only the rest', async () => {
    const dates = civilDates('2026-09-01', '2026-09-30');
    nock(API_ORIGIN)
      .get(HEART)
      .query((q) => String(q.filter).includes('>= "2026-09-20"'))
      .reply(403, errorBodies.uberMint());
    const server = serveGoogleHealth(data(dates));
    await expect(read('2026-09-01', '2026-09-30')).rejects.toBeInstanceOf(GoogleAccountError);
    // The first 14-day chunk was complete and is archived; the one that met the failure is not.
    expect(ledgerDays()).toEqual(civilDates('2026-09-01', '2026-09-14'));
    expect(fs.readdirSync(path.join(tmp, 'archive', 'google-health', '2026')).sort()).toEqual(
      civilDates('2026-09-01', '2026-09-14').map((d) => `${d}.json`),
    );

    server.requests.length = 0;
    const resumed = await read('2026-09-01', '2026-09-30');
    expect(resumed).toMatchObject({ fetchedDays: 16, archivedDays: 14, warnings: [] });
    expect(heartDays(server.requests).sort()).toEqual(civilDates('2026-09-15', '2026-09-30'));
    expect([...resumed.days.keys()]).toEqual(dates);
    expect(ledgerDays()).toEqual(dates);
  });

  it('a day a request was skipped for is archived with the rest but fetched again next time', async () => {
    const dates = civilDates('2026-09-01', '2026-09-05');
    nock(API_ORIGIN)
      .get(HEART)
      .query((q) => String(q.filter).includes('>= "2026-09-03"'))
      .times(2)
      .reply(500, errorBodies.internal());
    const server = serveGoogleHealth(data(dates));
    const first = await read('2026-09-01', '2026-09-05');
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings[0]?.message).toMatch(/500 INTERNAL.*\(gave up after 2 attempts\); skipped$/);
    expect(first.days.get('2026-09-03')).toEqual({ date: '2026-09-03', steps: 5000, restingHeartRate: 58 });
    expect(ledgerDays()).toEqual(['2026-09-01', '2026-09-02', '2026-09-04', '2026-09-05']);

    server.requests.length = 0;
    const second = await read('2026-09-01', '2026-09-05');
    expect(second).toMatchObject({ fetchedDays: 1, archivedDays: 4, warnings: [] });
    expect(heartDays(server.requests)).toEqual(['2026-09-03']);
    expect(second.days.get('2026-09-03')?.heart?.count).toBe(1);
  });

  it('a dry run takes settled days from the archive but writes nothing', async () => {
    const dates = civilDates('2026-09-01', '2026-09-05');
    const server = serveGoogleHealth(data(dates));
    const dry = await read('2026-09-01', '2026-09-05', { dryRun: true });
    expect(dry.fetchedDays).toBe(5);
    expect(fs.existsSync(path.join(tmp, 'archive'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'raw'))).toBe(false);

    await read('2026-09-01', '2026-09-05');
    server.requests.length = 0;
    const fromArchive = await read('2026-09-01', '2026-09-05', { dryRun: true });
    expect(fromArchive).toMatchObject({ fetchedDays: 0, archivedDays: 5 });
    expect(server.requests).toEqual([]);
  });
});
