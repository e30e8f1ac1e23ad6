/**
 * Which files of an export to read, and the civil days each one covers by its name.
 *
 * Files are named by the first date of their period, and the period depends on the kind (what real exports
 * do): a classic heart-rate file holds one day; the resting-heart-rate file runs to the next one, or to the end
 * of the export; every other dated file runs to the next file of its kind, at most one calendar month. The last
 * classic steps or sleep file holds a calendar month; the last Google-era CSV file of samples holds the median
 * spacing of the files before it (a calendar month when that is 28 days or more, or when it is the only one).
 * The Google-era resting-rate and sleep files are undated and cover everything.
 *
 * The period is what a file is responsible for: a day inside it is only complete if the file was read whole
 * (assemble-days.ts). A record can sit a little outside it in UTC (a local midnight is up to 14 hours before
 * or 12 hours after the UTC one); further out it does not belong to the file and is skipped.
 */
import { addDays, addOneMonth, civilMs } from '../../util/civil-date';
import type { DateRange } from '../day-record';
import { classicFiles } from './classic-json';
import type { DataFile, DataKind, ExportLayout, PlannedFile } from './data-file';
import type { RecordLimits } from './file-read';
import { googleCsvFiles } from './google-csv';

const HOUR_MS = 3_600_000;
/** UTC offsets in use run from -12:00 to +14:00. */
export const MAX_OFFSET_EAST_MS = 14 * HOUR_MS;
export const MAX_OFFSET_WEST_MS = 12 * HOUR_MS;

/**
 * Days around the requested range whose files are read too: the day windows of the range need the heart-rate
 * files of two days before and of three days after it (see day-windows.ts).
 */
export const WINDOW_MARGIN_BEFORE = 2;
export const WINDOW_MARGIN_AFTER = 3;

export interface ExportPlan {
  layout: ExportLayout;
  /** Every data file of the chosen layout with its period, misnamed ones included. */
  files: PlannedFile[];
  /** CSV files not read because the export has the classic JSON family (the two overlap). */
  ignoredCsvFiles: number;
}

/** Picks the files of one family (classic JSON when it is there, else CSV) and gives each its period. */
export function planExport(members: readonly string[]): ExportPlan {
  const classic = classicFiles(members);
  const csv = googleCsvFiles(members);
  if (classic.files.length + classic.misnamed.length > 0) {
    return {
      layout: 'classic-json',
      files: [
        ...withPeriods(classic.files, 'classic-json'),
        ...classic.misnamed.map((f) => ({ ...f, layout: 'classic-json' as const })),
      ],
      ignoredCsvFiles: csv.length,
    };
  }
  return { layout: 'google-csv', files: withPeriods(csv, 'google-csv'), ignoredCsvFiles: 0 };
}

function withPeriods(files: readonly DataFile[], layout: ExportLayout): PlannedFile[] {
  const byKind = new Map<DataKind, DataFile[]>();
  for (const file of files) byKind.set(file.kind, [...(byKind.get(file.kind) ?? []), file]);
  const planned: PlannedFile[] = [];
  for (const [kind, list] of byKind) {
    const dated = list.filter((f) => f.date !== undefined).sort((a, b) => a.date!.localeCompare(b.date!));
    const spacing = usualSpacing(dated.map((f) => f.date as string));
    dated.forEach((file, i) => {
      const from = file.date as string;
      const next = dated.slice(i + 1).find((f) => f.date !== from)?.date;
      planned.push({ ...file, layout, period: { from, ...periodEnd(kind, layout, from, next, spacing) } });
    });
    for (const file of list.filter((f) => f.date === undefined))
      planned.push({ ...file, layout, period: {} });
  }
  return planned.sort((a, b) => a.member.localeCompare(b.member));
}

/** The median number of days between consecutive file dates (the upper one of two); undefined for < 2 files. */
function usualSpacing(dates: readonly string[]): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < dates.length; i++) {
    gaps.push(Math.round((civilMs(dates[i] as string) - civilMs(dates[i - 1] as string)) / 86_400_000));
  }
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)];
}

const MONTHLY_DAYS = 28;

function periodEnd(
  kind: DataKind,
  layout: ExportLayout,
  from: string,
  next: string | undefined,
  spacing: number | undefined,
): { to?: string } {
  if (kind === 'heart' && layout === 'classic-json') return { to: addDays(from, 1) };
  if (kind === 'resting' && layout === 'classic-json') return next === undefined ? {} : { to: next };
  const monthLater = addOneMonth(from);
  if (next !== undefined) return { to: next < monthLater ? next : monthLater };
  // Classic steps and sleep files hold a month (the first one of an export may start late in its month, so
  // the spacing says nothing); a Google-era CSV file of samples may hold a day.
  if (layout === 'classic-json' || spacing === undefined || spacing >= MONTHLY_DAYS)
    return { to: monthLater };
  return { to: addDays(from, spacing) };
}

/** How far a record of the file may be from the file's period (see the module comment). */
export function recordLimits(file: PlannedFile): RecordLimits {
  const period = file.period;
  if (!period) return {};
  if (file.kind === 'heart' || file.kind === 'steps') {
    return {
      instants: {
        from: period.from !== undefined ? civilMs(period.from) - MAX_OFFSET_EAST_MS : -Infinity,
        to: period.to !== undefined ? civilMs(period.to) + MAX_OFFSET_WEST_MS : Infinity,
      },
    };
  }
  // Dates of resting rates and sleeps are already civil; one day either side allows for a file split at
  // another midnight than the one the dates were taken at.
  return {
    dates: {
      from: period.from !== undefined ? addDays(period.from, -1) : '0000-01-01',
      to: period.to !== undefined ? period.to : '9999-12-31',
    },
  };
}

/** Whether a civil date lies in the file's period (never for a misnamed file: its period is unknown). */
export function covers(file: PlannedFile, date: string): boolean {
  const period = file.period;
  if (!period) return false;
  return (period.from === undefined || date >= period.from) && (period.to === undefined || date < period.to);
}

/**
 * The files that can matter for the range: those whose period meets the range widened by the window margins,
 * and every misnamed file (where its records fall is only known once it is read).
 */
export function selectFiles(files: readonly PlannedFile[], range: DateRange = {}): PlannedFile[] {
  const lo = range.from !== undefined ? addDays(range.from, -WINDOW_MARGIN_BEFORE) : undefined;
  const hi = range.to !== undefined ? addDays(range.to, WINDOW_MARGIN_AFTER) : undefined;
  return files.filter((file) => {
    const period = file.period;
    if (!period) return true;
    if (hi !== undefined && period.from !== undefined && period.from > hi) return false;
    return !(lo !== undefined && period.to !== undefined && period.to <= lo);
  });
}
