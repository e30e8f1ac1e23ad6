import type { NewSubscription, SeyrenSubscription } from '../clients/seyren/types';
import { DAYS } from './definition-schema';
import { describeDirection } from './lint';
import type { Plan, PlannedAction, SubscriptionChange } from './plan';
import { redactTarget } from './redact';
import { plainStyle, type Style } from '../util/style';

/** Plan output for people (like `terraform plan`) and for programs (`--json`). Secrets never appear. */

/**
 * Alerts per week a create or a threshold change would have produced over the last weeks, by check name
 * (src/backtest/noise.ts), when Graphite answered; `previousPerWeek` is at the thresholds Seyren has now.
 */
export interface AlertRate {
  perWeek: number;
  previousPerWeek?: number;
  weeks: number;
  /** The target had no value over those weeks: "0 alerts" would be a false comfort. */
  noData?: boolean;
}
export type AlertRates = ReadonlyMap<string, AlertRate>;

/** Declared checks whose metric has no series in Graphite, by check name: the metric. */
export type NoSeries = ReadonlyMap<string, string>;

function alertRateLine(rate: AlertRate | undefined): string[] {
  if (!rate) return [];
  if (rate.noData)
    return [`      alerts/week    no data (the target had no value in the last ${rate.weeks} weeks)`];
  const now = rate.perWeek.toFixed(2);
  const text = rate.previousPerWeek === undefined ? now : `${rate.previousPerWeek.toFixed(2)} → ${now}`;
  return [`      alerts/week    ${text} (over the last ${rate.weeks} weeks of Graphite data)`];
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  orphans: number;
  conflicts: number;
}

export function summarize(plan: Plan): PlanSummary {
  const count = (kind: PlannedAction['kind']) => plan.actions.filter((a) => a.kind === kind).length;
  return {
    create: count('create'),
    update: count('update'),
    delete: count('delete'),
    unchanged: plan.unchanged.length,
    orphans: plan.orphans.length,
    conflicts: plan.conflicts.length,
  };
}

function describeSubscription(s: NewSubscription | SeyrenSubscription): string {
  const days = DAYS.filter((d) => s[d]);
  const when = days.length === 7 ? 'every day' : days.length === 0 ? 'no day' : days.join(',');
  return `${s.type} ${redactTarget(s.target)} ${when} ${s.fromTime ?? '----'}-${s.toTime ?? '----'}${s.enabled ? '' : ' (disabled)'}`;
}

function subscriptionLine(change: SubscriptionChange): string {
  switch (change.kind) {
    case 'create':
      return `+ ${describeSubscription(change.desired)}`;
    case 'delete':
      return `- ${describeSubscription(change.actual)}`;
    case 'update': {
      const fields = change.fields.map(
        (f) =>
          `${f} ${String(change.actual[f as keyof SeyrenSubscription])} → ${String(change.desired[f as keyof NewSubscription])}`,
      );
      return `~ ${change.actual.type} ${redactTarget(change.actual.target)}: ${fields.join(', ')}`;
    }
  }
}

const show = (v: unknown) =>
  v === null || v === undefined ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v);

