/**
 * The Takeout source: reads a Fitbit export (Google Takeout zip or folder, or a fitbit.com account export)
 * into normalised DayRecords.
 *
 * Two steps. Each data file is read on its own (readExportFile), streamed, into a FileRead: its samples as
 * totals per UTC minute, its dated records, what was wrong with it. Then assembleDays puts every FileRead on
 * civil days, cut where the wearer's days begin and end (day-windows.ts), and decides completeness for every
 * day and input in one place (assemble-days.ts). Memory grows with the days in range, not with the export's
 * size; bad input never stops the import.
 */
import { silentLogger, type Logger } from '../../util/log';
import {
  silentProgress,
  type DateRange,
  type ProgressReporter,
  type SourceResult,
  type SourceWarning,
} from '../day-record';
import { assembleDays } from './assemble-days';
import { readClassicFile } from './classic-json';
import type { PlannedFile } from './data-file';
import type { ExportTimezone } from './day-windows';
import { planExport, recordLimits, selectFiles } from './file-plan';
import type { FileRead } from './file-read';
import { readGoogleCsvFile } from './google-csv';
import { openExport, type ExportReader } from './locate';
import { readProfileTimeZone } from './profile';

export const SOURCE_NAME = 'takeout';

export interface ReadTakeoutOptions {
  /** A Takeout .zip, the folder holding Takeout/, the Takeout folder, the Fitbit folder, or MyFitbitData. */
  path: string;
  /** Civil dates to produce (inclusive); files that cannot matter for them are not read. */
  range?: DateRange;
  /**
   * Where days begin and end: 'wearer' (default) at the wearer's midnights as the heart-rate files show them,
   * 'profile' at the profile zone's midnights, 'local' treating the export's times as wall-clock times.
   */
  exportTimezone?: ExportTimezone;
  progress?: ProgressReporter;
  logger?: Logger;
}

export interface TakeoutResult extends SourceResult {
  /** Days with samples that were cut at another UTC offset than the profile zone's (the wearer was away). */
  otherOffsetDays: string[];
}

/**
 * Reads one data file: the self-contained step of an import. It needs nothing from other files (its period
 * comes from the plan), and its result is plain data.
 */
export function readExportFile(reader: ExportReader, file: PlannedFile, timeZone: string): Promise<FileRead> {
  const limits = recordLimits(file);
  return file.layout === 'classic-json'
    ? readClassicFile(reader, file, limits)
    : readGoogleCsvFile(reader, file, limits, timeZone);
}

function duplicateWarnings(reader: ExportReader): SourceWarning[] {
  return reader.duplicateEntries.map(({ member, identical }) => ({
    file: member,
    message: identical
      ? 'the zip holds this entry twice (the same bytes); the second is not read'
      : 'the zip holds two entries of this name with different bytes; the file is treated as unreadable',
  }));
}

export async function readTakeout(options: ReadTakeoutOptions): Promise<TakeoutResult> {
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const range = options.range ?? {};
  const mode = options.exportTimezone ?? 'wearer';
  const reader = await openExport(options.path);
  try {
    const warnings: SourceWarning[] = [];
    const { timeZone, warning } = await readProfileTimeZone(reader);
    if (warning) warnings.push(warning);
    warnings.push(...duplicateWarnings(reader));

    const plan = planExport(reader.list());
    if (plan.ignoredCsvFiles > 0) {
      logger.info(
        { root: reader.root, ignoredCsvFiles: plan.ignoredCsvFiles },
        'takeout: the export has both classic JSON and Google-era CSV files; importing the JSON family only (they overlap)',
      );
    }
    if (plan.files.length === 0) {
      warnings.push({
        file: reader.root,
        message: 'no steps, heart-rate, resting heart rate or sleep files found',
      });
    }
    const files = selectFiles(plan.files, range);
    logger.info(
      {
        root: reader.root,
        layout: plan.layout,
        timeZone,
        exportTimezone: mode,
        files: files.length,
        skippedOutOfRange: plan.files.length - files.length,
      },
      'takeout: reading export',
    );

    const reads = new Map<string, FileRead>();
    progress.start(files.length, SOURCE_NAME);
    try {
      for (const file of files) {
        reads.set(file.member, await readExportFile(reader, file, timeZone));
        progress.increment();
      }
    } finally {
      progress.stop();
    }

    const assembled = assembleDays({ files, reads, allFiles: plan.files, range, timeZone, mode });
    for (const file of files) warnings.push(...(reads.get(file.member)?.warnings ?? []));
    warnings.push(...assembled.warnings);
    logger.info(
      {
        days: assembled.days.size,
        warnings: warnings.length,
        otherOffsetDays: assembled.otherOffsetDays.length,
      },
      'takeout: export read',
    );
    return {
      source: SOURCE_NAME,
      timeZone,
      days: assembled.days,
      warnings,
      inputs: files.length,
      otherOffsetDays: assembled.otherOffsetDays,
    };
  } finally {
    await reader.close();
  }
}
