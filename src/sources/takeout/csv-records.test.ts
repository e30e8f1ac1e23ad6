import { findColumn, normaliseHeader, parseIsoInstant, parseUtcOffset } from './csv-records';

describe('headers', () => {
  it('compares headers case- and punctuation-insensitively', () => {
    expect(normaliseHeader('\uFEFFBeats_Per-Minute ')).toBe('beats per minute');
    expect(findColumn(['Timestamp', 'beats_per_minute'], ['bpm', 'beats per minute'])).toBe(1);
    expect(findColumn(['a', 'b'], ['c'])).toBe(-1);
  });
});

describe('parseUtcOffset', () => {
  it.each([
    ['+02:00', 120],
    ['-05:30', -330],
    ['+0200', 120],
    ['+2', 120],
    ['UTC+01:00', 60],
    ['Z', 0],
    ['7200s', 120],
    ['-18000s', -300],
    ['3600', 60],
    ['120', 120],
    ['-300', -300],
  ])('%s is %d minutes', (text, minutes) => {
    expect(parseUtcOffset(text)).toBe(minutes * 60_000);
  });

  it.each(['', 'abc', '+2:0'])('rejects %p', (text) => {
    expect(parseUtcOffset(text)).toBeUndefined();
  });
});

describe('parseIsoInstant', () => {
  it('reads UTC, written offsets and no designator (UTC, never the host zone)', () => {
    expect(parseIsoInstant('2026-06-30T23:30:00Z')).toEqual({
      epochMs: Date.parse('2026-06-30T23:30:00Z'),
      hasTime: true,
      writtenDate: '2026-06-30',
      atMidnight: false,
    });
    expect(parseIsoInstant('2026-06-30 23:30:00.250')?.epochMs).toBe(Date.parse('2026-06-30T23:30:00.250Z'));
    expect(parseIsoInstant('2026-07-01T01:30:00+02:00')).toMatchObject({
      epochMs: Date.parse('2026-06-30T23:30:00Z'),
      writtenOffsetMs: 7_200_000,
    });
    expect(parseIsoInstant('2026-07-01')).toMatchObject({
      hasTime: false,
      atMidnight: true,
      writtenDate: '2026-07-01',
    });
  });

  it.each(['2026-02-30T10:00:00Z', '2026-06-30T24:00:00Z', '30/06/2026', ''])('rejects %p', (text) => {
    expect(parseIsoInstant(text)).toBeUndefined();
  });
});
