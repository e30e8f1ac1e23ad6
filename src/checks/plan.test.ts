import type { SeyrenCheck, SeyrenSubscription } from '../clients/seyren/types';
import type { SubscriptionDefinition } from './definition-schema';
import { MANAGED_MARKER, type DesiredCheck } from './desired';
import type { IncompleteExpansion } from './expansion';
import {
  diffFields,
  diffSubscriptions,
  environmentOf,
  isManaged,
  leavesWorkUndone,
  metricOfCheckName,
  newCheckBody,
  planChanges,
  toSeyrenSubscription,
  updatedCheckBody,
  type PlannedAction,
} from './plan';

const ALL_DAYS = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'] as const;

function sub(extra: Partial<SubscriptionDefinition> = {}): SubscriptionDefinition {
  return {
    type: 'EMAIL',
    target: 'me@example.com',
    days: [...ALL_DAYS],
    fromTime: '0000',
    toTime: '2359',
    ignoreWarn: false,
    ignoreError: false,
    ignoreOk: false,
    enabled: true,
    ...extra,
  };
}

function desired(name: string, extra: Partial<DesiredCheck> = {}): DesiredCheck {
  const env = extra.source?.env;
  return {
    name: `healthlake:cv:${name}`,
    description: `${MANAGED_MARKER}${env ? ` (env ${env})` : ''} cv from checks/health.yaml.`,
    target: `divideSeries(stdev(${name},14),movingAverage(${name},14))`,
    from: '-30d',
    until: 'now',
    warn: 0.5,
    error: 1,
    enabled: true,
    allowNoData: false,
    subscriptions: [sub()],
    direction: 'high-is-bad',
    source: { file: 'checks/health.yaml', line: 3, heuristic: 'cv', metric: name },
    ...extra,
  };
}

let nextId = 1;
/** What Seyren returns for `want` after a POST: thresholds as BigDecimal strings, ids minted. */
function actualOf(want: DesiredCheck, extra: Partial<SeyrenCheck> = {}): SeyrenCheck {
  return {
    id: `id${nextId++}`,
    name: want.name,
    description: want.description,
    target: want.target,
    from: want.from,
    until: want.until,
    warn: String(want.warn),
    error: String(want.error),
    enabled: want.enabled,
    live: false,
    allowNoData: want.allowNoData,
    state: 'OK',
    lastCheck: 1700000000000,
    subscriptions: want.subscriptions.map((s, i) => ({ ...toSeyrenSubscription(s), id: `sub${i}` })),
    ...extra,
  };
}

const kinds = (actions: PlannedAction[]) => actions.map((a) => `${a.kind} ${a.name}`);

describe('diffFields: Seyren normalisation is not a change', () => {
  it.each([
    [0.5, '0.50'],
    [1, '1.0'],
    [1000, '1000'],
    [0.25, '0.250'],
    [-2, '-2.00'],
  ])('desired %p equals Seyren string %p', (n, s) => {
    const want = desired('health.steps', { warn: n, error: n });
    expect(diffFields(want, actualOf(want, { warn: s, error: s }))).toEqual([]);
  });

  it('a different threshold is one change with both sides as numbers', () => {
    const want = desired('health.steps', { warn: 0.6 });
    expect(diffFields(want, actualOf(want, { warn: '0.50' }))).toEqual([
      { field: 'warn', from: 0.5, to: 0.6 },
    ]);
  });

  it('a null threshold in Seyren is a change, not equal to anything', () => {
    const want = desired('health.steps');
    expect(diffFields(want, actualOf(want, { error: null }))).toEqual([
      { field: 'error', from: null, to: 1 },
    ]);
  });

  it('null and "" from/until are the same as an empty desired value', () => {
    const want = desired('health.steps', { from: '', until: '' });
    expect(diffFields(want, actualOf(want, { from: null, until: '' }))).toEqual([]);
    expect(diffFields(want, actualOf(want, { from: '', until: null }))).toEqual([]);
  });

  it('a null from in Seyren differs from a declared -30d', () => {
    const want = desired('health.steps');
    expect(diffFields(want, actualOf(want, { from: null }))).toEqual([
      { field: 'from', from: null, to: '-30d' },
    ]);
  });

  it('live must be false', () => {
    const want = desired('health.steps');
    expect(diffFields(want, actualOf(want, { live: true }))).toEqual([
      { field: 'live', from: true, to: false },
    ]);
  });
});

