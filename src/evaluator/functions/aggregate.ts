import { EvaluationError } from '../errors';
import type { ArgValue, GraphiteFunction } from '../function';
import { aggFunc, seriesListParam } from '../function';
import { consolidatedValues, lcm, pyMod, type Series } from '../series';

/**
 * graphite-web 1.1.8 aggregate() and its aliases (sumSeries, diffSeries, averageSeries, …): the series are
 * normalised to the least common multiple of their steps (consolidated by average), then combined position by
 * position (not by timestamp; shorter series are padded with null), and the aggregation skips nulls: a row
 * with at least one value has a result. So diffSeries(A, B) is A where B is null and B where A is null (its
 * sign is not flipped: the first non-null value is the minuend).
 */
export function aggregateSeries(
  lists: Series[][],
  func: string,
  xFilesFactor: number | null = null,
): Series[] {
  const agg = aggFunc(func);
  if (!agg) throw new EvaluationError(`Unsupported aggregation function: ${func}`);
  const all = lists.flat();
  if (all.length === 0) return [];
  const step = all.map((s) => s.step).reduce(lcm);
  const columns = all.map((s) => consolidatedValues(s.values, step / s.step));
  const start = Math.min(...all.map((s) => s.start));
  let end = Math.max(...all.map((s) => s.end));
  end -= pyMod(end - start, step);
  const length = Math.max(...columns.map((c) => c.length));
  const xff = xFilesFactor ?? 0;
  const values = new Array<number | null>(length);
  const row = new Array<number | null>(columns.length);
  for (let i = 0; i < length; i++) {
    let nonNull = 0;
    for (let k = 0; k < columns.length; k++) {
      const v = (columns[k] as Array<number | null>)[i] ?? null;
      row[k] = v;
      if (v !== null) nonNull++;
    }
    values[i] = nonNull > 0 && nonNull / columns.length >= xff ? agg(row) : null;
  }
  const paths: string[] = [];
  for (const s of all) {
    const p = s.pathExpression ?? s.name;
    if (!paths.includes(p)) paths.push(p);
  }
  const name = `${func}Series(${paths.join(',')})`;
  return [{ name, pathExpression: name, start, end, step, values }];
}

function aggregator(name: string, func: string): GraphiteFunction {
  return {
    name,
    params: [{ name: 'seriesLists', type: 'seriesList', required: true, multiple: true }],
    run: (_call, lists: ArgValue[]) => aggregateSeries(lists as Series[][], func),
  };
}

export const aggregate: GraphiteFunction = {
  name: 'aggregate',
  params: [
    seriesListParam(),
    { name: 'func', type: 'aggFunc', required: true },
    { name: 'xFilesFactor', type: 'float' },
  ],
  run: (_call, [list, func, xff]) =>
    aggregateSeries([list as Series[]], (func as string).replace(/Series$/, ''), xff as number | null),
};
export const sumSeries = aggregator('sumSeries', 'sum');
export const diffSeries = aggregator('diffSeries', 'diff');
export const averageSeries = aggregator('averageSeries', 'average');
export const minSeries = aggregator('minSeries', 'min');
export const maxSeries = aggregator('maxSeries', 'max');
