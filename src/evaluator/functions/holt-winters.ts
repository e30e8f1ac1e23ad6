import { EvaluationError } from '../errors';
import type { CallContext, GraphiteFunction } from '../function';
import { seriesListParam } from '../function';
import type { Series } from '../series';
import { parseTimeOffset } from '../time-offset';

/**
 * graphite-web 1.1.8's Holt-Winters functions (functions.py holtWintersAnalysis and friends), copied
 * operation by operation so that results agree to the last bit:
 * - constants alpha = gamma = 0.1, beta = 0.0035; the season is `seasonality / step` points;
 * - the first point seeds intercept and prediction; a null point records intercept null, slope 0, seasonal 0,
 *   deviation 0 and clears the next prediction, so the point after a gap re-seeds the intercept;
 * - seasonal and deviation terms of the previous season start at 0 (no warm-up), which is why a long bootstrap
 *   matters;
 * - a season shorter than 2 points raises IndexError there (HTTP 500): it is an error here too;
 * - the first argument is evaluated again from `from - bootstrapInterval`; the bootstrap points are analysed
 *   and then dropped (bootstrap / step points).
 */
const ALPHA = 0.1;
const GAMMA = 0.1;
const BETA = 0.0035;

export interface HoltWintersAnalysis {
  predictions: Array<number | null>;
  deviations: number[];
}

export function holtWintersAnalysis(series: Series, seasonality: string): HoltWintersAnalysis {
  const seasonSeconds = parseTimeOffset(seasonality);
  const seasonLength = Math.floor(seasonSeconds / series.step);
  const intercepts: Array<number | null> = [];
  const slopes: number[] = [];
  const seasonals: number[] = [];
  const predictions: Array<number | null> = [];
  const deviations: number[] = [];
  const indexError = () =>
    new EvaluationError(
      `IndexError: list index out of range (holtWinters seasonality ${seasonality} is ${seasonLength} point(s) ` +
        `at a ${series.step} s step; it needs at least 2, as graphite-web answers HTTP 500)`,
      500,
    );
  const lastOf = (list: number[], i: number): number => {
    const j = i - seasonLength;
    if (j < 0) return 0;
    if (j >= list.length) throw indexError();
    return list[j] as number;
  };
  let nextPred: number | null = null;
  const xs = series.values;
  for (let i = 0; i < xs.length; i++) {
    const actual = xs[i] as number | null;
    if (actual === null) {
      intercepts.push(null);
      slopes.push(0);
      seasonals.push(0);
      predictions.push(nextPred);
      deviations.push(0);
      nextPred = null;
      continue;
    }
    let lastIntercept: number;
    let lastSlope: number;
    let prediction: number | null;
    if (i === 0) {
      lastIntercept = actual;
      lastSlope = 0;
      prediction = actual;
    } else {
      const li = intercepts[intercepts.length - 1] as number | null;
      lastSlope = slopes[slopes.length - 1] as number;
      lastIntercept = li === null ? actual : li;
      prediction = nextPred;
    }
    const lastSeasonal = lastOf(seasonals, i);
    const nextLastSeasonal = lastOf(seasonals, i + 1);
    const lastSeasonalDev = lastOf(deviations, i);

    const intercept = ALPHA * (actual - lastSeasonal) + (1 - ALPHA) * (lastIntercept + lastSlope);
    const slope = BETA * (intercept - lastIntercept) + (1 - BETA) * lastSlope;
    const seasonal = GAMMA * (actual - intercept) + (1 - GAMMA) * lastSeasonal;
    nextPred = intercept + slope + nextLastSeasonal;
    const deviation = GAMMA * Math.abs(actual - (prediction ?? 0)) + (1 - GAMMA) * lastSeasonalDev;

    intercepts.push(intercept);
    slopes.push(slope);
    seasonals.push(seasonal);
    predictions.push(prediction);
    deviations.push(deviation);
  }
  return { predictions, deviations };
}

function bootstrapSeconds(interval: string): number {
  return parseTimeOffset(interval);
}

async function previewList(call: CallContext, bootstrapInterval: string): Promise<Series[]> {
  const arg = call.rawArgs[0];
  if (!arg) throw new EvaluationError('holtWinters* needs a series argument');
  return call.evaluate(arg, { ...call.ctx, from: call.ctx.from - bootstrapSeconds(bootstrapInterval) });
}

/** Python's `list[n:]` with graphite's integer division of the bootstrap by the step (negative n counts from the end). */
function dropBootstrap<T>(values: T[], previewSeconds: number, step: number): T[] {
  return values.slice(Math.floor(previewSeconds / step));
}

