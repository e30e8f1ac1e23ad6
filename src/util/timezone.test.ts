import {
  isValidTimeZone,
  localParts,
  MS_PER_MINUTE,
  parseFitbitDate,
  parseFitbitDateTime,
  wallParts,
  ZoneClock,
} from './timezone';
import { addDays, isCivilDate } from './civil-date';

const BERLIN = 'Europe/Berlin';

/** Every minute of a UTC span, converted: how many minutes land on each civil date. */
function minutesPerDate(fromIso: string, toIso: string, zone: string): Map<string, Set<number>> {
  const clock = new ZoneClock(zone);
  const byDate = new Map<string, Set<number>>();
  let hits = 0;
  for (let t = Date.parse(fromIso); t < Date.parse(toIso); t += MS_PER_MINUTE) {
    const { date, minuteOfDay } = clock.localParts(t);
    if (!byDate.has(date)) byDate.set(date, new Set());
    byDate.get(date)?.add(minuteOfDay);
    hits++;
  }
  expect(hits).toBeGreaterThan(0);
  return byDate;
}

function countMinutes(fromIso: string, toIso: string, zone: string, date: string): number {
  const clock = new ZoneClock(zone);
  let n = 0;
  for (let t = Date.parse(fromIso); t < Date.parse(toIso); t += MS_PER_MINUTE) {
    if (clock.localParts(t).date === date) n++;
  }
  return n;
}

describe('localParts', () => {
  it('converts UTC to Berlin summer time (+2) and winter time (+1)', () => {
    expect(localParts(Date.parse('2026-06-30T23:30:00Z'), BERLIN)).toEqual({
      date: '2026-07-01',
      minuteOfDay: 90,
    });
    expect(localParts(Date.parse('2026-01-15T23:30:00Z'), BERLIN)).toEqual({
      date: '2026-01-16',
      minuteOfDay: 30,
    });
    expect(localParts(Date.parse('2026-06-30T21:59:00Z'), BERLIN)).toEqual({
      date: '2026-06-30',
      minuteOfDay: 1439,
    });
  });

  it('gives the fall-back day (Berlin 2026-10-25) 25 hours whose repeated hour shares clock minutes', () => {
    const span = ['2026-10-24T20:00:00Z', '2026-10-26T02:00:00Z'] as const;
    expect(countMinutes(...span, BERLIN, '2026-10-25')).toBe(25 * 60);
    // 02:00–02:59 happens twice (00:00Z as CEST, 01:00Z as CET): 1440 distinct clock minutes, not 1500.
    expect(minutesPerDate(...span, BERLIN).get('2026-10-25')?.size).toBe(1440);
    expect(localParts(Date.parse('2026-10-25T00:30:00Z'), BERLIN)).toEqual({
      date: '2026-10-25',
      minuteOfDay: 150,
    });
    expect(localParts(Date.parse('2026-10-25T01:30:00Z'), BERLIN)).toEqual({
      date: '2026-10-25',
      minuteOfDay: 150,
    });
    expect(localParts(Date.parse('2026-10-25T22:59:00Z'), BERLIN)).toEqual({
      date: '2026-10-25',
      minuteOfDay: 1439,
    });
    expect(localParts(Date.parse('2026-10-25T23:00:00Z'), BERLIN).date).toBe('2026-10-26');
  });

  it('gives the spring-forward day (Berlin 2026-03-29) 23 hours without the 02:xx clock minutes', () => {
    const span = ['2026-03-28T20:00:00Z', '2026-03-30T02:00:00Z'] as const;
    expect(countMinutes(...span, BERLIN, '2026-03-29')).toBe(23 * 60);
    const minutes = minutesPerDate(...span, BERLIN).get('2026-03-29');
    expect(minutes?.size).toBe(23 * 60);
    expect(minutes?.has(120)).toBe(false);
    expect(minutes?.has(180)).toBe(true);
    expect(localParts(Date.parse('2026-03-29T00:59:00Z'), BERLIN).minuteOfDay).toBe(119);
    expect(localParts(Date.parse('2026-03-29T01:00:00Z'), BERLIN).minuteOfDay).toBe(180);
  });

  it('handles half-hour zones and zones west of UTC', () => {
    expect(localParts(Date.parse('2026-06-30T20:00:00Z'), 'Asia/Kolkata')).toEqual({
      date: '2026-07-01',
      minuteOfDay: 90,
    });
    expect(localParts(Date.parse('2026-07-01T03:00:00Z'), 'America/New_York')).toEqual({
      date: '2026-06-30',
      minuteOfDay: 23 * 60,
    });
    expect(localParts(Date.parse('2026-07-01T03:00:00Z'), 'UTC')).toEqual({
      date: '2026-07-01',
      minuteOfDay: 180,
    });
  });

  it('stays exact for an hour whose offset changes inside it (Kathmandu 1986: +05:30 to +05:45 at 18:30Z)', () => {
    const clock = new ZoneClock('Asia/Kathmandu');
    expect(clock.offsetAt(Date.parse('1985-12-31T18:29:00Z'))).toBe(5.5 * 3600_000);
    expect(clock.offsetAt(Date.parse('1985-12-31T18:30:00Z'))).toBe(5.75 * 3600_000);
    expect(clock.localParts(Date.parse('1985-12-31T18:30:00Z'))).toEqual({
      date: '1986-01-01',
      minuteOfDay: 15,
    });
  });
});

describe('wallParts', () => {
  it('reads the fields as they are', () => {
    expect(wallParts(parseFitbitDateTime('06/30/26 23:30:00'))).toEqual({
      date: '2026-06-30',
      minuteOfDay: 1410,
    });
  });
});

describe('parseFitbitDateTime', () => {
  it('reads MM/DD/YY HH:MM:SS as UTC fields', () => {
    expect(parseFitbitDateTime('06/30/26 23:30:05')).toBe(Date.parse('2026-06-30T23:30:05Z'));
    expect(parseFitbitDateTime('01/01/15 00:00:00')).toBe(Date.parse('2015-01-01T00:00:00Z'));
  });

  it.each(['2026-06-30 23:30:05', '06/31/26 10:00:00', '13/01/26 10:00:00', '06/30/26 24:00:00', '', 'abc'])(
    'rejects %p',
    (text) => {
      expect(parseFitbitDateTime(text)).toBeNaN();
    },
  );
});

describe('date helpers', () => {
  it('parses Fitbit dates', () => {
    expect(parseFitbitDate('06/15/26')).toBe('2026-06-15');
    expect(parseFitbitDate('02/29/26')).toBeUndefined();
    expect(parseFitbitDate('02/29/28')).toBe('2028-02-29');
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('validates dates and zones', () => {
    expect(isCivilDate('2026-02-28')).toBe(true);
    expect(isCivilDate('2026-02-30')).toBe(false);
    expect(isValidTimeZone(BERLIN)).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
