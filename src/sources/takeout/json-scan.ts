/**
 * The fast path for a JSON array file: a byte scanner of the top-level array that hands each element either to
 * a reader of a known record shape (classic-shapes.ts: the heart-rate and steps records that make up almost all
 * of an export, read field by field without building an object), or, for any other element, to JSON.parse of
 * exactly that element's bytes.
 *
 * It accepts only what the streaming parser (json-array.ts) accepts with the same result, and declines
 * everything else, so the caller can fall back to the streaming parser for that file: invalid or truncated JSON,
 * a top level that is not an array, a byte order mark, and any value or element the size guard
 * (json-size-guard.ts) would refuse. Valid JSON is established piece by piece: the array's own brackets, commas
 * and whitespace here, each element either by its shape reader (which matches only valid JSON) or by
 * JSON.parse. Element boundaries are found by a structural scan (strings with their escapes, nesting); if it
 * splits an invalid file wrongly, the JSON.parse of the piece fails and the file is declined.
 */
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './ascii';
import { DECLINE, type WindowScanner } from './byte-windows';
import { MAX_RECORD_BYTES, MAX_TOKEN_BYTES } from './json-size-guard';

/**
 * Reads the element starting at `at` (its first byte) if it has the reader's shape, calling the record rules
 * itself; returns the offset after it, or -1 (with no effect) when it does not have that shape.
 */
export type ShapeReader = (bytes: Buffer, at: number, index: number) => number;

/** What a window must still hold past an element's start for a shape reader to try it (records are ~100 B). */
const SHAPE_LOOKAHEAD = 4096;
const NEED_MORE = -3;

/** Bytes that end a bare token (number, true, false, null): whitespace and structure. */
const DELIMITER = new Uint8Array(256);
for (const byte of [
  0x20,
  0x09,
  0x0a,
  0x0d,
  COMMA,
  COLON,
  OPEN_BRACKET,
  CLOSE_BRACKET,
  OPEN_BRACE,
  CLOSE_BRACE,
  QUOTE,
])
  DELIMITER[byte] = 1;

export function skipWhitespace(bytes: Buffer, at: number): number {
  // Comparisons, not a table lookup: a read past the end gives undefined, which must not index a table.
  let c = bytes[at];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++at];
  return at;
}

/** The offset of the quote closing a string whose content starts at `from`; -1 when it is not in `bytes`. */
function stringClose(bytes: Buffer, from: number): number {
  let at = from;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, at);
    if (quote < 0) return -1;
    // Escaped when preceded by an odd number of backslashes.
    let k = quote - 1;
    while (k >= from && bytes[k] === BACKSLASH) k--;
    if ((quote - 1 - k) % 2 === 0) return quote;
    at = quote + 1;
  }
}

/**
 * Where the value starting at `start` ends, by structure only (JSON.parse decides validity); NEED_MORE when it
 * runs past the window, DECLINE when a token or the element is longer than the size guard allows.
 */
function valueEnd(bytes: Buffer, start: number, end: boolean): number {
  const n = bytes.length;
  const incomplete = (at: number) => (at - start > MAX_RECORD_BYTES ? DECLINE : end ? DECLINE : NEED_MORE);
  let depth = 0;
  let i = start;
  while (i < n) {
    const c = bytes[i] as number;
    if (c === QUOTE) {
      const close = stringClose(bytes, i + 1);
      if (close < 0) return n - i - 1 > MAX_TOKEN_BYTES ? DECLINE : incomplete(n);
      if (close - i - 1 > MAX_TOKEN_BYTES) return DECLINE;
      i = close + 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      i++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      i++;
      if (depth < 0) return DECLINE;
    } else if (DELIMITER[c] === 1) {
      if (depth === 0) return i === start ? DECLINE : i;
      i++;
      continue;
    } else {
      const run = i;
      while (i < n && DELIMITER[bytes[i] as number] !== 1) i++;
      if (i - run > MAX_TOKEN_BYTES) return DECLINE;
      if (i === n) return depth === 0 && end ? i : incomplete(i);
      if (depth === 0) return i;
      continue;
    }
    if (i - start > MAX_RECORD_BYTES) return DECLINE;
    if (depth === 0) return i;
  }
  return incomplete(n);
}

const BEFORE_ARRAY = 0;
const FIRST_ELEMENT = 1;
const ELEMENT = 2;
const AFTER_ELEMENT = 3;
const AFTER_ARRAY = 4;

export class JsonArrayScanner implements WindowScanner {
  private state = BEFORE_ARRAY;
  /** Elements read so far (each handed to the shape reader or to onElement). */
  count = 0;

  constructor(
    private readonly onElement: (value: unknown, index: number) => void,
    private readonly shape?: ShapeReader,
  ) {}

  feed(bytes: Buffer, end: boolean): number {
    const n = bytes.length;
    let at = 0;
    for (;;) {
      at = skipWhitespace(bytes, at);
      if (at >= n) return end && this.state !== AFTER_ARRAY ? DECLINE : n;
      const c = bytes[at];
      switch (this.state) {
        case BEFORE_ARRAY:
          if (c !== OPEN_BRACKET) return DECLINE;
          this.state = FIRST_ELEMENT;
          at++;
          break;
        case AFTER_ELEMENT:
          if (c === COMMA) this.state = ELEMENT;
          else if (c === CLOSE_BRACKET) this.state = AFTER_ARRAY;
          else return DECLINE;
          at++;
          break;
        case FIRST_ELEMENT:
        case ELEMENT: {
          if (c === CLOSE_BRACKET && this.state === FIRST_ELEMENT) {
            this.state = AFTER_ARRAY;
            at++;
            break;
          }
          const next = this.element(bytes, at, end);
          if (next === NEED_MORE) return at;
          if (next === DECLINE) return DECLINE;
          this.count++;
          this.state = AFTER_ELEMENT;
          at = next;
          break;
        }
        default:
          // After the array only whitespace may follow.
          return DECLINE;
      }
    }
  }

  private element(bytes: Buffer, at: number, end: boolean): number {
    if (this.shape && (end || bytes.length - at >= SHAPE_LOOKAHEAD)) {
      const next = this.shape(bytes, at, this.count);
      if (next >= 0) return next - at > MAX_RECORD_BYTES ? DECLINE : next;
    }
    const next = valueEnd(bytes, at, end);
    if (next < 0) return next;
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8', at, next));
    } catch {
      return DECLINE;
    }
    this.onElement(value, this.count);
    return next;
  }
}
