import { createStatsdClient } from '../../src/clients/statsd';
import { graphiteClient } from '../support/graphite-fixtures';
import { integrationStack, pollUntil } from '../support/integration-stack';

// What a live "now" value looks like after the real statsD daemon flushes it to carbon: the name gains the
// stats.gauges. namespace, the point is stamped with the flush time (no backfill possible), and the step
// is the flush interval because the stack's schema keeps statsD metrics at 1 s.
describe('a statsD gauge through the real daemon', () => {
  it('appears in Graphite as stats.gauges.<prefix>.<name> with its value, at the 1 s step', async () => {
    const stack = integrationStack();
    const statsd = createStatsdClient({ host: '127.0.0.1', port: stack.statsdPort, prefix: 'health.live.' });
    const sentAt = Math.floor(Date.now() / 1000);
    statsd.gauge('heart.current', 72);
    await statsd.close();

    const series = await pollUntil(
      () =>
        graphiteClient().render('stats.gauges.health.live.heart.current', { from: '-2min', until: 'now' }),
      (s) => s.length === 1 && s[0]!.datapoints.some(([v]) => v === 72),
      { timeoutMs: 15000 },
    );
    const points = series[0]!.datapoints;
    expect(series[0]!.target).toBe('stats.gauges.health.live.heart.current');
    expect(points[1]![1] - points[0]![1]).toBe(1);
    const stamped = points.filter(([v]) => v === 72).map(([, t]) => t);
    // statsD stamps the flush time: at or after the send, within a couple of flush intervals.
    expect(stamped[0]!).toBeGreaterThanOrEqual(sentAt);
    expect(stamped[0]!).toBeLessThanOrEqual(sentAt + 5);
    // and keeps re-sending the gauge on every flush (deleteGauges false), so later slots hold it too.
    await pollUntil(
      () =>
        graphiteClient().render('stats.gauges.health.live.heart.current', { from: '-2min', until: 'now' }),
      (s) => s[0]!.datapoints.filter(([v]) => v === 72).length >= 2,
      { timeoutMs: 15000 },
    );
  });
});
