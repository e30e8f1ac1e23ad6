import { CarbonWriter, formatCarbonLine } from '../../src/clients/carbon';
import { GraphiteClient, type GraphiteSeries } from '../../src/clients/graphite';
import { integrationStack, pollUntil } from './integration-stack';

export const DAY = 86400;

/** 00:00 UTC of today: whisper buckets daily points by UTC midnight. */
export function todayUtc(now = Date.now()): number {
  return Math.floor(now / 1000 / DAY) * DAY;
}

export function graphiteClient(): GraphiteClient {
  return new GraphiteClient({ baseUrl: integrationStack().graphiteUrl, retries: 3, retryBaseDelayMs: 50 });
}

/**
 * Writes `values[i]` at midnight of day (today − values.length + i), i.e. the last value is yesterday's.
 * null leaves the day out. Waits until graphite-web returns every written point.
 */
export async function writeDailySeries(metric: string, values: Array<number | null>): Promise<number[]> {
  const stack = integrationStack();
  const t0 = todayUtc();
  const days = values.map((_, i) => t0 - (values.length - i) * DAY);
  const lines = values.flatMap((v, i) =>
    v === null ? [] : [formatCarbonLine(metric, v, days[i] as number)],
  );
  const writer = new CarbonWriter({ host: '127.0.0.1', port: stack.carbonPort });
  await writer.connect();
  await writer.write(lines);
  await writer.close();
  await pollUntil(
    () => renderDays(metric, values.length),
    (series) =>
      series.length === 1 && series[0]!.datapoints.filter(([v]) => v !== null).length === lines.length,
  );
  return days;
}

/** Renders `target` over the last `n` whole days (yesterday inclusive, today excluded). */
export function renderDays(target: string, n: number): Promise<GraphiteSeries[]> {
  const t0 = todayUtc();
  // Graphite's range is (from, until]: one second before the first midnight includes that day.
  return graphiteClient().render(target, { from: String(t0 - n * DAY - 1), until: String(t0 - 1) });
}

export function values(series: GraphiteSeries[]): Array<number | null> {
  if (series.length !== 1) throw new Error(`expected one series, got ${series.length}`);
  return series[0]!.datapoints.map(([v]) => v);
}

/** 60 points at a 10 s step ending now, with some variation so cv has a value (the catch-all 10s:1d schema). */
export async function writeFineSeries(metric: string, base: number): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const lines = Array.from({ length: 60 }, (_, i) =>
    formatCarbonLine(metric, base + ((i * 7) % 11), now - (59 - i) * 10),
  );
  const writer = new CarbonWriter({ host: '127.0.0.1', port: integrationStack().carbonPort });
  await writer.connect();
  await writer.write(lines);
  await writer.close();
}

/** Waits until graphite-web's /metrics/expand lists exactly `metrics` for `glob`. */
export function expandShows(glob: string, metrics: string[]): Promise<string[]> {
  return pollUntil(
    () => graphiteClient().expand(glob),
    (found) => JSON.stringify([...found].sort()) === JSON.stringify([...metrics].sort()),
    { timeoutMs: 15000 },
  );
}
