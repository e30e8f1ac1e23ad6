import { judgeCheck, judgeSeries, judgeValue, lastNonNullValue, worstState } from './seyren-rule';

describe('judgeValue (DefaultValueChecker)', () => {
  it('high is bad when warn < error: inclusive thresholds', () => {
    expect(judgeValue(0.49, 0.5, 0.8)).toBe('OK');
    expect(judgeValue(0.5, 0.5, 0.8)).toBe('WARN');
    expect(judgeValue(0.79, 0.5, 0.8)).toBe('WARN');
    expect(judgeValue(0.8, 0.5, 0.8)).toBe('ERROR');
    expect(judgeValue(Infinity, 0.5, 0.8)).toBe('ERROR');
  });

  it('low is bad when warn > error', () => {
    expect(judgeValue(50, 20, 10)).toBe('OK');
    expect(judgeValue(20, 20, 10)).toBe('WARN');
    expect(judgeValue(10.5, 20, 10)).toBe('WARN');
    expect(judgeValue(10, 20, 10)).toBe('ERROR');
    expect(judgeValue(-3, 20, 10)).toBe('ERROR');
  });

  it('warn == error behaves as high is bad: only ERROR can occur', () => {
    expect(judgeValue(0.99, 1, 1)).toBe('OK');
    expect(judgeValue(1, 1, 1)).toBe('ERROR');
  });
});

describe('lastNonNullValue', () => {
  it('scans backwards over nulls', () => {
    expect(lastNonNullValue([1, 2, null, null])).toBe(2);
    expect(lastNonNullValue([0, null])).toBe(0);
    expect(lastNonNullValue([null, null])).toBeUndefined();
    expect(lastNonNullValue([])).toBeUndefined();
  });
});

describe('judgeSeries', () => {
  const t = { warn: 0.5, error: 0.8 };
  it('uses the last non-null point, not the last point', () => {
    expect(judgeSeries([0.9, 0.1, null], t)).toBe('OK');
    expect(judgeSeries([0.1, 0.9, null], t)).toBe('ERROR');
  });
  it('no value gives UNKNOWN, or OK with allowNoData', () => {
    expect(judgeSeries([null, null], t)).toBe('UNKNOWN');
    expect(judgeSeries([], { ...t, allowNoData: true })).toBe('OK');
  });
});

describe('judgeCheck: several series', () => {
  const t = { warn: 0.5, error: 0.8 };
  it('judges each series separately and takes the worst', () => {
    const v = judgeCheck(
      [
        { name: 'a', values: [0.1] },
        { name: 'b', values: [0.6, null] },
        { name: 'c', values: [null] },
      ],
      t,
    );
    expect(v.state).toBe('WARN');
    expect(v.series).toEqual([
      { name: 'a', value: 0.1, state: 'OK' },
      { name: 'b', value: 0.6, state: 'WARN' },
      { name: 'c', value: undefined, state: undefined },
    ]);
  });
  it('an all-null series does not lower the state of the others, and no series at all is UNKNOWN', () => {
    expect(judgeCheck([{ values: [1] }, { values: [null] }], t).state).toBe('ERROR');
    expect(judgeCheck([], t).state).toBe('UNKNOWN');
    expect(judgeCheck([{ values: [0] }], t).state).toBe('OK');
  });
  it('worstState follows UNKNOWN < OK < WARN < ERROR', () => {
    expect(worstState('UNKNOWN', 'OK')).toBe('OK');
    expect(worstState('ERROR', 'WARN')).toBe('ERROR');
  });
});
