import type { GraphiteFunction } from '../function';
import { seriesListParam } from '../function';
import type { Series } from '../series';

/**
 * graphite-web 1.1.8 stdev(seriesList, points, windowTolerance=0.1): the population standard deviation of the
 * current point and the `points - 1` before it, from running sums, ONLY inside the series it is given (no
 * bootstrap from before `from`). A point is null unless the non-null share of the window reaches
 * windowTolerance; while the window fills, the share is taken of the full `points`. A negative variance from
 * rounding (sqrt ValueError there) gives null.
 */
export const stdev: GraphiteFunction = {
  name: 'stdev',
  params: [
    seriesListParam(),
    { name: 'points', type: 'integer', required: true },
    { name: 'windowTolerance', type: 'float', default: 0.1 },
  ],
  run: (_call, [list, pointsArg, toleranceArg]) => {
    const points = pointsArg as number;
    const tolerance = toleranceArg as number;
    return (list as Series[]).map((series) => {
      const name = `stdev(${series.name},${Math.trunc(points)})`;
      const xs = series.values;
      const out = new Array<number | null>(xs.length);
      let validPoints = 0;
      let currentSum = 0;
      let currentSumOfSquares = 0;
      for (let index = 0; index < xs.length; index++) {
        const newValue = xs[index] as number | null;
        const bootstrapping = index < points;
        const droppedValue = bootstrapping ? null : (xs[index - points] as number | null);
        if (!bootstrapping && droppedValue !== null) validPoints -= 1;
        if (newValue !== null) validPoints += 1;
        if (!bootstrapping && droppedValue !== null) {
          currentSum -= droppedValue;
          currentSumOfSquares -= droppedValue * droppedValue;
        }
        if (newValue !== null) {
          currentSum += newValue;
          currentSumOfSquares += newValue * newValue;
        }
        if (validPoints > 0 && validPoints / points >= tolerance) {
          const radicand = validPoints * currentSumOfSquares - currentSum * currentSum;
          out[index] = radicand < 0 || Number.isNaN(radicand) ? null : Math.sqrt(radicand) / validPoints;
        } else out[index] = null;
      }
      return { ...series, name, pathExpression: name, values: out };
    });
  },
};
