import type { GraphiteSeries } from '../clients/graphite';
import { judgeGauge, readBackGauges } from './statsd-gauges';

const sentAt = 1_796_000_000;
const perSecond = (values: Array<number | null>, start = sentAt - 3): GraphiteSeries => ({
  target: 'stats.gauges.health.steps',
  datapoints: values.map((v, i) => [v, start + i]),
});

describe('judgeGauge', () => {
  it('confirms a gauge whose value appears in a slot at or after the send', () => {
    expect(
      judgeGauge('stats.gauges.health.steps', 1200, sentAt, perSecond([900, 900, 900, 900, 1200])),
    ).toBeUndefined();
  });

  it('does not count a value flushed before the send', () => {
    expect(
      judgeGauge('stats.gauges.health.steps', 900, sentAt, perSecond([900, 900, 1200, 1200])),
    ).toMatchObject({
      actual: 1200,
      cause: { kind: 'different' },
    });
  });

  it('tells a gauge statsD has not flushed yet from one Graphite does not know at all', () => {
    expect(
      judgeGauge('stats.gauges.health.steps', 1, sentAt, perSecond([null, null, null, null])),
    ).toMatchObject({
      actual: null,
      cause: { kind: 'missing' },
    });
    expect(judgeGauge('stats.gauges.health.steps', 1, sentAt, undefined)).toMatchObject({
      cause: { kind: 'no-metric' },
    });
  });

  it('counts a coarser slot that covers the send (a 10 s step)', () => {
    const series = {
      target: 't',
      datapoints: [[5, sentAt - 5] as [number, number], [null, sentAt + 5] as [null, number]],
    };
    expect(judgeGauge('t', 5, sentAt, series)).toBeUndefined();
  });
});

describe('readBackGauges', () => {
  it('renders stats.gauges.<path> until every gauge has been flushed, then confirms them', async () => {
    const asked: string[][] = [];
    let round = 0;
    const report = await readBackGauges(
      [
        { path: 'health.steps', value: 1200, timestamp: 1_795_996_800 },
        { path: 'health.worked', value: 1, timestamp: 1_795_996_800 },
      ],
      sentAt * 1000,
      {
        waitMs: 2000,
        pollMs: 5,
        render: async (targets) => {
          asked.push(targets);
          round++;
          return targets.map((target) => ({
            target,
            datapoints: [
              [round < 3 ? null : target.endsWith('steps') ? 1200 : 1, sentAt + 1] as [number | null, number],
            ],
          }));
        },
      },
    );
    expect(asked[0]).toEqual(['stats.gauges.health.steps', 'stats.gauges.health.worked']);
    expect(round).toBe(3);
    expect(report).toMatchObject({ written: 2, confirmed: 2, problems: [] });
  });

  it('reports the gauges still missing after the wait', async () => {
    const report = await readBackGauges(
      [{ path: 'health.steps', value: 1200, timestamp: 1_795_996_800 }],
      sentAt * 1000,
      { waitMs: 50, pollMs: 5, render: async () => [] },
    );
    expect(report).toMatchObject({
      written: 1,
      confirmed: 0,
      problems: [{ path: 'stats.gauges.health.steps', expected: 1200, cause: { kind: 'no-metric' } }],
    });
  });
});
