import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';

const DAY = 86400;
const provider = new MemoryProvider([
  { name: 'a.b', start: 10 * DAY, step: DAY, values: [-2, null, 3.5, 0] },
]);
const run = (target: string) => evaluate(target, 10 * DAY - 1, 14 * DAY - 1, provider);

describe('absolute, offset, scale, alias', () => {
  it('absolute keeps nulls and names the series', async () => {
    const [s] = await run('absolute(a.b)');
    expect(s!.values).toEqual([2, null, 3.5, 0]);
    expect(s!.name).toBe('absolute(a.b)');
  });
  it('offset adds the factor to non-null points; the name uses %g', async () => {
    const [s] = await run('offset(a.b,-1)');
    expect(s!.values).toEqual([-3, null, 2.5, -1]);
    expect(s!.name).toBe('offset(a.b,-1)');
  });
  it('scale multiplies', async () => {
    const [s] = await run('scale(a.b,0.5)');
    expect(s!.values).toEqual([-1, null, 1.75, 0]);
    expect(s!.name).toBe('scale(a.b,0.5)');
  });
  it('alias renames', async () => {
    expect((await run("alias(a.b,'x y')"))[0]!.name).toBe('x y');
  });
  it('a constant where a series is expected is a parameter error', async () => {
    await expect(run('absolute(3)')).rejects.toThrow(/Invalid "seriesList" value/);
  });
});
