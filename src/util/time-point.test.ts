import { InputError } from '../errors';
import { parseDurationOption, parseSince, parseTimePoint } from './time-point';

const NOW = Date.UTC(2026, 10, 16, 9, 30) / 1000;

describe('command-line times', () => {
  it('reads points in time: relative, dates and date-times in UTC, epoch seconds', () => {
    expect(parseTimePoint('now', NOW, 'until')).toBe(NOW);
    expect(parseTimePoint('-1d', NOW, 'from')).toBe(NOW - 86400);
    expect(parseTimePoint('2026-11-01', NOW, 'from')).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(parseTimePoint('2026-11-01T06:15', NOW, 'from')).toBe(Date.UTC(2026, 10, 1, 6, 15) / 1000);
    expect(parseTimePoint('2026-11-01T06:15:00+01:00', NOW, 'from')).toBe(
      Date.UTC(2026, 10, 1, 5, 15) / 1000,
    );
    expect(parseTimePoint('1793500000', NOW, 'from')).toBe(1793500000);
  });

  it('reads --since as a length of time back from now, or as a point in time', () => {
    expect(parseSince('7d', NOW, 'since')).toBe(NOW - 7 * 86400);
    expect(parseSince('-7d', NOW, 'since')).toBe(NOW - 7 * 86400);
    expect(parseSince('2026-11-09', NOW, 'since')).toBe(Date.UTC(2026, 10, 9) / 1000);
  });

  it('names the option in a usage error', () => {
    expect(() => parseSince('7 days', NOW, 'since')).toThrow(InputError);
    expect(() => parseTimePoint('yesterday-ish', NOW, 'prune-before')).toThrow(/prune-before/);
    expect(() => parseDurationOption('10', 'stale-after')).toThrow(/stale-after: duration "10" has no unit/);
    expect(parseDurationOption('10min', 'stale-after')).toBe(600);
  });
});
