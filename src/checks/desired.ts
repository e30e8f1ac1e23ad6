import path from 'node:path';
import { InputError, type InputProblem } from '../errors';
import { renderTarget } from '../templates/template';
import type { CheckSpec } from './definitions';
import type { Direction } from './lint';
import { hasWildcards } from './metric-name';
import type { SubscriptionDefinition } from './definition-schema';

/** Every check healthlake manages is named with this prefix, and nothing else is ever touched. */
export const MANAGED_NAME_PREFIX = 'healthlake:';
/** First words of the description of every managed check: a second, human-visible marker. */
export const MANAGED_MARKER = '[managed by healthlake]';

/** A concrete check as healthlake wants it in Seyren: one heuristic of one series. */
export interface DesiredCheck {
  name: string;
  description: string;
  target: string;
  from: string;
  until: string;
  warn: number;
  error: number;
  enabled: boolean;
  allowNoData: boolean;
  subscriptions: SubscriptionDefinition[];
  direction: Direction;
  /** Where it was declared, for messages. */
  source: { file: string; line?: number; heuristic: string; metric: string; env?: string };
}

export function checkName(heuristic: string, metric: string): string {
  return `${MANAGED_NAME_PREFIX}${heuristic}:${metric}`;
}

/** Renders one spec for one concrete series (the spec's own metric when it has no wildcards). */
export function toDesiredCheck(spec: CheckSpec, metric: string = spec.metric): DesiredCheck {
  if (hasWildcards(metric)) {
    // divideSeries needs exactly one divisor series: a glob here would make graphite-web answer 400.
    throw InputError.single(`"${metric}" still has wildcards; expand it through Graphite first`, {
      file: spec.file,
      line: spec.line,
      field: 'metric',
    });
  }
  const target = renderTarget(spec.template, { ...spec.vars, metric }, spec.resolution);
  return {
    name: checkName(spec.heuristic, metric),
    description: describeCheck(spec, metric),
    target,
    from: spec.from,
    until: spec.until,
    warn: spec.warn,
    error: spec.error,
    enabled: spec.enabled,
    allowNoData: spec.allowNoData,
    subscriptions: spec.subscriptions,
    direction: spec.direction,
    source: { file: spec.file, line: spec.line, heuristic: spec.heuristic, metric, env: spec.env },
  };
}

/**
 * What a person who receives this check's alert needs: what it measures, where it is defined (the file within the
 * checks folder, so moving the folder changes nothing) and how to replay it. No thresholds: they are the check's
 * own warn/error fields, so a threshold change diffs only those. `(env X)` after the marker is how a pruning run
 * limited to one environment recognises its checks.
 */
export function describeCheck(spec: CheckSpec, metric: string): string {
  const env = spec.env !== undefined ? ` (env ${spec.env})` : '';
  const declared = checkName(spec.heuristic, spec.metric);
  const backtest = [
    'healthlake backtest --check',
    shellWord(declared),
    ...(declared !== checkName(spec.heuristic, metric) ? ['--metric', shellWord(metric)] : []),
    ...(spec.env !== undefined ? ['--env', spec.env] : []),
  ].join(' ');
  return (
    `${MANAGED_MARKER}${env} ${spec.template.description} ` +
    `Defined in ${path.basename(spec.file)} of the checks folder: edit it there, not here (changes here are overwritten). ` +
    `Replay its history: ${backtest}`
  );
}

/** Quoted for a shell when it holds glob or other special characters. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_.:,@%+=/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Expands every spec's globs through `expand` (Graphite's /metrics/expand) into one check per series and
 * fails on two declarations that produce the same check name. A glob that matches nothing yields no check and
 * is reported to `onUnmatched`.
 */
export async function desiredChecks(
  specs: CheckSpec[],
  expand: (glob: string) => Promise<string[]>,
  options: { onUnmatched?: (spec: CheckSpec) => void } = {},
): Promise<DesiredCheck[]> {
  const expansions = new Map<string, Promise<string[]>>();
  const out: DesiredCheck[] = [];
  for (const spec of specs) {
    let metrics = [spec.metric];
    if (hasWildcards(spec.metric)) {
      if (!expansions.has(spec.metric)) expansions.set(spec.metric, expand(spec.metric));
      metrics = await (expansions.get(spec.metric) as Promise<string[]>);
      if (metrics.length === 0) options.onUnmatched?.(spec);
    }
    for (const metric of metrics) out.push(toDesiredCheck(spec, metric));
  }
  assertUniqueNames(out);
  return out;
}

export function assertUniqueNames(checks: DesiredCheck[]): void {
  const seen = new Map<string, DesiredCheck>();
  const problems: InputProblem[] = [];
  for (const c of checks) {
    const first = seen.get(c.name);
    if (first) {
      problems.push({
        file: c.source.file,
        line: c.source.line,
        field: 'metric',
        message: `check "${c.name}" is also declared at ${first.source.file}:${first.source.line ?? '?'}; names must be unique`,
      });
    } else seen.set(c.name, c);
  }
  if (problems.length > 0) throw new InputError(problems);
}
