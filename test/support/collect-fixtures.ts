import fs from 'node:fs';
import type { GraphiteSeries } from '../../src/clients/graphite';
import { DAILY_METRICS } from '../../src/metrics/metric-names';

/** summary.csv as { "<date> <metric>": value } for the non-empty cells; the header must be the known one. */
export function summaryCells(file: string): Record<string, number> {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  if (header !== ['date', ...DAILY_METRICS].join(','))
    throw new Error(`unexpected summary.csv header: ${header}`);
  const cells: Record<string, number> = {};
  for (const row of rows) {
    const [date, ...values] = row.split(',');
    values.forEach((v, i) => {
      if (v !== '') cells[`${date} ${DAILY_METRICS[i]}`] = Number(v);
    });
  }
  return cells;
}

/** Rendered `<prefix>.<metric>` series as { "<date> <metric>": value } for the non-null points. */
export function graphiteCells(series: GraphiteSeries[], prefix: string): Record<string, number> {
  const cells: Record<string, number> = {};
  for (const s of series) {
    for (const [value, ts] of s.datapoints) {
      if (value === null) continue;
      const date = new Date(ts * 1000).toISOString().slice(0, 10);
      cells[`${date} ${s.target.slice(prefix.length + 1)}`] = value;
    }
  }
  return cells;
}
