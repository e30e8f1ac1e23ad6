import { formatDuration, parseDuration, parseDurationParameter, parseRelativeTime } from './duration';

describe('parseDuration', () => {
  it.each([
    ['7d', 604800],
    ['1w', 604800],
    ['10min', 600],
    ['30s', 30],
    ['1h', 3600],
    ['2weeks', 1209600],
    ['1mon', 2592000],
    ['1y', 31536000],
    ['1h30min', 5400],
    ['24h50s', 86450],
    [' 7D ', 604800],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
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
    expect(parseDuration(`2${unit}`)).toBe(2 * seconds);
  });

  it.each([
    ['0s', '"0s" is zero; expected a duration longer than 0'],
    ['0d', '"0d" is zero; expected a duration longer than 0'],
    ['7', '"7" has no unit; expected e.g. 7s, 7min, 7h or 7d'],
    ['2hello', 'unknown time unit "hello" in "2hello" (use s, min, h, d, w, mon or y, e.g. 30s, 10min, 7d)'],
    ['5m', 'unknown time unit "m" in "5m"'],
    ['-1d', '"-1d" has a sign; expected a duration such as 30s, 10min, 6h, 7d or 2w (a length of time)'],
    ['', 'empty; expected a duration such as 30s, 10min, 6h, 7d or 2w'],
    ['1.5h', '"1.5h" is not a duration such as 30s, 10min, 6h, 7d or 2w'],
    ['7 d', '"7 d" is not a duration'],
    ['abc', '"abc" is not a duration'],
    ['now', '"now" is not a duration'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('accepts zero only where asked to', () => {
    expect(parseDuration('0s', { allowZero: true })).toBe(0);
  });
});

describe('parseDurationParameter (a Graphite function argument in a check file)', () => {
  it.each([
    ['7d', 604800],
    ["'7d'", 604800],
    ['"84d"', 84 * 86400],
    ['-7d', 604800],
    ['0d', 0],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDurationParameter(text)).toBe(seconds);
  });

  it('is as strict as a duration otherwise', () => {
    expect(() => parseDurationParameter('2hello')).toThrow('unknown time unit "hello"');
    expect(() => parseDurationParameter('7')).toThrow('has no unit');
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
