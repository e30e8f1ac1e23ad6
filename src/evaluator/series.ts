/**
 * The evaluator's data model, shaped like graphite-web 1.1.8's TimeSeries (render/datalib.py):
 * `values[i]` is the point at `start + i * step`; `end` is the exclusive end whisper returned (untilInterval),
 * which graphite-web keeps even when a function changes the number of values, because the JSON output zips
 * the values with `range(start, end + 1, step)` and so drops values past `end`.
 */
export interface Series {
  name: string;
  start: number;
  end: number;
  step: number;
  values: Array<number | null>;
  /**
   * The path expression graphite-web keeps on a series: the fetched path (a glob stays a glob), replaced by the
   * series' own name by most functions but kept by timeShift. sumSeries/diffSeries names are built from it.
   */
  pathExpression?: string;
}

/**
 * Where the evaluator gets raw data. Like graphite-web's whisper finder, `fetch` returns one series per metric
 * the path expression matches (sorted by name), holding the buckets in (from, until], aligned to the metric's
 * step: the first is `from - from % step + step`. A metric that does not exist gives no series; a metric with
 * no points in the range gives a series of nulls. timeShift, movingAverage and holtWinters* call it again with
 * an earlier `from`, which is how they bootstrap from before the range.
 */
export interface DataProvider {
  fetch(pathExpression: string, from: number, until: number): Promise<Series[]> | Series[];
}

/** The points graphite-web's JSON shows for a series: values zipped with range(start, end + 1, step). */
export function datapoints(series: Series): Array<[number | null, number]> {
  const count = Math.min(series.values.length, Math.floor((series.end - series.start) / series.step) + 1);
  const out: Array<[number | null, number]> = new Array(Math.max(0, count));
  for (let i = 0; i < count; i++) out[i] = [series.values[i] ?? null, series.start + i * series.step];
  return out;
}

/** The values graphite-web would show (see datapoints), without timestamps. */
export function visibleValues(series: Series): Array<number | null> {
  return datapoints(series).map(([v]) => v);
}

/** A series built from graphite-web's JSON datapoints; `step` is needed when there are fewer than 2 points. */
export function seriesFromDatapoints(
  name: string,
  points: ReadonlyArray<readonly [number | null, number]>,
  fallbackStep = 60,
): Series {
  const start = points[0]?.[1] ?? 0;
  const step = points.length >= 2 ? (points[1] as readonly [number | null, number])[1] - start : fallbackStep;
  return {
    name,
    start,
    end: start + points.length * step,
    step,
    values: points.map(([v]) => v),
  };
}

/** Greatest common divisor and least common multiple of steps, as graphite-web's lcm(). */
function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
export function lcm(a: number, b: number): number {
  if (a === b) return a;
  const [x, y] = a < b ? [b, a] : [a, b];
  return (Math.floor(x / gcd(x, y)) * y) as number;
}

/**
 * The values of a series as graphite-web iterates a TimeSeries whose valuesPerPoint > 1 (consolidate='average',
 * xFilesFactor 0): each group of `valuesPerPoint` raw values becomes the mean of its non-null ones, or null; a
 * last partial group is averaged too.
 */
export function consolidatedValues(
  values: ReadonlyArray<number | null>,
  valuesPerPoint: number,
): Array<number | null> {
  if (valuesPerPoint <= 1) return values.slice();
  const out: Array<number | null> = [];
  for (let i = 0; i < values.length; i += valuesPerPoint) {
    let sum = 0;
    let n = 0;
    for (let j = i; j < Math.min(values.length, i + valuesPerPoint); j++) {
      const v = values[j];
      if (v !== null && v !== undefined) {
        sum += v;
        n++;
      }
    }
    out.push(n > 0 ? sum / n : null);
  }
  return out;
}

/** Python's floor modulo, as whisper aligns timestamps (`t - t % step`). */
export function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Python's "%g" (6 significant digits), used in names such as `offset(X,-1)`. */
export function formatG(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [mantissa = '', e = '0'] = value.toExponential(5).split('e');
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** Python's repr() of a float, as in constantLine's series name: `0.5`, `123.0`, `1e-05`. */
export function pyFloatRepr(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [m = '', e = '0'] = value.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}
