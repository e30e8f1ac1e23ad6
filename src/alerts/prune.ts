import pLimit from 'p-limit';
import type { SeyrenClient } from '../clients/seyren/client';
import type { SeyrenCheck } from '../clients/seyren/types';
import { isManaged } from '../checks/plan';
import { InputError } from '../errors';
import { silentLogger, type Logger } from '../util/log';
import type { AlertPageReader } from './pages';
import { isoTime, utcMinute } from './text';

/**
 * `healthlake alerts --prune-before DATE`: deletes the alerts older than DATE of checks healthlake manages, as
 * provision-checks does its changes: a plan first (how many alerts of which check), nothing written with
 * --dry-run, then one DELETE /checks/{id}/alerts?before= per check and a count afterwards that proves it worked.
 * Checks healthlake did not create are never touched.
 */

export interface AlertCount {
  /** Alerts of the check. */
  total: number;
  /** Of them, recorded before the time. */
  before: number;
  /** Epoch ms of the oldest alert, null when there is none. */
  oldest: number | null;
}

/**
 * How many alerts of a check are older than `beforeMs`, without reading them: Seyren sorts them newest first,
 * so the first one older than the time is found by bisection over one-alert pages (about log2(total) requests).
 */
export async function countAlertsBefore(read: AlertPageReader, beforeMs: number): Promise<AlertCount> {
  const timeAt = async (index: number) => (await read(index, 1)).values[0]?.timestamp;
  const first = await read(0, 1);
  const total = first.total;
  const newest = first.values[0]?.timestamp;
  if (total === 0 || newest === undefined) return { total: 0, before: 0, oldest: null };
  const oldest = (await timeAt(total - 1)) ?? newest;
  if (oldest >= beforeMs) return { total, before: 0, oldest };
  if (newest < beforeMs) return { total, before: total, oldest };
  // The alert at `newer` is not older than the time; the one at `older` is.
  let newer = 0;
  let older = total - 1;
  while (older - newer > 1) {
    const mid = Math.floor((newer + older) / 2);
    const t = await timeAt(mid);
    if (t === undefined || t < beforeMs) older = mid;
    else newer = mid;
  }
  return { total, before: total - older, oldest };
}

export interface PruneAction extends AlertCount {
  name: string;
  id: string;
}

export interface PrunePlan {
  /** Epoch ms: alerts recorded before it are deleted. */
  beforeMs: number;
  actions: PruneAction[];
  /** Managed checks with no alert before the time. */
  unchanged: string[];
}

/** Refuses a named check healthlake did not create: its alerts are someone else's history. */
export function assertManaged(checks: readonly SeyrenCheck[]): void {
  const foreign = checks.filter((c) => !isManaged(c));
  if (foreign.length > 0) {
    throw InputError.single(
      `${foreign.map((c) => `"${c.name}"`).join(', ')} not created by healthlake (no healthlake: name and ` +
        '[managed by healthlake] description): its alerts are never deleted',
      { field: 'check' },
    );
  }
}

export async function planPrune(
  seyren: SeyrenClient,
  checks: readonly SeyrenCheck[],
  beforeMs: number,
  concurrency: number,
): Promise<PrunePlan> {
  const managed = checks.filter(isManaged);
  const limit = pLimit(concurrency);
  const counts = await Promise.all(
    managed.map((c) =>
      limit(() =>
        countAlertsBefore((start, items) => seyren.listAlerts({ checkId: c.id, start, items }), beforeMs),
      ),
    ),
  );
  const plan: PrunePlan = { beforeMs, actions: [], unchanged: [] };
  managed.forEach((c, i) => {
    const count = counts[i] as AlertCount;
    const name = c.name ?? c.id;
    if (count.before > 0) plan.actions.push({ name, id: c.id, ...count });
    else plan.unchanged.push(name);
  });
  plan.actions.sort((a, b) => a.name.localeCompare(b.name));
  plan.unchanged.sort();
  return plan;
}

export interface PruneResult {
  checks: number;
  /** Alerts the plan counted for the checks whose DELETE succeeded. */
  deleted: number;
  failures: Array<{ name: string; message: string }>;
  /** Checks that still have alerts before the time after their DELETE (should never happen). */
  remaining: Array<{ name: string; before: number }>;
}

export async function applyPrune(
  plan: PrunePlan,
  seyren: SeyrenClient,
  options: { concurrency: number; logger?: Logger },
): Promise<PruneResult> {
  const log = options.logger ?? silentLogger;
  const result: PruneResult = { checks: 0, deleted: 0, failures: [], remaining: [] };
  const limit = pLimit(options.concurrency);
  const before = new Date(plan.beforeMs);
  await Promise.all(
    plan.actions.map((a) =>
      limit(async () => {
        try {
          await seyren.deleteAlertsBefore(a.id, before);
          const left = await countAlertsBefore(
            (start, items) => seyren.listAlerts({ checkId: a.id, start, items }),
            plan.beforeMs,
          );
          result.checks++;
          result.deleted += a.before;
          if (left.before > 0) result.remaining.push({ name: a.name, before: left.before });
          log.debug({ check: a.name, deleted: a.before, left: left.before }, 'alerts pruned');
        } catch (err) {
          result.failures.push({ name: a.name, message: (err as Error).message });
          log.warn({ check: a.name, err: (err as Error).message }, 'pruning alerts failed');
        }
      }),
    ),
  );
  result.failures.sort((x, y) => x.name.localeCompare(y.name));
  return result;
}

export function formatPrunePlan(plan: PrunePlan, seyrenUrl: string): string {
  const when = utcMinute(plan.beforeMs);
  const total = plan.actions.reduce((n, a) => n + a.before, 0);
  if (plan.actions.length === 0) {
    return `No changes. No managed check in Seyren (${seyrenUrl}) has alerts before ${when} (${plan.unchanged.length} checked).`;
  }
  const out = [
    `healthlake will delete these alerts in Seyren (${seyrenUrl}), all recorded before ${when}:`,
    '',
  ];
  for (const a of plan.actions) {
    out.push(`  - ${a.name}  (id ${a.id})`);
    const oldest = a.oldest === null ? '' : `, the oldest from ${utcMinute(a.oldest)}`;
    out.push(`      alerts         ${a.before} of ${a.total}${oldest}`, '');
  }
  out.push(
    `Plan: delete ${total} alert(s) of ${plan.actions.length} check(s); ${plan.unchanged.length} managed check(s) ` +
      'have none that old. Checks healthlake did not create are never touched.',
  );
  return out.join('\n');
}

export function prunePlanToJson(plan: PrunePlan) {
  return {
    before: isoTime(plan.beforeMs),
    summary: {
      checks: plan.actions.length,
      alerts: plan.actions.reduce((n, a) => n + a.before, 0),
      unchanged: plan.unchanged.length,
    },
    actions: plan.actions.map((a) => ({
      action: 'delete-alerts',
      name: a.name,
      id: a.id,
      alerts: a.before,
      total: a.total,
      oldest: isoTime(a.oldest),
    })),
    unchanged: plan.unchanged,
  };
}

export function formatPruneResult(result: PruneResult): string {
  const out = [
    `\nApplied: ${result.deleted} alert(s) of ${result.checks} check(s) deleted` +
      (result.failures.length ? `, ${result.failures.length} FAILED:` : '.'),
  ];
  for (const f of result.failures) out.push(`  ${f.name}: ${f.message}`);
  for (const r of result.remaining)
    out.push(`  ${r.name}: ${r.before} alert(s) before the time are still there after the delete`);
  if (result.failures.length) out.push('A re-run retries what failed; what succeeded stays deleted.');
  return out.join('\n');
}
