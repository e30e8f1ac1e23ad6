import type { GraphiteFunction } from '../function';
import { aggregate, averageSeries, diffSeries, maxSeries, minSeries, sumSeries } from './aggregate';
import { divideSeries, divideSeriesLists } from './divide-series';
import { constantLine, time, timeFunction } from './generators';
import { holtWintersAberration, holtWintersConfidenceBands, holtWintersForecast } from './holt-winters';
import {
  movingAverage,
  movingMax,
  movingMedian,
  movingMin,
  movingSum,
  movingWindowFn,
} from './moving-window';
import { keepLastValue, transformNull } from './nulls';
import { stdev } from './stdev';
import { timeShift } from './time-shift';
import { absolute, alias, offset, scale } from './transform';

/** Every Graphite function the evaluator knows, by the name used in targets (graphite-web's aliases included). */
export const FUNCTIONS: ReadonlyMap<string, GraphiteFunction> = new Map(
  [
    absolute,
    aggregate,
    alias,
    averageSeries,
    { ...averageSeries, name: 'avg' },
    constantLine,
    diffSeries,
    divideSeries,
    divideSeriesLists,
    holtWintersAberration,
    holtWintersConfidenceBands,
    holtWintersForecast,
    keepLastValue,
    maxSeries,
    minSeries,
    movingAverage,
    movingMax,
    movingMedian,
    movingMin,
    movingSum,
    movingWindowFn,
    offset,
    scale,
    stdev,
    sumSeries,
    { ...sumSeries, name: 'sum' },
    time,
    timeFunction,
    timeShift,
    transformNull,
  ].map((f) => [f.name, f]),
);
