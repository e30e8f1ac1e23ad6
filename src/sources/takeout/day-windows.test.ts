import { zoneClock } from '../../util/timezone';
import { DayWindows, shownSpan } from './day-windows';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const berlin = zoneClock('Europe/Berlin');

/** The span a daily file of `date` shows when worn from local midnight to local midnight at a UTC offset. */
function wholeDay(date: string, offsetHours: number, hours = 24): { start: number; end: number } {
  const start = at(`${date}T00:00:00Z`) - offsetHours * 3_600_000;
  return { start, end: start + hours * 3_600_000 };
}

describe('shownSpan: whether a daily heart-rate file shows its day', () => {
  it('is the quarter hours around its first and last sample when they are 24 hours apart', () => {
    // New York in April: 04:00:00 .. 03:59:58 UTC.
    expect(
      shownSpan(
        '2026-04-10',
        { first: at('2026-04-10T04:00:00Z'), last: at('2026-04-11T03:59:58Z') },
        berlin,
      ),
    ).toEqual({ start: at('2026-04-10T04:00:00Z'), end: at('2026-04-11T04:00:00Z') });
    // Kathmandu (+05:45), first sample 9 minutes in.
    expect(
      shownSpan(
        '2026-04-10',
        { first: at('2026-04-09T18:24:00Z'), last: at('2026-04-10T18:14:50Z') },
        berlin,
      ),
    ).toEqual({ start: at('2026-04-09T18:15:00Z'), end: at('2026-04-10T18:15:00Z') });
  });

  it("is the profile zone's own 23- or 25-hour day on its DST changes", () => {
    const fallBack = { first: at('2026-10-24T22:00:03Z'), last: at('2026-10-25T22:59:55Z') };
    expect(shownSpan('2026-10-25', fallBack, berlin)).toEqual({
      start: at('2026-10-24T22:00:00Z'),
      end: at('2026-10-25T23:00:00Z'),
    });
    const springForward = { first: at('2026-03-28T23:00:03Z'), last: at('2026-03-29T21:59:55Z') };
    expect(shownSpan('2026-03-29', springForward, berlin)?.end).toBe(at('2026-03-29T22:00:00Z'));
    // 25 hours elsewhere (a DST day abroad, or flying west) is no clean span.
    expect(
      shownSpan(
        '2026-11-01',
        { first: at('2026-11-01T04:00:00Z'), last: at('2026-11-02T04:59:00Z') },
        berlin,
      ),
    ).toBeUndefined();
  });

  it('is nothing for a day worn in part, a travel day, or offsets no place uses', () => {
    // Put on at 07:05, still on at 23:59: 17 hours.
    expect(
      shownSpan(
        '2026-04-10',
        { first: at('2026-04-10T05:05:00Z'), last: at('2026-04-10T21:59:00Z') },
        berlin,
      ),
    ).toBeUndefined();
    // Charging over midnight: from 00:20 to midnight is 23h45.
    expect(
      shownSpan(
        '2026-04-10',
        { first: at('2026-04-09T22:20:00Z'), last: at('2026-04-10T21:59:00Z') },
        berlin,
      ),
    ).toBeUndefined();
    // 24 hours, but starting at 00:00 UTC+16: not a zone.
    expect(
      shownSpan(
        '2026-04-10',
        { first: at('2026-04-09T08:00:00Z'), last: at('2026-04-10T07:59:00Z') },
        berlin,
      ),
    ).toBeUndefined();
  });
});

