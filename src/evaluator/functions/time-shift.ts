import { EvaluationError } from '../errors';
import type { GraphiteFunction } from '../function';
import { seriesListParam } from '../function';
import type { Series } from '../series';
import { parseTimeOffset } from '../time-offset';

/**
 * graphite-web 1.1.8 timeShift(seriesList, timeShift, resetEnd=True, alignDST=False): the first argument is
 * evaluated again over the range moved by the shift (an unsigned shift means the past: '7d' is '-7d'), and the
 * result is relabelled to start where the first series of the unshifted list starts. Points with no data
 * `shift` earlier are null. The name keeps the signed shift: `timeShift(X, "-7d")`; the pathExpression stays
 * the one of the shifted data (which is why sumSeries/diffSeries names drop the timeShift).
 * alignDST is a no-op here: timestamps are UTC, which has no DST (graphite-web's TIME_ZONE in our stacks).
 */
export const timeShift: GraphiteFunction = {
  name: 'timeShift',
  params: [
    seriesListParam(),
    { name: 'timeShift', type: 'interval', required: true },
    { name: 'resetEnd', type: 'boolean', default: true },
    { name: 'alignDst', type: 'boolean', default: false },
  ],
  run: async (call, [list, shiftArg, resetEnd]) => {
    let shift = shiftArg as string;
    if (/^\d/.test(shift)) shift = `-${shift}`;
    const delta = parseTimeOffset(shift);
    const seriesList = list as Series[];
    if (seriesList.length < 1) return [];
    const first = seriesList[0] as Series;
    const arg = call.rawArgs[0];
    if (!arg) throw new EvaluationError('timeShift needs a series argument');
    const shifted = await call.evaluate(arg, {
      ...call.ctx,
      from: call.ctx.from + delta,
      until: call.ctx.until + delta,
    });
    return shifted.map((s) => ({
      ...s,
      name: `timeShift(${s.name}, "${shift}")`,
      pathExpression: s.pathExpression ?? s.name,
      start: first.start,
      end: resetEnd ? first.end : s.end - s.start + first.start,
    }));
  },
};
