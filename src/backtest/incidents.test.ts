import { matchIncidents, parseIncidents } from './incidents';
import { replay } from './timeline';

const DAY = 86400;
const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

describe('parseIncidents', () => {
  it('reads dates, ranges, descriptions, comments and CSV', () => {
    const list = parseIncidents(
      '# known trouble\ndate,description\n2026-09-03 watch broken\n2026-10-01..2026-10-03, "flu"\n\n2026-11-02\n',
      'i.txt',
    );
    expect(list.map((i) => [i.label, i.start, i.end, i.description])).toEqual([
      ['2026-09-03', d('2026-09-03'), d('2026-09-04'), 'watch broken'],
      ['2026-10-01..2026-10-03', d('2026-10-01'), d('2026-10-04'), 'flu'],
      ['2026-11-02', d('2026-11-02'), d('2026-11-03'), ''],
    ]);
  });
  it('names the line of a bad entry', () => {
    expect(() => parseIncidents('2026-09-03\nyesterday\n', 'i.txt')).toThrow(
      /i\.txt:2: expected "YYYY-MM-DD/,
    );
  });
  it('refuses a day that does not exist instead of rolling it over', () => {
    expect(() => parseIncidents('2026-02-30 flu\n2026-10-03..2026-10-01\n', 'i.txt')).toThrow(
      'i.txt:1: "2026-02-30" is not a calendar date (no such day)\ni.txt:2: 2026-10-03..2026-10-01 ends before it starts',
    );
  });
});

describe('matchIncidents', () => {
  it('an incident is caught when the check is WARN or ERROR inside its days', () => {
    const times = [d('2026-09-02'), d('2026-09-03'), d('2026-09-04'), d('2026-09-05')];
    const history = { times, series: [{ name: 's', values: [0.1, 0.9, 0.2, 0.3] }] };
    const timeline = replay(history, { warn: 0.6, error: 0.85 });
    const incidents = parseIncidents('2026-09-03 broken\n2026-09-05 missed\n', 'i');
    const [caught, missed] = matchIncidents(incidents, timeline, history, { highIsBad: true });
    expect(caught).toMatchObject({
      caught: true,
      firstAlert: { at: d('2026-09-03'), state: 'ERROR' },
      peak: 0.9,
    });
    expect(missed).toMatchObject({ caught: false, worst: 'OK', peak: 0.3 });
    const late = matchIncidents(parseIncidents('2026-09-02\n', 'i'), timeline, history, {
      highIsBad: true,
      slack: DAY,
    });
    expect(late[0]!.caught).toBe(true);
  });
});
