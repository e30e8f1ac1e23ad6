import { EvaluationError } from './errors';
import type { Expr } from './parser';
import type { DataProvider, Series } from './series';
import { parseTimeOffset } from './time-offset';

/** graphite-web's requestContext, reduced to what the functions read: the range and where data comes from. */
export interface EvalContext {
  /** Epoch seconds; the range is (from, until] as whisper reads it. */
  from: number;
  until: number;
  provider: DataProvider;
}

/** What a function gets besides its validated arguments. */
export interface CallContext {
  ctx: EvalContext;
  /** The unevaluated arguments (graphite-web's requestContext['args']), for functions that re-fetch. */
  rawArgs: Expr[];
  /** Evaluates an expression to a series list in another context (a shifted or widened range). */
  evaluate(expr: Expr, ctx: EvalContext): Promise<Series[]>;
}

export type ArgValue = Series[] | number | string | boolean | null;

export type ParamType =
  | 'seriesList'
  | 'integer'
  | 'float'
  | 'interval'
  | 'intOrInterval'
  | 'intOrInf'
  | 'boolean'
  | 'string'
  | 'aggFunc';

export interface Param {
  name: string;
  type: ParamType;
  required?: boolean;
  default?: ArgValue;
  /** The last parameter may repeat (diffSeries(a, b, c)). */
  multiple?: boolean;
}

/** One Graphite function: its parameters as graphite-web 1.1.8 declares them, and its semantics. */
export interface GraphiteFunction {
  name: string;
  params: Param[];
  run(call: CallContext, args: ArgValue[]): Promise<Series[]> | Series[];
}

/**
 * graphite-web's validateParams: positional arguments map to params in order (the last one may repeat),
 * keyword arguments by name; missing required ones and wrong types are errors (HTTP 400 there). Returns the
 * values in parameter order with defaults filled in (a repeated last param collects the rest).
 */
export function validateArgs(
  fn: GraphiteFunction,
  args: ArgValue[],
  kwargs: Record<string, ArgValue>,
): ArgValue[] {
  const { params } = fn;
  const last = params[params.length - 1];
  if (args.length + Object.keys(kwargs).length > params.length && !last?.multiple) {
    throw new EvaluationError(`Too many parameters specified for function "${fn.name}"`);
  }
  const out: ArgValue[] = [];
  params.forEach((param, i) => {
    if (param.multiple) {
      const rest = args.slice(i);
      if (rest.length === 0 && param.required) throw missing(fn, param);
      for (const value of rest) out.push(checkType(fn, param, value));
      return;
    }
    let value: ArgValue | undefined = i < args.length ? args[i] : kwargs[param.name];
    if (value === undefined || value === null) {
      if (param.required) throw missing(fn, param);
      value = param.default ?? null;
      out.push(value);
      return;
    }
    out.push(checkType(fn, param, value));
  });
  const unknown = Object.keys(kwargs).filter((k) => !params.some((p) => p.name === k));
  if (unknown.length > 0) throw new EvaluationError(`Unexpected key word arguments: ${unknown.join(', ')}`);
  return out;
}

function missing(fn: GraphiteFunction, param: Param): EvaluationError {
  return new EvaluationError(`Missing required parameter "${param.name}" for function "${fn.name}"`);
}

function checkType(fn: GraphiteFunction, param: Param, value: ArgValue): ArgValue {
  const bad = () =>
    new EvaluationError(
      `Invalid "${param.type}" value specified for function "${fn.name}" parameter "${param.name}": ${JSON.stringify(value)}`,
    );
  switch (param.type) {
    case 'seriesList':
      if (!Array.isArray(value)) throw bad();
      return value;
    case 'integer': {
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
      throw bad();
    }
    case 'intOrInf':
      if (typeof value === 'number' && (Number.isInteger(value) || value === Infinity)) return value;
      throw bad();
    case 'float': {
      const n =
        typeof value === 'boolean' ? Number(value) : typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n) || (typeof value === 'string' && value.trim() === ''))
        throw bad();
      return n;
    }
    case 'interval':
      if (typeof value !== 'string') throw bad();
      parseTimeOffset(value);
      return value;
    case 'intOrInterval':
      if (typeof value === 'number' || typeof value === 'string') return value;
      throw bad();
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      if (typeof value === 'number') return value !== 0;
      throw bad();
    case 'string':
      if (typeof value === 'string') return value;
      throw bad();
    case 'aggFunc':
      if (typeof value === 'string' && aggFunc(value.replace(/Series$/, '')) !== undefined) return value;
      throw bad();
  }
}

export const seriesListParam = (name = 'seriesList'): Param => ({ name, type: 'seriesList', required: true });

type AggFunc = (values: Array<number | null>) => number | null;

const nonNull = (values: Array<number | null>): number[] => values.filter((v): v is number => v !== null);

/** Python's sum(): left to right from 0 (Python 3.11, which Debian 12's graphite-web runs on). */
export function pySum(values: ReadonlyArray<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** graphite-web's functions/safe.py aggregations, by their aggFuncs names. */
const AGG_FUNCS: Record<string, AggFunc> = {
  average: (vs) => {
    const x = nonNull(vs);
    return x.length ? pySum(x) / x.length : null;
  },
  avg_zero: (vs) => (vs.length ? pySum(vs.map((v) => v ?? 0)) / vs.length : null),
  median: (vs) => {
    const x = nonNull(vs).sort((a, b) => a - b);
    if (!x.length) return null;
    const mid = Math.floor(x.length / 2);
    return x.length % 2 === 0 ? ((x[mid - 1] as number) + (x[mid] as number)) / 2 : (x[mid] as number);
  },
  sum: (vs) => {
    const x = nonNull(vs);
    return x.length ? pySum(x) : null;
  },
  min: (vs) => {
    const x = nonNull(vs);
    return x.length ? Math.min(...x) : null;
  },
  max: (vs) => {
    const x = nonNull(vs);
    return x.length ? Math.max(...x) : null;
  },
  diff: (vs) => {
    const x = nonNull(vs);
    return x.length ? pySum([x[0] as number, ...x.slice(1).map((v) => v * -1)]) : null;
  },
  stddev: (vs) => {
    const x = nonNull(vs);
    if (!x.length) return null;
    const avg = pySum(x) / x.length;
    let sum = 0;
    for (const v of x) sum = sum + (v - avg) * (v - avg);
    return Math.sqrt(sum / x.length);
  },
  count: (vs) => nonNull(vs).length,
  range: (vs) => {
    const x = nonNull(vs);
    return x.length ? Math.max(...x) - Math.min(...x) : null;
  },
  multiply: (vs) => (vs.some((v) => v === null) ? null : (vs as number[]).reduce((a, b) => a * b)),
  last: (vs) => {
    for (let i = vs.length - 1; i >= 0; i--) if (vs[i] !== null) return vs[i] as number;
    return null;
  },
};
const AGG_ALIASES: Record<string, string> = {
  rangeOf: 'range',
  avg: 'average',
  total: 'sum',
  current: 'last',
};

export function aggFunc(name: string): AggFunc | undefined {
  return AGG_FUNCS[name] ?? AGG_FUNCS[AGG_ALIASES[name] ?? ''];
}

/** A time offset parameter in seconds, with graphite's messages on bad input. */
export function offsetSeconds(text: string): number {
  return parseTimeOffset(text);
}
