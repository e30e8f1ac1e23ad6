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
  /** A token or element that ended inside the current chunk but was already too long. */
  private tooLong: string | undefined;
  /** Where the refused element began: the bytes before it still go to the parser. */
  private refusedFrom = -1;

  constructor(
    private readonly maxTokenBytes = MAX_TOKEN_BYTES,
    private readonly maxRecordBytes = MAX_RECORD_BYTES,
  ) {
    super();
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.offset;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const base = this.offset;
    this.scan(chunk);
    const problem = this.problem();
    if (problem) {
      // The elements before the refused one are whole: let the parser have them (they are counted).
      const from = this.refusedFrom >= 0 ? this.refusedFrom : this.elementStart;
      if (from > base) this.push(chunk.subarray(0, from - base));
      callback(new Error(problem));
      return;
    }
    callback(null, chunk);
  }

  private problem(): string | undefined {
    if (this.tooLong) return this.tooLong;
    if ((this.inString || this.inBare) && this.tokenBytes > this.maxTokenBytes)
      return this.tokenProblem(this.offset);
    if (this.elementStart >= 0 && this.offset - this.elementStart > this.maxRecordBytes) {
      return this.elementProblem(this.offset);
    }
    return undefined;
  }

  private tokenProblem(at: number): string {
    return `a single value of record ${this.elements} is longer than ${mib(this.maxTokenBytes)} (at byte ${at}): refused`;
  }

  private elementProblem(at: number): string {
    return `record ${this.elements} is larger than ${mib(this.maxRecordBytes)} (at byte ${at}): refused`;
  }

  private startElement(at: number): void {
    if (this.depth === 1 && this.elementStart < 0) this.elementStart = at;
  }

  /** A token ended at `at`: too long is remembered (the chunk may hold much more after it). */
  private endToken(at: number): void {
    if (this.tokenBytes > this.maxTokenBytes) this.refuse(this.tokenProblem(at));
    this.endElementIfTopLevel(at);
  }

  private refuse(problem: string): void {
    if (this.tooLong) return;
    this.tooLong = problem;
    this.refusedFrom = this.elementStart;
  }

  private endElementIfTopLevel(at: number): void {
    if (this.depth === 1 && this.elementStart >= 0) {
      if (at - this.elementStart > this.maxRecordBytes) this.refuse(this.elementProblem(at));
      this.elementStart = -1;
      this.elements++;
    }
  }

  private endBare(at: number): void {
    if (!this.inBare) return;
    this.inBare = false;
    this.endToken(at);
  }

  private scan(chunk: Buffer): void {
    const base = this.offset;
    const n = chunk.length;
    let i = 0;
    let nextBackslash = -2;
    while (i < n && !this.tooLong) {
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
          this.endToken(base + i);
        }
        continue;
      }
      const byte = chunk[i] as number;
      if (byte === QUOTE) {
        this.endBare(base + i);
        this.startElement(base + i);
        this.inString = true;
        this.tokenBytes = 0;
      } else if (byte === 0x5b || byte === 0x7b) {
        // [ {
        this.endBare(base + i);
        this.startElement(base + i);
        this.depth++;
      } else if (byte === 0x5d || byte === 0x7d) {
        // ] }
        this.endBare(base + i);
        this.depth--;
        this.endElementIfTopLevel(base + i + 1);
      } else if (byte === 0x2c || byte === 0x3a || isWhitespace(byte)) {
        // , :
        this.endBare(base + i);
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
