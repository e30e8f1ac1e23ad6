import { EvaluationError } from '../errors';
import type { GraphiteFunction } from '../function';
import { seriesListParam } from '../function';
import { consolidatedValues, lcm, pyMod, type Series } from '../series';

/**
 * graphite-web 1.1.8 divideSeries(dividendSeriesList, divisorSeries): each dividend divided by the one divisor,
 * position by position after normalising both to the lcm of their steps; safeDiv gives null for a null
 * dividend and for a divisor of null or 0. No divisor series gives every dividend renamed
 * `divideSeries(X,MISSING)` with all nulls; more than one divisor is an error (HTTP 400).
 */
export function divide(dividend: Series, divisor: Series): Series {
  const name = `divideSeries(${dividend.name},${divisor.name})`;
  const step = lcm(dividend.step, divisor.step);
  const a = consolidatedValues(dividend.values, step / dividend.step);
  const b = consolidatedValues(divisor.values, step / divisor.step);
  const start = Math.min(dividend.start, divisor.start);
  let end = Math.max(dividend.end, divisor.end);
  end -= pyMod(end - start, step);
  const length = Math.max(a.length, b.length);
  const values = new Array<number | null>(length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    values[i] = x === null || y === null || y === 0 ? null : x / y;
  }
  return { name, pathExpression: name, start, end, step, values };
}

export const divideSeries: GraphiteFunction = {
  name: 'divideSeries',
  params: [seriesListParam('dividendSeriesList'), seriesListParam('divisorSeries')],
  run: (_call, [dividendArg, divisorArg]) => {
    const dividends = dividendArg as Series[];
    const divisors = divisorArg as Series[];
    if (divisors.length === 0) {
      return dividends.map((s) => {
        const name = `divideSeries(${s.name},MISSING)`;
        return { ...s, name, pathExpression: name, values: s.values.map(() => null) };
      });
    }
    if (divisors.length > 1) {
      throw new EvaluationError(
        `Invalid parameters (divideSeries second argument must reference exactly 1 series (got ${divisors.length}))`,
      );
    }
    return dividends.map((s) => divide(s, divisors[0] as Series));
  },
};

export const divideSeriesLists: GraphiteFunction = {
  name: 'divideSeriesLists',
  params: [seriesListParam('dividendSeriesList'), seriesListParam('divisorSeriesList')],
  run: (_call, [dividendArg, divisorArg]) => {
    const dividends = dividendArg as Series[];
    const divisors = divisorArg as Series[];
    if (dividends.length !== divisors.length) {
      throw new EvaluationError('dividendSeriesList and divisorSeriesList argument must have equal length');
    }
    return dividends.map((s, i) => divide(s, divisors[i] as Series));
  },
};
