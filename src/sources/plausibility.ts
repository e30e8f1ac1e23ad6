/**
 * What a plausible value is, per kind of input. A value outside these bounds is not a measurement but a
 * corrupted or impossible one (`"bpm": 99999`, `1e308`, a step count of 12.5): the record is skipped with a
 * warning, and the day it belongs to gets no value for that kind (a day missing one of its records is not
 * the whole day). The same bounds validate archived day records before a replay (validate-day-record.ts).
 *
 * The bounds are wide on purpose: they catch values no body and no tracker produce, never a hard workout.
 * They are stated in the README ("Plausible values") so anyone can apply them to an export by hand.
 */

export interface Bound {
  /** What the value is, for messages: "bpm", "step count". */
  label: string;
  min: number;
  max: number;
  /** Only whole numbers are plausible (counts). */
  whole: boolean;
}

export const BOUNDS = {
  /** One heart-rate sample. Resting rates of trained athletes asleep go down to the high 20s; maxima ~220. */
  heartRate: { label: 'bpm', min: 20, max: 250, whole: false },
  /** The resting heart rate of a day (0 or empty means "not worn" and is not a value at all). */
  restingHeartRate: { label: 'resting heart rate', min: 20, max: 150, whole: false },
  /** One steps record (the exports write one per minute); a sprint is ~200-240 steps a minute. */
  stepsPerRecord: { label: 'step count', min: 0, max: 500, whole: true },
  /** A day's archived steps: 500 a minute for 48 hours, far above any real day (a travel day can be 30 h). */
  stepsPerDay: { label: 'steps of the day', min: 0, max: 1_440_000, whole: true },
  /** Minutes asleep of one sleep log. */
  minutesAsleep: { label: 'minutesAsleep', min: 0, max: 1440, whole: false },
  /** One sleep level segment (`levels.data[].seconds`). */
  sleepSegmentSeconds: { label: 'segment seconds', min: 0, max: 86_400, whole: false },
} as const satisfies Record<string, Bound>;

// A decimal number as JSON or a CSV cell writes it; no hex, no "Infinity", no surrounding text.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number from a JSON number or a decimal string; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (!DECIMAL.test(text)) return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** How a raw value is shown in a warning: JSON, so a string keeps its quotes. */
export function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text =
    typeof value === 'number' && !Number.isFinite(value)
      ? String(value)
      : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The value as a plausible number of the bound's kind, or the problem with it as a sentence
 * (`bpm 99999 is outside the plausible range 20..250`).
 */
export function checkValue(raw: unknown, bound: Bound): number | string {
  const n = toNumber(raw);
  if (n === undefined) return `${bound.label} ${shown(raw)} is not a number`;
  if (bound.whole && !Number.isInteger(n)) return `${bound.label} ${shown(raw)} is not a whole number`;
  if (n < bound.min || n > bound.max) {
    return `${bound.label} ${shown(raw)} is outside the plausible range ${bound.min}..${bound.max}`;
  }
  return n;
}

/** Whether an already numeric value is within the bound (for archived records). */
export function isPlausible(value: unknown, bound: Bound): value is number {
  return typeof value === 'number' && typeof checkValue(value, bound) === 'number';
}
