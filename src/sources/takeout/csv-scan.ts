/**
 * The fast path for a CSV file: a line scanner for the plain CSV that Google-era exports write (no quotes, one
 * line per record), giving exactly the records and line numbers csv-parse gives with the options of
 * forEachCsvRecord (csv-records.ts): a byte order mark skipped, fields split at commas and trimmed of spaces,
 * lines holding nothing but spaces skipped, `\n` or `\r\n` line ends.
 *
 * Anything outside that plain form is declined, and the caller reads the file with csv-parse instead: a quote
 * (quoted fields, escapes), a tab or another control byte, a carriage return that is not part of a `\r\n` line
 * end or a file mixing the two line ends, a byte outside printable ASCII after the byte order mark (csv-parse
 * decodes UTF-8 per field and trims Unicode spaces), and a line longer than csv-parse's record size limit.
 */
import { CARRIAGE_RETURN, COMMA, LINE_FEED, QUOTE, SPACE } from './ascii';
import { DECLINE, STOP, type WindowScanner } from './byte-windows';
import { MAX_RECORD_BYTES } from './json-size-guard';

const UNKNOWN = 0;
const LF = 1;
const CRLF = 2;

function trimmed(bytes: Buffer, from: number, to: number): string {
  while (from < to && bytes[from] === SPACE) from++;
  while (to > from && bytes[to - 1] === SPACE) to--;
  return bytes.toString('latin1', from, to);
}

/** The fields of the plain line from `from` to `to`: split at commas, trimmed of spaces. */
function fieldsOf(bytes: Buffer, from: number, to: number): string[] {
  const fields: string[] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    if (bytes[i] === COMMA) {
      fields.push(trimmed(bytes, start, i));
      start = i + 1;
    }
  }
  fields.push(trimmed(bytes, start, to));
  return fields;
}

/**
 * Reads a data record straight from the bytes of its plain line (`from` to `to`) when it has the usual form,
 * and returns true; returns false, with no effect, for the record to be handed over as fields instead.
 */
export type RowShape = (bytes: Buffer, from: number, to: number, line: number) => boolean;

export class PlainCsvScanner implements WindowScanner {
  private started = false;
  private lineEnds = UNKNOWN;
  /** Lines consumed (1-based number of the last one). */
  private line = 0;
  /** Records handed over, the header included (as forEachCsvRecord counts them). */
  count = 0;
  private shape: RowShape | undefined;

  /**
   * `onRecord` returns false to stop reading (as forEachCsvRecord's callback); `shapeOf` says, after each record
   * handed over, which RowShape reads the next ones (the header decides).
   */
  constructor(
    private readonly onRecord: (fields: string[], line: number) => boolean,
    private readonly shapeOf: () => RowShape | undefined = () => undefined,
  ) {}

  feed(bytes: Buffer, end: boolean): number {
    const n = bytes.length;
    let at = 0;
    if (!this.started) {
      if (n < 3 && !end) return 0;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) at = 3;
      this.started = true;
    }
    while (at < n) {
      const lineFeed = bytes.indexOf(LINE_FEED, at);
      let contentEnd: number;
      let next: number;
      if (lineFeed < 0) {
        if (!end) return n - at > MAX_RECORD_BYTES ? DECLINE : at;
        contentEnd = n;
        next = n;
      } else {
        next = lineFeed + 1;
        const crlf = lineFeed > at && bytes[lineFeed - 1] === CARRIAGE_RETURN;
        if (this.lineEnds === UNKNOWN) this.lineEnds = crlf ? CRLF : LF;
        else if ((this.lineEnds === CRLF) !== crlf) return DECLINE;
        contentEnd = crlf ? lineFeed - 1 : lineFeed;
      }
      if (contentEnd - at > MAX_RECORD_BYTES) return DECLINE;
      this.line++;
      let blank = true;
      for (let i = at; i < contentEnd; i++) {
        const c = bytes[i] as number;
        if (c < SPACE || c > 0x7e || c === QUOTE) return DECLINE;
        if (c !== SPACE) blank = false;
      }
      const from = at;
      at = next;
      // A line of nothing but spaces is an empty line to csv-parse (trimmed, it holds no field).
      if (blank) continue;
      this.count++;
      if (this.shape?.(bytes, from, contentEnd, this.line)) continue;
      if (!this.onRecord(fieldsOf(bytes, from, contentEnd), this.line)) return STOP;
      this.shape = this.shapeOf();
    }
    return n;
  }
}
