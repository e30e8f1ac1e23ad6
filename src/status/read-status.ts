import pLimit from 'p-limit';
import { alertsNewestFirst, newProgress } from '../alerts/pages';
import { GraphiteError } from '../clients/graphite';
import { escapeJavaRegex, type SeyrenClient } from '../clients/seyren/client';
import type { SeyrenCheck } from '../clients/seyren/types';
import type { CheckSpec } from '../checks/definitions';
import { desiredChecks, MANAGED_NAME_PREFIX } from '../checks/desired';
import { environmentOf, isManaged, planChanges } from '../checks/plan';
import type { GraphiteRenderer } from '../evaluator/graphite-provider';
import { silentLogger, type Logger } from '../util/log';
import { checkStatuses, summarizeStatuses, type CheckStatus, type StatusSummary } from './evaluate';
import { checkLinks } from './links';
import { StateSinceFinder, type StateSince } from './since';
import { currentGraphiteValues } from './values';

/** Reads what `healthlake status` shows: Seyren's checks, their alerts, and optionally Graphite's values. */

export interface StatusOptions {
  /** Also the checks healthlake did not create. */
  all: boolean;
  env?: string;
  /** Epoch ms. */
  now: number;
  staleAfterMs: number;
  /** Alerts per request while looking for when an unhealthy check entered its state. */
  pageSize: number;
  /** At most this many alerts per check; beyond, "since" is a bound. */
  maxAlertsPerCheck: number;
  concurrency: number;
  seyrenUrl: string;
  graphiteUrl: string;
  logger?: Logger;
}

/** Whether current values came from Graphite: it answered, it did not, or it was not asked (--no-graphite). */
export type GraphiteUse = 'answered' | 'unreachable' | 'not asked';

export interface StatusReport {
  /** Epoch ms. */
  generatedAt: number;
  seyrenUrl: string;
  graphite: GraphiteUse;
  statuses: CheckStatus[];
  summary: StatusSummary;
  /** Alert requests and alerts read to find the "since" times. */
  alertRequests: number;
  alertsRead: number;
}

export interface StatusSources {
  seyren: SeyrenClient;
  /** Expands the globs of the definitions (graphite-web's /metrics/expand). */
  expand: (glob: string) => Promise<string[]>;
  /** Renders current values; undefined: values only from Seyren's alerts. */
  graphite?: GraphiteRenderer;
}

export async function readStatus(
  sources: StatusSources,
  specs: CheckSpec[],
  options: StatusOptions,
): Promise<StatusReport> {
  const log = options.logger ?? silentLogger;
  const desired = await desiredChecks(specs, expandOrSkip(sources.expand, log));
  const { seyren } = sources;
  const listed = options.all
    ? await seyren.listChecks()
    : await seyren.listChecks(`^${escapeJavaRegex(MANAGED_NAME_PREFIX)}`);
  const inEnv = (c: SeyrenCheck) => options.env === undefined || environmentOf(c) === options.env;
  const shown = listed.filter((c) => (isManaged(c) ? inEnv(c) : options.all));
  const plan = planChanges(desired, listed, { prune: false, env: options.env });

  const limit = pLimit(options.concurrency);
  const progress = newProgress();
  const since = new Map<string, StateSince>();
  await Promise.all(
    shown
      .filter((c) => c.enabled)
      .map((check) =>
        limit(async () => since.set(check.id, await stateSince(seyren, check, options, progress))),
      ),
  );
  const needValues = shown.filter((c) => c.enabled && c.state !== 'WARN' && c.state !== 'ERROR');
  const current = sources.graphite
    ? await currentGraphiteValues(needValues, sources.graphite, {
        concurrency: options.concurrency,
        logger: log,
      })
    : undefined;

  const statuses = checkStatuses({
    checks: shown,
    desired,
    plan,
    since,
    graphite: current?.values ?? new Map(),
    now: options.now,
    staleAfterMs: options.staleAfterMs,
    links: checkLinks(options.seyrenUrl, options.graphiteUrl),
  });
  return {
    generatedAt: options.now,
    seyrenUrl: options.seyrenUrl,
    graphite: !current ? 'not asked' : current.unreachable ? 'unreachable' : 'answered',
    statuses,
    summary: summarizeStatuses(statuses),
    alertRequests: progress.requests,
    alertsRead: progress.alerts,
  };
}

/** Reads a check's alerts newest first only as far as needed: one alert for an OK check. */
async function stateSince(
  seyren: SeyrenClient,
  check: SeyrenCheck,
  options: StatusOptions,
  progress: ReturnType<typeof newProgress>,
): Promise<StateSince> {
  const finder = new StateSinceFinder(check.state);
  if (finder.done) return finder.result();
  const own = newProgress();
  const pages = alertsNewestFirst(
    (start, items) => seyren.listAlerts({ checkId: check.id, start, items }),
    { pageSize: check.state === 'OK' ? 1 : options.pageSize, maxAlerts: options.maxAlertsPerCheck },
    own,
  );
  try {
    for await (const alert of pages) {
      finder.add(alert);
      if (finder.done) break;
    }
  } finally {
    progress.requests += own.requests;
    progress.alerts += own.alerts;
  }
  return finder.result();
}

/** Globs are expanded through Graphite; when it does not answer, their checks cannot be listed as missing. */
function expandOrSkip(expand: (glob: string) => Promise<string[]>, log: Logger) {
  let warned = false;
  return async (glob: string): Promise<string[]> => {
    try {
      return await expand(glob);
    } catch (err) {
      if (!(err instanceof GraphiteError)) throw err;
      if (!warned)
        log.warn({ glob, reason: err.message }, 'cannot expand globs: their checks are not verified');
      warned = true;
      return [];
    }
  };
}
