/**
 * The client under its policies (resilience.ts): an outage meets the circuit breaker, throttling the backoff
 * and the shared budget, a 500 a bounded retry. Bodies are the documented ones (test/support).
 */
import nock from 'nock';
import pino from 'pino';
import { errorBodies } from '../../../test/support/google-health-errors';
import { VirtualClock } from '../../../test/support/virtual-clock';
import { GoogleHealthClient, GoogleHealthError, type GoogleHealthClientOptions } from './client';

const API = 'https://health.googleapis.com';
const HEART_PATH = '/v4/users/me/dataTypes/heart-rate/dataPoints';

/** Every log line of the test, to read the retries from. */
let lines: string[] = [];
const makeClient = (opts: Partial<GoogleHealthClientOptions> = {}) =>
  new GoogleHealthClient({
    accessToken: async () => 'ya29.resilience-test',
    retries: 2,
    retryBaseDelayMs: 1,
    requestsPerMinute: 60_000,
    logger: pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }),
    ...opts,
  });

async function caught(promise: Promise<unknown>): Promise<GoogleHealthError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GoogleHealthError);
  return err as GoogleHealthError;
}

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
beforeEach(() => {
  lines = [];
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('GoogleHealthClient under its policies', () => {
  it('an outage opens the circuit: later calls wait it out instead of sending, then give up', async () => {
    nock(API).get('/v4/users/me/settings').times(3).reply(503, errorBodies.unavailable());
    // Virtual time: the waits for the open circuit (a minute each) are taken without being waited for.
    const clock = new VirtualClock(Date.now());
    const client = makeClient({ retries: 2, breakerThreshold: 3, breakerHalfOpenAfterMs: 60_000, clock });
    const exhausted = await caught(client.settings());
    expect(exhausted).toBeInstanceOf(GoogleHealthError);
    expect(exhausted.status).toBe(503);
    expect(exhausted.message).toMatch(
      /503 UNAVAILABLE: The service is currently unavailable.*after 3 attempts/,
    );
    expect(client.requestCount).toBe(3);

    const waits = clock.waits.length;
    const fastFail = await caught(client.list('steps'));
    expect(fastFail.kind).toBe('circuit-open');
    expect(fastFail.message).toMatch(/circuit breaker open/);
    expect(fastFail.message).toMatch(/last failure: .*503/);
    expect(client.requestCount).toBe(3); // nothing sent while the circuit was open
    // Each retry waited out the open circuit (the short waits are the budget's spacing).
    expect(clock.waits.slice(waits).filter((w) => w >= 1000)).toEqual([60_000, 60_000]);
  });

  it('a call that meets the open circuit goes through once the API is back', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .times(2)
      .reply(503, errorBodies.unavailable())
      .get('/v4/users/me/settings')
      .reply(200, { timeZone: 'UTC' });
    const client = makeClient({ retries: 1, breakerThreshold: 2, breakerHalfOpenAfterMs: 50 });
    await caught(client.settings()); // two 503s: the circuit opens
    expect((await client.settings()).timeZone).toBe('UTC'); // waited 50 ms, then the test request worked
    expect(client.requestCount).toBe(3);
  });

  it('a 429 without Retry-After backs off with jitter, pauses the whole budget, then succeeds', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .times(2)
      .reply(429, errorBodies.resourceExhausted())
      .get('/v4/users/me/settings')
      .reply(200, { timeZone: 'Europe/Berlin' });
    const clock = new VirtualClock(Date.parse('2026-11-29T10:00:00Z'));
    const client = makeClient({ retries: undefined, retryBaseDelayMs: undefined, clock, random: () => 0.5 });
    expect((await client.settings()).timeZone).toBe('Europe/Berlin');
    // Equal jitter on the throttling schedule (2 s doubling): 1.5 s, then 3 s, both held by the whole budget.
    expect(clock.waits.filter((w) => w >= 1000)).toEqual([1500, 3000]);
    expect(clock.now() - Date.parse('2026-11-29T10:00:00Z')).toBeGreaterThanOrEqual(4500);
    const retries = lines.filter((l) => l.includes('retrying')).map((l) => JSON.parse(l));
    expect(retries.map((r) => [r.status, r.retryClass, r.attempt, r.delayMs])).toEqual([
      [429, 'throttled', 1, 1500],
      [429, 'throttled', 2, 3000],
    ]);
  });

  it('a 500 then success: retried, and only a few times when it persists', async () => {
    nock(API)
      .get('/v4/users/me/settings')
      .reply(500, errorBodies.internal())
      .get('/v4/users/me/settings')
      .reply(200, { timeZone: 'UTC' });
    const client = makeClient({ retries: undefined });
    expect((await client.settings()).timeZone).toBe('UTC');
    expect(client.requestCount).toBe(2);

    nock(API).get(HEART_PATH).times(3).reply(500, errorBodies.internal());
    const persistent = await caught(client.list('heart-rate'));
    expect(persistent.message).toMatch(
      /500 INTERNAL: Internal error encountered\. \(gave up after 3 attempts\)/,
    );
    // Only this request is affected: a reader skips its part with a warning.
    expect(persistent.skippable).toBe(true);
    expect(client.requestCount).toBe(5);
  });
});
