import { seyrenRuns, type RunsOptions } from './alert-fixtures';
import { EpisodeBuilder, groupEpisodes } from './episodes';

const MIN = 60000;

const runs = (values: number[], opts: RunsOptions & { series?: string } = {}) =>
  seyrenRuns({ [opts.series ?? 's']: values }, { ...opts, t0: (opts.t0 ?? 0) * MIN });

describe('groupEpisodes', () => {
  it('one episode from the first unhealthy run to the recovery, and one still open', () => {
    const alerts = runs([0.1, 0.6, 0.6, 0.7, 0.95, 0.92, 0.3, 0.2, 0.55, 0.6]);
    const episodes = groupEpisodes(alerts);
    expect(episodes).toHaveLength(2);
    const [still, done] = episodes;
    expect(done).toEqual({
      checkId: 'c',
      series: 's',
      start: 1 * MIN,
      startKnown: true,
      end: 6 * MIN,
      worst: 'ERROR',
      peak: 0.95,
      peakAt: 4 * MIN,
      lastValue: 0.92,
      lastAt: 5 * MIN,
      warn: 0.5,
      error: 0.9,
      alerts: 6, // 5 unhealthy runs + the recovery
      notifications: 2, // into WARN, into ERROR
    });
    expect(still).toMatchObject({
      start: 8 * MIN,
      startKnown: true,
      end: undefined,
      worst: 'WARN',
      peak: 0.6,
    });
  });

  it('takes the lowest value as the peak when low is bad', () => {
    const [e] = groupEpisodes(runs([50, 30, 10, 25, 60], { warn: 40, error: 20 }));
    expect(e).toMatchObject({ worst: 'ERROR', peak: 10, peakAt: 2 * MIN, end: 4 * MIN, notifications: 3 });
  });

  it('keeps series and checks apart', () => {
    const alerts = [
      ...runs([0.6, 0.6, 0.1], { series: 'a' }),
      ...runs([0.1, 0.95, 0.1], { series: 'b' }),
      ...runs([0.6, 0.1], { checkId: 'other', series: 'a' }),
    ];
    const got = groupEpisodes(alerts).map(
      (e) => `${e.checkId}/${e.series} ${e.start / MIN}-${e.end! / MIN} ${e.worst}`,
    );
    expect(got.sort()).toEqual(['c/a 0-2 WARN', 'c/b 1-2 ERROR', 'other/a 0-1 WARN']);
  });

  it('marks an episode cut by the oldest alert read as started before it', () => {
    const alerts = runs([0.6, 0.6, 0.6, 0.1]).slice(2); // the opening alerts were pruned
    const [e] = groupEpisodes(alerts);
    expect(e).toMatchObject({ start: 2 * MIN, startKnown: false, end: 3 * MIN, alerts: 2, notifications: 0 });
    // only a recovery was read: worst from its fromType, no peak
    const [r] = groupEpisodes(runs([0.95, 0.1]).slice(1));
    expect(r).toMatchObject({
      start: 1 * MIN,
      end: 1 * MIN,
      startKnown: false,
      worst: 'ERROR',
    });
    expect(r!.peak).toBeUndefined();
  });

  it('ends an episode whose recovery alert is missing at the next episode’s start', () => {
    const first = runs([0.6, 0.6], { t0: 0 });
    const second = runs([0.7, 0.1], { t0: 10 });
    const [later, earlier] = groupEpisodes([...first, ...second]);
    expect(later).toMatchObject({ start: 10 * MIN, end: 11 * MIN, startKnown: true });
    expect(earlier).toMatchObject({ start: 0, end: 10 * MIN, startKnown: true, alerts: 2 });
  });

  it('streams: fed newest first, page by page, it finds the same episodes', () => {
    const alerts = [
      ...runs([0.6, 0.95, 0.1, 0.1, 0.7, 0.7, 0.1], { series: 'a' }),
      ...runs([0.1, 0.6, 0.6, 0.6, 0.6, 0.1, 0.6], { series: 'b' }),
    ].sort((x, y) => y.timestamp - x.timestamp);
    const builder = new EpisodeBuilder();
    for (let i = 0; i < alerts.length; i += 3) for (const a of alerts.slice(i, i + 3)) builder.add(a);
    expect(builder.finish()).toEqual(groupEpisodes([...alerts].reverse()));
  });
});
