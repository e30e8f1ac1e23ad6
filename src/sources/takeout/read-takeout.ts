/**
 * The Takeout source: reads a Fitbit export (Google Takeout zip or folder, or a fitbit.com account export)
 * into normalised DayRecords.
 *
 * Two steps. Each data file is read on its own (readExportFile) into a FileRead: its samples as totals per UTC
 * minute, its dated records, what was wrong with it. Files are scanned in windows on a fast path and read by
 * the streaming parser only when damaged (classic-json.ts, google-csv.ts), and spread over worker threads when
 * there are cores and bytes enough (file-read-pool.ts). Then assembleDays puts every FileRead, in plan order,
 * on civil days, cut where the wearer's days begin and end (day-windows.ts), and decides completeness for every
 * day and input in one place (assemble-days.ts). Memory grows with the days in range, not with the export's
 * size; bad input never stops the import; the result is the same whatever the threads and the parser.
 */
import { silentLogger, type Logger } from '../../util/log';
import {
  silentProgress,
  type DateRange,
  type ProgressReporter,
  type SourceResult,
  type SourceWarning,
} from '../day-record';
import { performance } from 'node:perf_hooks';
import { assembleDays } from './assemble-days';
import type { ExportTimezone } from './day-windows';
import { planExport, selectFiles } from './file-plan';
import type { FileRead, ParserMode } from './file-read';
import { readFiles } from './file-read-pool';
import { openExport, type ExportReader } from './locate';
import { readProfileTimeZone } from './profile';

export { readExportFile } from './read-export-file';

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
  /**
   * Threads reading files, this one included (1: this one only). Default: one per core (at most 4) when the
   * files to read hold 128 MiB or more, else 1 (HEALTHLAKE_IMPORT_THREADS sets it for collect). The result is
   * the same.
   */
  threads?: number;
  /** 'streaming' reads every file with the streaming parser (a diagnostic: the former path). Default 'fast'. */
  parser?: ParserMode;
  progress?: ProgressReporter;
  logger?: Logger;
}

export interface TakeoutResult extends SourceResult {
  /** Days with samples that were cut at another UTC offset than the profile zone's (the wearer was away). */
  otherOffsetDays: string[];
  /** Threads that read the files (1: the calling thread). */
  threads: number;
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
  const started = performance.now();
  const parser = options.parser ?? 'fast';
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

    progress.start(files.length, SOURCE_NAME);
    let read: { reads: FileRead[]; threads: number };
    try {
      read = await readFiles(reader, files, {
        exportPath: options.path,
        timeZone,
        parser,
        threads: options.threads,
        onFileRead: () => progress.increment(),
      });
    } finally {
      progress.stop();
    }
    const reads = new Map<string, FileRead>(files.map((file, i) => [file.member, read.reads[i]!]));

    const assembled = assembleDays({
      files,
      reads,
      allFiles: plan.files,
      range,
      timeZone,
      mode,
      releaseSamples: true,
    });
    for (const file of files) warnings.push(...(reads.get(file.member)?.warnings ?? []));
    warnings.push(...assembled.warnings);
    const readMs = Math.round(performance.now() - started);
    logger.info(
      {
        days: assembled.days.size,
        warnings: warnings.length,
        otherOffsetDays: assembled.otherOffsetDays.length,
        threads: read.threads,
        parser,
        readMs,
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
      threads: read.threads,
      readMs,
    };
  } finally {
    await reader.close();
  }
}
