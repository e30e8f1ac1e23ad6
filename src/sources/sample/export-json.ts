/**
 * How the sample export writes its JSON: in the layout of a classic Fitbit export, i.e. Jackson's pretty printer
 * (`"key" : value`, two-space indent, `[{…},{…}]` between the records of a file). Whitespace means nothing to a
 * JSON parser, but an importer that streams these files should meet the bytes real exports have.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function pretty(value: Json, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((v) => pretty(v, indent)).join(', ')} ]`;
  }
  if (value !== null && typeof value === 'object') {
    const inner = indent + '  ';
    const entries = Object.entries(value).map(
      ([k, v]) => `${inner}${JSON.stringify(k)} : ${pretty(v, inner)}`,
    );
    return entries.length === 0 ? '{ }' : `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** One record of a top-level array, as the export spells it. */
export function exportRecord(value: { [key: string]: Json }): string {
  return pretty(value, '');
}

/** The heart_rate record, written by hand: it is the hot loop (≈ 8,600 a day at 10 s). */
export function heartRecord(stamp: string, bpm: number, confidence: number): string {
  return `{\n  "dateTime" : "${stamp}",\n  "value" : {\n    "bpm" : ${bpm},\n    "confidence" : ${confidence}\n  }\n}`;
}

export function stepsRecord(stamp: string, steps: number): string {
  return `{\n  "dateTime" : "${stamp}",\n  "value" : "${steps}"\n}`;
}

const FLUSH_CHARS = 1 << 20;

/**
 * Writes `<prefix>-<date>.json` files, each a JSON array, from records that arrive in file order: a record for a
 * new date closes the previous file. At most about a megabyte is held, whatever the length of the export.
 */
export class DatedJsonArrayFiles {
  private fd: number | undefined;
  private currentDate: string | undefined;
  private pending: string[] = [];
  private pendingChars = 0;
  private recordsInFile = 0;
  readonly written: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
  ) {}

  add(fileDate: string, record: string): void {
    if (fileDate !== this.currentDate) this.open(fileDate);
    this.push(this.recordsInFile === 0 ? `[${record}` : `,${record}`);
    this.recordsInFile++;
  }

  /** Writes a whole file at once (sleep, resting heart rate: a month is small). */
  writeFile(fileDate: string, records: string[]): void {
    this.open(fileDate);
    this.push(records.length === 0 ? '[ ]' : `[${records.join(',')}]`);
    this.recordsInFile = -1;
    this.closeCurrent();
  }

  close(): void {
    this.closeCurrent();
  }

  private open(fileDate: string): void {
    this.closeCurrent();
    const file = path.join(this.dir, `${this.prefix}-${fileDate}.json`);
    this.fd = fs.openSync(file, 'w');
    this.currentDate = fileDate;
    this.recordsInFile = 0;
    this.written.push(file);
  }

  private push(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }

  private closeCurrent(): void {
    if (this.fd === undefined) return;
    // recordsInFile is -1 after writeFile, whose text is already complete.
    if (this.recordsInFile === 0) this.push('[ ]');
    else if (this.recordsInFile > 0) this.push(']');
    this.flush();
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.currentDate = undefined;
  }
}
