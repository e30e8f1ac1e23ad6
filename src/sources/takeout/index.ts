/** The Takeout source: a Fitbit export (Google Takeout zip or folder) read into normalised DayRecords. */
export {
  readTakeout,
  selectFilesInRange,
  SOURCE_NAME,
  type ExportLayout,
  type ReadTakeoutOptions,
} from './read-takeout';
export { openExport, MARKER_FOLDERS, type ExportReader } from './locate';
