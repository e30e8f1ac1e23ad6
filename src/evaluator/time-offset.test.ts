import { parseTimeOffset } from './time-offset';

describe('parseTimeOffset (graphite-web attime.py)', () => {
  it('reads units by prefix, with + as the default sign', () => {
    expect(parseTimeOffset('7d')).toBe(7 * 86400);
    expect(parseTimeOffset('-7d')).toBe(-7 * 86400);
    expect(parseTimeOffset('+1h30min')).toBe(5400);
    expect(parseTimeOffset('2weeks')).toBe(14 * 86400);
    expect(parseTimeOffset('1mon')).toBe(30 * 86400);
    expect(parseTimeOffset('1y')).toBe(365 * 86400);
    expect(parseTimeOffset('10s')).toBe(10);
    expect(parseTimeOffset('')).toBe(0);
  });
  it('rejects a bare m, a missing number or a missing unit', () => {
    expect(() => parseTimeOffset('5m')).toThrow(/Invalid offset unit/);
    expect(() => parseTimeOffset('d')).toThrow(/Invalid offset/);
    expect(() => parseTimeOffset('7')).toThrow(/Invalid offset unit/);
    expect(() => parseTimeOffset('abc')).toThrow(/Invalid offset/);
  });
});
