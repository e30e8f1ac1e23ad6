import type { CheckState, SeyrenCheck } from '../clients/seyren/types';
import type { DesiredCheck } from '../checks/desired';
import { environmentOf, isManaged, type Plan } from '../checks/plan';
import { ExitCode } from '../errors';
import { judgeValue } from '../evaluator/seyren-rule';
import type { SeriesState, StateSince } from './since';

/**
 * What `healthlake status` says about each check, and the exit code, from facts already read (pure): the checks
 * Seyren has, the plan against the definitions (what is declared but missing, what drifted), each check's state
 * history from its alerts and, optionally, current values from Graphite.
 */

/** Seyren's state, or MISSING (declared, not in Seyren) or DISABLED (Seyren does not run it). */
export type StatusKind = CheckState | 'MISSING' | 'DISABLED';

/** The value that explains a check's state, judged against the check's thresholds in Seyren. */
export interface CurrentValue {
  value: number;
  series: string;
  /** Epoch ms: the Seyren run (source alert) or the Graphite datapoint (source graphite). */
  at: number;
  /** alert: Seyren's newest alert of an unhealthy series; graphite: the last non-null point now. */
  source: 'alert' | 'graphite';
  state: 'OK' | 'WARN' | 'ERROR';
}

/** A series' last non-null point in the check's own range, as Graphite renders it now. */
export interface GraphitePoint {
  series: string;
  value: number;
  /** Epoch ms. */
  at: number;
}

export interface CheckStatus {
  name: string;
  id: string | null;
  /** Named healthlake:… and marked in its description. */
  managed: boolean;
  env: string | null;
  status: StatusKind;
  /** The state Seyren stored at its last run. */
  state: CheckState | null;
  enabled: boolean | null;
  /** Epoch ms of Seyren's last run of the check. */
  lastCheck: number | null;
  /** Enabled, but not run by Seyren within the stale limit (or never). */
  stale: boolean;
  /** Epoch ms since which the check is in its state, from its alerts. */
  since: number | null;
  /** false: `since` is only a bound (or unknown). */
  sinceExact: boolean;
  warn: number | null;
  error: number | null;
  value: CurrentValue | null;
  /** The series of Seyren's newest run with alerts. */
  series: SeriesState[];
  links: { seyren: string | null; graph: string | null };
  /** Where a managed check is declared; null when it is not (any more). */
  declared: { file: string; line: number | null } | null;
  /** Fields (and `subscriptions`) where Seyren differs from the definitions: provision-checks would update them. */
  drift: string[];
  note: string | null;
}

export interface StatusFacts {
  /** The checks to show, as Seyren lists them. */
  checks: readonly SeyrenCheck[];
  /** The checks the definitions declare. */
  desired: readonly DesiredCheck[];
  /** planChanges(desired, managed checks): creates are missing checks, updates drift, orphans undeclared. */
  plan: Plan;
  since: ReadonlyMap<string, StateSince>;
  graphite: ReadonlyMap<string, readonly GraphitePoint[]>;
  /** Epoch ms. */
  now: number;
  staleAfterMs: number;
  links: (check: SeyrenCheck) => { seyren: string | null; graph: string | null };
}

