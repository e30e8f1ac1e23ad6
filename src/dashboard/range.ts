import { InputError } from '../errors';
import type { Resolution } from '../templates/template';
import { epochOf, formatTime, type TimePoint } from '../time';

/**
 * The time range of dashboard graphs. Daily metrics are read in weeks and app metrics in hours, so each
 * resolution has its own default span; `--from`/`--until` override it for every graph. graphite-web reads a
 * range as (from, until]: `--until 2026-11-15` includes that day's point, and the default span then ends there.
 */

/** The dashboard UI's relative-time units (its "Show the past N units" dialog), largest first. */
export const UI_UNITS = [
  ['weeks', 7 * 86400],
  ['days', 86400],
  ['hours', 3600],
  ['minutes', 60],
] as const;
export type UiUnit = (typeof UI_UNITS)[number][0];

/** Default span per resolution: 8 weeks of daily points (56), 6 hours of 10 s points (2160). */
export const DEFAULT_SPAN: Readonly<Record<Resolution, { quantity: number; units: UiUnit }>> = {
  daily: { quantity: 8, units: 'weeks' },
  fine: { quantity: 6, units: 'hours' },
};

export interface GraphRange {
  /** As sent to graphite-web: `now`, `-8weeks`, or epoch seconds. */
  from: string;
  until: string;
  fromSpec: TimePoint;
  untilSpec: TimePoint;
}

/** Seconds as the dashboard UI writes them: the largest unit that divides evenly (`-8weeks`, `-90minutes`). */
export function relativeParts(seconds: number): { quantity: number; units: UiUnit | 'seconds' } {
  const abs = Math.abs(seconds);
  for (const [units, size] of UI_UNITS) if (abs % size === 0) return { quantity: abs / size, units };
  return { quantity: abs, units: 'seconds' };
}

export function graphiteTime(spec: TimePoint): string {
  if (spec.kind === 'now') return 'now';
  if (spec.kind === 'absolute') return String(spec.epoch);
  const { quantity, units } = relativeParts(spec.seconds);
  return `-${quantity}${units}`;
}

/**
 * The range of a graph at `resolution`: the options where given; a missing `from` is `until` minus the
 * resolution's default span (so `--until` alone moves the whole window). `nowSeconds` only orders the two.
 */
export function resolveRange(
  resolution: Resolution,
  options: { from?: TimePoint; until?: TimePoint },
  nowSeconds: number,
): GraphRange {
  const untilSpec: TimePoint = options.until ?? { kind: 'now' };
  const { quantity, units } = DEFAULT_SPAN[resolution];
  const span = quantity * (UI_UNITS.find(([u]) => u === units)?.[1] ?? 0);
  const fromSpec: TimePoint =
    options.from ??
    (untilSpec.kind === 'absolute'
      ? { kind: 'absolute', epoch: untilSpec.epoch - span }
      : { kind: 'relative', seconds: (untilSpec.kind === 'relative' ? untilSpec.seconds : 0) - span });
  const from = graphiteTime(fromSpec);
  const until = graphiteTime(untilSpec);
  const [fromEpoch, untilEpoch] = [epochOf(fromSpec, nowSeconds), epochOf(untilSpec, nowSeconds)];
  if (fromEpoch >= untilEpoch) {
    throw InputError.single(`${formatTime(fromEpoch)} is not before --until ${formatTime(untilEpoch)}`, {
      field: '--from',
    });
  }
  return { from, until, fromSpec, untilSpec };
}
