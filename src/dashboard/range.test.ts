import { InputError } from '../errors';
import { parseTimePoint } from '../time';
import { graphiteTime, relativeParts, resolveRange } from './range';

const NOW = Date.UTC(2026, 10, 29, 3, 0, 0) / 1000;
const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

describe('relativeParts and graphiteTime', () => {
  it('uses the largest of the dashboard UI units that divides evenly', () => {
    expect(relativeParts(-8 * 7 * 86400)).toEqual({ quantity: 8, units: 'weeks' });
    expect(relativeParts(-30 * 86400)).toEqual({ quantity: 30, units: 'days' });
    expect(relativeParts(-90 * 60)).toEqual({ quantity: 90, units: 'minutes' });
    expect(relativeParts(-45)).toEqual({ quantity: 45, units: 'seconds' });
    expect(graphiteTime({ kind: 'relative', seconds: -6 * 3600 })).toBe('-6hours');
    expect(graphiteTime({ kind: 'absolute', epoch: 1794700800 })).toBe('1794700800');
    expect(graphiteTime({ kind: 'now' })).toBe('now');
  });
});

describe('resolveRange', () => {
  it('defaults to 8 weeks for daily metrics and 6 hours for fine ones, until now', () => {
    expect(resolveRange('daily', {}, NOW)).toMatchObject({ from: '-8weeks', until: 'now' });
    expect(resolveRange('fine', {}, NOW)).toMatchObject({ from: '-6hours', until: 'now' });
  });

  it('moves the default span with --until', () => {
    const until = parseTimePoint('2026-11-15');
    // (from, until]: 56 daily points, 2026-09-21 .. 2026-11-15.
    expect(resolveRange('daily', { until }, NOW)).toMatchObject({
      from: String(day('2026-11-15') - 56 * 86400),
      until: String(day('2026-11-15')),
    });
    expect(resolveRange('fine', { until: parseTimePoint('-1d') }, NOW)).toMatchObject({
      from: '-30hours',
      until: '-1days',
    });
  });

  it('takes --from as given and refuses a range that ends before it starts', () => {
    const from = parseTimePoint('2026-08-17');
    expect(resolveRange('daily', { from }, NOW)).toMatchObject({
      from: String(day('2026-08-17')),
      until: 'now',
    });
    expect(() =>
      resolveRange('daily', { from: parseTimePoint('2026-11-16'), until: parseTimePoint('2026-11-15') }, NOW),
    ).toThrow('--from: 2026-11-16 is not before --until 2026-11-15');
    expect(() => resolveRange('daily', { from: { kind: 'now' } }, NOW)).toThrow(InputError);
  });
});
