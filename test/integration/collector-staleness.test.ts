import path from 'node:path';
import { loadCheckSpecs, type CheckSpec } from '../../src/checks/definitions';
import { CarbonWriter, formatCarbonLine } from '../../src/clients/carbon';
import type { GraphiteSeries } from '../../src/clients/graphite';
import { createStatsdClient } from '../../src/clients/statsd';
import { loadTemplates } from '../../src/templates/registry';
import { renderTarget } from '../../src/templates/template';
import { graphiteClient } from '../support/graphite-fixtures';
import { integrationStack, pollUntil } from '../support/integration-stack';

// The shipped check checks/collector.yaml, evaluated the way Seyren does it, against the real graphite-web 1.1.8
// and the real statsD daemon of the integration stack. Each test uses its own gauge name (statsD keeps
// re-sending a gauge's last value, so names are never shared between tests), rendered with the shipped
// template, range and thresholds in place of stats.gauges.healthlake.collector.last_success.

const HOUR = 3600;
const run = `${process.pid}_${Date.now() % 1e8}`;

function collectorCheck(): CheckSpec {
  const specs = loadCheckSpecs(path.resolve(__dirname, '../../checks'), loadTemplates());
  const found = specs.filter((s) => s.file.endsWith('collector.yaml'));
  expect(found.map((s) => `${s.heuristic}:${s.metric}`)).toEqual([
    'staleness:stats.gauges.healthlake.collector.last_success',
  ]);
  return found[0]!;
}

/** Seyren's DefaultValueChecker: warn <= error means high is bad; at or beyond a threshold counts. */
function seyrenState(value: number, warn: number, error: number): 'OK' | 'WARN' | 'ERROR' {
  const beyond = (threshold: number) => (warn <= error ? value >= threshold : value <= threshold);
  return beyond(error) ? 'ERROR' : beyond(warn) ? 'WARN' : 'OK';
}

/** Seyren's GraphiteTargetChecker: the last non-null datapoint of the series. */
function lastNonNull(series: GraphiteSeries[]): number | undefined {
  expect(series).toHaveLength(1);
  return [...series[0]!.datapoints].reverse().find(([v]) => v !== null)?.[0] ?? undefined;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the collector staleness check on graphite-web', () => {
  const check = collectorCheck();
  const stalenessOf = async (gauge: string) => {
    const target = renderTarget(
      check.template,
      { ...check.vars, metric: `stats.gauges.${gauge}` },
      check.resolution,
    );
    const before = nowSeconds();
    const series = await graphiteClient().render(target, { from: check.from, until: check.until });
    return { value: lastNonNull(series), before, after: nowSeconds() };
  };
  const sendGauge = async (gauge: string, value: number) => {
    const statsd = createStatsdClient({ host: '127.0.0.1', port: integrationStack().statsdPort });
    statsd.gauge(gauge, value);
    await statsd.close();
  };

  it('is OK a minute after a run that worked, and ERROR once last_success is three days old', async () => {
    const gauge = `healthlake.it_staleness_${run}.recent.last_success`;
    const sentAt = nowSeconds();
    await sendGauge(gauge, sentAt - 60);
    // Until statsD has flushed it, the metric does not exist and the target reads ~1.8e9 (see below).
    const fresh = await pollUntil(
      () => stalenessOf(gauge),
      (r) => r.value !== undefined && r.value < 1e9,
      { timeoutMs: 15000, intervalMs: 200 },
    );
    // timeFunction's last point is one 60 s step before `until`, so the check reads (true age − 60 s): here the
    // time between sending and rendering, a few seconds.
    expect(fresh.value!).toBeGreaterThanOrEqual(fresh.before - sentAt - 1);
    expect(fresh.value!).toBeLessThanOrEqual(fresh.after - sentAt + 1);
    expect(seyrenState(fresh.value!, check.warn, check.error)).toBe('OK');

    // A failing run sends no new value; statsD keeps re-sending the last one. An old one three days back:
    const oldValue = nowSeconds() - 72 * HOUR;
    await sendGauge(gauge, oldValue);
    const stale = await pollUntil(
      () => stalenessOf(gauge),
      (r) => r.value !== undefined && r.value >= 72 * HOUR - 120,
      { timeoutMs: 15000, intervalMs: 200 },
    );
    expect(stale.value!).toBeLessThanOrEqual(stale.after - 60 - oldValue + 1);
    expect(seyrenState(stale.value!, check.warn, check.error)).toBe('ERROR');
  });

  it('keeps counting after statsD stopped re-sending the gauge (restart): WARN at 30 h', async () => {
    // statsD cannot backfill, so the point of a run 30 h ago is written straight to carbon, as statsD would
    // have flushed it then; nothing was written since.
    const gauge = `healthlake.it_staleness_${run}.restarted.last_success`;
    const lastSuccess = nowSeconds() - 30 * HOUR;
    const writer = new CarbonWriter({ host: '127.0.0.1', port: integrationStack().carbonPort });
    await writer.connect();
    await writer.write([formatCarbonLine(`stats.gauges.${gauge}`, lastSuccess, lastSuccess)]);
    await writer.close();

    const result = await pollUntil(
      () => stalenessOf(gauge),
      (r) => r.value !== undefined && r.value < 1e9,
      { timeoutMs: 15000, intervalMs: 200 },
    );
    expect(result.value!).toBeGreaterThanOrEqual(result.before - 60 - lastSuccess - 1);
    expect(result.value!).toBeLessThanOrEqual(result.after - 60 - lastSuccess + 1);
    expect(seyrenState(result.value!, check.warn, check.error)).toBe('WARN');
  });

  it('is ERROR, not "no data", for a collector that never reported (the target is the timestamp alone)', async () => {
    const { value } = await stalenessOf(`healthlake.it_staleness_${run}.never.last_success`);
    // diffSeries skips the missing series: the value is the epoch time of the last point itself.
    expect(value!).toBeGreaterThan(nowSeconds() - 3 * 60);
    expect(seyrenState(value!, check.warn, check.error)).toBe('ERROR');
  });
});