const threshold = (text: string | null): number | null => {
  if (text === null || text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
};

/** The more extreme of two values for the thresholds' direction (the higher when high is bad). */
function moreExtreme(a: number, b: number, warn: number, error: number): boolean {
  return warn <= error ? a > b : a < b;
}

const JUDGED_ORDER = { OK: 0, WARN: 1, ERROR: 2 } as const;

/** The worst series, then its most extreme value; undefined when there is none or thresholds are unusable. */
function worstValue(
  points: readonly { series: string; value: number; at: number }[],
  warn: number | null,
  error: number | null,
  source: CurrentValue['source'],
): CurrentValue | null {
  if (warn === null || error === null) return null;
  let best: CurrentValue | null = null;
  for (const p of points) {
    const state = judgeValue(p.value, warn, error);
    const candidate: CurrentValue = { ...p, source, state };
    if (
      !best ||
      JUDGED_ORDER[state] > JUDGED_ORDER[best.state] ||
      (state === best.state && moreExtreme(p.value, best.value, warn, error))
    )
      best = candidate;
  }
  return best;
}

function currentValue(check: SeyrenCheck, facts: StatusFacts, latest: readonly SeriesState[]) {
  const warn = threshold(check.warn);
  const error = threshold(check.error);
  if (check.state === 'WARN' || check.state === 'ERROR') {
    // Seyren writes an alert for every unhealthy series at every run: the newest ones hold the values it judged.
    const unhealthy = latest.filter((s) => s.state === check.state && s.value !== null);
    const points = unhealthy.map((s) => ({ series: s.series, value: s.value as number, at: s.at }));
    const fromAlerts = worstValue(points, warn, error, 'alert');
    if (fromAlerts) return fromAlerts;
  }
  return worstValue(facts.graphite.get(check.id) ?? [], warn, error, 'graphite');
}

export function checkStatuses(facts: StatusFacts): CheckStatus[] {
  const { plan } = facts;
  const declaredAt = new Map(
    facts.desired.map((d) => [d.name, { file: d.source.file, line: d.source.line ?? null }] as const),
  );
  const drift = new Map<string, string[]>();
  for (const action of plan.actions) {
    if (action.kind !== 'update') continue;
    const fields: string[] = action.changes.map((c) => c.field);
    if (action.subscriptions.length > 0) fields.push('subscriptions');
    drift.set(action.name, fields);
  }
  const orphans = new Set(plan.orphans.map((o) => o.name));

  const out: CheckStatus[] = facts.checks.map((check) => {
    const name = check.name ?? `(unnamed ${check.id})`;
    const managed = isManaged(check);
    const since = facts.since.get(check.id);
    const stale =
      check.enabled && (check.lastCheck === null || facts.now - check.lastCheck > facts.staleAfterMs);
    let note: string | null = null;
    if (managed && orphans.has(name)) note = 'no longer declared: provision-checks --prune would delete it';
    else if (managed && !declaredAt.has(name)) note = 'not among the definitions read';
    return {
      name,
      id: check.id,
      managed,
      env: managed ? (environmentOf(check) ?? null) : null,
      status: check.enabled ? check.state : 'DISABLED',
      state: check.state,
      enabled: check.enabled,
      lastCheck: check.lastCheck,
      stale,
      since: check.enabled ? (since?.since ?? null) : null,
      sinceExact: check.enabled && (since?.exact ?? false),
      warn: threshold(check.warn),
      error: threshold(check.error),
      value: check.enabled ? currentValue(check, facts, since?.latest ?? []) : null,
      series: since?.latest ?? [],
      links: facts.links(check),
      declared: managed ? (declaredAt.get(name) ?? null) : null,
      drift: drift.get(name) ?? [],
      note,
    };
  });

  for (const action of plan.actions) {
    if (action.kind !== 'create') continue;
    out.push(
      missing(action.name, action.desired.warn, action.desired.error, declaredAt.get(action.name) ?? null),
    );
  }
  for (const conflict of plan.conflicts) {
    const status = missing(conflict.name, null, null, null);
    status.note = `the name is taken by a check healthlake did not create (id ${conflict.id})`;
    out.push(status);
  }
  return out.sort(bySeverity);
}

function missing(
  name: string,
  warn: number | null,
  error: number | null,
  declared: CheckStatus['declared'],
): CheckStatus {
  return {
    name,
    id: null,
    managed: true,
    env: null,
    status: 'MISSING',
    state: null,
    enabled: null,
    lastCheck: null,
    stale: false,
    since: null,
    sinceExact: false,
    warn,
    error,
    value: null,
    series: [],
    links: { seyren: null, graph: null },
    declared,
    drift: [],
    note: 'declared but not in Seyren: run healthlake provision-checks',
  };
}

/** Worst first, so that what needs attention leads the list. */
const DISPLAY_ORDER: Record<StatusKind, number> = {
  EXCEPTION: 0,
  ERROR: 1,
  WARN: 2,
  UNKNOWN: 3,
  MISSING: 4,
  OK: 5,
  DISABLED: 6,
};

function bySeverity(a: CheckStatus, b: CheckStatus): number {
  return DISPLAY_ORDER[a.status] - DISPLAY_ORDER[b.status] || a.name.localeCompare(b.name);
}

export type Verdict = 'OK' | 'WARN' | 'ERROR' | 'UNKNOWN';

export interface StatusSummary {
  checks: number;
  counts: Record<StatusKind, number>;
  stale: number;
  verdict: Verdict;
  exitCode: ExitCode;
}

/**
 * The verdict over the checks shown: ERROR if any is ERROR or EXCEPTION, else WARN if any is WARN, else
 * UNKNOWN if any is UNKNOWN, MISSING, or enabled but stale (Seyren has not run it lately: its state is not
 * current), else OK. Disabled checks do not count.
 */
export function summarizeStatuses(statuses: readonly CheckStatus[]): StatusSummary {
  const counts: Record<StatusKind, number> = {
    OK: 0,
    WARN: 0,
    ERROR: 0,
    EXCEPTION: 0,
    UNKNOWN: 0,
    MISSING: 0,
    DISABLED: 0,
  };
  for (const s of statuses) counts[s.status]++;
  const stale = statuses.filter((s) => s.stale).length;
  let verdict: Verdict = 'OK';
  if (counts.ERROR + counts.EXCEPTION > 0) verdict = 'ERROR';
  else if (counts.WARN > 0) verdict = 'WARN';
  else if (counts.UNKNOWN + counts.MISSING + stale > 0) verdict = 'UNKNOWN';
  return { checks: statuses.length, counts, stale, verdict, exitCode: STATUS_EXIT_CODES[verdict] };
}

/** healthlake's own codes: above the general table (0–7), so a wrapper never mistakes one for the other. */
export const STATUS_EXIT_CODES: Readonly<Record<Verdict, ExitCode>> = {
  OK: ExitCode.ok,
  WARN: ExitCode.statusWarn,
  ERROR: ExitCode.statusError,
  UNKNOWN: ExitCode.statusUnknown,
};

/** The Nagios plugin convention (`--nagios`): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export const NAGIOS_EXIT_CODES: Readonly<Record<Verdict, number>> = { OK: 0, WARN: 1, ERROR: 2, UNKNOWN: 3 };
const NAGIOS_WORDS: Readonly<Record<Verdict, string>> = {
  OK: 'OK',
  WARN: 'WARNING',
  ERROR: 'CRITICAL',
  UNKNOWN: 'UNKNOWN',
};

/** The single line a Nagios plugin prints: service state, the checks that caused it, and performance data. */
export function nagiosLine(summary: StatusSummary, statuses: readonly CheckStatus[]): string {
  const c = summary.counts;
  const culprits = statuses.filter((s) =>
    summary.verdict === 'ERROR'
      ? s.status === 'ERROR' || s.status === 'EXCEPTION'
      : summary.verdict === 'WARN'
        ? s.status === 'WARN'
        : summary.verdict === 'UNKNOWN'
          ? s.status === 'UNKNOWN' || s.status === 'MISSING' || s.stale
          : false,
  );
  const shown = culprits.slice(0, 5).map((s) => s.name);
  const more = culprits.length > shown.length ? ` and ${culprits.length - shown.length} more` : '';
  const text =
    summary.verdict === 'OK'
      ? `${c.OK} check(s) OK`
      : `${culprits.length} ${summary.verdict === 'UNKNOWN' ? 'unknown, missing or stale' : summary.verdict}: ${shown.join(', ')}${more}`;
  const perf = `ok=${c.OK} warn=${c.WARN} error=${c.ERROR + c.EXCEPTION} unknown=${c.UNKNOWN} missing=${c.MISSING} stale=${summary.stale} disabled=${c.DISABLED}`;
  return `HEALTHLAKE ${NAGIOS_WORDS[summary.verdict]} - ${text} | ${perf}`;
}
