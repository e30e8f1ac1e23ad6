import nock from 'nock';
import pino from 'pino';
import { AuthRequiredError } from '../../auth/token-store';
import { ExitCode } from '../../errors';
import {
  civilChunks,
  GoogleAuthError,
  GoogleHealthClient,
  GoogleHealthError,
  parseRetryAfter,
  type GoogleHealthClientOptions,
  type ListPage,
} from './client';

// Bodies shaped as Google documents them (docs/google-health-api.md) (int64 fields as strings).
const API = 'https://health.googleapis.com';
const TOKEN = 'ya29.test-access-token-0123456789';
const HEART_PATH = '/v4/users/me/dataTypes/heart-rate/dataPoints';

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

const heartPoint = (minute: number, bpm: string) => ({
  dataSource: { recordingMethod: 'PASSIVELY_MEASURED', platform: 'FITBIT' },
  heartRate: {
    sampleTime: {
      physicalTime: `2026-11-28T08:${String(minute).padStart(2, '0')}:00Z`,
      utcOffset: '3600s',
      civilTime: { date: { year: 2026, month: 11, day: 28 }, time: { hours: 9, minutes: minute } },
    },
    beatsPerMinute: bpm,
    metadata: { motionContext: 'SEDENTARY', sensorLocation: 'WRIST' },
  },
});

/** A logger that keeps every line, to prove the token never reaches a log. */
function memoryLogger() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }) };
}

async function caught(promise: Promise<unknown>): Promise<GoogleHealthError> {
  try {
    await promise;
  } catch (err) {
    return err as GoogleHealthError;
  }
  throw new Error('expected a rejection');
}

