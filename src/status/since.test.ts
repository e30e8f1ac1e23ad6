import type { CheckState, SeyrenAlert } from '../clients/seyren/types';
import { newestFirst, seyrenRuns } from '../alerts/alert-fixtures';
import { StateSinceFinder } from './since';

const MIN = 60000;

/** Feeds alerts newest first until the finder is done; returns its answer and how many it read. */
function find(state: CheckState, alerts: SeyrenAlert[]) {
  const finder = new StateSinceFinder(state);
  let read = 0;
  for (const a of newestFirst(alerts)) {
    if (finder.done) break;
    finder.add(a);
    read++;
  }
  return { ...finder.result(), read };
}

describe('StateSinceFinder', () => {
  it('WARN: the run at which the series entered WARN, reading no further back than needed', () => {
    const alerts = seyrenRuns({ s: [0.95, 0.1, 0.1, 0.6, 0.7, 0.95, 0.6, 0.6, 0.6] });
    const r = find('WARN', alerts);
    expect(r).toMatchObject({ since: 6 * MIN, exact: true });
    expect(r.latest).toEqual([
      { series: 's', state: 'WARN', value: 0.6, at: 8 * MIN, warn: 0.5, error: 0.9 },
    ]);
    expect(r.read).toBe(3); // the runs at 8, 7 and 6 (ERROR→WARN), nothing older
  });

  it('ERROR: the earliest entry among the series now in ERROR; a series in WARN does not count', () => {
    const alerts = seyrenRuns({
      a: [0.1, 0.95, 0.95, 0.95, 0.95],
      b: [0.1, 0.1, 0.1, 0.92, 0.95],
      c: [0.6, 0.6, 0.6, 0.6, 0.6],
    });
    expect(find('ERROR', alerts)).toMatchObject({ since: 1 * MIN, exact: true });
  });

  it('OK: the newest alert, a recovery, after one alert', () => {
    const alerts = seyrenRuns({ s: [0.6, 0.6, 0.1, 0.1, 0.1] });
    expect(find('OK', alerts)).toMatchObject({ since: 2 * MIN, exact: true, read: 1 });
    expect(find('OK', [])).toEqual({ since: undefined, exact: false, latest: [], read: 0 });
  });

  it('a bound, not a time, when the alerts end before the state began', () => {
    const alerts = seyrenRuns({ s: [0.6, 0.6, 0.6, 0.6] }).slice(2); // the older ones were pruned
    expect(find('WARN', alerts)).toMatchObject({ since: 2 * MIN, exact: false });
  });

  it('nothing for UNKNOWN, EXCEPTION, or alerts that contradict the state', () => {
    const alerts = seyrenRuns({ s: [0.6, 0.6] });
    expect(find('UNKNOWN', alerts)).toMatchObject({ since: undefined, read: 0 });
    expect(find('EXCEPTION', alerts)).toMatchObject({ since: undefined, read: 0 });
    expect(find('ERROR', alerts)).toMatchObject({ since: undefined, exact: false });
    expect(find('OK', alerts)).toMatchObject({ since: undefined, exact: false });
  });

  it('a missing entry alert: the oldest alert of the run of that state', () => {
    const alerts = seyrenRuns({ s: [0.1, 0.6, 0.95, 0.95, 0.95] }).filter((a) => a.timestamp !== 2 * MIN);
    expect(find('ERROR', alerts)).toMatchObject({ since: 3 * MIN, exact: true });
  });
});
