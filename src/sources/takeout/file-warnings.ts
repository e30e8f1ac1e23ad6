import type { SourceWarning } from '../day-record';

/**
 * At most this many record-level warnings are listed per file. A file where every row is broken (a changed
 * format, say) would otherwise produce millions of identical warnings; one summary line says how many more.
 */
export const MAX_RECORD_WARNINGS_PER_FILE = 50;

/** Collects warnings for one input file into the shared list, capping the record-level ones. */
export class FileWarnings {
  private recordWarnings = 0;

  constructor(
    readonly file: string,
    private readonly sink: SourceWarning[],
  ) {}

  /** A skipped or damaged record; `record` is an array index, a CSV line number or a logId. */
  record(record: string | number, message: string): void {
    this.recordWarnings++;
    if (this.recordWarnings <= MAX_RECORD_WARNINGS_PER_FILE)
      this.sink.push({ file: this.file, record, message });
  }

  /** A problem with the file as a whole (never capped). */
  problem(message: string, record?: string | number): void {
    this.sink.push(
      record === undefined ? { file: this.file, message } : { file: this.file, record, message },
    );
  }

  /** Adds the "N more" summary when records were left out of the list. Call once the file is read. */
  finish(): void {
    const hidden = this.recordWarnings - MAX_RECORD_WARNINGS_PER_FILE;
    if (hidden > 0) {
      this.sink.push({
        file: this.file,
        message: `${hidden} more records skipped for the reasons above (not listed)`,
      });
    }
  }
}
