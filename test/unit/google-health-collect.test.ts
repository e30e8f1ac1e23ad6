/**
 * `collect --source google-health` up to the pipeline: the default window, working days limited to it, the
 * range the pipeline writes, the configured API URL, the stored authorisation, and the 410 of the legacy API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { HEALTH_SCOPES } from '../../src/auth/scopes';
import { writeToken, tokenFilePath } from '../../src/auth/token-store';
import { GoogleHealthClient } from '../../src/clients/google-health/client';
import {
  apiRequestCount,
  collectionRange,
  readSources,
  type SourceOptions,
} from '../../src/collect/read-sources';
import { loadConfig } from '../../src/config/config';
import { ExitCode } from '../../src/errors';
import { silentProgress } from '../../src/sources/day-record';
import { civilDates } from '../../src/util/civil-date';
import { silentLogger } from '../../src/util/log';
import { restingPoint, serveGoogleHealth, type GoogleHealthData } from '../support/google-health-fixtures';

// 2026-11-15 12:00 in Berlin.
const NOW = Date.parse('2026-11-15T11:00:00Z');

let tmp: string;
let workingDays: string;

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-gh-collect-'));
  workingDays = path.join(tmp, 'working-days.csv');
  const days = civilDates('2026-10-01', '2026-11-30');
  fs.writeFileSync(workingDays, ['date,worked', ...days.map((d) => `${d},1`), ''].join('\n'));
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});
afterEach(() => {
  jest.restoreAllMocks();
  nock.cleanAll();
  fs.rmSync(tmp, { recursive: true, force: true });
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

function serveWeek(): ReturnType<typeof serveGoogleHealth> {
  const data: GoogleHealthData = {
    timeZone: 'Europe/Berlin',
    heartRate: [],
    stepsByDay: new Map(civilDates('2026-11-01', '2026-11-15').map((d) => [d, '5000'])),
    restingHeartRate: civilDates('2026-11-01', '2026-11-15').map((d) => restingPoint(d, '58')),
    sleep: [],
  };
  return serveGoogleHealth(data);
}

/** The rejection of a read that must fail. */
async function failure(o: SourceOptions): Promise<Error & { exitCode?: number }> {
  try {
    await readSources(o);
  } catch (err) {
    return err as Error & { exitCode?: number };
  }
  throw new Error('expected readSources to fail');
}

const options = (extra: Partial<SourceOptions>): SourceOptions => ({
  source: 'google-health',
  range: {},
  workingDays,
  exportTimezone: 'utc',
  dataDir: tmp,
  progress: silentProgress,
  log: silentLogger,
  googleClient: new GoogleHealthClient({
    accessToken: async () => 'ya29.collect-test',
    retries: 0,
    requestsPerMinute: 60_000,
  }),
  ...extra,
});

