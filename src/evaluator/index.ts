/** The local Graphite evaluator: parse a target, evaluate it against a data provider, judge it like Seyren. */
export { EvaluationError } from './errors';
export { evaluate, evaluateTarget } from './evaluate';
export type { EvalContext } from './function';
export { FUNCTIONS } from './functions';
export { MemoryProvider, type StoredSeries } from './memory-provider';
export { formatExpr, parseTarget, type Expr } from './parser';
export { datapoints, visibleValues, type DataProvider, type Series } from './series';
export * from './seyren-rule';