export const holtWintersForecast: GraphiteFunction = {
  name: 'holtWintersForecast',
  params: [
    seriesListParam(),
    { name: 'bootstrapInterval', type: 'interval', default: '7d' },
    { name: 'seasonality', type: 'interval', default: '1d' },
  ],
  run: async (call, [, bootstrap, seasonality]) => {
    const previewSeconds = bootstrapSeconds(bootstrap as string);
    return (await previewList(call, bootstrap as string)).map((series) => {
      const { predictions } = holtWintersAnalysis(series, seasonality as string);
      const name = `holtWintersForecast(${series.name})`;
      return {
        name,
        pathExpression: name,
        start: series.start + previewSeconds,
        end: series.end,
        step: series.step,
        values: dropBootstrap(predictions, previewSeconds, series.step),
      };
    });
  },
};

interface Bands {
  lower: Series;
  upper: Series;
}

async function confidenceBands(
  call: CallContext,
  delta: number,
  bootstrap: string,
  seasonality: string,
): Promise<Bands[]> {
  const previewSeconds = bootstrapSeconds(bootstrap);
  return (await previewList(call, bootstrap)).map((series) => {
    const analysis = holtWintersAnalysis(series, seasonality);
    const forecast = dropBootstrap(analysis.predictions, previewSeconds, series.step);
    const deviation = dropBootstrap(analysis.deviations, previewSeconds, series.step);
    const upper: Array<number | null> = [];
    const lower: Array<number | null> = [];
    for (let i = 0; i < forecast.length; i++) {
      const f = forecast[i] as number | null;
      const d = deviation[i] as number | undefined;
      if (f === null || d === undefined) {
        upper.push(null);
        lower.push(null);
      } else {
        const scaled = delta * d;
        upper.push(f + scaled);
        lower.push(f - scaled);
      }
    }
    const base = { start: series.start + previewSeconds, end: series.end, step: series.step };
    const upperName = `holtWintersConfidenceUpper(${series.name})`;
    const lowerName = `holtWintersConfidenceLower(${series.name})`;
    return {
      lower: {
        ...base,
        name: lowerName,
        pathExpression: series.pathExpression ?? series.name,
        values: lower,
      },
      upper: {
        ...base,
        name: upperName,
        pathExpression: series.pathExpression ?? series.name,
        values: upper,
      },
    };
  });
}

const bandParams = [
  seriesListParam(),
  { name: 'delta', type: 'integer' as const, default: 3 },
  { name: 'bootstrapInterval', type: 'interval' as const, default: '7d' },
  { name: 'seasonality', type: 'interval' as const, default: '1d' },
];

export const holtWintersConfidenceBands: GraphiteFunction = {
  name: 'holtWintersConfidenceBands',
  params: bandParams,
  run: async (call, [, delta, bootstrap, seasonality]) =>
    (await confidenceBands(call, delta as number, bootstrap as string, seasonality as string)).flatMap(
      (b) => [b.lower, b.upper],
    ),
};

/**
 * holtWintersAberration: for each point of the (unextended) series, its distance above the upper band or
 * below the lower band, 0 inside them, and 0 where the series is null. Bands are looked up by series name and
 * index; fewer band points than series points (bands at a coarser step, graphite-web issue #1865) is the
 * IndexError graphite-web answers with HTTP 500.
 */
export const holtWintersAberration: GraphiteFunction = {
  name: 'holtWintersAberration',
  params: bandParams,
  run: async (call, [list, delta, bootstrap, seasonality]) => {
    const bands = await confidenceBands(call, delta as number, bootstrap as string, seasonality as string);
    const byName = new Map<string, Series>();
    for (const b of bands) {
      byName.set(b.lower.name, b.lower);
      byName.set(b.upper.name, b.upper);
    }
    return (list as Series[]).map((series) => {
      const lower = byName.get(`holtWintersConfidenceLower(${series.name})`);
      const upper = byName.get(`holtWintersConfidenceUpper(${series.name})`);
      if (!lower || !upper)
        throw new EvaluationError(`KeyError: no confidence bands for ${series.name}`, 500);
      const values = series.values.map((v, i) => {
        if (v === null) return 0;
        if (i >= upper.values.length || i >= lower.values.length) {
          throw new EvaluationError(
            `IndexError: list index out of range (the bands of ${series.name} have ${upper.values.length} points at a ` +
              `${upper.step} s step, the series ${series.values.length}; graphite-web answers HTTP 500)`,
            500,
          );
        }
        const u = upper.values[i] as number | null;
        const l = lower.values[i] as number | null;
        if (u !== null && v > u) return v - u;
        if (l !== null && v < l) return v - l;
        return 0;
      });
      const name = `holtWintersAberration(${series.name})`;
      return { ...series, name, pathExpression: name, values };
    });
  },
};
