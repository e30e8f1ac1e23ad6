import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';

const p = new MemoryProvider([
  { name: 'x', start: 0, step: 10, values: [null, 1, null, null, 4, null] },
  { name: 'r', start: 0, step: 10, values: [1, null, 1, null, null, null] },
]);
const run = (t: string) => evaluate(t, -1, 59, p);

describe('keepLastValue', () => {
  it('fills gaps and the tail with the last value; leading nulls stay', async () => {
    expect((await run('keepLastValue(x)'))[0]!.values).toEqual([null, 1, 1, 1, 4, 4]);
  });
  it('leaves gaps longer than the limit alone', async () => {
    expect((await run('keepLastValue(x,1)'))[0]!.values).toEqual([null, 1, null, null, 4, 4]);
  });
});

describe('transformNull', () => {
  it('replaces every null by the default (0)', async () => {
    const [s] = await run('transformNull(x)');
    expect(s!.values).toEqual([0, 1, 0, 0, 4, 0]);
    expect(s!.name).toBe('transformNull(x,0)');
  });
  it('with referenceSeries only where the reference has a value', async () => {
    expect((await run('transformNull(x,-1,r)'))[0]!.values).toEqual([-1, 1, -1, null, 4, null]);
  });
});
