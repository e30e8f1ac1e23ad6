/**
 * The Takeout source: reads a Fitbit export (Google Takeout zip or folder) into normalised DayRecords.
 *
 * Files are read one at a time and streamed, samples folded into per-day totals as they pass, so memory
 * grows with the days in range, not with the export's size. Bad input never stops the import: each problem
 * becomes a SourceWarning and the rest is read.
 */
import { wallParts, zoneClock, type LocalParts } from '../../util/timezone';
import { addDays } from '../../util/civil-date';
import { silentLogger, type Logger } from '../../util/log';
import {
  silentProgress,
  type DateRange,
  type ProgressReporter,
  type SourceResult,
  type SourceWarning,
} from '../day-record';
import { classicFiles, readClassicFile } from './classic-json';
import type { DataFile, DataKind, ReadContext } from './data-file';
import { DayAccumulator } from './day-accumulator';
import { googleCsvFiles, readGoogleCsvFile } from './google-csv';
import { openExport } from './locate';
import { readProfileTimeZone } from './profile';

export const SOURCE_NAME = 'takeout';

export interface ReadTakeoutOptions {
  /** A Takeout .zip, the folder holding Takeout/, the Takeout folder, or the Fitbit folder. */
  path: string;
  /** Civil dates to keep (inclusive); everything else is skipped, whole files where possible. */
  range?: DateRange;
  /**
   * How to read the classic JSON's `MM/DD/YY HH:MM:SS` in steps and heart-rate files: as UTC, converted to
   * the profile's zone (default), or as local wall time already. Parsers disagree; check against the app.
   */
  exportTimezone?: 'utc' | 'local';
  progress?: ProgressReporter;
  logger?: Logger;
}

export type ExportLayout = 'classic-json' | 'google-csv';

/**
 * Drops files that cannot hold a record dated inside the range, judging by file-name dates only.
 *
 * A file's records start at its own date and end before the next file of the same kind starts (files are one
 * per day or per month, and the period length is not assumed). A UTC timestamp's civil date is at most one
 * day off its UTC date, hence the one-day margins. The last file of a kind has no known end and is kept
 * unless it starts too late. Undated files (CSV resting heart rate, sleeps) are always read.
 */
export function selectFilesInRange(files: readonly DataFile[], range: DateRange = {}): DataFile[] {
  const byKind = new Map<DataKind, DataFile[]>();
  for (const file of files) {
    if (file.date) byKind.set(file.kind, [...(byKind.get(file.kind) ?? []), file]);
  }
  const nextStart = new Map<DataFile, string>();
  for (const list of byKind.values()) {
    list.sort((a, b) => (a.date as string).localeCompare(b.date as string));
    list.forEach((file, i) => {
      const next = list[i + 1];
      if (next?.date && next.date !== file.date) nextStart.set(file, next.date);
    });
  }
  const latestStart = range.to !== undefined ? addDays(range.to, 1) : undefined;
  return files.filter((file) => {
    if (!file.date) return true;
    if (latestStart !== undefined && file.date > latestStart) return false;
    const end = nextStart.get(file);
    // Records are before `end` (UTC), so their civil dates are at most `end`.
    return !(range.from !== undefined && end !== undefined && end < range.from);
  });
}

/** Picks the files of one family: classic JSON when it is there (the CSV copies overlap it), else CSV. */
function chooseLayout(members: readonly string[]): {
  layout: ExportLayout;
  files: DataFile[];
  ignored: number;
} {
  const classic = classicFiles(members);
  const csv = googleCsvFiles(members);
  if (classic.length > 0) return { layout: 'classic-json', files: classic, ignored: csv.length };
  return { layout: 'google-csv', files: csv, ignored: 0 };
}

export async function readTakeout(options: ReadTakeoutOptions): Promise<SourceResult> {
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const range = options.range ?? {};
  const reader = await openExport(options.path);
  try {
    const warnings: SourceWarning[] = [];
    const { timeZone, warning } = await readProfileTimeZone(reader);
    if (warning) warnings.push(warning);

    const { layout, files: allFiles, ignored } = chooseLayout(reader.list());
    if (ignored > 0) {
      logger.info(
        { root: reader.root, ignoredCsvFiles: ignored },
        'takeout: the export has both classic JSON and Google-era CSV files; importing the JSON family only (they overlap)',
      );
    }
    if (allFiles.length === 0) {
      warnings.push({
        file: reader.root,
        message: 'no steps, heart-rate, resting heart rate or sleep files found',
      });
    }
    const files = selectFilesInRange(allFiles, range);
    logger.info(
      {
        root: reader.root,
        layout,
        timeZone,
        files: files.length,
        skippedOutOfRange: allFiles.length - files.length,
      },
      'takeout: reading export',
    );

    const clock = zoneClock(timeZone);
    const instantToLocal = (epochMs: number): LocalParts => clock.localParts(epochMs);
    const ctx: ReadContext = {
      reader,
      days: new DayAccumulator(range),
      warnings,
      timeZone,
      toLocal: (options.exportTimezone ?? 'utc') === 'utc' ? instantToLocal : wallParts,
      instantToLocal,
    };
    const readFile = layout === 'classic-json' ? readClassicFile : readGoogleCsvFile;

    progress.start(files.length, SOURCE_NAME);
    try {
      for (const file of files) {
        await readFile(file, ctx);
        progress.increment();
      }
    } finally {
      progress.stop();
    }

    const days = ctx.days.build();
    logger.info({ days: days.size, warnings: warnings.length }, 'takeout: export read');
    return { source: SOURCE_NAME, timeZone, days, warnings, inputs: files.length };
  } finally {
    await reader.close();
  }
}
