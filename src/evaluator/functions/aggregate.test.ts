import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';

const p = new MemoryProvider([
  { name: 'a', start: 0, step: 10, values: [10, null, 30, null] },
  { name: 'b', start: 0, step: 10, values: [1, 2, null, null] },
  { name: 'c', start: 0, step: 20, values: [100, 200] },
]);
const run = (t: string) => evaluate(t, -1, 39, p);

describe('aggregations', () => {
  it('diffSeries skips nulls: A where B is null, B (not -B) where A is null, null where both are', async () => {
    const [s] = await run('diffSeries(a,b)');
    expect(s!.values).toEqual([9, 2, 30, null]);
    expect(s!.name).toBe('diffSeries(a,b)');
  });
  it('sumSeries and averageSeries', async () => {
    expect((await run('sumSeries(a,b)'))[0]!.values).toEqual([11, 2, 30, null]);
    expect((await run('averageSeries(a,b)'))[0]!.values).toEqual([5.5, 2, 30, null]);
  });
  it('normalises to the lcm of the steps, consolidating by average', async () => {
    const [s] = await run('sumSeries(a,c)');
    expect(s!.step).toBe(20);
    expect(s!.values).toEqual([110, 230]);
  });
  it('a glob used twice appears once in the name (pathExpression)', async () => {
    const [s] = await run('sumSeries({a,b})');
    expect(s!.name).toBe('sumSeries({a,b})');
  });
  it('aggregate() with a function name', async () => {
    expect((await run("aggregate({a,b},'max')"))[0]!.values).toEqual([10, 2, 30, null]);
  });
});
