import type { CheckSpec } from '../checks/definitions';
import { checkName, toDesiredCheck } from '../checks/desired';
import { hasWildcards } from '../checks/metric-name';
import { InputError } from '../errors';
import { didYouMean } from '../util/did-you-mean';
import { parseTarget } from '../evaluator/parser';
import { getTemplate } from '../templates/registry';
import {
  checkRange,
  renderTarget,
  type Resolution,
  type Template,
  type TemplateVars,
} from '../templates/template';
import type { BacktestCheck } from './backtest';

export interface CheckSelection {
  /** A declared check: healthlake:<heuristic>:<metric>. */
  check?: string;
  /** With --check on a glob metric: the concrete series; otherwise the metric for --heuristic. */
  metric?: string;
  heuristic?: string;
  /** A raw Graphite target instead of a heuristic. */
  target?: string;
  env?: string;
  params?: TemplateVars;
  resolution?: Resolution;
  warn?: number;
  error?: number;
  /** The check's own range (default: the declaration's, or the template's defaults). */
  checkFrom?: string;
  checkUntil?: string;
  allowNoData?: boolean;
}

export interface CheckSources {
  specs: () => CheckSpec[];
  templates: ReadonlyMap<string, Template>;
}

/**
 * The check a backtest runs: a declared check (by name, or by metric + heuristic when declared), a template
 * applied to any metric with its defaults, or a raw target. Explicit values override the declared ones.
 */
export function resolveBacktestCheck(sel: CheckSelection, sources: CheckSources): BacktestCheck {
  const overrides = <T extends BacktestCheck>(c: T): T => ({
    ...c,
    warn: sel.warn ?? c.warn,
    error: sel.error ?? c.error,
    from: sel.checkFrom ?? c.from,
    until: sel.checkUntil ?? c.until,
    allowNoData: sel.allowNoData ?? c.allowNoData,
  });
  if (sel.target !== undefined) {
    parseTarget(sel.target);
    return overrides({
      name: sel.target,
      target: sel.target,
      from: '-30d',
      until: 'now',
      allowNoData: false,
    });
  }
  const wanted =
    sel.check ?? (sel.heuristic && sel.metric ? checkName(sel.heuristic, sel.metric) : undefined);
  if (!wanted) {
    throw InputError.single(
      'name a check (--check healthlake:<heuristic>:<metric>), or --metric and --heuristic, or --target',
    );
  }
  const declared = sources
    .specs()
    .filter(
      (s) => checkName(s.heuristic, s.metric) === wanted && (sel.env === undefined || s.env === sel.env),
    );
  if (declared.length > 1) {
    throw InputError.single(
      `"${wanted}" is declared for several environments (${declared.map((s) => s.env).join(', ')}): add --env`,
    );
  }
  const spec = declared[0];
  if (spec) {
    const metric = hasWildcards(spec.metric) ? sel.metric : spec.metric;
    if (metric === undefined || hasWildcards(metric)) {
      throw InputError.single(`"${wanted}" has a glob metric: name one series with --metric`, {
        field: 'metric',
      });
    }
    const desired = toDesiredCheck({ ...spec, vars: { ...spec.vars, ...(sel.params ?? {}) } }, metric);
    return overrides({
      name: desired.name,
      target: desired.target,
      from: desired.from,
      until: desired.until,
      warn: desired.warn,
      error: desired.error,
      allowNoData: desired.allowNoData,
    });
  }
  if (sel.check !== undefined) {
    const known = [...new Set(sources.specs().map((s) => checkName(s.heuristic, s.metric)))].sort();
    throw InputError.single(
      `no declared check is named "${sel.check}"${didYouMean(sel.check, known)} ` +
        `(declared: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})`,
      { field: '--check' },
    );
  }
  const template = getTemplate(sources.templates, sel.heuristic as string);
  const resolution = sel.resolution ?? 'daily';
  const vars = { ...(sel.params ?? {}), metric: sel.metric as string };
  const range = checkRange(template, sel.params ?? {}, resolution);
  return overrides({
    name: checkName(template.name, sel.metric as string),
    target: renderTarget(template, vars, resolution),
    from: range.from,
    until: range.until,
    allowNoData: false,
  });
}
