import type { GraphiteFunction } from '../function';
import { pyFloatRepr, type Series } from '../series';

/**
 * Series that come from no data: constantLine(value) (three points across the range; `--png` draws thresholds
 * with it) and time(name, step=60) / timeFunction (each point's value is its own timestamp; handy in tests).
 */
export const constantLine: GraphiteFunction = {
  name: 'constantLine',
  params: [{ name: 'value', type: 'float', required: true }],
  run: (call, [valueArg]) => {
    const value = valueArg as number;
    const start = Math.trunc(call.ctx.from);
    const end = Math.trunc(call.ctx.until);
    const step = Math.trunc((end - start) / 2);
    const series: Series = {
      name: pyFloatRepr(value),
      pathExpression: `constantLine(${pyFloatRepr(value)})`,
      start,
      end,
      step,
      values: [value, value, value],
    };
    return [series];
  },
};

export const timeFunction: GraphiteFunction = {
  name: 'timeFunction',
  params: [
    { name: 'name', type: 'string', required: true },
    { name: 'step', type: 'integer', default: 60 },
  ],
  run: (call, [nameArg, stepArg]) => {
    const step = stepArg as number;
    const values: number[] = [];
    for (let when = call.ctx.from; when < call.ctx.until; when += step) values.push(when);
    return [{ name: nameArg as string, start: call.ctx.from, end: call.ctx.until, step, values }];
  },
};
export const time: GraphiteFunction = { ...timeFunction, name: 'time' };
