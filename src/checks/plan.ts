import type { NewCheck, NewSubscription, SeyrenCheck, SeyrenSubscription } from '../clients/seyren/types';
import { globMatcher } from '../evaluator/memory-provider';
import { DAYS, type SubscriptionDefinition } from './definition-schema';
import type { IncompleteExpansion } from './expansion';
import { MANAGED_MARKER, MANAGED_NAME_PREFIX, type DesiredCheck } from './desired';

/**
 * The plan: what must change in Seyren so that its managed checks equal the definitions. Pure and
 * deterministic, so that `--dry-run` shows exactly what `apply` will send.
 */

/** Scalar fields healthlake owns on a check. Seyren's own fields (state, lastCheck, id) are left alone. */
export const MANAGED_FIELDS = [
  'description',
  'target',
  'from',
  'until',
  'warn',
  'error',
  'enabled',
  'allowNoData',
  'live',
] as const;
export type ManagedField = (typeof MANAGED_FIELDS)[number];

export interface FieldChange {
  field: ManagedField;
  from: string | number | boolean | null;
  to: string | number | boolean | null;
}

export type SubscriptionChange =
  | { kind: 'create'; desired: NewSubscription }
  | { kind: 'update'; id: string; actual: SeyrenSubscription; desired: NewSubscription; fields: string[] }
  | { kind: 'delete'; id: string; actual: SeyrenSubscription };

export type PlannedAction =
  | { kind: 'create'; name: string; desired: DesiredCheck; body: NewCheck }
  | {
      kind: 'update';
      name: string;
      id: string;
      desired: DesiredCheck;
      actual: SeyrenCheck;
      changes: FieldChange[];
      subscriptions: SubscriptionChange[];
    }
  | { kind: 'delete'; name: string; id: string; actual: SeyrenCheck };

export interface Plan {
  actions: PlannedAction[];
  unchanged: string[];
  /** Managed checks no longer declared, left in place because --prune was not given. */
  orphans: Array<{ name: string; id: string }>;
  /** Declared checks whose name is taken by a check healthlake did not create: never touched. */
  conflicts: Array<{ name: string; id: string }>;
  /**
   * Managed checks that look undeclared only because a glob no longer lists their series, while that glob's
   * expansion may be incomplete (a cluster node did not answer): never deleted from such an answer. Absent
   * when there are none.
   */
  withheld?: Array<{ name: string; id: string; glob: string; reason: string }>;
  /** The globs whose expansion may be incomplete (from PlanOptions), for the plan's readers. */
  incompleteExpansions?: IncompleteExpansion[];
}

/** Did healthlake create this check? Both the name prefix and the description marker must say so. */
export function isManaged(check: Pick<SeyrenCheck, 'name' | 'description'>): boolean {
  return (
    (check.name ?? '').startsWith(MANAGED_NAME_PREFIX) && (check.description ?? '').startsWith(MANAGED_MARKER)
  );
}

/** The environment a managed check was rendered for, from its description marker. */
export function environmentOf(check: Pick<SeyrenCheck, 'description'>): string | undefined {
  return /\(env ([A-Za-z0-9_-]+)\)/.exec(check.description ?? '')?.[1];
}

export interface PlanOptions {
  prune: boolean;
  /** With --env, only managed checks of that environment are candidates for pruning. */
  env?: string;
  /** Globs whose expansion may have lost series (src/checks/expansion.ts): their checks are not pruned. */
  incompleteExpansions?: readonly IncompleteExpansion[];
}

/** The metric of a managed check, from its name `healthlake:<heuristic>:<metric>`. */
export function metricOfCheckName(name: string): string | undefined {
  if (!name.startsWith(MANAGED_NAME_PREFIX)) return undefined;
  const rest = name.slice(MANAGED_NAME_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? undefined : rest.slice(colon + 1);
}

export function planChanges(desired: DesiredCheck[], existing: SeyrenCheck[], options: PlanOptions): Plan {
  const byName = new Map<string, SeyrenCheck>();
  for (const check of existing) if (check.name) byName.set(check.name, check);
  const withheld: NonNullable<Plan['withheld']> = [];
  const plan: Plan = { actions: [], unchanged: [], orphans: [], conflicts: [] };
  const incomplete = (options.incompleteExpansions ?? []).map((e) => ({
    ...e,
    matches: globMatcher(e.glob),
  }));
  const declared = new Set<string>();

  for (const want of desired) {
    declared.add(want.name);
    const have = byName.get(want.name);
    if (!have) {
      plan.actions.push({ kind: 'create', name: want.name, desired: want, body: newCheckBody(want) });
    } else if (!isManaged(have)) {
      plan.conflicts.push({ name: want.name, id: have.id });
    } else {
      const changes = diffFields(want, have);
      const subscriptions = diffSubscriptions(
        want.subscriptions.map(toSeyrenSubscription),
        have.subscriptions ?? [],
      );
      if (changes.length === 0 && subscriptions.length === 0) plan.unchanged.push(want.name);
      else
        plan.actions.push({
          kind: 'update',
          name: want.name,
          id: have.id,
          desired: want,
          actual: have,
          changes,
          subscriptions,
        });
    }
  }

  for (const have of existing) {
    if (!have.name || declared.has(have.name) || !isManaged(have)) continue;
    if (options.env !== undefined && environmentOf(have) !== options.env) continue;
    const metric = metricOfCheckName(have.name);
    const lostBy = metric === undefined ? undefined : incomplete.find((e) => e.matches(metric));
    if (lostBy) {
      withheld.push({ name: have.name, id: have.id, glob: lostBy.glob, reason: lostBy.reason });
      continue;
    }
    if (options.prune) plan.actions.push({ kind: 'delete', name: have.name, id: have.id, actual: have });
    else plan.orphans.push({ name: have.name, id: have.id });
  }
  plan.actions.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name));
  plan.unchanged.sort();
  plan.orphans.sort((a, b) => a.name.localeCompare(b.name));
  if (withheld.length > 0) plan.withheld = withheld.sort((a, b) => a.name.localeCompare(b.name));
  if (options.incompleteExpansions?.length) plan.incompleteExpansions = [...options.incompleteExpansions];
  return plan;
}

