import type { GraphiteFunction } from '../function';
import { seriesListParam } from '../function';
import { formatG, type Series } from '../series';

/**
 * graphite-web 1.1.8 keepLastValue(seriesList, limit=inf) and transformNull(seriesList, default=0,
 * referenceSeries=None): the two null-fillers Seyren users reach for (e.g. to make "no data" alert).
 */

/** Fills runs of at most `limit` nulls with the value before them, also at the end; leading nulls stay. */
export const keepLastValue: GraphiteFunction = {
  name: 'keepLastValue',
  params: [seriesListParam(), { name: 'limit', type: 'intOrInf', default: Infinity }],
  run: (_call, [list, limitArg]) => {
    const limit = limitArg as number;
    return (list as Series[]).map((series) => {
      const name = `keepLastValue(${series.name})`;
      const values = series.values.slice();
      let consecutiveNones = 0;
      let lastVal: number | null = null;
      for (let i = 0; i < values.length; i++) {
        const value = values[i] as number | null;
        if (value === null) {
          consecutiveNones++;
          continue;
        }
        if (consecutiveNones > 0 && consecutiveNones <= limit && lastVal !== null) {
          for (let k = i - consecutiveNones; k < i; k++) values[k] = lastVal;
        }
        consecutiveNones = 0;
        lastVal = value;
      }
      if (consecutiveNones > 0 && consecutiveNones <= limit && lastVal !== null) {
        for (let k = values.length - consecutiveNones; k < values.length; k++) values[k] = lastVal;
      }
      return { ...series, name, pathExpression: name, values };
    });
  },
};

/** Replaces nulls by `default`; with referenceSeries only where one of them has a value at that position. */
export const transformNull: GraphiteFunction = {
  name: 'transformNull',
  params: [
    seriesListParam(),
    { name: 'default', type: 'float', default: 0 },
    { name: 'referenceSeries', type: 'seriesList' },
  ],
  run: (_call, [list, defaultArg, referenceArg]) => {
    const fill = defaultArg as number;
    const reference = (referenceArg as Series[] | null) ?? null;
    let defaults: Array<number | null> | null = null;
    if (reference && reference.length > 0) {
      const length = Math.max(...reference.map((s) => s.values.length));
      defaults = Array.from({ length }, (_, i) =>
        reference.some((s) => s.values[i] !== null && s.values[i] !== undefined) ? fill : null,
      );
    }
    return (list as Series[]).map((series) => {
      const name = reference?.length
        ? `transformNull(${series.name},${formatG(fill)},referenceSeries)`
        : `transformNull(${series.name},${formatG(fill)})`;
      const values = series.values.map((v, i) => (v !== null ? v : defaults ? (defaults[i] ?? null) : fill));
      return { ...series, name, pathExpression: name, values };
    });
  },
};
