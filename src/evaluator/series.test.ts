import { consolidatedValues, datapoints, formatG, lcm, pyFloatRepr, seriesFromDatapoints } from './series';

describe('series helpers', () => {
  it('datapoints zips values with range(start, end + 1, step), as graphite-web JSON does', () => {
    expect(datapoints({ name: 'x', start: 10, end: 30, step: 10, values: [1, 2] })).toEqual([
      [1, 10],
      [2, 20],
    ]);
    // more values than the range holds: the extra ones are not shown
    expect(datapoints({ name: 'x', start: 10, end: 20, step: 10, values: [1, 2, 3] })).toHaveLength(2);
  });
  it('seriesFromDatapoints infers start and step', () => {
    expect(
      seriesFromDatapoints('a', [
        [1, 100],
        [null, 160],
      ]),
    ).toEqual({ name: 'a', start: 100, end: 220, step: 60, values: [1, null] });
  });
  it('consolidatedValues averages groups, skipping nulls', () => {
    expect(consolidatedValues([1, 3, null, null, 5], 2)).toEqual([2, null, 5]);
  });
  it('lcm', () => {
    expect(lcm(10, 60)).toBe(60);
    expect(lcm(40, 60)).toBe(120);
  });
  it("formatG is Python's %g, pyFloatRepr its repr", () => {
    expect([-1, 0.5, 1e-5, 123456, 1234567, 0.0001].map(formatG)).toEqual([
      '-1',
      '0.5',
      '1e-05',
      '123456',
      '1.23457e+06',
      '0.0001',
    ]);
    expect([3, 0.5, 1e-5, 1e16].map(pyFloatRepr)).toEqual(['3.0', '0.5', '1e-05', '1e+16']);
  });
});
