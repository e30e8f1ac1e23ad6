import { dateOfTimestamp, toPoints, utcMidnight } from './sink';

describe('toPoints', () => {
  it('names each point <prefix>.<metric> at 00:00 UTC of its day, by date then metric order', () => {
    const points = toPoints(
      [
        { date: '2024-03-02', values: { worked: 0, steps: 12 } },
        { date: '2024-03-01', values: { 'sleep.minutes_after': 395, steps: 8421, 'heart.average': 71.5 } },
      ],
      'health',
    );
    expect(points).toEqual([
      { path: 'health.steps', value: 8421, timestamp: 1709251200 },
      { path: 'health.heart.average', value: 71.5, timestamp: 1709251200 },
      { path: 'health.sleep.minutes_after', value: 395, timestamp: 1709251200 },
      { path: 'health.steps', value: 12, timestamp: 1709337600 },
      { path: 'health.worked', value: 0, timestamp: 1709337600 },
    ]);
  });

  it('keeps a multi-node prefix and gives nothing for days without values', () => {
    expect(toPoints([{ date: '2024-03-01', values: {} }], 'me.health')).toEqual([]);
    expect(toPoints([{ date: '2024-03-01', values: { steps: 1 } }], 'me.health')[0]?.path).toBe(
      'me.health.steps',
    );
  });
});

describe('utcMidnight', () => {
  it('is UTC midnight whatever the process time zone, and dateOfTimestamp inverts it', () => {
    expect(utcMidnight('2024-03-31')).toBe(Date.UTC(2024, 2, 31) / 1000);
    expect(dateOfTimestamp(utcMidnight('2024-03-31'))).toBe('2024-03-31');
    expect(() => utcMidnight('2024-02-30')).toThrow(/YYYY-MM-DD/);
  });
});
