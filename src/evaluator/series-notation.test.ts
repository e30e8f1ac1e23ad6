import { expandSeriesNotation } from './series-notation';

describe('expandSeriesNotation (promtool style)', () => {
  it('expands a+bxn, a-bxn and axn to n+1 values', () => {
    expect(expandSeriesNotation('1+2x3')).toEqual([1, 3, 5, 7]);
    expect(expandSeriesNotation('10-2.5x2')).toEqual([10, 7.5, 5]);
    expect(expandSeriesNotation('5x2')).toEqual([5, 5, 5]);
    expect(expandSeriesNotation('1+0x10')).toHaveLength(11);
  });
  it('reads single values, negative numbers and missing points', () => {
    expect(expandSeriesNotation(' 1 -2 1e3 _ _x2 4 ')).toEqual([1, -2, 1000, null, null, null, 4]);
    expect(expandSeriesNotation('-1+1x2')).toEqual([-1, 0, 1]);
  });
  it('repeats a block with (…)*n', () => {
    expect(expandSeriesNotation('(1 2 _)*2 3')).toEqual([1, 2, null, 1, 2, null, 3]);
    expect(expandSeriesNotation('(5x1)*2')).toEqual([5, 5, 5, 5]);
    expect(() => expandSeriesNotation('(1 2')).toThrow(/parentheses/);
  });
  it('takes explicit lists as they are', () => {
    expect(expandSeriesNotation([1, null, 3])).toEqual([1, null, 3]);
  });
  it('explains bad tokens', () => {
    expect(() => expandSeriesNotation('1 2x')).toThrow(/"2x" is not series notation/);
  });
});
