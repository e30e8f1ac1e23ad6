import pLimit from 'p-limit';
import { escapeJavaRegex, type SeyrenClient } from '../clients/seyren/client';
import type { SeyrenCheck } from '../clients/seyren/types';
import { MANAGED_NAME_PREFIX } from '../checks/desired';
import { environmentOf, isManaged } from '../checks/plan';
import { InputError } from '../errors';
import { byStartDescending, EpisodeBuilder, type RecordedEpisode } from './episodes';
import { alertsNewestFirst, newProgress, type AlertPageReader, type PagingProgress } from './pages';

/** Which checks' alerts to read (`healthlake alerts` and its --prune-before). */
export interface AlertSelection {
  /** One check by its exact name. */
  check?: string;
  /** The managed checks of one metric: healthlake:<heuristic>:<metric>. */
  metric?: string;
  /** Also checks healthlake did not create. */
  all: boolean;
  /** Only managed checks of this environment. */
  env?: string;
}

export interface SelectedChecks {
  checks: SeyrenCheck[];
  /** true: named checks (read per check); false: every check of a scope (read Seyren's all-checks listing). */
  named: boolean;
}

const METRIC_OF_MANAGED = new RegExp(`^${escapeJavaRegex(MANAGED_NAME_PREFIX)}[^:]+:(.+)$`);

export async function selectChecks(seyren: SeyrenClient, selection: AlertSelection): Promise<SelectedChecks> {
  if (selection.check !== undefined) {
    const check = await seyren.findCheckByName(selection.check);
    if (!check) throw InputError.single(`Seyren has no check named "${selection.check}"`, { field: 'check' });
    return { checks: [check], named: true };
  }
  const listed = selection.all
    ? await seyren.listChecks()
    : await seyren.listChecks(`^${escapeJavaRegex(MANAGED_NAME_PREFIX)}`);
  const inScope = listed.filter((c) =>
    isManaged(c) ? selection.env === undefined || environmentOf(c) === selection.env : selection.all,
  );
  if (selection.metric === undefined) return { checks: inScope, named: false };
  const ofMetric = inScope.filter(
    (c) => isManaged(c) && METRIC_OF_MANAGED.exec(c.name ?? '')?.[1] === selection.metric,
  );
  if (ofMetric.length === 0) {
    throw InputError.single(
      `no managed check of metric "${selection.metric}" (named healthlake:<heuristic>:${selection.metric})`,
      {
        field: 'metric',
      },
    );
  }
  return { checks: ofMetric, named: true };
}

/** An episode with the check it belongs to. */
export interface EpisodeRow extends RecordedEpisode {
  /** The check's name; null for alerts of a check id Seyren no longer lists. */
  check: string | null;
  managed: boolean;
}

export interface AlertHistory {
  /** Epoch ms: alerts from this time on were read. */
  since: number;
  until: number;
  /** Checks whose alerts were read. */
  checks: number;
  episodes: EpisodeRow[];
  requests: number;
  alertsRead: number;
  /** Alerts of checks outside the selection, skipped while reading Seyren's all-checks listing. */
  skipped: number;
}

export interface HistoryOptions {
  /** Epoch ms. */
  since: number;
  now: number;
  /** Epoch ms: alerts after it are left out (an episode open then has no end). Default: everything. */
  until?: number;
  pageSize: number;
  concurrency: number;
}

/** The alert episodes of the selected checks since a time, reading Seyren's pages newest first. */
export async function readAlertHistory(
  seyren: SeyrenClient,
  selected: SelectedChecks,
  options: HistoryOptions,
): Promise<AlertHistory> {
  const builder = new EpisodeBuilder();
  const progress = newProgress();
  const byId = new Map(selected.checks.map((c) => [c.id, c]));
  let skipped = 0;
  const paging = { pageSize: options.pageSize, notBefore: options.since };
  const feed = async (read: AlertPageReader, keep: (checkId: string) => boolean) => {
    const own: PagingProgress = newProgress();
    try {
      for await (const alert of alertsNewestFirst(read, paging, own)) {
        if (!keep(alert.checkId)) skipped++;
        else if (options.until === undefined || alert.timestamp <= options.until) builder.add(alert);
      }
    } finally {
      progress.requests += own.requests;
      progress.alerts += own.alerts;
    }
  };
  if (selected.named) {
    // Each check's own listing: only its alerts travel. Episodes are per series, so checks may interleave.
    const limit = pLimit(options.concurrency);
    await Promise.all(
      selected.checks.map((c) =>
        limit(() =>
          feed(
            (start, items) => seyren.listAlerts({ checkId: c.id, start, items }),
            () => true,
          ),
        ),
      ),
    );
  } else {
    // Every check at once: one pass over Seyren's listing of all alerts is far fewer requests than one per check.
    await feed(
      (start, items) => seyren.listAlerts({ start, items }),
      (id) => byId.has(id),
    );
  }
  const episodes = builder
    .finish()
    .sort(byStartDescending)
    .map((e) => {
      const check = byId.get(e.checkId);
      return { ...e, check: check?.name ?? null, managed: check ? isManaged(check) : false };
    });
  return {
    since: options.since,
    until: options.until ?? options.now,
    checks: selected.checks.length,
    episodes,
    requests: progress.requests,
    alertsRead: progress.alerts - skipped,
    skipped,
  };
}
