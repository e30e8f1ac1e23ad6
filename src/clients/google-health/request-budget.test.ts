import { VirtualClock } from '../../../test/support/virtual-clock';
import { RequestBudgetPolicy } from './request-budget';

const T0 = Date.parse('2026-11-29T10:00:00Z');

/** Runs `n` calls, `parallel` at a time, through the budget; the virtual start time of each. */
async function starts(budget: RequestBudgetPolicy, clock: VirtualClock, n: number, parallel: number) {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await budget.execute(() => void times.push(clock.now()));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return times;
}

/** The most starts in any window (t - 60 s, t]. */
function maxPerMinute(times: number[]): number {
  return Math.max(...times.map((t) => times.filter((s) => s > t - 60_000 && s <= t).length));
}

describe('RequestBudgetPolicy', () => {
  it('never lets more than the budget start in any 60 s, nor two starts closer than 200 ms', async () => {
    const clock = new VirtualClock(T0);
    const budget = new RequestBudgetPolicy({ requestsPerMinute: 120, clock });
    const times = await starts(budget, clock, 300, 4);
    expect(times).toHaveLength(300);
    expect(budget.started).toBe(300);
    expect(maxPerMinute(times)).toBe(120);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    // 120 at 5 a second, then the window: 300 requests in a little over two minutes, not faster.
    expect(times[119]! - T0).toBe(119 * 200);
    expect(times[120]! - T0).toBe(60_000);
    expect(times[299]! - T0).toBeGreaterThanOrEqual(120_000);
  });

  it('serves requests in the order they asked', async () => {
    const clock = new VirtualClock(T0);
    const budget = new RequestBudgetPolicy({ requestsPerMinute: 120, clock });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map((i) => budget.execute(() => void order.push(i))));
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it('after pause() no request starts before the cool-down is over, even one already waiting', async () => {
    const clock = new VirtualClock(T0);
    const budget = new RequestBudgetPolicy({ requestsPerMinute: 120, clock });
    await budget.execute(() => undefined);
    const waiting = budget.execute(() => clock.now());
    budget.pause(30_000);
    expect(await waiting).toBe(T0 + 30_000);
  });

  it('an aborted request stops waiting and does not take a start', async () => {
    const clock = new VirtualClock(T0);
    const budget = new RequestBudgetPolicy({ requestsPerMinute: 120, clock });
    budget.pause(60_000);
    const abort = new AbortController();
    const waiting = budget.execute(() => 'ran', abort.signal);
    abort.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    expect(budget.started).toBe(0);
    expect(await budget.execute(() => clock.now())).toBe(T0 + 60_000);
  });

  it('rejects a budget that is not a positive rate', () => {
    expect(() => new RequestBudgetPolicy({ requestsPerMinute: 0 })).toThrow(RangeError);
  });
});
