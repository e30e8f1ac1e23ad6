import type { AlertEpisode } from '../backtest/timeline';
import { judgeValue } from '../evaluator/seyren-rule';
import type { RecordedEpisode } from './episodes';

/**
 * Fired vs would have fired (pure): the episodes Seyren recorded for a check beside the episodes the backtest
 * finds over the same window at the current thresholds. Seyren sees a point only once it is in Graphite (a daily
 * value is written after its day) and runs on its own clock, so two episodes of the same series count as the
 * same one when they overlap once each is widened by `slack`. What is left over on either side is the finding:
 * - missed: the backtest raises it, Seyren recorded no alert (Seyren down, the check disabled or not yet
 *   created, the data late, or the alerts pruned);
 * - no longer raised: Seyren fired it, the current thresholds would not (they changed since), or the values
 *   Graphite holds now do not cross them (the data changed since).
 */

export type MissedReason = 'before-check-created' | 'before-oldest-alert' | 'no-alert';
export type NoLongerReason = 'thresholds-changed' | 'values-differ';

export interface ComparisonContext {
  /** The thresholds the backtest used (the check's current, declared ones). */
  warn: number;
  error: number;
  /** Seconds either side within which two episodes count as the same. */
  slack: number;
  /** Epoch seconds: the end of the window (an episode open at the end lasts until then). */
  windowEnd: number;
  /** Epoch seconds: when the Seyren check was created (from its ObjectId), if known. */
  checkCreated?: number;
  /** Epoch seconds: Seyren's oldest alert of the check, if it has any. */
  oldestAlert?: number;
}

export interface Comparison {
  warn: number;
  error: number;
  slack: number;
  /** Threshold pairs Seyren's alerts were raised at. */
  recordedThresholds: Array<{ warn: number | null; error: number | null }>;
  matched: Array<{ backtest: AlertEpisode; recorded: RecordedEpisode[] }>;
  missed: Array<{ backtest: AlertEpisode; reason: MissedReason }>;
  noLongerRaised: Array<{
    recorded: RecordedEpisode;
    reason: NoLongerReason;
    /** The recorded peak judged at the current thresholds. */
    peakNow?: 'OK' | 'WARN' | 'ERROR';
  }>;
}

interface Span {
  series: string;
  start: number;
  end: number;
}

const seconds = (ms: number) => ms / 1000;

export function compareEpisodes(
  backtest: readonly AlertEpisode[],
  recorded: readonly RecordedEpisode[],
  ctx: ComparisonContext,
): Comparison {
  // Series names come from graphite-web on one side and from Seyren's own render on the other; a check of one
  // series on each side is compared whatever the names say.
  const single =
    new Set(backtest.map((e) => e.series)).size <= 1 && new Set(recorded.map((e) => e.series)).size <= 1;
  const spanOf = (e: { series: string; start: number; end?: number }, toSeconds: (t: number) => number) => ({
    series: e.series,
    start: toSeconds(e.start),
    end: e.end === undefined ? Infinity : toSeconds(e.end),
  });
  const overlaps = (a: Span, b: Span) =>
    (single || a.series === b.series) && a.start - ctx.slack <= b.end && b.start - ctx.slack <= a.end;

  const btSpans = backtest.map((e) => spanOf(e, (t) => t));
  const recSpans = recorded.map((e) => spanOf(e, seconds));
  const result: Comparison = {
    warn: ctx.warn,
    error: ctx.error,
    slack: ctx.slack,
    recordedThresholds: distinctThresholds(recorded),
    matched: [],
    missed: [],
    noLongerRaised: [],
  };
  const recordedMatched = new Set<number>();
  backtest.forEach((episode, i) => {
    const hits = recSpans.flatMap((span, j) => (overlaps(btSpans[i] as Span, span) ? [j] : []));
    if (hits.length > 0) {
      hits.forEach((j) => recordedMatched.add(j));
      result.matched.push({ backtest: episode, recorded: hits.map((j) => recorded[j] as RecordedEpisode) });
    } else {
      result.missed.push({ backtest: episode, reason: missedReason(btSpans[i] as Span, ctx) });
    }
  });
  recorded.forEach((episode, j) => {
    if (recordedMatched.has(j)) return;
    const peakNow = episode.peak === undefined ? undefined : judgeValue(episode.peak, ctx.warn, ctx.error);
    const changed = episode.warn !== ctx.warn || episode.error !== ctx.error;
    const reason: NoLongerReason = peakNow === 'OK' && changed ? 'thresholds-changed' : 'values-differ';
    result.noLongerRaised.push({ recorded: episode, reason, peakNow });
  });
  return result;
}

function missedReason(span: Span, ctx: ComparisonContext): MissedReason {
  const end = Math.min(span.end, ctx.windowEnd);
  if (ctx.checkCreated !== undefined && end < ctx.checkCreated) return 'before-check-created';
  if (ctx.oldestAlert !== undefined && end < ctx.oldestAlert) return 'before-oldest-alert';
  return 'no-alert';
}

function distinctThresholds(recorded: readonly RecordedEpisode[]) {
  const seen = new Map<string, { warn: number | null; error: number | null }>();
  for (const e of recorded) seen.set(`${e.warn}/${e.error}`, { warn: e.warn, error: e.error });
  return [...seen.values()];
}

/** When a Mongo ObjectId was minted (its first 4 bytes are epoch seconds); undefined for other ids. */
export function objectIdTime(id: string): number | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? parseInt(id.slice(0, 8), 16) : undefined;
}
