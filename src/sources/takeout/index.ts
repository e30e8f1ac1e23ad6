/** The Takeout source: a Fitbit export (Google Takeout zip or folder) read into normalised DayRecords. */
export {
  readTakeout,
  readExportFile,
  SOURCE_NAME,
  type ReadTakeoutOptions,
  type TakeoutResult,
} from './read-takeout';
export type { ExportLayout } from './data-file';
export type { ExportTimezone } from './day-windows';
export { openExport, MARKER_FOLDERS, type ExportReader } from './locate';
