import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';

const DAY = 86400;
const p = new MemoryProvider([
  { name: 'm', start: 100 * DAY, step: DAY, values: [1, 2, null, 4, 5, 6, 7, 8, 9] },
]);

describe('timeShift', () => {
  it("'7d' means 7 days in the past, relabelled onto the range", async () => {
    const [s] = await evaluate("timeShift(m,'7d')", 107 * DAY - 1, 109 * DAY - 1, p);
    expect(s!.name).toBe('timeShift(m, "-7d")');
    expect(s!.start).toBe(107 * DAY);
    expect(s!.values).toEqual([1, 2]);
  });
  it('fetches before the range: missing history is null', async () => {
    const [s] = await evaluate("timeShift(m,'2d')", 101 * DAY - 1, 104 * DAY - 1, p);
    expect(s!.values).toEqual([null, 1, 2]);
  });
  it("'+1d' shifts forward", async () => {
    const [s] = await evaluate("timeShift(m,'+1d')", 100 * DAY - 1, 102 * DAY - 1, p);
    expect(s!.values).toEqual([2, null]);
  });
  it('a name in diffSeries drops the timeShift (graphite-web keeps the pathExpression)', async () => {
    const [s] = await evaluate("diffSeries(timeShift(m,'1d'),m)", 104 * DAY - 1, 106 * DAY - 1, p);
    expect(s!.name).toBe('diffSeries(m)');
    expect(s!.values).toEqual([-1, -1]);
  });
  it('an empty series list stays empty', async () => {
    expect(await evaluate("timeShift(no.such,'1d')", 0, DAY, p)).toEqual([]);
  });
});
