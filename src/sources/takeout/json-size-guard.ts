/**
 * Refuses JSON whose single value or array element is absurdly large, before a parser holds it in memory.
 *
 * A streaming parser still builds each string, number and element it hands over as one JavaScript value, so
 * one 1 GiB string in a 1 MB zip member would grow the process to gigabytes and crash it. This Transform sits
 * between the file and the parser and watches the bytes go by: the length of the current string or bare token
 * (number, literal) and of the current element of the top-level array. Past a bound it fails the stream, so
 * at most one chunk more than the bound is ever buffered. It scans, never parses: the parser still decides
 * what is valid JSON.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Far above any real value: the longest strings of an export are timestamps and sleep levels. */
export const MAX_TOKEN_BYTES = 1024 * 1024;
/** Far above any real record: a sleep log of a long night with every 30-second level is ~0.5 MB. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function mib(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}

export class JsonSizeGuard extends Transform {
  private inString = false;
  private escaped = false;
  private inBare = false;
  private tokenBytes = 0;
  private depth = 0;
  /** Absolute offset where the current top-level element started; -1 between elements. */
  private elementStart = -1;
  private elements = 0;
  private offset = 0;

  constructor(
    private readonly maxTokenBytes = MAX_TOKEN_BYTES,
    private readonly maxRecordBytes = MAX_RECORD_BYTES,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.scan(chunk);
    const problem = this.problem();
    if (problem) {
      callback(new Error(problem));
      return;
    }
    callback(null, chunk);
  }

  private problem(): string | undefined {
    if ((this.inString || this.inBare) && this.tokenBytes > this.maxTokenBytes) {
      return `a single value of record ${this.elements} is longer than ${mib(this.maxTokenBytes)} (at byte ${this.offset}): refused`;
    }
    if (this.elementStart >= 0 && this.offset - this.elementStart > this.maxRecordBytes) {
      return `record ${this.elements} is larger than ${mib(this.maxRecordBytes)} (at byte ${this.offset}): refused`;
    }
    return undefined;
  }

  private startElement(at: number): void {
    if (this.depth === 1 && this.elementStart < 0) this.elementStart = at;
  }

  private endElementIfTopLevel(): void {
    if (this.depth === 1 && this.elementStart >= 0) {
      this.elementStart = -1;
      this.elements++;
    }
  }

  private endBare(): void {
    if (!this.inBare) return;
    this.inBare = false;
    this.endElementIfTopLevel();
  }

  private scan(chunk: Buffer): void {
    const base = this.offset;
    const n = chunk.length;
    let i = 0;
    let nextBackslash = -2;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          this.tokenBytes++;
          i++;
          continue;
        }
        // Jump to the next quote or backslash with native searches instead of a byte loop.
        const quote = chunk.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        const stop = nextBackslash >= 0 && (quote < 0 || nextBackslash < quote) ? nextBackslash : quote;
        if (stop < 0) {
          this.tokenBytes += n - i;
          i = n;
        } else if (stop === nextBackslash) {
          this.tokenBytes += stop - i + 1;
          this.escaped = true;
          i = stop + 1;
        } else {
          this.tokenBytes += stop - i;
          this.inString = false;
          i = stop + 1;
          this.endElementIfTopLevel();
        }
        continue;
      }
      const byte = chunk[i] as number;
      if (byte === QUOTE) {
        this.endBare();
        this.startElement(base + i);
        this.inString = true;
        this.tokenBytes = 0;
      } else if (byte === 0x5b || byte === 0x7b) {
        // [ {
        this.endBare();
        this.startElement(base + i);
        this.depth++;
      } else if (byte === 0x5d || byte === 0x7d) {
        // ] }
        this.endBare();
        this.depth--;
        this.endElementIfTopLevel();
      } else if (byte === 0x2c || byte === 0x3a || isWhitespace(byte)) {
        // , :
        this.endBare();
      } else if (this.inBare) {
        this.tokenBytes++;
      } else {
        this.startElement(base + i);
        this.inBare = true;
        this.tokenBytes = 1;
      }
      i++;
    }
    this.offset = base + n;
  }
}
