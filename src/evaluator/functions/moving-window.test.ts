import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';

const DAY = 86400;
const provider = (values: Array<number | null>) =>
  new MemoryProvider([{ name: 'm', start: 100 * DAY, step: DAY, values }]);

describe('movingAverage', () => {
  it('averages the points before t, excluding t, bootstrapped from before the range', async () => {
    const p = provider([1, 2, 3, 4, 5, 6]);
    const [s] = await evaluate('movingAverage(m,3)', 103 * DAY - 1, 106 * DAY - 1, p);
    expect(s!.name).toBe('movingAverage(m,3)');
    expect(s!.start).toBe(103 * DAY);
    expect(s!.values).toEqual([2, 3, 4]);
  });

  it("takes a time window ('3d' = 3 daily points) and names it with quotes", async () => {
    const p = provider([1, 2, 3, 4, 5, 6]);
    const [s] = await evaluate("movingAverage(m,'3d')", 103 * DAY - 1, 106 * DAY - 1, p);
    expect(s!.name).toBe('movingAverage(m,"3d")');
    expect(s!.values).toEqual([2, 3, 4]);
  });

  it('skips nulls; a window of nulls (a gap longer than the window) gives null', async () => {
    const p = provider([4, null, 8, null, null, null, 1]);
    const [s] = await evaluate('movingAverage(m,2)', 101 * DAY - 1, 107 * DAY - 1, p);
    expect(s!.values).toEqual([4, 4, 8, 8, null, null]);
  });

  it('xFilesFactor requires a share of non-null points', async () => {
    const p = provider([4, null, 8, 2, 6]);
    const [s] = await evaluate('movingAverage(m,2,0.6)', 102 * DAY - 1, 105 * DAY - 1, p);
    expect(s!.values).toEqual([null, null, 5]);
  });
});

describe('movingWindow with other functions', () => {
  it('sum, max, median', async () => {
    const p = provider([1, 5, 3, 2]);
    const range = [103 * DAY - 1, 104 * DAY - 1] as const;
    expect((await evaluate("movingWindow(m,3,'sum')", ...range, p))[0]!.values).toEqual([9]);
    expect((await evaluate('movingMax(m,3)', ...range, p))[0]!.values).toEqual([5]);
    expect((await evaluate('movingMedian(m,3)', ...range, p))[0]!.values).toEqual([3]);
  });
});