describe('diffSubscriptions: matched by type + target', () => {
  const pd = sub({ type: 'PAGERDUTY', target: 'PD-KEY' });
  const slack = sub({ type: 'SLACK', target: '#ops' });
  const have = (s: SubscriptionDefinition, id: string, extra: Partial<SeyrenSubscription> = {}) => ({
    ...toSeyrenSubscription(s),
    id,
    ...extra,
  });

  it('identical subscriptions, in any order, are no change', () => {
    const changes = diffSubscriptions([pd, slack].map(toSeyrenSubscription), [
      have(slack, 's1'),
      have(pd, 's2'),
    ]);
    expect(changes).toEqual([]);
  });

  it('one field changed is one update naming that field, with the existing id', () => {
    const changes = diffSubscriptions([toSeyrenSubscription(pd)], [have(pd, 's1', { sa: false })]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'update', id: 's1', fields: ['sa'] });
  });

  it('the same type with another target is a create plus a delete, not an update', () => {
    const changes = diffSubscriptions(
      [toSeyrenSubscription(sub({ type: 'PAGERDUTY', target: 'NEW-KEY' }))],
      [have(pd, 's1')],
    );
    expect(changes.map((c) => c.kind)).toEqual(['create', 'delete']);
    expect(changes[1]).toMatchObject({ kind: 'delete', id: 's1' });
  });

  it('an extra actual is a delete; a missing one is a create', () => {
    const changes = diffSubscriptions([toSeyrenSubscription(pd)], [have(pd, 's1'), have(slack, 's2')]);
    expect(changes).toEqual([{ kind: 'delete', id: 's2', actual: have(slack, 's2') }]);
    const created = diffSubscriptions([pd, slack].map(toSeyrenSubscription), [have(pd, 's1')]);
    expect(created).toEqual([{ kind: 'create', desired: toSeyrenSubscription(slack) }]);
  });

  it('toSeyrenSubscription sets all 7 day flags, both times and enabled', () => {
    expect(toSeyrenSubscription(sub({ days: ['mo', 'fr'] }))).toEqual({
      type: 'EMAIL',
      target: 'me@example.com',
      su: false,
      mo: true,
      tu: false,
      we: false,
      th: false,
      fr: true,
      sa: false,
      ignoreWarn: false,
      ignoreError: false,
      ignoreOk: false,
      fromTime: '0000',
      toTime: '2359',
      enabled: true,
    });
  });
});

