import type { SeyrenCheck } from '../clients/seyren/types';
import type { SubscriptionDefinition } from './definition-schema';
import { MANAGED_MARKER, type DesiredCheck } from './desired';
import { formatPlanText, planToJson, summarize } from './plan-format';
import { planChanges, toSeyrenSubscription } from './plan';
import { redactTarget } from './redact';
import { ansiStyle, stripStyle } from '../util/style';

const SECRET = 'PD-SECRET-KEY-123';
const SECRET2 = 'FLOW-TOKEN-456';
const URL = 'http://seyren.test/seyren';
const ALL_DAYS = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'] as const;

function sub(extra: Partial<SubscriptionDefinition> = {}): SubscriptionDefinition {
  return {
    type: 'PAGERDUTY',
    target: SECRET,
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

function desired(metric: string, extra: Partial<DesiredCheck> = {}): DesiredCheck {
  return {
    name: `healthlake:cv:${metric}`,
    description: `${MANAGED_MARKER} cv from checks/t.yaml.`,
    target: `cv(${metric})`,
    from: '-30d',
    until: 'now',
    warn: 0.6,
    error: 0.9,
    enabled: true,
    allowNoData: false,
    subscriptions: [sub()],
    direction: 'high-is-bad',
    source: { file: 'checks/t.yaml', line: 4, heuristic: 'cv', metric },
    ...extra,
  };
}

function actualOf(want: DesiredCheck, id: string, extra: Partial<SeyrenCheck> = {}): SeyrenCheck {
  return {
    id,
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
    lastCheck: null,
    subscriptions: want.subscriptions.map((s, i) => ({ ...toSeyrenSubscription(s), id: `${id}-s${i}` })),
    ...extra,
  };
}

/** One of everything: create, update (field + subscription create/update/delete), delete, unchanged, conflict. */
function fullPlan(prune: boolean) {
  const created = desired('health.new');
  const updated = desired('health.steps', { warn: 0.7, subscriptions: [sub({ days: ['mo'] })] });
  const unchanged = desired('health.same');
  const conflicting = desired('health.taken');
  const haveUpdated = actualOf(desired('health.steps'), 'u1', {
    subscriptions: [
      { ...toSeyrenSubscription(sub()), id: 'u1-s0' },
      { ...toSeyrenSubscription(sub({ type: 'FLOWDOCK', target: SECRET2 })), id: 'u1-s1' },
    ],
  });
  const existing = [
    haveUpdated,
    actualOf(unchanged, 'same1'),
    actualOf(conflicting, 'hand1', { description: 'made by hand' }),
    actualOf(desired('health.gone', { subscriptions: [sub({ target: SECRET2 })] }), 'gone1'),
  ];
  const plan = planChanges([created, updated, unchanged, conflicting], existing, { prune });
  // a subscription create inside an update, too
  const update = plan.actions.find((a) => a.kind === 'update');
  if (update?.kind === 'update')
    update.subscriptions.push({ kind: 'create', desired: toSeyrenSubscription(sub({ target: SECRET2 })) });
  return plan;
}

describe('formatPlanText', () => {
  it('shows + for creates, ~ field old → new for updates, - for deletes, and the summary line', () => {
    const text = formatPlanText(fullPlan(true), { seyrenUrl: URL, prune: true });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`healthlake will make these changes in Seyren (${URL}):`);
    expect(lines).toContain('  + healthlake:cv:health.new');
    expect(lines).toContain('      target         cv(health.new)');
    expect(lines).toContain('      range          -30d .. now');
    expect(lines).toContain('      thresholds     high is bad: WARN at >= 0.6, ERROR at >= 0.9');
    expect(lines).toContain(`      subscription   PAGERDUTY ${redactTarget(SECRET)} every day 0000-2359`);
    expect(lines).toContain('  ~ healthlake:cv:health.steps  (id u1)');
    expect(lines).toContain('      warn           0.6 → 0.7');
    expect(lines).toContain(
      `      subscription   ~ PAGERDUTY ${redactTarget(SECRET)}: su true → false, tu true → false, ` +
        'we true → false, th true → false, fr true → false, sa true → false',
    );
    expect(lines).toContain(`      subscription   - FLOWDOCK ${redactTarget(SECRET2)} every day 0000-2359`);
    expect(lines).toContain(`      subscription   + PAGERDUTY ${redactTarget(SECRET2)} every day 0000-2359`);
    expect(lines).toContain('  - healthlake:cv:health.gone  (id gone1)');
    expect(lines).toContain('Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged.');
    expect(text).toContain(
      '1 declared check(s) have a name already used by a check healthlake did not create',
    );
    expect(lines).toContain('    healthlake:cv:health.taken  (id hand1)');
    // the order is create, update, delete
    const at = (s: string) => lines.indexOf(s);
    expect(at('  + healthlake:cv:health.new')).toBeLessThan(at('  ~ healthlake:cv:health.steps  (id u1)'));
    expect(at('  ~ healthlake:cv:health.steps  (id u1)')).toBeLessThan(
      at('  - healthlake:cv:health.gone  (id gone1)'),
    );
  });

  it('without prune, lists orphans and says how to delete them', () => {
    const text = formatPlanText(fullPlan(false), { seyrenUrl: URL, prune: false });
    expect(text).toContain('Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged.');
    expect(text).toContain('1 managed check(s) are no longer declared; run with --prune to delete them:');
    expect(text.split('\n')).toContain('    healthlake:cv:health.gone  (id gone1)');
    expect(text).not.toContain('  - healthlake:cv:health.gone');
  });

  it('an empty plan says "No changes" with the unchanged count', () => {
    const want = desired('health.same');
    const plan = planChanges([want], [actualOf(want, 'x')], { prune: false });
    expect(formatPlanText(plan, { seyrenUrl: URL, prune: false })).toBe(
      `No changes. Seyren (${URL}) matches the definitions: 1 checks unchanged.`,
    );
  });

  it('a disabled check and a low-is-bad direction are spelled out', () => {
    const plan = planChanges([desired('health.low', { warn: 10, error: 5, enabled: false })], [], {
      prune: false,
    });
    expect(formatPlanText(plan, { seyrenUrl: URL, prune: false })).toContain(
      '      thresholds     low is bad: WARN at <= 10, ERROR at <= 5 (disabled)',
    );
  });

  it('names checks whose metric has no series in Graphite, under the change and at the end', () => {
    const typo = desired('health.setps');
    const plan = planChanges([typo, desired('health.same')], [actualOf(desired('health.same'), 'x')], {
      prune: false,
    });
    const noSeries = new Map([
      [typo.name, 'health.setps'],
      ['healthlake:cv:health.same', 'health.same'],
    ]);
    const lines = formatPlanText(plan, { seyrenUrl: URL, prune: false, noSeries }).split('\n');
    expect(lines).toContain('      data           no series in Graphite for health.setps');
    expect(lines.slice(-3)).toEqual([
      '2 declared check(s) read a metric with no series in Graphite (a typo, or nothing written yet?); Seyren would show them as no data:',
      '    healthlake:cv:health.same  (metric health.same)',
      '    healthlake:cv:health.setps  (metric health.setps)',
    ]);
    expect(planToJson(plan, undefined, noSeries).noSeries).toEqual([
      { name: 'healthlake:cv:health.same', metric: 'health.same' },
      { name: 'healthlake:cv:health.setps', metric: 'health.setps' },
    ]);
  });

  it('colours creates, updates and deletes for a terminal; the text is the same without the colours', () => {
    const plain = formatPlanText(fullPlan(true), { seyrenUrl: URL, prune: true });
    const coloured = formatPlanText(fullPlan(true), { seyrenUrl: URL, prune: true, style: ansiStyle });
    expect(stripStyle(coloured)).toBe(plain);
    expect(coloured).toContain('\u001b[32m  + healthlake:cv:health.new\u001b[39m');
    // eslint-disable-next-line no-control-regex -- matching the terminal's escape codes is the point
    expect(coloured).toMatch(/\u001b\[33m {2}~ healthlake:cv:health\.steps/);
    // eslint-disable-next-line no-control-regex -- matching the terminal's escape codes is the point
    expect(coloured).toMatch(/\u001b\[31m {2}- healthlake:cv:health\.gone/);
    expect(plain).not.toContain('\u001b[');
  });

  it('never prints a subscription target in clear', () => {
    for (const prune of [false, true]) {
      const text = formatPlanText(fullPlan(prune), { seyrenUrl: URL, prune });
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET2);
      expect(text).not.toContain('PD-SECRET');
    }
  });
});

describe('planToJson', () => {
  it('summarises and describes each action', () => {
    const plan = fullPlan(true);
    const json = planToJson(plan);
    expect(json.summary).toEqual({ create: 1, update: 1, delete: 1, unchanged: 1, orphans: 0, conflicts: 1 });
    expect(json.summary).toEqual(summarize(plan));
    expect(json.actions.map((a) => `${a.action} ${a.name}`)).toEqual([
      'create healthlake:cv:health.new',
      'update healthlake:cv:health.steps',
      'delete healthlake:cv:health.gone',
    ]);
    expect(json.actions[0]).toMatchObject({ warn: 0.6, error: 0.9, direction: 'high-is-bad', enabled: true });
    expect(json.actions[1]).toMatchObject({ id: 'u1', changes: [{ field: 'warn', from: 0.6, to: 0.7 }] });
    expect(json.actions[2]).toEqual({ action: 'delete', name: 'healthlake:cv:health.gone', id: 'gone1' });
    expect(json.conflicts).toEqual([{ name: 'healthlake:cv:health.taken', id: 'hand1' }]);
    expect(json.unchanged).toEqual(['healthlake:cv:health.same']);
  });

  it('never contains a subscription target in clear, only its fingerprint', () => {
    for (const prune of [false, true]) {
      const text = JSON.stringify(planToJson(fullPlan(prune)));
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET2);
      expect(text).toContain(redactTarget(SECRET));
    }
  });
});

describe('withheld deletions in the plan', () => {
  it('are listed under their glob and reason, in text and JSON, and are no deletes', () => {
    const glob = 'health.*';
    const reason = 'graphite-web node http://n2 did not answer (ECONNREFUSED)';
    const plan = planChanges(
      [desired('health.steps')],
      [actualOf(desired('health.steps'), 'a'), actualOf(desired('health.gone'), 'g')],
      {
        prune: true,
        incompleteExpansions: [{ glob, kind: 'partial', reason }],
      },
    );
    const text = formatPlanText(plan, { seyrenUrl: URL, prune: true });
    expect(text).toContain('No changes.');
    expect(text).toContain(
      "1 managed check(s) are kept although a glob no longer lists their series: that glob's expansion may be incomplete",
    );
    expect(text).toContain(`  ${glob}: ${reason}\n    healthlake:cv:health.gone  (id g)`);
    const json = planToJson(plan);
    expect(json.withheld).toEqual([{ name: 'healthlake:cv:health.gone', id: 'g', glob, reason }]);
    expect(json.incompleteExpansions).toEqual([{ glob, kind: 'partial', reason }]);
    expect(json.summary.delete).toBe(0);
  });
});
