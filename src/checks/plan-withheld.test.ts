import type { SeyrenCheck } from '../clients/seyren/types';
import { MANAGED_MARKER, type DesiredCheck } from './desired';
import type { IncompleteExpansion } from './expansion';
import { leavesWorkUndone, metricOfCheckName, planChanges } from './plan';
import { formatPlanText, planToJson } from './plan-format';

// The prune guard for partial expansions: a glob that "lost" series because a cluster node did not answer must
// not delete their checks.

const GLOB = 'apps.prod.server*.tx_rate';
const m = (n: number) => `apps.prod.server${n}.tx_rate`;

function desired(metric: string, heuristic = 'cv'): DesiredCheck {
  return {
    name: `healthlake:${heuristic}:${metric}`,
    description: `${MANAGED_MARKER} (env prod) ${heuristic} from checks/apps.yaml.`,
    target: `divideSeries(stdev(${metric},30),movingAverage(${metric},30))`,
    from: '-15min',
    until: 'now',
    warn: 0.3,
    error: 0.5,
    enabled: true,
    allowNoData: false,
    subscriptions: [],
    direction: 'high-is-bad',
    source: { file: 'checks/apps.yaml', line: 7, heuristic, metric, env: 'prod' },
  };
}

let nextId = 1;
function existing(want: DesiredCheck): SeyrenCheck {
  return {
    id: `id${nextId++}`,
    name: want.name,
    description: want.description,
    target: want.target,
    from: want.from,
    until: want.until,
    warn: String(want.warn),
    error: String(want.error),
    enabled: true,
    live: false,
    allowNoData: false,
    state: 'OK',
    lastCheck: null,
    subscriptions: [],
  };
}

const partial: IncompleteExpansion = {
  glob: GLOB,
  kind: 'partial',
  reason: 'graphite-web node http://127.0.0.1:9002 did not answer (ECONNREFUSED)',
};

describe('planChanges with an incomplete expansion', () => {
  // In Seyren: servers 1..3. The expansion, with node 2 down, lists only 1 and 3.
  const inSeyren = [1, 2, 3].map((n) => existing(desired(m(n))));
  const stillListed = [desired(m(1)), desired(m(3))];

  it('withholds the deletion of the series the glob lost, with the glob and why', () => {
    const plan = planChanges(stillListed, inSeyren, { prune: true, incompleteExpansions: [partial] });
    expect(plan.actions).toEqual([]);
    expect(plan.withheld).toEqual([
      { name: `healthlake:cv:${m(2)}`, id: inSeyren[1]!.id, glob: GLOB, reason: partial.reason },
    ]);
    expect(leavesWorkUndone(plan, true)).toBe(true);
  });

  it('deletes the same check when the expansion is complete', () => {
    const plan = planChanges(stillListed, inSeyren, { prune: true, incompleteExpansions: [] });
    expect(plan.actions.map((a) => `${a.kind} ${a.name}`)).toEqual([`delete healthlake:cv:${m(2)}`]);
    expect(plan.withheld).toBeUndefined();
    expect(leavesWorkUndone(plan, true)).toBe(false);
  });

  it('still prunes checks no glob of an incomplete expansion matches: those follow the definitions', () => {
    const other = existing(desired('apps.prod.db1.latency', 'timeshift'));
    const plan = planChanges(stillListed, [...inSeyren, other], {
      prune: true,
      incompleteExpansions: [partial],
    });
    expect(plan.actions.map((a) => `${a.kind} ${a.name}`)).toEqual([`delete ${other.name}`]);
    expect(plan.withheld?.map((w) => w.name)).toEqual([`healthlake:cv:${m(2)}`]);
  });

  it('without --prune, lists a lost series as withheld, not as an orphan to prune', () => {
    const plan = planChanges(stillListed, inSeyren, { prune: false, incompleteExpansions: [partial] });
    expect(plan.orphans).toEqual([]);
    expect(plan.withheld?.map((w) => w.name)).toEqual([`healthlake:cv:${m(2)}`]);
    // a partial expansion leaves checks of the silent node's new series uncreated: not converged either
    expect(leavesWorkUndone(plan, false)).toBe(true);
  });

  it('an unverified expansion (federating front, nodes unknown) withholds, but alone is no failure', () => {
    const unverified: IncompleteExpansion = { ...partial, kind: 'unverified', reason: 'nodes unknown' };
    const withLoss = planChanges(stillListed, inSeyren, { prune: true, incompleteExpansions: [unverified] });
    expect(withLoss.withheld).toHaveLength(1);
    expect(leavesWorkUndone(withLoss, true)).toBe(true);
    const nothingLost = planChanges([...stillListed, desired(m(2))], inSeyren, {
      prune: true,
      incompleteExpansions: [unverified],
    });
    expect(nothingLost.withheld).toBeUndefined();
    expect(leavesWorkUndone(nothingLost, true)).toBe(false);
  });

  it('shows the withheld checks under their glob and reason, in text and JSON', () => {
    const plan = planChanges(stillListed, inSeyren, { prune: true, incompleteExpansions: [partial] });
    const text = formatPlanText(plan, { seyrenUrl: 'http://seyren', prune: true });
    expect(text).toContain('No changes.');
    expect(text).toContain(
      "1 managed check(s) are kept although a glob no longer lists their series: that glob's expansion may be incomplete",
    );
    expect(text).toContain(
      `  ${GLOB}: ${partial.reason}\n    healthlake:cv:${m(2)}  (id ${inSeyren[1]!.id})`,
    );
    const json = planToJson(plan);
    expect(json.withheld).toEqual(plan.withheld);
    expect(json.incompleteExpansions).toEqual([partial]);
    expect(json.summary.delete).toBe(0);
  });
});

describe('metricOfCheckName', () => {
  it('takes everything after the heuristic', () => {
    expect(metricOfCheckName('healthlake:cv:apps.prod.server1.tx_rate')).toBe('apps.prod.server1.tx_rate');
    expect(metricOfCheckName('healthlake:staleness:stats.gauges.a:b')).toBe('stats.gauges.a:b');
    expect(metricOfCheckName('disk-space')).toBeUndefined();
    expect(metricOfCheckName('healthlake:nometric')).toBeUndefined();
  });
});
