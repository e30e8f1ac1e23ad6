import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';

const DAY = 86400;
const at = (values: Array<number | null>) =>
  new MemoryProvider([{ name: 'm', start: 100 * DAY, step: DAY, values }]);

describe('stdev', () => {
  it('is the population deviation of the current point and the points-1 before it', async () => {
    const [s] = await evaluate('stdev(m,3)', 100 * DAY - 1, 105 * DAY - 1, at([1, 2, 3, 4, 10]));
    expect(s!.name).toBe('stdev(m,3)');
    expect(s!.values[0]).toBe(0);
    expect(s!.values[1]).toBeCloseTo(0.5, 12);
    expect(s!.values[2]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(s!.values[4]).toBeCloseTo(
      Math.sqrt(((3 - 17 / 3) ** 2 + (4 - 17 / 3) ** 2 + (10 - 17 / 3) ** 2) / 3),
      12,
    );
  });

  it('does not bootstrap: points before the range do not count', async () => {
    const p = at([100, 100, 100, 1, 2]);
    const [s] = await evaluate('stdev(m,3)', 103 * DAY - 1, 105 * DAY - 1, p);
    expect(s!.values).toEqual([0, 0.5]);
  });

  it('needs windowTolerance of the window non-null, counted against the full window', async () => {
    const [s] = await evaluate('stdev(m,10)', 100 * DAY - 1, 103 * DAY - 1, at([5, null, 7]));
    // 1/10 = 0.1 >= 0.1: a value from the first point on; nulls are skipped
    expect(s!.values).toEqual([0, 0, 1]);
    const [t] = await evaluate('stdev(m,10,0.2)', 100 * DAY - 1, 103 * DAY - 1, at([5, null, 7]));
    expect(t!.values).toEqual([null, null, 1]);
  });

  it('rejects a non-integer point count as graphite-web does', async () => {
    await expect(evaluate('stdev(m,2.5)', 0, DAY, at([1]))).rejects.toThrow(/Invalid "integer"/);
  });
});