describe('collect --source google-health', () => {
  it('reads the last 7 days up to today in the user zone, and working days for those days only', async () => {
    const server = serveWeek();
    const results = await readSources(options({}));
    expect(results.map((r) => r.source)).toEqual(['google-health', 'working-days']);
    const week = civilDates('2026-11-09', '2026-11-15');
    expect([...(results[0]?.days.keys() ?? [])]).toEqual(week);
    expect([...(results[1]?.days.keys() ?? [])]).toEqual(week);
    expect(collectionRange(results, {})).toEqual({ from: '2026-11-09', to: '2026-11-15' });
    expect(apiRequestCount(results)).toBe(server.requests.length);
    // Raw answers archived under today.
    expect(fs.readdirSync(path.join(tmp, 'raw', 'google-health', '2026-11-15'))).toContain('settings-1.json');
  });

  it('with --to reads the 7 days up to it plus the next day for sleep after, and writes up to --to', async () => {
    serveWeek();
    const results = await readSources(options({ range: { to: '2026-11-12' } }));
    expect([...(results[0]?.days.keys() ?? [])]).toEqual(civilDates('2026-11-06', '2026-11-13'));
    expect(collectionRange(results, { to: '2026-11-12' })).toEqual({ from: '2026-11-06', to: '2026-11-12' });
  });

  it('a dry run archives no raw answers', async () => {
    serveWeek();
    await readSources(options({ dryRun: true }));
    expect(fs.existsSync(path.join(tmp, 'raw'))).toBe(false);
  });

  describe('built from the configuration', () => {
    const config = (apiUrl?: string) =>
      loadConfig({
        env: {
          HOME: tmp,
          HEALTHLAKE_DATA_DIR: tmp,
          GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com',
          GOOGLE_CLIENT_SECRET: 'client-secret',
          ...(apiUrl ? { GOOGLE_HEALTH_API_URL: apiUrl } : {}),
        },
      });
    const storeToken = (scopes: readonly string[] = HEALTH_SCOPES) =>
      writeToken(tokenFilePath(tmp), {
        refresh_token: '1//refresh-token',
        access_token: 'ya29.stored-access-token',
        expiry_date: NOW + 3_600_000,
        scope: scopes.join(' '),
        obtained_at: new Date(NOW).toISOString(),
      });

    it('defaults to the Google Health API v4 and sends the stored access token', async () => {
      expect(config().google.apiUrl).toBe('https://health.googleapis.com/v4');
      await storeToken();
      nock('https://health.googleapis.com', {
        reqheaders: { authorization: 'Bearer ya29.stored-access-token' },
      })
        .get('/v4/users/me/settings')
        .reply(200, { timeZone: 'Europe/Berlin' });
      serveWeek();
      const results = await readSources(options({ config: config(), googleClient: undefined }));
      expect(results[0]?.days.get('2026-11-15')).toMatchObject({ steps: 5000, restingHeartRate: 58 });
    });

    it('partial consent: reads what the token grants, asks nothing else, and names the scope it lacks', async () => {
      // The user unticked sleep (and the optional settings) on Google's consent screen.
      await storeToken(HEALTH_SCOPES.filter((s) => !/(sleep|settings)\.readonly$/.test(s)));
      const server = serveWeek();
      const results = await readSources(options({ config: config(), googleClient: undefined }));
      expect(results[0]?.days.get('2026-11-15')).toMatchObject({ steps: 5000, restingHeartRate: 58 });
      const asked = server.requests.map((r) => r.path.replace('/v4/users/me/', ''));
      expect(asked.filter((p) => /sleep|settings/.test(p))).toEqual([]);
      expect(asked).toContain('dataTypes/steps/dataPoints:dailyRollUp');
      expect(results[0]?.warnings).toEqual([
        {
          file: 'Google consent',
          record: 'sleep.readonly',
          message:
            'the consent does not include sleep.readonly, so the sleep metrics are not collected; run ' +
            '`healthlake auth` and tick every box on the consent screen to collect it',
        },
        {
          file: 'Google consent',
          record: 'settings.readonly',
          message:
            "the consent does not include settings.readonly, so the time zone is the host's, not the one set " +
            'in the Fitbit app; run `healthlake auth` and tick every box on the consent screen to collect it',
        },
      ]);
    });

    it('explains the switch-off when GOOGLE_HEALTH_API_URL points at the legacy Fitbit API', async () => {
      await storeToken();
      nock('https://api.fitbit.com').get('/users/me/settings').reply(410, '');
      const err = await failure(
        options({ config: config('https://api.fitbit.com'), googleClient: undefined }),
      );
      expect(err.message).toMatch(/legacy Fitbit Web API .*switched off on 2026-11-02/);
      expect(err.exitCode).toBe(ExitCode.invalidInput);
    });

    it('asks for `healthlake auth` when no authorisation is stored', async () => {
      const err = await failure(options({ config: config(), googleClient: undefined }));
      expect(err.message).toMatch(/run `healthlake auth`/);
      expect(err.exitCode).toBe(ExitCode.authRequired);
    });
  });
});
