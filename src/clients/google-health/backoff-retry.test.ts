import { VirtualClock } from '../../../test/support/virtual-clock';
import { backoffDelay, BackoffRetryPolicy, type RetryEvent, type RetryVerdict } from './backoff-retry';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const schedules = {
  throttled: { maxRetries: 5, baseDelayMs: 2_000, maxDelayMs: 10_000 },
  unavailable: { maxRetries: 2, baseDelayMs: 1_000, maxDelayMs: 60_000 },
  internal: { maxRetries: 1, baseDelayMs: 1_000, maxDelayMs: 10_000 },
};

class Failure extends Error {
  constructor(readonly verdict: RetryVerdict | undefined) {
    super(verdict?.retryClass ?? 'permanent');
  }
}

function policy(clock: VirtualClock, random = () => 0.5) {
  const retry = new BackoffRetryPolicy({
    schedules,
    classify: (err) => (err instanceof Failure ? err.verdict : undefined),
    maxRetryAfterMs: 120_000,
    clock,
    random,
  });
  const events: RetryEvent[] = [];
  retry.onRetry((e) => events.push(e));
  return { retry, events };
}

/** A function failing with the given verdicts in turn, then answering 'ok'. */
function failing(...verdicts: Array<RetryVerdict | undefined>) {
  let calls = 0;
  const fn = () => {
    const verdict = verdicts[calls++];
    if (calls <= verdicts.length) throw new Failure(verdict);
    return 'ok';
  };
  return { fn, calls: () => calls };
}

describe('BackoffRetryPolicy', () => {
  it('backs off exponentially with equal jitter, capped, per the schedule of the failure', () => {
    const s = schedules.throttled;
    expect([1, 2, 3, 4].map((n) => backoffDelay(s, n, () => 0))).toEqual([1_000, 2_000, 4_000, 5_000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(s, n, () => 0.999999))).toEqual([
      expect.closeTo(2_000, 0),
      expect.closeTo(4_000, 0),
      expect.closeTo(8_000, 0),
      expect.closeTo(10_000, 0),
    ]);
  });

  it('retries a throttled call through its whole schedule, waiting each delay in full', async () => {
    const clock = new VirtualClock(T0);
    const { retry, events } = policy(clock);
    const throttled = { retryClass: 'throttled' as const };
    const call = failing(throttled, throttled, throttled, throttled, throttled);
    expect(await retry.execute(call.fn)).toBe('ok');
    expect(call.calls()).toBe(6);
    expect(events.map((e) => [e.retryClass, e.attempt, e.delayMs])).toEqual([
      ['throttled', 1, 1_500],
      ['throttled', 2, 3_000],
      ['throttled', 3, 6_000],
      ['throttled', 4, 7_500],
      ['throttled', 5, 7_500],
    ]);
    expect(clock.now() - T0).toBe(25_500);
  });

  it('gives up after the schedule, the last error unchanged', async () => {
    const clock = new VirtualClock(T0);
    const { retry } = policy(clock);
    const internal = { retryClass: 'internal' as const };
    const call = failing(internal, internal, internal);
    await expect(retry.execute(call.fn)).rejects.toThrow('internal');
    expect(call.calls()).toBe(2); // the first attempt and the one retry a 500 gets
  });

  it('counts each kind of failure against its own schedule', async () => {
    const clock = new VirtualClock(T0);
    const { retry } = policy(clock);
    const u = { retryClass: 'unavailable' as const };
    const t = { retryClass: 'throttled' as const };
    const call = failing(u, t, u, t, t);
    expect(await retry.execute(call.fn)).toBe('ok');
    expect(call.calls()).toBe(6);
  });

  it('waits exactly a Retry-After, and does not wait for one longer than it accepts', async () => {
    const clock = new VirtualClock(T0);
    const { retry, events } = policy(clock);
    const call = failing({ retryClass: 'throttled', retryAfterMs: 42_000 });
    expect(await retry.execute(call.fn)).toBe('ok');
    expect(events.map((e) => e.delayMs)).toEqual([42_000]);

    const tooLong = failing({ retryClass: 'throttled', retryAfterMs: 3_600_000 });
    await expect(retry.execute(tooLong.fn)).rejects.toThrow('throttled');
    expect(tooLong.calls()).toBe(1);
  });

  it('does not retry what is not transient', async () => {
    const clock = new VirtualClock(T0);
    const { retry, events } = policy(clock);
    const call = failing(undefined);
    await expect(retry.execute(call.fn)).rejects.toThrow('permanent');
    expect(call.calls()).toBe(1);
    expect(events).toEqual([]);
  });
});