describe('planChanges', () => {
  const steps = desired('health.steps');
  const heart = desired('health.heart');

  it('missing → create (with the POST body), identical → unchanged', () => {
    const plan = planChanges([steps, heart], [actualOf(heart)], { prune: false });
    expect(kinds(plan.actions)).toEqual(['create healthlake:cv:health.steps']);
    expect(plan.actions[0]).toMatchObject({ kind: 'create', body: newCheckBody(steps) });
    expect(plan.unchanged).toEqual(['healthlake:cv:health.heart']);
    expect(plan).toMatchObject({ orphans: [], conflicts: [] });
  });

  it('Seyren strings for thresholds do not make an update', () => {
    const want = desired('health.steps', { warn: 0.5, error: 1000 });
    const plan = planChanges([want], [actualOf(want, { warn: '0.50', error: '1000' })], { prune: true });
    expect(plan.actions).toEqual([]);
    expect(plan.unchanged).toEqual([want.name]);
  });

  it('a changed threshold is one update carrying that field only, and no subscription change', () => {
    const have = actualOf(steps, { warn: '0.4' });
    const plan = planChanges([steps], [have], { prune: false });
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({
      kind: 'update',
      id: have.id,
      changes: [{ field: 'warn', from: 0.4, to: 0.5 }],
      subscriptions: [],
    });
  });

  it('a subscription-only change is an update with no field changes', () => {
    const have = actualOf(steps);
    have.subscriptions[0]!.toTime = '1800';
    const plan = planChanges([steps], [have], { prune: false });
    expect(plan.actions[0]).toMatchObject({
      kind: 'update',
      changes: [],
      subscriptions: [{ kind: 'update', id: 'sub0', fields: ['toTime'] }],
    });
  });

  it('a healthlake: name without the marker is a conflict: never updated, never deleted', () => {
    const byHand = actualOf(steps, { description: 'made by hand', warn: '7' });
    const undeclared = actualOf(desired('health.old'), { description: null });
    for (const prune of [false, true]) {
      const plan = planChanges([steps], [byHand, undeclared], { prune });
      expect(plan.actions).toEqual([]);
      expect(plan.conflicts).toEqual([{ name: steps.name, id: byHand.id }]);
      expect(plan.orphans).toEqual([]);
    }
  });

  it('the marker must start the description and the name must carry the prefix', () => {
    expect(isManaged({ name: 'healthlake:x', description: `${MANAGED_MARKER} y` })).toBe(true);
    expect(isManaged({ name: 'healthlake:x', description: `see ${MANAGED_MARKER}` })).toBe(false);
    expect(isManaged({ name: 'other:x', description: `${MANAGED_MARKER} y` })).toBe(false);
    expect(isManaged({ name: null, description: null })).toBe(false);
  });

  it('checks not named healthlake:… are ignored, even with prune and the marker', () => {
    const foreign = actualOf(desired('x'), { name: 'disk-space', description: `${MANAGED_MARKER} copied` });
    const plan = planChanges([], [foreign], { prune: true });
    expect(plan).toEqual({ actions: [], unchanged: [], orphans: [], conflicts: [] });
  });

  it('undeclared managed checks are orphans without prune and deletes with prune', () => {
    const orphanA = actualOf(desired('health.a'));
    const orphanB = actualOf(desired('health.b'));
    const kept = planChanges([steps], [orphanB, orphanA], { prune: false });
    expect(kinds(kept.actions)).toEqual(['create healthlake:cv:health.steps']);
    expect(kept.orphans).toEqual([
      { name: orphanA.name, id: orphanA.id },
      { name: orphanB.name, id: orphanB.id },
    ]);
    const pruned = planChanges([steps], [orphanB, orphanA], { prune: true });
    expect(kinds(pruned.actions)).toEqual([
      'create healthlake:cv:health.steps',
      'delete healthlake:cv:health.a',
      'delete healthlake:cv:health.b',
    ]);
    expect(pruned.actions[1]).toMatchObject({ kind: 'delete', id: orphanA.id });
    expect(pruned.orphans).toEqual([]);
  });

  it('with env, prune only touches checks whose description says (env <name>)', () => {
    const prodOrphan = actualOf(
      desired('apps.prod.s1', { source: { file: 'f', heuristic: 'cv', metric: 'm', env: 'prod' } }),
    );
    const stagingOrphan = actualOf(
      desired('apps.staging.s1', { source: { file: 'f', heuristic: 'cv', metric: 'm', env: 'staging' } }),
    );
    const noEnvOrphan = actualOf(desired('health.gone'));
    expect(environmentOf(prodOrphan)).toBe('prod');
    expect(environmentOf(noEnvOrphan)).toBeUndefined();
    const plan = planChanges([], [prodOrphan, stagingOrphan, noEnvOrphan], { prune: true, env: 'prod' });
    expect(plan.actions).toEqual([
      { kind: 'delete', name: prodOrphan.name, id: prodOrphan.id, actual: prodOrphan },
    ]);
    expect(plan.orphans).toEqual([]);
    const all = planChanges([], [prodOrphan, stagingOrphan, noEnvOrphan], { prune: true });
    expect(all.actions).toHaveLength(3);
  });

  it('orders creates, then updates, then deletes, each by name', () => {
    const b = desired('b');
    const a = desired('a');
    const plan = planChanges(
      [b, a, desired('d')],
      [actualOf(desired('c')), actualOf(desired('d'), { enabled: false }), actualOf(desired('e'))],
      { prune: true },
    );
    expect(kinds(plan.actions)).toEqual([
      'create healthlake:cv:a',
      'create healthlake:cv:b',
      'update healthlake:cv:d',
      'delete healthlake:cv:c',
      'delete healthlake:cv:e',
    ]);
  });
});