describe('DayWindows', () => {
  const windowsOf = (w: DayWindows) =>
    w.all().map((x) => [x.date, iso(x.start), iso(x.end), x.startSource, x.atProfileZone]);

  it("cuts each day at its own file's span, a travel day between the spans around it", () => {
    // Berlin until 04-09, New York from 04-11; 04-10 is the day of the flight (no clean span).
    const spans = new Map([
      ['2026-04-08', wholeDay('2026-04-08', 2)],
      ['2026-04-09', wholeDay('2026-04-09', 2)],
      ['2026-04-11', wholeDay('2026-04-11', -4)],
      ['2026-04-12', wholeDay('2026-04-12', -4)],
    ]);
    const w = DayWindows.build('2026-04-09', '2026-04-12', spans, 'Europe/Berlin', 'wearer');
    expect(windowsOf(w)).toEqual([
      ['2026-04-09', '2026-04-08T22:00:00Z', '2026-04-09T22:00:00Z', 'heart-rate file', true],
      ['2026-04-10', '2026-04-09T22:00:00Z', '2026-04-11T04:00:00Z', 'heart-rate file', false],
      ['2026-04-11', '2026-04-11T04:00:00Z', '2026-04-12T04:00:00Z', 'heart-rate file', false],
      // 04-13 has no file: its start is the end of 04-12's span.
      ['2026-04-12', '2026-04-12T04:00:00Z', '2026-04-13T04:00:00Z', 'heart-rate file', false],
    ]);
    expect(w.get('2026-04-10')!.offsetMs).toBe(2 * 3_600_000);
    expect(w.find(at('2026-04-11T03:59:59Z'))?.date).toBe('2026-04-10');
    expect(w.find(at('2026-04-11T04:00:00Z'))?.date).toBe('2026-04-11');
    expect(w.find(at('2026-04-08T21:59:59Z'))).toBeUndefined();
  });

  it('takes a day off wrist from its neighbours when they agree, else from the profile zone', () => {
    // New York days 04-11 and 04-14 around two unworn days; then an unworn day between New York and Berlin.
    const spans = new Map([
      ['2026-04-11', wholeDay('2026-04-11', -4)],
      ['2026-04-14', wholeDay('2026-04-14', -4)],
      ['2026-04-16', wholeDay('2026-04-16', -4)],
      ['2026-04-18', wholeDay('2026-04-18', 2)],
    ]);
    const w = DayWindows.build('2026-04-12', '2026-04-17', spans, 'Europe/Berlin', 'wearer');
    expect(windowsOf(w)).toEqual([
      // 04-12 begins where 04-11's span ends.
      ['2026-04-12', '2026-04-12T04:00:00Z', '2026-04-13T04:00:00Z', 'heart-rate file', false],
      // 04-13: the day before (04-12) and after (04-14) both begin at -4: so does 04-13.
      ['2026-04-13', '2026-04-13T04:00:00Z', '2026-04-14T04:00:00Z', 'neighbours', false],
      ['2026-04-14', '2026-04-14T04:00:00Z', '2026-04-15T04:00:00Z', 'heart-rate file', false],
      ['2026-04-15', '2026-04-15T04:00:00Z', '2026-04-16T04:00:00Z', 'heart-rate file', false],
      ['2026-04-16', '2026-04-16T04:00:00Z', '2026-04-17T04:00:00Z', 'heart-rate file', false],
      // 04-17: begins at -4 (04-16's end), but 04-18 begins at +2; 04-17 itself is cut where the spans say.
      ['2026-04-17', '2026-04-17T04:00:00Z', '2026-04-17T22:00:00Z', 'heart-rate file', false],
    ]);
    const alone = DayWindows.build(
      '2026-04-13',
      '2026-04-13',
      new Map([['2026-04-11', wholeDay('2026-04-11', -4)]]),
      'Europe/Berlin',
      'wearer',
    );
    // 04-12 begins at -4, 04-14 is unknown: 04-13 falls back to Berlin's midnights.
    expect(windowsOf(alone)).toEqual([
      ['2026-04-13', '2026-04-12T22:00:00Z', '2026-04-13T22:00:00Z', 'profile zone', true],
    ]);
  });

  it("prefers the earlier boundary when a day's start and the day before's end disagree", () => {
    // 10-25 (fall back) worn only from 01:00 CEST: its 24 hours 01:00..24:00 look like a clean span an hour late.
    const spans = new Map([
      ['2026-10-24', wholeDay('2026-10-24', 2)],
      ['2026-10-25', { start: at('2026-10-24T23:00:00Z'), end: at('2026-10-25T23:00:00Z') }],
    ]);
    const w = DayWindows.build('2026-10-25', '2026-10-25', spans, 'Europe/Berlin', 'wearer');
    expect(iso(w.get('2026-10-25')!.start)).toBe('2026-10-24T22:00:00Z');
    expect(w.get('2026-10-25')!.atProfileZone).toBe(true);
  });

  it("uses the profile zone's midnights with 'profile', and wall-clock days with 'local'", () => {
    const spans = new Map([['2026-04-11', wholeDay('2026-04-11', -4)]]);
    expect(
      windowsOf(DayWindows.build('2026-04-11', '2026-04-11', spans, 'Europe/Berlin', 'profile')),
    ).toEqual([['2026-04-11', '2026-04-10T22:00:00Z', '2026-04-11T22:00:00Z', 'profile zone', true]]);
    expect(windowsOf(DayWindows.build('2026-04-11', '2026-04-11', spans, 'Europe/Berlin', 'local'))).toEqual([
      ['2026-04-11', '2026-04-11T00:00:00Z', '2026-04-12T00:00:00Z', 'wall clock', true],
    ]);
  });

  it("gives the clock minute of the day's own clock: the profile zone's, or the day's fixed offset", () => {
    const spans = new Map([
      ['2026-10-24', wholeDay('2026-10-24', 2)],
      ['2026-10-25', { start: at('2026-10-24T22:00:00Z'), end: at('2026-10-25T23:00:00Z') }],
      ['2026-10-26', wholeDay('2026-10-26', -4)],
      ['2026-10-27', wholeDay('2026-10-27', -4)],
    ]);
    const w = DayWindows.build('2026-10-25', '2026-10-26', spans, 'Europe/Berlin', 'wearer');
    const dst = w.clock(w.get('2026-10-25')!);
    // 02:30 CEST and 02:30 CET share their clock minute on the day clocks go back.
    expect([dst(at('2026-10-25T00:30:00Z')), dst(at('2026-10-25T01:30:00Z'))]).toEqual([150, 150]);
    // 10-26 is a New York day, 29 hours long (from Berlin's midnight to New York's): past 24:00 at its start
    // offset (+1), its minutes share the clock of its first hours.
    const travel = w.get('2026-10-26')!;
    expect([iso(travel.start), iso(travel.end)]).toEqual(['2026-10-25T23:00:00Z', '2026-10-27T04:00:00Z']);
    const clock = w.clock(travel);
    expect(clock(at('2026-10-25T23:00:00Z'))).toBe(0);
    expect(clock(at('2026-10-26T22:59:00Z'))).toBe(1439);
    expect(clock(at('2026-10-26T23:05:00Z'))).toBe(5);
  });
});
