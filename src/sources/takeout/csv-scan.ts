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
import { DECLINE, STOP, type WindowScanner } from './byte-windows';
import { MAX_RECORD_BYTES } from './json-size-guard';

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;

const UNKNOWN = 0;
const LF = 1;
const CRLF = 2;

function trimmed(bytes: Buffer, from: number, to: number): string {
  while (from < to && bytes[from] === SPACE) from++;
  while (to > from && bytes[to - 1] === SPACE) to--;
  return bytes.toString('latin1', from, to);
}

export class PlainCsvScanner implements WindowScanner {
  private started = false;
  private lineEnds = UNKNOWN;
  /** Lines consumed (1-based number of the last one). */
  private line = 0;
  /** Records handed over, the header included (as forEachCsvRecord counts them). */
  count = 0;

  /** `onRecord` returns false to stop reading (as forEachCsvRecord's callback). */
  constructor(private readonly onRecord: (fields: string[], line: number) => boolean) {}

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
      const fields: string[] = [];
      let fieldStart = at;
      let blank = true;
      for (let i = at; i < contentEnd; i++) {
        const c = bytes[i] as number;
        if (c === COMMA) {
          fields.push(trimmed(bytes, fieldStart, i));
          fieldStart = i + 1;
          blank = false;
        } else if (c < SPACE || c > 0x7e || c === QUOTE) {
          return DECLINE;
        } else if (c !== SPACE) {
          blank = false;
        }
      }
      at = next;
      if (blank) continue;
      fields.push(trimmed(bytes, fieldStart, contentEnd));
      this.count++;
      if (!this.onRecord(fields, this.line)) return STOP;
    }
    return n;
  }
}
