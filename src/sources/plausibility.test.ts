import { BOUNDS, checkValue, isPlausible, toNumber } from './plausibility';

describe('plausibility bounds', () => {
  it('takes JSON numbers and decimal strings, nothing else', () => {
    expect([toNumber(12), toNumber('12'), toNumber(' 57.25 '), toNumber('1e2')]).toEqual([
      12, 12, 57.25, 100,
    ]);
    for (const bad of [
      '',
      ' ',
      '0x10',
      'Infinity',
      '12abc',
      null,
      true,
      {},
      Infinity,
      NaN,
      Number('1e309'),
    ]) {
      expect(toNumber(bad)).toBeUndefined();
    }
  });

  it.each([
    [BOUNDS.heartRate, 20, 250, [19.9, 250.1, 99999, 1.7e308]],
    [BOUNDS.restingHeartRate, 20, 150, [19, 151]],
    [BOUNDS.stepsPerRecord, 0, 500, [-1, 501, 1e12]],
    [BOUNDS.minutesAsleep, 0, 1440, [-0.5, 1441]],
  ] as const)('keeps %p within its bounds', (bound, min, max, outside) => {
    expect([checkValue(min, bound), checkValue(String(max), bound)]).toEqual([min, max]);
    for (const value of outside) {
      expect(checkValue(value, bound)).toBe(
        `${bound.label} ${JSON.stringify(value)} is outside the plausible range ${min}..${max}`,
      );
    }
  });

  it('wants whole step counts and names what it got', () => {
    expect(checkValue('12.5', BOUNDS.stepsPerRecord)).toBe('step count "12.5" is not a whole number');
    expect(checkValue('abc', BOUNDS.heartRate)).toBe('bpm "abc" is not a number');
    expect(checkValue(undefined, BOUNDS.heartRate)).toBe('bpm missing is not a number');
    expect(isPlausible(600_000, BOUNDS.stepsPerDay)).toBe(true);
    expect(isPlausible(Infinity, BOUNDS.stepsPerDay)).toBe(false);
  });
});
