import { EvaluationError } from '../errors';
import type { ArgValue, CallContext, GraphiteFunction } from '../function';
import { aggFunc, seriesListParam } from '../function';
import type { Series } from '../series';
import { parseTimeOffset } from '../time-offset';

/**
 * graphite-web 1.1.8 movingWindow (and movingAverage, movingSum, movingMin, movingMax, movingMedian):
 * the value at t aggregates the `windowSize` points BEFORE t (t itself is excluded). The first argument is
 * evaluated again from `from - window`, so the window is bootstrapped from before the range and there are no
 * leading nulls. A window of N points reaches back N × (largest step of the series); a window such as '5min'
 * reaches back that long, i.e. 5min / step points. A window with no non-null point (or fewer than
 * xFilesFactor of them) gives null.
 */
async function movingWindow(
  call: CallContext,
  list: Series[],
  windowSize: number | string,
  func: string,
  xFilesFactor: number | null,
): Promise<Series[]> {
  if (list.length === 0) return [];
  const agg = aggFunc(func);
  if (!agg) throw new EvaluationError(`Unsupported aggregation function: ${func}`);
  const byInterval = typeof windowSize === 'string';
  const previewSeconds = byInterval
    ? Math.abs(parseTimeOffset(windowSize))
    : Math.max(...list.map((s) => s.step)) * Math.trunc(windowSize);
  const firstArg = call.rawArgs[0];
  if (!firstArg) throw new EvaluationError('movingWindow needs a series argument');
  const previewList = await call.evaluate(firstArg, { ...call.ctx, from: call.ctx.from - previewSeconds });
  const tagName = `moving${func.charAt(0).toUpperCase()}${func.slice(1).toLowerCase()}`;
  const xff = xFilesFactor ?? 0;

  return previewList.map((series) => {
    const windowPoints = byInterval
      ? Math.floor(previewSeconds / series.step)
      : Math.trunc(windowSize as number);
    const name = byInterval
      ? `${tagName}(${series.name},"${windowSize}")`
      : `${tagName}(${series.name},${windowSize})`;
    const xs = series.values;
    const out = new Array<number | null>(Math.max(0, xs.length - windowPoints));
    const average = func === 'average' || func === 'avg';
    const window: Array<number | null> = [];
    for (let i = windowPoints; i < xs.length; i++) {
      let value: number | null = null;
      if (average) {
        // safeAvg: Python's sum() of the non-null values, left to right, over their count.
        let sum = 0;
        let count = 0;
        for (let j = i - windowPoints; j < i; j++) {
          const v = xs[j] as number | null;
          if (v !== null) {
            sum += v;
            count++;
          }
        }
        if (count > 0 && count / windowPoints >= xff) value = sum / count;
      } else {
        window.length = 0;
        for (let j = i - windowPoints; j < i; j++) if (xs[j] !== null) window.push(xs[j] as number);
        if (window.length > 0 && window.length / windowPoints >= xff) value = agg(window);
      }
      out[i - windowPoints] = value;
    }
    return { ...series, name, pathExpression: name, start: series.start + previewSeconds, values: out };
  });
}

const windowParams = [
  seriesListParam(),
  { name: 'windowSize', type: 'intOrInterval' as const, required: true },
  { name: 'xFilesFactor', type: 'float' as const },
];

function fixed(name: string, func: string): GraphiteFunction {
  return {
    name,
    params: windowParams,
    run: (call, [list, windowSize, xff]: ArgValue[]) =>
      movingWindow(call, list as Series[], windowSize as number | string, func, xff as number | null),
  };
}

export const movingWindowFn: GraphiteFunction = {
  name: 'movingWindow',
  params: [
    seriesListParam(),
    { name: 'windowSize', type: 'intOrInterval', required: true },
    { name: 'func', type: 'aggFunc', default: 'average' },
    { name: 'xFilesFactor', type: 'float' },
  ],
  run: (call, [list, windowSize, func, xff]) =>
    movingWindow(call, list as Series[], windowSize as number | string, func as string, xff as number | null),
};
export const movingAverage = fixed('movingAverage', 'average');
export const movingSum = fixed('movingSum', 'sum');
export const movingMin = fixed('movingMin', 'min');
export const movingMax = fixed('movingMax', 'max');
export const movingMedian = fixed('movingMedian', 'median');
