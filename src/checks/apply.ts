import pLimit from 'p-limit';
import type { SeyrenClient } from '../clients/seyren/client';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';
import { isManaged, updatedCheckBody, type Plan, type PlannedAction, type SubscriptionChange } from './plan';

export interface ApplyFailure {
  name: string;
  kind: PlannedAction['kind'];
  message: string;
}

export interface ApplyResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failures: ApplyFailure[];
}

export interface ApplyOptions {
  concurrency?: number;
  logger?: Logger;
  /** Called after each action, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Carries out a plan against Seyren. Actions run in parallel (bounded), one failure does not stop the
 * others, and nothing is ever deleted and re-created: that would erase the check's alert history.
 */
export async function applyPlan(
  plan: Plan,
  seyren: SeyrenClient,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const log = options.logger ?? silentLogger;
  const limit = pLimit(options.concurrency ?? 8);
  const result: ApplyResult = {
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: plan.unchanged.length,
    failures: [],
  };
  let done = 0;
  await Promise.all(
    plan.actions.map((action) =>
      limit(async () => {
        try {
          await applyAction(action, seyren);
          if (action.kind === 'create') result.created++;
          else if (action.kind === 'update') result.updated++;
          else result.deleted++;
          log.debug({ check: action.name, action: action.kind }, 'applied');
        } catch (err) {
          const message = (err as Error).message;
          result.failures.push({ name: action.name, kind: action.kind, message });
          log.warn({ check: action.name, action: action.kind, err: message }, 'failed');
        } finally {
          options.onProgress?.(++done, plan.actions.length);
        }
      }),
    ),
  );
  result.failures.sort((a, b) => a.name.localeCompare(b.name));
  return result;
}

async function applyAction(action: PlannedAction, seyren: SeyrenClient) {
  switch (action.kind) {
    case 'create':
      // Subscriptions go inline, so the check never exists without them. After a failed create, a check of
      // the name is adopted only when it carries healthlake's marks (another run made it), never one made by hand.
      await seyren.createCheck(action.body, isManaged);
      return;
    case 'delete':
      await seyren.deleteCheck(action.id);
      return;
    case 'update':
      if (action.changes.length > 0)
        await seyren.updateCheck(updatedCheckBody(action.desired, action.actual));
      // PUT on a check ignores subscriptions: each change is its own call, in order.
      for (const change of action.subscriptions) await applySubscriptionChange(action.id, change, seyren);
      return;
  }
}

function applySubscriptionChange(checkId: string, change: SubscriptionChange, seyren: SeyrenClient) {
  switch (change.kind) {
    case 'create':
      return seyren.createSubscription(checkId, change.desired);
    case 'update':
      return seyren.updateSubscription(checkId, { ...change.desired, id: change.id });
    case 'delete':
      return seyren.deleteSubscription(checkId, change.id);
  }
}