let log: ReturnType<typeof memoryLogger>;
const makeClient = (opts: Partial<GoogleHealthClientOptions> = {}) =>
  new GoogleHealthClient({
    accessToken: async () => TOKEN,
    retries: 2,
    retryBaseDelayMs: 1,
    requestsPerMinute: 60_000,
    logger: log.logger,
    ...opts,
  });

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
beforeEach(() => {
  log = memoryLogger();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
  // Whatever happened, the token stayed out of the logs.
  expect(log.lines.join('\n')).not.toContain(TOKEN);
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('GoogleHealthClient', () => {
  it('reads the time zone from the settings, sending the token as a bearer token', async () => {
    nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/v4/users/me/settings')
      .reply(200, { name: 'users/me/settings', timeZone: 'Europe/Berlin' });
    const client = makeClient();
    const settings = await client.settings();
    expect(settings.timeZone).toBe('Europe/Berlin');
    expect(settings.request).toBe('GET /users/me/settings');
    expect(JSON.parse(settings.body)).toEqual({ name: 'users/me/settings', timeZone: 'Europe/Berlin' });
    expect(client.requestCount).toBe(1);
  });

  it('follows nextPageToken over three pages and hands each raw page to onPage first', async () => {
    const filter =
      'heart_rate.sample_time.civil_time >= "2026-11-28" AND heart_rate.sample_time.civil_time < "2026-11-29"';
    const pages = [
      { dataPoints: [heartPoint(5, '72'), heartPoint(4, '71')], nextPageToken: 'tok-2' },
      { dataPoints: [heartPoint(3, '70')], nextPageToken: 'tok-3' },
      { dataPoints: [heartPoint(2, '69')] },
    ];
    nock(API)
      .get(HEART_PATH)
      .query({ filter, pageSize: '10000' })
      .reply(200, pages[0])
      .get(HEART_PATH)
      .query({ filter, pageSize: '10000', pageToken: 'tok-2' })
      .reply(200, pages[1])
      .get(HEART_PATH)
      .query({ filter, pageSize: '10000', pageToken: 'tok-3' })
      .reply(200, pages[2]);
    const client = makeClient();
    const seen: Array<[number, ListPage]> = [];
    const points = await client.listAll('heart-rate', { filter, pageSize: 10000 }, (page, i) => {
      seen.push([i, page]);
    });
    expect(points).toEqual([...pages[0]!.dataPoints, ...pages[1]!.dataPoints, ...pages[2]!.dataPoints]);
    expect(seen.map(([i, page]) => [i, JSON.parse(page.body)])).toEqual(pages.map((p, i) => [i, p]));
    expect(client.requestCount).toBe(3);
  });

  it('refuses a page token that comes back again instead of paging forever', async () => {
    nock(API)
      .get(HEART_PATH)
      .reply(200, { dataPoints: [], nextPageToken: 'again' })
      .get(HEART_PATH)
      .query({ pageToken: 'again' })
      .reply(200, { dataPoints: [], nextPageToken: 'again' });
    const err = await caught(makeClient().listAll('heart-rate'));
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(/nextPageToken repeats/);
  });

  it('splits a 100-day steps rollup into 90 + 10 days and a 20-day heart-rate rollup into 14 + 6', async () => {
    const bodies: unknown[] = [];
    const rollup = (type: string) =>
      nock(API)
        .post(`/v4/users/me/dataTypes/${type}/dataPoints:dailyRollUp`, (body) => bodies.push(body) > 0)
        .times(2)
        .reply(200, { rollupDataPoints: [] });
    const date = (year: number, month: number, day: number) => ({ date: { year, month, day } });
    rollup('steps');
    const client = makeClient();
    await client.dailyRollUp('steps', { start: '2026-01-01', end: '2026-04-10' });
    expect(bodies).toEqual([
      { range: { start: date(2026, 1, 1), end: date(2026, 4, 1) }, windowSizeDays: 1 },
      { range: { start: date(2026, 4, 1), end: date(2026, 4, 11) }, windowSizeDays: 1 },
    ]);
    bodies.length = 0;
    rollup('heart-rate');
    await client.dailyRollUp('heart-rate', { start: '2026-11-01', end: '2026-11-20' });
    expect(bodies).toEqual([
      { range: { start: date(2026, 11, 1), end: date(2026, 11, 15) }, windowSizeDays: 1 },
      { range: { start: date(2026, 11, 15), end: date(2026, 11, 21) }, windowSizeDays: 1 },
    ]);
    expect(client.requestCount).toBe(4);
  });

  it('returns the rollup points of every chunk, each raw answer to onResponse', async () => {
    const point = {
      civilStartTime: { date: { year: 2026, month: 11, day: 28 } },
      civilEndTime: { date: { year: 2026, month: 11, day: 29 } },
      steps: { countSum: '9120' },
    };
    nock(API)
      .post('/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp')
      .reply(200, { rollupDataPoints: [point] });
    const raw: string[] = [];
    const points = await makeClient().dailyRollUp(
      'steps',
      { start: '2026-11-28', end: '2026-11-28' },
      { onResponse: (res) => void raw.push(res.body) },
    );
    expect(points).toEqual([point]);
    expect(raw.map((b) => JSON.parse(b))).toEqual([{ rollupDataPoints: [point] }]);
  });

  it('waits exactly the Retry-After of a 429, then succeeds', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .reply(
        429,
        rpcError(
          429,
          'RESOURCE_EXHAUSTED',
          "Quota exceeded for quota metric 'Queries'",
          'RATE_LIMIT_EXCEEDED',
        ),
        { 'Retry-After': '1' },
      )
      .get('/v4/users/me/settings')
      .reply(200, { timeZone: 'Europe/Berlin' });
    const client = makeClient({ retryBaseDelayMs: 1 });
    const started = Date.now();
    expect((await client.settings()).timeZone).toBe('Europe/Berlin');
    // The exponential backoff alone would have waited about a millisecond.
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(client.requestCount).toBe(2);
    const retryLine = JSON.parse(log.lines.find((l) => l.includes('retrying')) as string);
    expect(retryLine).toMatchObject({
      status: 429,
      rpcStatus: 'RESOURCE_EXHAUSTED',
      attempt: 1,
      delayMs: 1000,
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('does not sit out a Retry-After longer than it is willing to wait', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .reply(429, rpcError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'), { 'Retry-After': '3600' });
    const client = makeClient({ maxRetryAfterMs: 60_000 });
    const err = await caught(client.settings());
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(client.requestCount).toBe(1);
  });

  it('retries a dropped connection', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get('/v4/users/me/settings')
      .reply(200, { timeZone: 'UTC' });
    // A short timeout: a hang instead of the error would fail the test, not pass it by a timeout retry.
    const client = makeClient({ timeoutMs: 2000 });
    expect((await client.settings()).timeZone).toBe('UTC');
    expect(client.requestCount).toBe(2);
    expect(log.lines.join('\n')).toMatch(/"code":"ECONNRESET"/);
  });

  it('times out an attempt that takes too long', async () => {
    nock(API).get('/v4/users/me/settings').delay(500).reply(200, { timeZone: 'UTC' });
    const err = await caught(makeClient({ timeoutMs: 50, retries: 0 }).settings());
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/no answer within 50 ms/);
  });

  it('turns a 401 into an auth error that says to run healthlake auth, without the token', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .reply(
        401,
        rpcError(401, 'UNAUTHENTICATED', `Request had invalid authentication credentials: ${TOKEN}`),
      );
    const client = makeClient();
    const err = await caught(client.settings());
    expect(err).toBeInstanceOf(GoogleAuthError);
    expect(err.exitCode).toBe(ExitCode.authRequired);
    expect(err).toBeInstanceOf(AuthRequiredError);
    expect(err.message).toMatch(/run `healthlake auth` .*GET \/users\/me\/settings with 401 UNAUTHENTICATED/);
    expect(err.message).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    expect(client.requestCount).toBe(1);
  });

  it('after a 401 refreshes the token once through onUnauthorized and repeats the call', async () => {
    let token = 'ya29.expired-token-aaaa';
    nock(API, { reqheaders: { authorization: 'Bearer ya29.expired-token-aaaa' } })
      .get('/v4/users/me/settings')
      .reply(401, rpcError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/v4/users/me/settings')
      .reply(200, { timeZone: 'Europe/Berlin' });
    const onUnauthorized = jest.fn(async () => (token = TOKEN));
    const client = makeClient({ accessToken: async () => token, onUnauthorized });
    expect((await client.settings()).timeZone).toBe('Europe/Berlin');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(client.requestCount).toBe(2);
  });

  it('says a 403 needs a new authorisation with the Google Health scopes', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .reply(
        403,
        rpcError(
          403,
          'PERMISSION_DENIED',
          'User is not authorized to access health data.',
          'USER_PROJECT_DENIED',
        ),
      );
    const err = (await caught(makeClient().settings())) as unknown as GoogleAuthError;
    expect(err).toBeInstanceOf(GoogleAuthError);
    expect(err.exitCode).toBe(ExitCode.authRequired);
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/403 PERMISSION_DENIED USER_PROJECT_DENIED: User is not authorized/);
    expect(err.message).toMatch(/myaccount.google.com\/connections/);
  });

  it('explains an account that is not linked to Google Health, without retrying', async () => {
    nock(API)
      .get(HEART_PATH)
      .query(true)
      .reply(
        400,
        rpcError(
          400,
          'FAILED_PRECONDITION',
          'The account is not linked to Google Health.',
          'ACCOUNT_NOT_LINKED',
        ),
      );
    const client = makeClient();
    const err = await caught(client.list('heart-rate', { pageSize: 10 }));
    expect(err.status).toBe(400);
    expect(err.rpcStatus).toBe('FAILED_PRECONDITION');
    expect(err.rpcReason).toBe('ACCOUNT_NOT_LINKED');
    expect(err.message).toMatch(/not linked to Google Health/);
    expect(err.skippable).toBe(false);
    expect(client.requestCount).toBe(1);
  });

  it('explains the switch-off when pointed at the legacy Fitbit Web API', async () => {
    nock('https://api.fitbit.com').get('/users/me/settings').reply(410, '');
    const client = makeClient({ baseUrl: 'https://api.fitbit.com' });
    const err = await caught(client.settings());
    expect(err.status).toBe(410);
    expect(err.exitCode).toBe(ExitCode.invalidInput);
    expect(err.message).toMatch(/legacy Fitbit Web API .* switched off on 2026-11-02/);
    expect(err.message).toContain('https://health.googleapis.com/v4');
    expect(err.message).toMatch(/--source takeout/);
  });

  it('reports a body that is not JSON, or not the documented shape, as malformed with the raw body', async () => {
    nock(API)
      .get(HEART_PATH)
      .reply(200, '<html><body>Proxy login</body></html>')
      .get(HEART_PATH)
      .reply(200, { dataPoints: { heartRate: {} } });
    const client = makeClient();
    const notJson = await caught(client.list('heart-rate'));
    expect(notJson.kind).toBe('malformed');
    expect(notJson.message).toMatch(/GET \/users\/me\/dataTypes\/heart-rate\/dataPoints .*not JSON/);
    expect(notJson.body).toBe('<html><body>Proxy login</body></html>');
    expect(notJson.skippable).toBe(true);
    const wrongShape = await caught(client.list('heart-rate'));
    expect(wrongShape.message).toMatch(/"dataPoints" is not a list/);
  });
});

describe('civilChunks', () => {
  it('cuts an inclusive range into chunks of at most maxDays, aligned to the window', () => {
    expect(civilChunks({ start: '2026-11-01', end: '2026-11-01' }, 14)).toEqual([
      { start: '2026-11-01', end: '2026-11-01' },
    ]);
    expect(civilChunks({ start: '2026-11-01', end: '2026-11-30' }, 14)).toEqual([
      { start: '2026-11-01', end: '2026-11-14' },
      { start: '2026-11-15', end: '2026-11-28' },
      { start: '2026-11-29', end: '2026-11-30' },
    ]);
    expect(civilChunks({ start: '2026-11-01', end: '2026-11-30' }, 14, 4)).toEqual([
      { start: '2026-11-01', end: '2026-11-12' },
      { start: '2026-11-13', end: '2026-11-24' },
      { start: '2026-11-25', end: '2026-11-30' },
    ]);
  });
});