const KIND_ORDER = { create: 0, update: 1, delete: 2 } as const;

export function hasChanges(plan: Plan): boolean {
  return plan.actions.length > 0;
}

/**
 * Applying this plan does not bring Seyren in line with the definitions: a hand-made check holds a declared
 * name, a node did not answer an expansion (checks of its new series are missing), or --prune was asked and
 * deletions were withheld. The run then exits 1, and a later run completes it.
 */
export function leavesWorkUndone(plan: Plan, prune: boolean): boolean {
  return (
    plan.conflicts.length > 0 ||
    (plan.incompleteExpansions ?? []).some((e) => e.kind === 'partial') ||
    (prune && (plan.withheld ?? []).length > 0)
  );
}

/** The fields healthlake owns, as it wants them; `live` is always false (live checks need carbon pickle). */
function desiredFields(want: DesiredCheck) {
  return {
    description: want.description,
    target: want.target,
    from: want.from,
    until: want.until,
    warn: want.warn,
    error: want.error,
    enabled: want.enabled,
    allowNoData: want.allowNoData,
    live: false,
  };
}

/**
 * Compares what Seyren stores with what we want, after undoing Seyren's normalisation: thresholds come back
 * as BigDecimal strings ("0.50" == 0.5), and an empty from/until is stored as null.
 */
export function diffFields(want: DesiredCheck, have: SeyrenCheck): FieldChange[] {
  const target = desiredFields(want);
  const changes: FieldChange[] = [];
  for (const field of MANAGED_FIELDS) {
    const to = target[field];
    const from = (have[field] ?? null) as string | boolean | null;
    let same: boolean;
    if (field === 'warn' || field === 'error') same = from !== null && Number(from) === to;
    else if (field === 'from' || field === 'until') same = (from || null) === (to || null);
    else same = from === to;
    if (!same)
      changes.push({ field, from: field === 'warn' || field === 'error' ? toNumberOrRaw(from) : from, to });
  }
  return changes;
}

function toNumberOrRaw(value: string | boolean | null): string | number | boolean | null {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

/** A YAML subscription as Seyren needs it: every day flag, both times and `enabled` set explicitly. */
export function toSeyrenSubscription(s: SubscriptionDefinition): NewSubscription {
  const days = new Set(s.days);
  const flags = Object.fromEntries(DAYS.map((d) => [d, days.has(d)])) as Record<
    (typeof DAYS)[number],
    boolean
  >;
  return {
    type: s.type,
    target: s.target,
    ...flags,
    ignoreWarn: s.ignoreWarn,
    ignoreError: s.ignoreError,
    ignoreOk: s.ignoreOk,
    fromTime: s.fromTime,
    toTime: s.toTime,
    enabled: s.enabled,
  };
}

const SUBSCRIPTION_FIELDS = [
  ...DAYS,
  'ignoreWarn',
  'ignoreError',
  'ignoreOk',
  'fromTime',
  'toTime',
  'enabled',
] as const;

/**
 * Subscriptions are matched by type and target (a subscription has no name), then compared field by field.
 * PUT on a check never touches them, so each change becomes its own call.
 */
export function diffSubscriptions(
  desired: NewSubscription[],
  actual: SeyrenSubscription[],
): SubscriptionChange[] {
  const pool = [...actual];
  const changes: SubscriptionChange[] = [];
  for (const want of desired) {
    const i = pool.findIndex((have) => have.type === want.type && have.target === want.target);
    if (i < 0) {
      changes.push({ kind: 'create', desired: want });
      continue;
    }
    const have = pool.splice(i, 1)[0] as SeyrenSubscription;
    const fields = SUBSCRIPTION_FIELDS.filter((f) => (have[f] ?? null) !== (want[f] ?? null));
    if (fields.length > 0 && have.id)
      changes.push({ kind: 'update', id: have.id, actual: have, desired: want, fields: [...fields] });
  }
  for (const have of pool) if (have.id) changes.push({ kind: 'delete', id: have.id, actual: have });
  return changes;
}

export function newCheckBody(want: DesiredCheck): NewCheck {
  return {
    name: want.name,
    ...desiredFields(want),
    subscriptions: want.subscriptions.map(toSeyrenSubscription),
  };
}

/** The full object for PUT: Seyren replaces every scalar, so start from what it has and overlay ours. */
export function updatedCheckBody(want: DesiredCheck, have: SeyrenCheck): SeyrenCheck {
  return {
    ...have,
    ...desiredFields(want),
    warn: String(want.warn),
    error: String(want.error),
    id: have.id,
    name: have.name,
    state: have.state ?? 'UNKNOWN',
    lastCheck: have.lastCheck ?? null,
  };
}

export { MANAGED_NAME_PREFIX };