export function formatPlanText(
  plan: Plan,
  context: { seyrenUrl: string; prune: boolean; alertRates?: AlertRates; noSeries?: NoSeries; style?: Style },
): string {
  const out: string[] = [];
  const style = context.style ?? plainStyle;
  const dataLine = (name: string): string[] => {
    const metric = context.noSeries?.get(name);
    return metric === undefined
      ? []
      : [style.yellow(`      data           no series in Graphite for ${metric}`)];
  };
  const rateLines = (name: string) => {
    const rate = context.alertRates?.get(name);
    return alertRateLine(rate).map((l) => (rate?.noData ? style.yellow(l) : l));
  };
  const s = summarize(plan);
  if (plan.actions.length === 0) {
    out.push(
      `No changes. Seyren (${context.seyrenUrl}) matches the definitions: ${s.unchanged} checks unchanged.`,
    );
  } else {
    out.push(`healthlake will make these changes in Seyren (${context.seyrenUrl}):`, '');
    for (const a of plan.actions) {
      if (a.kind === 'create') {
        const c = a.desired;
        out.push(style.green(`  + ${a.name}`));
        out.push(`      target         ${c.target}`);
        out.push(`      range          ${c.from} .. ${c.until}`);
        out.push(
          `      thresholds     ${describeDirection(c.warn, c.error)}${c.enabled ? '' : ' (disabled)'}`,
        );
        out.push(...dataLine(a.name));
        out.push(...rateLines(a.name));
        for (const sub of a.body.subscriptions ?? [])
          out.push(`      subscription   ${describeSubscription(sub)}`);
      } else if (a.kind === 'update') {
        out.push(style.yellow(`  ~ ${a.name}  (id ${a.id})`));
        for (const c of a.changes) out.push(`      ${c.field.padEnd(14)} ${show(c.from)} → ${show(c.to)}`);
        out.push(...dataLine(a.name));
        out.push(...rateLines(a.name));
        for (const sub of a.subscriptions) {
          const paint =
            sub.kind === 'create' ? style.green : sub.kind === 'delete' ? style.red : style.yellow;
          out.push(`      subscription   ${paint(subscriptionLine(sub))}`);
        }
      } else {
        out.push(style.red(`  - ${a.name}  (id ${a.id})`));
      }
      out.push('');
    }
    out.push(
      style.bold(
        `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged.`,
      ),
    );
  }
  if (plan.orphans.length > 0) {
    out.push(
      '',
      `${plan.orphans.length} managed check(s) are no longer declared; ${context.prune ? '' : 'run with --prune to delete them'}:`,
    );
    for (const o of plan.orphans) out.push(`    ${o.name}  (id ${o.id})`);
  }
  if (context.noSeries && context.noSeries.size > 0) {
    out.push(
      '',
      style.yellow(
        `${context.noSeries.size} declared check(s) read a metric with no series in Graphite (a typo, or nothing written yet?); Seyren would show them as no data:`,
      ),
    );
    for (const [name, metric] of [...context.noSeries].sort()) out.push(`    ${name}  (metric ${metric})`);
  }
  if (plan.conflicts.length > 0) {
    out.push(
      '',
      `${plan.conflicts.length} declared check(s) have a name already used by a check healthlake did not create; they are left alone (rename or remove the other check):`,
    );
    for (const c of plan.conflicts) out.push(`    ${c.name}  (id ${c.id})`);
  }
  out.push(...withheldLines(plan));
  return out.join('\n');
}

export function planToJson(plan: Plan, alertRates?: AlertRates, noSeries?: NoSeries) {
  return {
    summary: summarize(plan),
    actions: plan.actions.map((a) => {
      if (a.kind === 'create') {
        const c = a.desired;
        return {
          action: 'create',
          name: a.name,
          target: c.target,
          from: c.from,
          until: c.until,
          warn: c.warn,
          error: c.error,
          direction: c.direction,
          enabled: c.enabled,
          allowNoData: c.allowNoData,
          subscriptions: (a.body.subscriptions ?? []).map(redactedSubscription),
          source: c.source,
          ...(alertRates?.has(a.name) ? { alertsPerWeek: alertRates.get(a.name) } : {}),
        };
      }
      if (a.kind === 'update') {
        return {
          action: 'update',
          name: a.name,
          id: a.id,
          changes: a.changes,
          ...(alertRates?.has(a.name) ? { alertsPerWeek: alertRates.get(a.name) } : {}),
          subscriptions: a.subscriptions.map((sub) =>
            sub.kind === 'create'
              ? { action: 'create', ...redactedSubscription(sub.desired) }
              : sub.kind === 'delete'
                ? { action: 'delete', id: sub.id, ...redactedSubscription(sub.actual) }
                : { action: 'update', id: sub.id, fields: sub.fields, ...redactedSubscription(sub.desired) },
          ),
        };
      }
      return { action: 'delete', name: a.name, id: a.id };
    }),
    unchanged: plan.unchanged,
    orphans: plan.orphans,
    conflicts: plan.conflicts,
    noSeries: [...(noSeries ?? [])].sort().map(([name, metric]) => ({ name, metric })),
    withheld: plan.withheld ?? [],
    incompleteExpansions: plan.incompleteExpansions ?? [],
  };
}

/** Checks not deleted because the glob that no longer lists their series may have answered partially. */
function withheldLines(plan: Plan): string[] {
  const withheld = plan.withheld ?? [];
  if (withheld.length === 0) return [];
  const out = [
    '',
    `${withheld.length} managed check(s) are kept although a glob no longer lists their series: that glob's ` +
      'expansion may be incomplete (a Graphite node that did not answer) or matched nothing at all (the reason ' +
      'is under each glob). A run whose expansion is complete deletes them if they are really gone:',
  ];
  for (const glob of [...new Set(withheld.map((w) => w.glob))]) {
    const ofGlob = withheld.filter((w) => w.glob === glob);
    out.push(`  ${glob}: ${ofGlob[0]!.reason}`);
    for (const w of ofGlob) out.push(`    ${w.name}  (id ${w.id})`);
  }
  return out;
}

function redactedSubscription(s: NewSubscription | SeyrenSubscription) {
  return { ...s, target: redactTarget(s.target) };
}
