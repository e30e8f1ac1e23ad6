import { judgedHistory, perWeek, replay } from './timeline';

const DAY = 86400;
const series = (values: Array<number | null>, name = 's') => ({
  name,
  start: 0,
  end: values.length * DAY,
  step: DAY,
  values,
});

describe('judgedHistory', () => {
  it('takes, at each time, the last non-null value within (t + from, t + until]', () => {
    const h = judgedHistory(
      [series([1, null, null, null, 5])],
      { from: -2 * DAY, until: 0 },
      { from: -1, until: 4 * DAY },
    );
    expect(h.times).toEqual([0, DAY, 2 * DAY, 3 * DAY, 4 * DAY]);
    // day 2: point 0 is at t - 2d, outside (t - 2d, t]; day 1 still sees it
    expect(h.series[0]!.values).toEqual([1, 1, undefined, undefined, 5]);
  });
  it('only judges times inside the window, while earlier points still feed the values', () => {
    const h = judgedHistory(
      [series([7, null, 3])],
      { from: -30 * DAY, until: 0 },
      { from: 0, until: 2 * DAY },
    );
    expect(h.times).toEqual([DAY, 2 * DAY]);
    expect(h.series[0]!.values).toEqual([7, 3]);
  });
});

describe('replay', () => {
  const history = {
    times: [0, 1, 2, 3, 4, 5, 6],
    series: [{ name: 's', values: [0.1, 0.7, 0.9, 0.7, undefined, 0.1, 0.95] }],
  };

  it('counts each change into WARN or ERROR as a notification and groups episodes', () => {
    const t = replay(history, { warn: 0.6, error: 0.85 });
    expect(t.states).toEqual(['OK', 'WARN', 'ERROR', 'WARN', 'UNKNOWN', 'OK', 'ERROR']);
    expect(t.notifications).toBe(4);
    expect(t.episodes).toEqual([
      { series: 's', start: 1, end: 5, state: 'ERROR', peak: 0.9, notifications: 3 },
      { series: 's', start: 6, end: undefined, state: 'ERROR', peak: 0.95, notifications: 1 },
    ]);
  });

  it('low is bad when warn > error', () => {
    const t = replay(
      { times: [0, 1, 2], series: [{ name: 's', values: [50, 15, 5] }] },
      { warn: 20, error: 10 },
    );
    expect(t.states).toEqual(['OK', 'WARN', 'ERROR']);
    expect(t.episodes[0]!.peak).toBe(5);
  });

  it('takes the worst series per time and counts notifications per series', () => {
    const t = replay(
      {
        times: [0, 1],
        series: [
          { name: 'a', values: [0.7, 0.1] },
          { name: 'b', values: [0.1, 0.9] },
        ],
      },
      { warn: 0.6, error: 0.85, allowNoData: true },
    );
    expect(t.states).toEqual(['WARN', 'ERROR']);
    expect(t.notifications).toBe(2);
  });

  it('perWeek divides by the weeks of history', () => {
    expect(perWeek(4, { from: 0, until: 28 * DAY })).toBe(1);
  });
});
