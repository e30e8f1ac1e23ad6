import type { GraphiteFunction } from '../function';
import { seriesListParam } from '../function';
import { formatG, type Series } from '../series';

/**
 * Point-wise transforms (graphite-web 1.1.8 functions.py: absolute, offset, scale): each keeps nulls as null
 * and renames the series, which also becomes its pathExpression.
 */

function mapValues(list: Series[], name: (s: Series) => string, f: (v: number) => number | null): Series[] {
  return list.map((s) => {
    const values = new Array<number | null>(s.values.length);
    for (let i = 0; i < values.length; i++) {
      const v = s.values[i] as number | null;
      values[i] = v === null ? null : f(v);
    }
    const newName = name(s);
    return { ...s, name: newName, pathExpression: newName, values };
  });
}

export const absolute: GraphiteFunction = {
  name: 'absolute',
  params: [seriesListParam()],
  run: (_call, [list]) => mapValues(list as Series[], (s) => `absolute(${s.name})`, Math.abs),
};

export const offset: GraphiteFunction = {
  name: 'offset',
  params: [seriesListParam(), { name: 'factor', type: 'float', required: true }],
  run: (_call, [list, factor]) => {
    const f = factor as number;
    return mapValues(
      list as Series[],
      (s) => `offset(${s.name},${formatG(f)})`,
      (v) => v + f,
    );
  },
};

export const scale: GraphiteFunction = {
  name: 'scale',
  params: [seriesListParam(), { name: 'factor', type: 'float', required: true }],
  run: (_call, [list, factor]) => {
    const f = factor as number;
    return mapValues(
      list as Series[],
      (s) => `scale(${s.name},${formatG(f)})`,
      (v) => v * f,
    );
  },
};

export const alias: GraphiteFunction = {
  name: 'alias',
  params: [seriesListParam(), { name: 'newName', type: 'string', required: true }],
  run: (_call, [list, newName]) => (list as Series[]).map((s) => ({ ...s, name: newName as string })),
};
