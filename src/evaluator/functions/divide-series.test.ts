import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';

const p = new MemoryProvider([
  { name: 'x', start: 0, step: 10, values: [6, null, 5, 8] },
  { name: 'y', start: 0, step: 10, values: [3, 2, 0, null] },
  { name: 'y2', start: 0, step: 10, values: [1, 1, 1, 1] },
]);
const run = (t: string) => evaluate(t, -1, 39, p);

describe('divideSeries', () => {
  it('null for a null dividend, a zero divisor or a null divisor', async () => {
    const [s] = await run('divideSeries(x,y)');
    expect(s!.values).toEqual([2, null, null, null]);
    expect(s!.name).toBe('divideSeries(x,y)');
  });
  it('a missing divisor gives all nulls, named MISSING', async () => {
    const [s] = await run('divideSeries(x,no.such)');
    expect(s!.name).toBe('divideSeries(x,MISSING)');
    expect(s!.values).toEqual([null, null, null, null]);
  });
  it('more than one divisor is an error, as graphite-web answers 400', async () => {
    await expect(run('divideSeries(x,y*)')).rejects.toThrow(/exactly 1 series \(got 2\)/);
  });
  it('one result per dividend', async () => {
    expect((await run('divideSeries(y*,x)')).map((s) => s.name)).toEqual([
      'divideSeries(y,x)',
      'divideSeries(y2,x)',
    ]);
  });
  it('divideSeriesLists pairs the lists', async () => {
    expect((await run('divideSeriesLists(x,y2)'))[0]!.values).toEqual([6, null, 5, 8]);
  });
});
