import type { AlertHistory, EpisodeRow } from './history';
import { alertHistoryToJson, formatAlertHistoryText } from './report';

const T = Date.UTC(2026, 10, 16, 9, 0);
const MIN = 60000;

const row = (extra: Partial<EpisodeRow>): EpisodeRow => ({
  checkId: 'c1',
  check: 'healthlake:cv:health.steps',
  managed: true,
  series: 's',
  start: T,
  startKnown: true,
  end: T + 30 * MIN,
  worst: 'WARN',
  peak: 0.71234,
  peakAt: T,
  lastValue: 0.7,
  lastAt: T,
  warn: 0.6,
  error: 0.9,
  alerts: 31,
  notifications: 1,
  ...extra,
});

const history = (episodes: EpisodeRow[]): AlertHistory => ({
  since: T - 7 * 24 * 60 * MIN,
  until: T + 120 * MIN,
  checks: 9,
  episodes,
  requests: 2,
  alertsRead: 40,
  skipped: 3,
});

describe('alert history output', () => {
  it('groups by check, one row per episode; the series column only when a check has several', () => {
    const text = formatAlertHistoryText(
      history([
        row({ start: T + 60 * MIN, end: undefined, worst: 'ERROR', peak: 1.2, alerts: 60, notifications: 2 }),
        row({ startKnown: false }),
        row({ checkId: 'c2', check: 'legacy', managed: false, series: 'a' }),
        row({ checkId: 'c2', check: 'legacy', managed: false, series: 'b' }),
      ]),
      'http://seyren',
    );
    expect(text.split('\n')).toEqual([
      'Alerts since 2026-11-09 09:00 UTC in Seyren http://seyren: 4 episode(s) in 2 of 9 check(s), 1 still unhealthy (40 alert(s) read in 2 request(s))',
      '',
      'healthlake:cv:health.steps',
      '     start                 end                   lasted  worst  peak    alerts  notified',
      '     2026-11-16 10:00 UTC  still                 1h      ERROR  1.2     60      2',
      '    ≤2026-11-16 09:00 UTC  2026-11-16 09:30 UTC  30min   WARN   0.7123  31      1',
      '',
      'legacy  (unmanaged)',
      '     start                 end                   lasted  worst  peak    alerts  notified  series',
      '     2026-11-16 09:00 UTC  2026-11-16 09:30 UTC  30min   WARN   0.7123  31      1         a',
      '     2026-11-16 09:00 UTC  2026-11-16 09:30 UTC  30min   WARN   0.7123  31      1         b',
      '',
      '≤ : the episode began before the oldest alert read (before --since, or its alerts were pruned).',
    ]);
  });

  it('says so when nothing fired', () => {
    expect(formatAlertHistoryText(history([]), 'http://seyren')).toContain(
      'No alerts: every check stayed OK',
    );
  });

  it('--json: ISO times, null for what is absent, still for open episodes', () => {
    const json = alertHistoryToJson(
      history([row({ end: undefined, peak: undefined, peakAt: undefined })]),
      'u',
    );
    expect(json.episodes[0]).toMatchObject({
      end: null,
      still: true,
      peak: null,
      peakAt: null,
      start: '2026-11-16T09:00:00.000Z',
    });
    expect(json.read).toEqual({ requests: 2, alerts: 40, skipped: 3 });
  });
});
