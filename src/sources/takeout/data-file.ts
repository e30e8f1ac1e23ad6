/** What the layout readers share: the data files they find and the context they read them into. */
import type { LocalParts } from '../../util/timezone';
import type { SourceWarning } from '../day-record';
import type { DayAccumulator } from './day-accumulator';
import type { ExportReader } from './locate';

export type DataKind = 'steps' | 'heart' | 'resting' | 'sleep';

/** One data file of an export. */
export interface DataFile {
  kind: DataKind;
  /** Path relative to the Fitbit root. */
  member: string;
  /** The period start from the file name; undefined for files covering everything (CSV resting, sleeps). */
  date?: string;
}

export interface ReadContext {
  reader: ExportReader;
  days: DayAccumulator;
  warnings: SourceWarning[];
  /** The profile's IANA zone: civil dates are in it. */
  timeZone: string;
  /** Civil date and clock minute of a classic export timestamp (ms as parseFitbitDateTime gives it). */
  toLocal: (fitbitMs: number) => LocalParts;
  /** Civil date and clock minute of a true UTC instant (Google-era CSV). */
  instantToLocal: (epochMs: number) => LocalParts;
}

/** A finite number from a JSON number or a numeric string; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