describe('updatedCheckBody', () => {
  it('keeps id, name, state and lastCheck, and sends warn/error as strings', () => {
    const want = desired('health.steps', { warn: 0.7, error: 1.25, enabled: false });
    const have = actualOf(want, { id: 'abc', state: 'WARN', lastCheck: 1234, warn: '0.5', live: true });
    const body = updatedCheckBody(want, have);
    expect(body).toEqual({
      id: 'abc',
      name: want.name,
      description: want.description,
      target: want.target,
      from: '-30d',
      until: 'now',
      warn: '0.7',
      error: '1.25',
      enabled: false,
      live: false,
      allowNoData: false,
      state: 'WARN',
      lastCheck: 1234,
      subscriptions: have.subscriptions,
    });
  });

  it('a check Seyren never ran keeps lastCheck null and gets a state, so PUT does not NPE', () => {
    const want = desired('health.steps');
    const have = actualOf(want, { lastCheck: null, state: undefined as unknown as 'OK' });
    const body = updatedCheckBody(want, have);
    expect(body.lastCheck).toBeNull();
    expect(body.state).toBe('UNKNOWN');
  });
});

// The prune guard for partial expansions: a glob that "lost" series because a cluster node did not answer must
// not delete their checks.
describe('planChanges with an incomplete expansion', () => {
  const GLOB = 'apps.prod.server*.tx_rate';
  const m = (n: number) => `apps.prod.server${n}.tx_rate`;
  const partial: IncompleteExpansion = {
    glob: GLOB,
    kind: 'partial',
    reason: 'graphite-web node http://127.0.0.1:9002 did not answer (ECONNREFUSED)',
  };
  // In Seyren: servers 1..3. The expansion, with node 2 down, lists only 1 and 3.
  const inSeyren = [1, 2, 3].map((n) => actualOf(desired(m(n))));
  const stillListed = [desired(m(1)), desired(m(3))];
  const lost = { name: `healthlake:cv:${m(2)}`, id: inSeyren[1]!.id, glob: GLOB, reason: partial.reason };

  it('withholds the deletion of the series the glob lost, with the glob and why', () => {
    const plan = planChanges(stillListed, inSeyren, { prune: true, incompleteExpansions: [partial] });
    expect(plan.actions).toEqual([]);
    expect(plan.withheld).toEqual([lost]);
    expect(plan.incompleteExpansions).toEqual([partial]);
    expect(leavesWorkUndone(plan, true)).toBe(true);
  });

  it('deletes the same check when the expansion is complete', () => {
    const plan = planChanges(stillListed, inSeyren, { prune: true, incompleteExpansions: [] });
    expect(kinds(plan.actions)).toEqual([`delete healthlake:cv:${m(2)}`]);
    expect(plan.withheld).toBeUndefined();
    expect(leavesWorkUndone(plan, true)).toBe(false);
  });

  it('still prunes checks no glob of an incomplete expansion matches: those follow the definitions', () => {
    const other = actualOf(desired('apps.prod.db1.latency'));
    const plan = planChanges(stillListed, [...inSeyren, other], {
      prune: true,
      incompleteExpansions: [partial],
    });
    expect(kinds(plan.actions)).toEqual([`delete ${other.name}`]);
    expect(plan.withheld).toEqual([lost]);
  });

  it('without --prune, lists a lost series as withheld, not as an orphan to prune', () => {
    const plan = planChanges(stillListed, inSeyren, { prune: false, incompleteExpansions: [partial] });
    expect(plan.orphans).toEqual([]);
    expect(plan.withheld).toEqual([lost]);
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

  it('takes the metric from the check name: everything after the heuristic', () => {
    expect(metricOfCheckName('healthlake:cv:apps.prod.server1.tx_rate')).toBe('apps.prod.server1.tx_rate');
    expect(metricOfCheckName('healthlake:staleness:stats.gauges.a:b')).toBe('stats.gauges.a:b');
    expect(metricOfCheckName('disk-space')).toBeUndefined();
    expect(metricOfCheckName('healthlake:nometric')).toBeUndefined();
  });
});
