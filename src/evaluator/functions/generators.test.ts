import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';
import { datapoints } from '../series';

const p = new MemoryProvider();

describe('constantLine and time', () => {
  it('constantLine has three points across the range, named by the value', async () => {
    const [s] = await evaluate('constantLine(0.5)', 1000, 2000, p);
    expect(s!.name).toBe('0.5');
    expect(datapoints(s!)).toEqual([
      [0.5, 1000],
      [0.5, 1500],
      [0.5, 2000],
    ]);
    expect((await evaluate('constantLine(3)', 1000, 2000, p))[0]!.name).toBe('3.0');
  });
  it('time() yields each timestamp as the value', async () => {
    const [s] = await evaluate("time('t',10)", 100, 130, p);
    expect(s!.values).toEqual([100, 110, 120]);
    expect(s!.name).toBe('t');
  });
});
