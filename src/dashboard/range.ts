import { InputError } from '../errors';
import type { Resolution } from '../templates/template';
import { parseRelativeTime } from '../util/duration';

/**
 * The time range of dashboard graphs. Daily metrics are read in weeks and app metrics in hours, so each
 * resolution has its own default span; `--from`/`--until` override it for every graph. graphite-web reads a
 * range as (from, until]: `--until 2026-11-15` includes that day's point, and the default span then ends there.
 */

/** A point in time as the user gave it: now, an offset from now (seconds, negative = past), or epoch seconds. */
export type TimeSpec =
  { kind: 'now' } | { kind: 'relative'; seconds: number } | { kind: 'absolute'; epoch: number };

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
  fromSpec: TimeSpec;
  untilSpec: TimeSpec;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a `--from`/`--until` value: `now`; a relative time (`-8weeks`, `-30d`, `now-6h`); a date
 * `YYYY-MM-DD` (00:00 UTC, where whisper puts a daily point); or epoch seconds.
 */
export function parseTimeOption(text: string, option: string): TimeSpec {
  const t = text.trim();
  const date = DATE_RE.exec(t);
  if (date) {
    const epoch = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) / 1000;
    if (new Date(epoch * 1000).toISOString().slice(0, 10) !== t) {
      throw InputError.single(`"${text}" is not a calendar date`, { field: option });
    }
    return { kind: 'absolute', epoch };
  }
  if (/^\d{9,}$/.test(t)) return { kind: 'absolute', epoch: Number(t) };
  let seconds: number;
  try {
    seconds = parseRelativeTime(t);
  } catch (err) {
    throw InputError.single(`${(err as Error).message}; or a date YYYY-MM-DD, or epoch seconds`, {
      field: option,
    });
  }
  if (seconds > 0) throw InputError.single(`"${text}" is in the future`, { field: option });
  return seconds === 0 ? { kind: 'now' } : { kind: 'relative', seconds };
}

/** Seconds as the dashboard UI writes them: the largest unit that divides evenly (`-8weeks`, `-90minutes`). */
export function relativeParts(seconds: number): { quantity: number; units: UiUnit | 'seconds' } {
  const abs = Math.abs(seconds);
  for (const [units, size] of UI_UNITS) if (abs % size === 0) return { quantity: abs / size, units };
  return { quantity: abs, units: 'seconds' };
}

export function graphiteTime(spec: TimeSpec): string {
  if (spec.kind === 'now') return 'now';
  if (spec.kind === 'absolute') return String(spec.epoch);
  const { quantity, units } = relativeParts(spec.seconds);
  return `-${quantity}${units}`;
}

/** Epoch seconds of a spec, given the current time. */
export function epochOf(spec: TimeSpec, nowSeconds: number): number {
  if (spec.kind === 'now') return nowSeconds;
  if (spec.kind === 'relative') return nowSeconds + spec.seconds;
  return spec.epoch;
}

/**
 * The range of a graph at `resolution`: the options where given; a missing `from` is `until` minus the
 * resolution's default span (so `--until` alone moves the whole window). `nowSeconds` only orders the two.
 */
export function resolveRange(
  resolution: Resolution,
  options: { from?: TimeSpec; until?: TimeSpec },
  nowSeconds: number,
): GraphRange {
  const untilSpec: TimeSpec = options.until ?? { kind: 'now' };
  const { quantity, units } = DEFAULT_SPAN[resolution];
  const span = quantity * (UI_UNITS.find(([u]) => u === units)?.[1] ?? 0);
  const fromSpec: TimeSpec =
    options.from ??
    (untilSpec.kind === 'absolute'
      ? { kind: 'absolute', epoch: untilSpec.epoch - span }
      : { kind: 'relative', seconds: (untilSpec.kind === 'relative' ? untilSpec.seconds : 0) - span });
  const from = graphiteTime(fromSpec);
  const until = graphiteTime(untilSpec);
  if (epochOf(fromSpec, nowSeconds) >= epochOf(untilSpec, nowSeconds)) {
    throw InputError.single(`--from ${from} is not before --until ${until}`, { field: '--from' });
  }
  return { from, until, fromSpec, untilSpec };
}
