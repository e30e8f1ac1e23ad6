/**
 * Reads one data file of an export: the self-contained step of an import. It needs nothing from other files
 * (its period comes from the plan) and its result is plain data, so it runs the same in this thread or in a
 * worker thread (read-worker.ts), and gives the same FileRead in both.
 */
import { readClassicFile } from './classic-json';
import type { PlannedFile } from './data-file';
import { recordLimits } from './file-plan';
import type { FileRead, ParserMode } from './file-read';
import { readGoogleCsvFile } from './google-csv';
import type { ExportReader } from './locate';

export function readExportFile(
  reader: ExportReader,
  file: PlannedFile,
  timeZone: string,
  parser: ParserMode = 'fast',
): Promise<FileRead> {
  const limits = recordLimits(file);
  return file.layout === 'classic-json'
    ? readClassicFile(reader, file, limits, parser)
    : readGoogleCsvFile(reader, file, limits, timeZone, parser);
}
