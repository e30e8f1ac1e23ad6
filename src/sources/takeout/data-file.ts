/** What the layout readers share: the data files of an export and the period each one covers. */

export type DataKind = 'steps' | 'heart' | 'resting' | 'sleep';

export type ExportLayout = 'classic-json' | 'google-csv';

/** Civil dates YYYY-MM-DD, `to` exclusive; an undefined end is unbounded. */
export interface CivilPeriod {
  from?: string;
  to?: string;
}

/** One data file of an export. */
export interface DataFile {
  kind: DataKind;
  /** Path relative to the Fitbit root. */
  member: string;
  /** The period start from the file name; undefined for files covering everything (CSV resting, sleeps). */
  date?: string;
}

/** A data file with the civil days it covers by its name (see file-plan.ts). */
export interface PlannedFile extends DataFile {
  layout: ExportLayout;
  /** Undefined when unknown (a misnamed file); `{}` for a file covering everything. */
  period?: CivilPeriod;
  /**
   * Set for a file named like a data file of this kind but without a readable date (`steps-2026-9-3.json`):
   * its records are read, to count them and to find the days they fall on, but never used.
   */
  misnamed?: string;
}

/** Human names of the kinds, for messages. */
export const KIND_NAMES: Record<DataKind, string> = {
  steps: 'steps',
  heart: 'heart-rate',
  resting: 'resting heart rate',
  sleep: 'sleep',
};
