import { formatDuration, parseDurationSeconds, parseRelativeTime } from './duration';

describe('parseDurationSeconds', () => {
  it.each([
    ['7d', 604800],
    ["'7d'", 604800],
    ['"7d"', 604800],
    ['-30d', 2592000],
    ['+1d', 86400],
    ['1w', 604800],
    ['10min', 600],
    ['30s', 30],
    ['1h', 3600],
    ['2weeks', 1209600],
    ['1mon', 2592000],
    ['1y', 31536000],
    ['1h30min', 5400],
    ['now', 0],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each([
    ['s', 1],
    ['sec', 1],
    ['seconds', 1],
    ['min', 60],
    ['minute', 60],
    ['minutes', 60],
    ['h', 3600],
    ['hour', 3600],
    ['hours', 3600],
    ['d', 86400],
    ['day', 86400],
    ['days', 86400],
    ['w', 604800],
    ['week', 604800],
    ['weeks', 604800],
    ['mon', 2592000],
    ['month', 2592000],
    ['months', 2592000],
    ['y', 31536000],
    ['year', 31536000],
    ['years', 31536000],
  ])('accepts unit %s', (unit, seconds) => {
    expect(parseDurationSeconds(`2${unit}`)).toBe(2 * seconds);
  });

  it('refuses a number without a unit', () => {
    expect(() => parseDurationSeconds('7')).toThrow(
      'duration "7" has no unit (graphite-web needs one, e.g. 7s, 7min or 7d)',
    );
  });

  it('refuses a bare m, which graphite-web also rejects', () => {
    expect(() => parseDurationSeconds('5m')).toThrow('unknown time unit "m" in "5m"');
  });

  it.each(['', 'abc', '1.5h', '7 d', '12:00_20240101', 'd7'])('refuses %j', (text) => {
    expect(() => parseDurationSeconds(text)).toThrow(/is not a Graphite duration/);
  });
});

describe('parseRelativeTime', () => {
  it.each([
    ['now', 0],
    ['NOW', 0],
    ['-30d', -2592000],
    ['-15min', -900],
    ['+1h', 3600],
    ['now-1h', -3600],
    ['now+10min', 600],
    ["'-7d'", -604800],
  ])('%s is %d seconds from now', (text, seconds) => {
    expect(parseRelativeTime(text)).toBe(seconds);
  });

  it('refuses an unsigned offset, which graphite-web reads as a day reference', () => {
    expect(() => parseRelativeTime('30d')).toThrow(
      'relative time "30d" needs a sign: write -30d for the past (graphite-web rejects "30d" as an unknown day reference)',
    );
  });

  it.each(['12:00_20240101', '20240101', '1700000000', 'yesterday', 'midnight-1d', '01/31/2024', 'jan1'])(
    'refuses the absolute time %s',
    (text) => {
      expect(() => parseRelativeTime(text)).toThrow(`absolute times are not supported here: "${text}"`);
    },
  );

  it('refuses garbage with a hint', () => {
    expect(() => parseRelativeTime('garbage')).toThrow(
      '"garbage" is not a Graphite relative time (expected now, -30d, -15min or now-1h)',
    );
    expect(() => parseRelativeTime('')).toThrow('empty time');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [10, '10s'],
    [900, '15min'],
    [86400, '1d'],
    [2592000, '30d'],
    [3456000, '40d'],
    [83700, '23h15min'],
    [87300, '1d15min'],
    [-604800, '-7d'],
    [1.5, '1.5s'],
  ])('%d seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
