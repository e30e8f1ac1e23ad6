import pLimit from 'p-limit';
import type { Plan } from '../checks/plan';
import type { AlertRate } from '../checks/plan-format';
import { GraphiteClient, GraphiteError, type GraphiteClientOptions } from '../clients/graphite';
import type { GraphiteRenderer } from '../evaluator/graphite-provider';
import { seriesFromDatapoints } from '../evaluator/series';
import { parseRelativeTime } from '../time';
import { silentLogger, type Logger } from '../util/log';
import { judgedHistory, perWeek, replay, WEEK } from './timeline';

/**
 * Alerts per week of the plan's creates and threshold changes over the last weeks (provision-checks shows
 * them next to each), from graphite-web's render of each target. Optional: when Graphite does not answer the
 * first render, nothing is estimated and nothing is said; a target Graphite cannot render gets no estimate.
 */

/** At most this many renders per plan: a first sync of thousands of checks should not wait for all of them. */
export const MAX_ESTIMATES = 200;

export interface NoiseOptions {
  weeks?: number;
  maxEstimates?: number;
  now?: number;
  concurrency?: number;
  logger?: Logger;
}

/** One check to estimate: its target and range, the new thresholds and, for changes, the current ones. */
interface Candidate {
  name: string;
  target: string;
  from: string;
  until: string;
  warn: number;
  error: number;
  allowNoData: boolean;
  previous?: { warn: number; error: number };
}

export function noiseCandidates(plan: Plan): Candidate[] {
  const out: Candidate[] = [];
  for (const a of plan.actions) {
    if (a.kind === 'delete') continue;
    const d = a.desired;
    const base = {
      name: a.name,
      target: d.target,
      from: d.from,
      until: d.until,
      warn: d.warn,
      error: d.error,
      allowNoData: d.allowNoData,
    };
    if (a.kind === 'create') out.push(base);
    else if (a.changes.some((c) => c.field === 'warn' || c.field === 'error')) {
      const warn = Number(a.actual.warn);
      const error = Number(a.actual.error);
      out.push({
        ...base,
        previous: Number.isFinite(warn) && Number.isFinite(error) ? { warn, error } : undefined,
      });
    }
  }
  return out;
}

export async function estimateAlertRates(
  plan: Plan,
  graphite: GraphiteRenderer,
  options: NoiseOptions = {},
): Promise<Map<string, AlertRate>> {
  const rates = new Map<string, AlertRate>();
  const all = noiseCandidates(plan);
  const candidates = all.slice(0, options.maxEstimates ?? MAX_ESTIMATES);
  if (candidates.length === 0) return rates;
  const weeks = options.weeks ?? 4;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const window = { from: now - weeks * WEEK, until: now };
  const log = options.logger ?? silentLogger;

  const estimate = async (c: Candidate): Promise<void> => {
    const range = { from: parseRelativeTime(c.from), until: parseRelativeTime(c.until) };
    const rendered = await graphite.render(c.target, {
      from: String(window.from + range.from),
      until: String(now),
    });
    if (rendered.every((s) => s.datapoints.every(([v]) => v === null))) {
      rates.set(c.name, { perWeek: 0, weeks, noData: true });
      return;
    }
    const history = judgedHistory(
      rendered.map((s) => seriesFromDatapoints(s.target, s.datapoints, 60)),
      range,
      window,
    );
    const at = (warn: number, error: number) =>
      perWeek(replay(history, { warn, error, allowNoData: c.allowNoData }).notifications, window);
    rates.set(c.name, {
      perWeek: at(c.warn, c.error),
      previousPerWeek: c.previous ? at(c.previous.warn, c.previous.error) : undefined,
      weeks,
    });
  };

  const [first, ...rest] = candidates;
  try {
    await estimate(first as Candidate);
  } catch (err) {
    if (err instanceof GraphiteError && err.status === undefined) {
      log.debug({ reason: err.message }, 'Graphite did not answer: no alerts/week in the plan');
      return rates;
    }
    log.debug(
      { check: first?.name, reason: (err as Error).message },
      'no alerts/week estimate for this check',
    );
  }
  if (all.length > candidates.length) {
    log.info(
      { estimated: candidates.length, changes: all.length },
      'alerts/week shown for the first changes only',
    );
  }
  const limit = pLimit(options.concurrency ?? 4);
  await Promise.all(
    rest.map((c) =>
      limit(() =>
        estimate(c).catch((err: unknown) =>
          log.debug(
            { check: c.name, reason: (err as Error).message },
            'no alerts/week estimate for this check',
          ),
        ),
      ),
    ),
  );
  return rates;
}

/** A Graphite client for this optional estimate: a short timeout and no retries, so a dead Graphite costs nothing. */
export function noiseGraphiteClient(
  options: Pick<GraphiteClientOptions, 'baseUrl' | 'auth' | 'logger'>,
): GraphiteClient {
  return new GraphiteClient({ ...options, timeoutMs: 3000, retries: 0 });
}
