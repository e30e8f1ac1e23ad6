import type { Expr } from './parser';
import { parseTimeOffset } from './time-offset';

/** Paths a target reads (each fetched from the data provider). */
export function targetPaths(expr: Expr): string[] {
  if (expr.kind === 'path') return [expr.path];
  if (expr.kind !== 'call') return [];
  return [...expr.args, ...Object.values(expr.kwargs)].flatMap(targetPaths);
}

const MOVING = /^moving(Window|Average|Sum|Min|Max|Median)$/;

/**
 * How far before `from` (and after `until`) a target reads, in seconds, given the data's step: movingX
 * windows, holtWinters* bootstraps and timeShift shifts add up along each path from the root to a metric.
 * Used to prefetch raw data once for many evaluations.
 */
export function historyNeeded(expr: Expr, step: number): { before: number; after: number } {
  if (expr.kind !== 'call') return { before: 0, after: 0 };
  let before = 0;
  let after = 0;
  const arg = (i: number, name: string): Expr | undefined => expr.args[i] ?? expr.kwargs[name];
  if (MOVING.test(expr.name)) {
    const w = arg(1, 'windowSize');
    if (w?.kind === 'number') before = Math.trunc(w.value) * step;
    else if (w?.kind === 'string') before = Math.abs(safeOffset(w.value));
  } else if (expr.name.startsWith('holtWinters')) {
    const b = arg(expr.name === 'holtWintersForecast' ? 1 : 2, 'bootstrapInterval');
    before = b?.kind === 'string' ? Math.abs(safeOffset(b.value)) : 7 * 86400;
  } else if (expr.name === 'timeShift') {
    const s = arg(1, 'timeShift');
    if (s?.kind === 'string') {
      const text = /^\d/.test(s.value) ? `-${s.value}` : s.value;
      const delta = safeOffset(text);
      if (delta < 0) before = -delta;
      else after = delta;
    }
  }
  let childBefore = 0;
  let childAfter = 0;
  for (const child of [...expr.args, ...Object.values(expr.kwargs)]) {
    const h = historyNeeded(child, step);
    childBefore = Math.max(childBefore, h.before);
    childAfter = Math.max(childAfter, h.after);
  }
  return { before: before + childBefore, after: after + childAfter };
}

function safeOffset(text: string): number {
  try {
    return parseTimeOffset(text);
  } catch {
    return 0;
  }
}
