import type { AlertEpisode } from '../backtest/timeline';
import { compareEpisodes, objectIdTime, type ComparisonContext } from './compare';
import type { RecordedEpisode } from './episodes';

const DAY = 86400;
const T0 = Date.UTC(2026, 7, 1) / 1000;
const day = (n: number, hours = 0) => T0 + n * DAY + hours * 3600;

const backtest = (
  start: number,
  end: number | undefined,
  state: 'WARN' | 'ERROR',
  peak: number,
): AlertEpisode => ({
  series: 'divideSeries(x)',
  start,
  end,
  state,
  peak,
  notifications: 1,
});

/** Seyren's episode; times in seconds here, milliseconds in the record. */
const recorded = (
  start: number,
  end: number | undefined,
  worst: 'WARN' | 'ERROR',
  peak: number,
  thresholds: [number, number] = [0.6, 0.9],
): RecordedEpisode => ({
  checkId: 'c',
  series: 'divideSeries(x)',
  start: start * 1000,
  startKnown: true,
  end: end === undefined ? undefined : end * 1000,
  worst,
  peak,
  peakAt: start * 1000,
  warn: thresholds[0],
  error: thresholds[1],
  alerts: 100,
  notifications: 1,
});

const ctx: ComparisonContext = { warn: 0.6, error: 0.9, slack: DAY, windowEnd: day(60) };

describe('compareEpisodes', () => {
  it('finds the episode Seyren missed and the one the current thresholds no longer raise', () => {
    // day 10: both (Seyren saw the daily point the next morning); day 20: Seyren silent;
    // day 30: Seyren fired at warn 0.5 a peak of 0.55, which is OK at warn 0.6
    const c = compareEpisodes(
      [backtest(day(10), day(11), 'ERROR', 1.2), backtest(day(20), day(22), 'WARN', 0.7)],
      [
        recorded(day(11, 6), day(12, 6), 'ERROR', 1.2),
        recorded(day(30, 6), day(31, 6), 'WARN', 0.55, [0.5, 0.8]),
      ],
      ctx,
    );
    expect(c.matched.map((m) => [m.backtest.start, m.recorded.map((r) => r.start)])).toEqual([
      [day(10), [day(11, 6) * 1000]],
    ]);
    expect(c.missed).toEqual([{ backtest: expect.objectContaining({ start: day(20) }), reason: 'no-alert' }]);
    expect(c.noLongerRaised).toEqual([
      {
        recorded: expect.objectContaining({ start: day(30, 6) * 1000 }),
        reason: 'thresholds-changed',
        peakNow: 'OK',
      },
    ]);
    expect(c.recordedThresholds).toEqual([
      { warn: 0.6, error: 0.9 },
      { warn: 0.5, error: 0.8 },
    ]);
  });

  it('needs the overlap within the slack, and the same series when a check has several', () => {
    const late = [recorded(day(12, 1), day(13), 'WARN', 0.7)];
    expect(compareEpisodes([backtest(day(10), day(11), 'WARN', 0.7)], late, ctx).matched).toHaveLength(0);
    expect(
      compareEpisodes([backtest(day(10), day(11), 'WARN', 0.7)], late, { ...ctx, slack: 2 * DAY }).matched,
    ).toHaveLength(1);
    const other = { ...recorded(day(10), day(11), 'WARN', 0.7), series: 'b' };
    const two = [
      backtest(day(10), day(11), 'WARN', 0.7),
      { ...backtest(day(40), day(41), 'WARN', 0.7), series: 'b' },
    ];
    const c = compareEpisodes(two, [other], ctx);
    expect([c.matched.length, c.missed.length, c.noLongerRaised.length]).toEqual([0, 2, 1]);
  });

  it('says why an episode is missing: before the check existed, or before its oldest alert', () => {
    const c = compareEpisodes(
      [
        backtest(day(1), day(2), 'WARN', 0.7),
        backtest(day(5), day(6), 'WARN', 0.7),
        backtest(day(9), undefined, 'WARN', 0.7),
      ],
      [],
      { ...ctx, checkCreated: day(3), oldestAlert: day(8) },
    );
    expect(c.missed.map((m) => m.reason)).toEqual([
      'before-check-created',
      'before-oldest-alert',
      'no-alert',
    ]);
  });

  it('a recorded peak that still crosses the thresholds means the values differ now', () => {
    const c = compareEpisodes([], [recorded(day(3), day(4), 'ERROR', 0.95)], ctx);
    expect(c.noLongerRaised[0]).toMatchObject({ reason: 'values-differ', peakNow: 'ERROR' });
  });

  it('reads the creation time from a Mongo ObjectId', () => {
    expect(objectIdTime('5205121fccf2a07eacba64da')).toBe(0x5205121f);
    expect(objectIdTime('not-an-id')).toBeUndefined();
  });
});
