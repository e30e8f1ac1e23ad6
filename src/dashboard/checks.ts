import type { CheckSpec } from '../checks/definitions';
import { assertUniqueNames, toDesiredCheck } from '../checks/desired';
import { hasWildcards } from '../checks/metric-name';
import type { DashboardCheck } from './build';

/**
 * Every spec's globs expanded through `expand` (Graphite's /metrics/expand) into one entry per series, as
 * provision-checks does, with the same rule that two declarations must not produce the same check. Globs that
 * match nothing are returned in `unmatched` (an app that is not deployed yet has no graphs, not an error).
 */
export async function dashboardChecks(
  specs: readonly CheckSpec[],
  expand: (glob: string) => Promise<string[]>,
): Promise<{ checks: DashboardCheck[]; unmatched: string[] }> {
  const expansions = new Map<string, Promise<string[]>>();
  const checks: DashboardCheck[] = [];
  const unmatched: string[] = [];
  for (const spec of specs) {
    let metrics = [spec.metric];
    if (hasWildcards(spec.metric)) {
      if (!expansions.has(spec.metric)) expansions.set(spec.metric, expand(spec.metric));
      metrics = await (expansions.get(spec.metric) as Promise<string[]>);
      if (metrics.length === 0 && !unmatched.includes(spec.metric)) unmatched.push(spec.metric);
    }
    for (const metric of metrics) checks.push({ spec, metric });
  }
  assertUniqueNames(checks.map((c) => toDesiredCheck(c.spec, c.metric)));
  return { checks, unmatched };
}
