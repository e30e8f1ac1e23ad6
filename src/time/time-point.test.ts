import {
  epochOf,
  formatTime,
  parseAbsoluteTime,
  parseCivilDate,
  parseSince,
  parseTimePoint,
} from './time-point';

const DAY = 86400;

describe('parseTimePoint (CLI --from/--until)', () => {
  it.each([
    ['now', { kind: 'now' }],
    ['-90d', { kind: 'relative', seconds: -90 * DAY }],
    ['-12weeks', { kind: 'relative', seconds: -84 * DAY }],
    ['-1d', { kind: 'relative', seconds: -DAY }],
    ['now-6h', { kind: 'relative', seconds: -6 * 3600 }],
    ['2026-08-01', { kind: 'absolute', epoch: Date.UTC(2026, 7, 1) / 1000 }],
    ['2026-08-01T06:30:00Z', { kind: 'absolute', epoch: Date.UTC(2026, 7, 1, 6, 30) / 1000 }],
    ['2026-08-01T08:30+02:00', { kind: 'absolute', epoch: Date.UTC(2026, 7, 1, 6, 30) / 1000 }],
    ['2026-08-01T06:30', { kind: 'absolute', epoch: Date.UTC(2026, 7, 1, 6, 30) / 1000 }],
    ['2026-08-01T06:30:00.500Z', { kind: 'absolute', epoch: Date.UTC(2026, 7, 1, 6, 30, 0, 500) / 1000 }],
    ['1767225600', { kind: 'absolute', epoch: 1767225600 }],
  ])('%s', (text, point) => {
    expect(parseTimePoint(text)).toEqual(point);
  });

  it.each([
    ['2026-02-30', '"2026-02-30" is not a calendar date (no such day)'],
    ['2026-11-31', '"2026-11-31" is not a calendar date (no such day)'],
    ['2026-13-01', '"2026-13-01" is not a calendar date'],
    ['11/20/2026', '"11/20/2026" is not a date: write it as YYYY-MM-DD'],
    ['20.11.2026', '"20.11.2026" is not a date: write it as YYYY-MM-DD'],
    ['2026-08-01T25:00Z', 'is not a time of day'],
    [
      '90',
      '"90" is not a time: use now, a relative time like -90d, a date YYYY-MM-DD or epoch seconds (90d is a duration, -90d a time)',
    ],
    ['-90', '"-90" is not a time: use now'],
    ['-2hello', '"-2hello" is not a time'],
    ['yesterday', '"yesterday" is not a time'],
    ['+1d', '"+1d" is in the future'],
    ['', 'is not a time'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseTimePoint(text)).toThrow(message);
  });
});

describe('parseAbsoluteTime (test files)', () => {
  it('reads dates, date-times and epoch seconds; never rolls a date over', () => {
    expect(parseAbsoluteTime('2024-01-01')).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(parseAbsoluteTime('2024-01-01T00:00:10Z')).toBe(Date.UTC(2024, 0, 1) / 1000 + 10);
    expect(parseAbsoluteTime(1704067200)).toBe(1704067200);
    expect(parseAbsoluteTime('0')).toBe(0);
    expect(() => parseAbsoluteTime('2026-02-30')).toThrow(
      '"2026-02-30" is not a calendar date (no such day)',
    );
    expect(() => parseAbsoluteTime('-7d')).toThrow('"-7d" is not a time: use a date YYYY-MM-DD');
    expect(() => parseAbsoluteTime(1.5)).toThrow('1.5 is not epoch seconds');
  });
});

describe('parseCivilDate (collect and replay days)', () => {
  it('accepts real days only', () => {
    expect(parseCivilDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseCivilDate('2026-02-29')).toThrow('"2026-02-29" is not a calendar date (no such day)');
    expect(() => parseCivilDate('11/20/2026')).toThrow('"11/20/2026" is not a date: write it as YYYY-MM-DD');
  });
});

describe('epochOf and formatTime', () => {
  it('resolves a point against now and prints it for people', () => {
    expect(epochOf({ kind: 'relative', seconds: -DAY }, 1000 * DAY)).toBe(999 * DAY);
    expect(formatTime(Date.UTC(2026, 10, 16) / 1000)).toBe('2026-11-16');
    expect(formatTime(Date.UTC(2026, 10, 16, 14, 5) / 1000)).toBe('2026-11-16 14:05 UTC');
    expect(formatTime(Date.UTC(2026, 10, 16, 14, 5, 7) / 1000)).toBe('2026-11-16 14:05:07 UTC');
  });
});

describe('parseSince (alerts --since)', () => {
  it('a length of time back, or a time point', () => {
    expect(parseSince('7d')).toEqual({ kind: 'relative', seconds: -7 * DAY });
    expect(parseSince('-7d')).toEqual({ kind: 'relative', seconds: -7 * DAY });
    expect(parseSince('2026-11-09')).toEqual({ kind: 'absolute', epoch: Date.UTC(2026, 10, 9) / 1000 });
    expect(() => parseSince('7 days')).toThrow('"7 days" is not a time');
    expect(() => parseSince('0d')).toThrow('"0d" is zero');
  });
});
