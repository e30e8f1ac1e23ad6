import { EvaluationError } from './errors';
import { validateArgs, type ArgValue, type CallContext, type EvalContext } from './function';
import { FUNCTIONS } from './functions';
import { parseTarget, type Expr } from './parser';
import type { DataProvider, Series } from './series';

/**
 * Evaluates a Graphite target the way graphite-web 1.1.8's render/evaluator.py does: arguments first, then
 * the function; a path is fetched from the data provider for the context's range; functions that need
 * history (movingAverage, timeShift, holtWinters*) evaluate their first argument again over a wider or shifted
 * range, exactly as graphite-web re-evaluates `requestContext['args'][0]`.
 */
export async function evaluateTarget(target: string | Expr, ctx: EvalContext): Promise<Series[]> {
  const expr = typeof target === 'string' ? parseTarget(target) : target;
  const value = await evaluateExpr(expr, ctx);
  if (!Array.isArray(value)) throw new EvaluationError('a target must evaluate to series, not to a constant');
  return value;
}

/** Convenience: evaluate `target` over (from, until] against `provider`. */
export function evaluate(
  target: string | Expr,
  from: number,
  until: number,
  provider: DataProvider,
): Promise<Series[]> {
  return evaluateTarget(target, { from, until, provider });
}

async function evaluateExpr(expr: Expr, ctx: EvalContext): Promise<ArgValue> {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'string':
      return expr.value;
    case 'boolean':
      return expr.value;
    case 'none':
      return null;
    case 'inf':
      return Infinity;
    case 'path': {
      const fetched = await ctx.provider.fetch(expr.path, ctx.from, ctx.until);
      // Each evaluation gets its own copies, as graphite-web builds a new TimeSeries per fetch.
      return fetched.map((s) => ({ ...s, values: s.values.slice() }));
    }
    case 'call': {
      const fn = FUNCTIONS.get(expr.name);
      if (!fn) throw new EvaluationError(`Received request for unknown function: ${expr.name}`);
      const args: ArgValue[] = [];
      for (const arg of expr.args) args.push(await evaluateExpr(arg, ctx));
      const kwargs: Record<string, ArgValue> = {};
      for (const [name, arg] of Object.entries(expr.kwargs)) kwargs[name] = await evaluateExpr(arg, ctx);
      const call: CallContext = {
        ctx,
        rawArgs: expr.args,
        evaluate: (e, c) => evaluateTarget(e, c),
      };
      return fn.run(call, validateArgs(fn, args, kwargs));
    }
  }
}
