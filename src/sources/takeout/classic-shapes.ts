/**
 * The two record shapes that make up almost all of a classic export's bytes, read straight from the bytes:
 *
 *   heart_rate  {"dateTime":"MM/DD/YY HH:MM:SS","value":{"bpm":<number>[,"confidence":<number>]}}
 *   steps       {"dateTime":"MM/DD/YY HH:MM:SS","value":"<count>"}          (or a number as the value)
 *
 * with any JSON whitespace between the tokens (real exports are pretty-printed: `"bpm" : 64`). A reader
 * matches a record only when it is valid JSON in exactly this form (keys in this order, a readable timestamp,
 * a plain ASCII string or a JSON number as the value); then it hands the fields to the same rules JSON.parse's
 * elements go to (classic-records.ts). Anything else (another key, an escape, an unreadable time) is left to
 * JSON.parse of the element, so a rare record costs more, never gives another result.
 */
import { fitbitDayMs } from '../../util/timezone';
import type { DataKind } from './data-file';
import type { FileReadBuilder } from './file-read';
import { heartValue, stepsDigits, stepsValue } from './classic-records';
import {
  BACKSLASH,
  CLOSE_BRACE,
  COLON,
  COMMA,
  digitsAt,
  DOT,
  MINUS,
  OPEN_BRACE,
  PLUS,
  QUOTE,
  SLASH,
  SPACE,
  ZERO,
} from './ascii';
import { skipWhitespace, type ShapeReader } from './json-scan';

const KEY_DATE_TIME = Buffer.from('"dateTime"');
const KEY_VALUE = Buffer.from('"value"');
const KEY_BPM = Buffer.from('"bpm"');
const KEY_CONFIDENCE = Buffer.from('"confidence"');
/** A steps count as a string longer than this is left to JSON.parse (real ones have 1–3 digits). */
const MAX_PLAIN_STRING = 64;
const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function twoDigits(bytes: Buffer, at: number): number {
  return digitsAt(bytes, at, 2);
}

/** The offset after `key` at `at`, then whitespace, a colon and whitespace; -1 when the key is not there. */
function afterKey(bytes: Buffer, at: number, key: Buffer): number {
  for (let i = 0; i < key.length; i++) if (bytes[at + i] !== key[i]) return -1;
  at = skipWhitespace(bytes, at + key.length);
  return bytes[at] === COLON ? skipWhitespace(bytes, at + 1) : -1;
}

/** The value of the last number read by numberEnd. */
let lastNumber = 0;

/** The offset after the JSON number at `at` (its value in lastNumber); -1 when there is none. */
function numberEnd(bytes: Buffer, at: number): number {
  const start = at;
  let plain = true;
  if (bytes[at] === MINUS) {
    plain = false;
    at++;
  }
  if (bytes[at] === ZERO) at++;
  else if (isDigit(bytes[at])) while (isDigit(bytes[at])) at++;
  else return -1;
  if (bytes[at] === DOT) {
    plain = false;
    at++;
    if (!isDigit(bytes[at])) return -1;
    while (isDigit(bytes[at])) at++;
  }
  if (bytes[at] === 0x65 || bytes[at] === 0x45) {
    plain = false;
    at++;
    if (bytes[at] === PLUS || bytes[at] === MINUS) at++;
    if (!isDigit(bytes[at])) return -1;
    while (isDigit(bytes[at])) at++;
  }
  if (plain && at - start <= 15) {
    let value = 0;
    for (let i = start; i < at; i++) value = value * 10 + ((bytes[i] as number) - ZERO);
    lastNumber = value;
  } else {
    // The same conversion JSON.parse makes of the same text.
    lastNumber = Number(bytes.toString('latin1', start, at));
  }
  return at;
}

/** The shape readers of one file: they share the last date read (thousands of samples share a day). */
class ClassicShapes {
  /** The 8 bytes of the last `MM/DD/YY` read, and its midnight (epoch ms, NaN when not a date). */
  private readonly datePart = new Uint8Array(8);
  private dayMs = Number.NaN;
  /** Set by head(): the record's time, where its dateTime string and its value start. */
  private t = 0;
  private timeAt = 0;
  private valueAt = 0;
  /** The value read: a number, or STRING for a plain string, whose place is in `written`. */
  private value: number | typeof STRING = 0;
  private readonly written = { from: 0, to: 0 };
  /** Learnt from the file's first record of the shape. */
  private layout: Layout | undefined;

  constructor(private readonly b: FileReadBuilder) {}

  /** Epoch ms of the `"MM/DD/YY HH:MM:SS"` string whose quote is at `at`, read as parseFitbitDateTime does; NaN if not. */
  private time(bytes: Buffer, at: number): number {
    if (bytes[at] !== QUOTE || bytes[at + 18] !== QUOTE) return Number.NaN;
    const s = at + 1;
    if (bytes[s + 2] !== SLASH || bytes[s + 5] !== SLASH || bytes[s + 8] !== SPACE) return Number.NaN;
    if (bytes[s + 11] !== COLON || bytes[s + 14] !== COLON) return Number.NaN;
    const date = this.datePart;
    let same = true;
    for (let i = 0; i < 8; i++) {
      if (date[i] !== bytes[s + i]) {
        same = false;
        break;
      }
    }
    if (!same) {
      if (twoDigits(bytes, s) < 0 || twoDigits(bytes, s + 3) < 0 || twoDigits(bytes, s + 6) < 0)
        return Number.NaN;
      for (let i = 0; i < 8; i++) date[i] = bytes[s + i] as number;
      this.dayMs = fitbitDayMs(bytes.toString('latin1', s, s + 8));
    }
    const hour = twoDigits(bytes, s + 9);
    const minute = twoDigits(bytes, s + 12);
    const second = twoDigits(bytes, s + 15);
    if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
    return this.dayMs + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000;
  }

  /** `{"dateTime":"…","value":` at `at`: sets t, timeAt and valueAt; false when the record does not start so. */
  private head(bytes: Buffer, at: number): boolean {
    if (bytes[at] !== OPEN_BRACE) return false;
    const timeAt = afterKey(bytes, skipWhitespace(bytes, at + 1), KEY_DATE_TIME);
    if (timeAt < 0) return false;
    const t = this.time(bytes, timeAt);
    if (Number.isNaN(t)) return false;
    let p = skipWhitespace(bytes, timeAt + 19);
    if (bytes[p] !== COMMA) return false;
    p = afterKey(bytes, skipWhitespace(bytes, p + 1), KEY_VALUE);
    if (p < 0) return false;
    this.t = t;
    this.timeAt = timeAt;
    this.valueAt = p;
    return true;
  }

  /**
   * The record at `at` when it is laid out byte for byte as the file's first record, with other values: the
   * same keys and whitespace, compared as runs of bytes instead of parsed token by token. Any difference and
   * the record is parsed (which accepts the same bytes, so both give the same result).
   */
  private byLayout(bytes: Buffer, at: number, layout: Layout): number {
    const [head, afterTime, afterFirst, afterSecond] = layout.runs;
    if (!sameBytes(bytes, at, head!)) return -1;
    let p = at + head!.length;
    const t = this.time(bytes, p);
    if (Number.isNaN(t) || !sameBytes(bytes, p + 19, afterTime!)) return -1;
    p += 19 + afterTime!.length;
    let value: number | typeof STRING;
    if (layout.stringValue) {
      const close = plainStringEnd(bytes, p);
      if (close < 0) return -1;
      this.written.from = p;
      this.written.to = close;
      value = STRING;
      // The run after a string value starts with its closing quote.
      p = close;
    } else {
      if ((p = numberEnd(bytes, p)) < 0) return -1;
      value = lastNumber;
    }
    if (!sameBytes(bytes, p, afterFirst!)) return -1;
    p += afterFirst!.length;
    if (afterSecond) {
      // The heart rate's confidence, not used.
      if ((p = numberEnd(bytes, p)) < 0 || !sameBytes(bytes, p, afterSecond)) return -1;
      p += afterSecond.length;
    }
    this.t = t;
    this.value = value;
    return p;
  }

  /** The heart-rate record at `at` parsed token by token: sets t and value; -1 when not in the shape. */
  private parseHeart(bytes: Buffer, at: number): number {
    if (!this.head(bytes, at) || bytes[this.valueAt] !== OPEN_BRACE) return -1;
    const bpmAt = afterKey(bytes, skipWhitespace(bytes, this.valueAt + 1), KEY_BPM);
    let p: number;
    if (bpmAt < 0 || (p = numberEnd(bytes, bpmAt)) < 0) return -1;
    const bpmEnd = p;
    this.value = lastNumber;
    p = skipWhitespace(bytes, p);
    let confidence: { at: number; end: number } | undefined;
    if (bytes[p] === COMMA) {
      const confidenceAt = afterKey(bytes, skipWhitespace(bytes, p + 1), KEY_CONFIDENCE);
      if (confidenceAt < 0 || (p = numberEnd(bytes, confidenceAt)) < 0) return -1;
      confidence = { at: confidenceAt, end: p };
    }
    p = closeBrace(bytes, p);
    if (p < 0 || (p = closeBrace(bytes, p)) < 0) return -1;
    this.layout ??= {
      stringValue: false,
      runs: confidence
        ? [
            copy(bytes, at, this.timeAt),
            copy(bytes, this.timeAt + 19, bpmAt),
            copy(bytes, bpmEnd, confidence.at),
            copy(bytes, confidence.end, p),
          ]
        : [copy(bytes, at, this.timeAt), copy(bytes, this.timeAt + 19, bpmAt), copy(bytes, bpmEnd, p)],
    };
    return p;
  }

  /** The steps record at `at` parsed token by token: sets t and value; -1 when not in the shape. */
  private parseSteps(bytes: Buffer, at: number): number {
    if (!this.head(bytes, at)) return -1;
    let p = this.valueAt;
    const stringValue = bytes[p] === QUOTE;
    if (stringValue) {
      const close = plainStringEnd(bytes, p + 1);
      if (close < 0) return -1;
      this.written.from = p + 1;
      this.written.to = close;
      this.value = STRING;
      p = close + 1;
    } else {
      if ((p = numberEnd(bytes, p)) < 0) return -1;
      this.value = lastNumber;
    }
    const valueEnd = p;
    if ((p = closeBrace(bytes, p)) < 0) return -1;
    this.layout ??= {
      stringValue,
      runs: [
        copy(bytes, at, this.timeAt),
        copy(bytes, this.timeAt + 19, stringValue ? this.valueAt + 1 : this.valueAt),
        copy(bytes, stringValue ? valueEnd - 1 : valueEnd, p),
      ],
    };
    return p;
  }

  readonly heart: ShapeReader = (bytes, at, index) => {
    let end = this.layout ? this.byLayout(bytes, at, this.layout) : -1;
    if (end < 0 && (end = this.parseHeart(bytes, at)) < 0) return -1;
    this.b.countRecord();
    heartValue(this.b, index, this.t, this.value);
    return end;
  };

  readonly steps: ShapeReader = (bytes, at, index) => {
    let end = this.layout ? this.byLayout(bytes, at, this.layout) : -1;
    if (end < 0 && (end = this.parseSteps(bytes, at)) < 0) return -1;
    this.b.countRecord();
    if (this.value !== STRING) stepsValue(this.b, index, this.t, this.value);
    else {
      const { from, to } = this.written;
      const count = digitsValue(bytes, from, to);
      if (count >= 0) stepsDigits(this.b, index, this.t, count, { bytes, from, to });
      else stepsValue(this.b, index, this.t, bytes.toString('latin1', from, to));
    }
    return end;
  };
}

/**
 * How the file's first record of the shape is laid out: the runs of bytes between its values (keys, colons,
 * whitespace, braces), and whether its value is a string (steps).
 */
interface Layout {
  stringValue: boolean;
  runs: Run[];
}

/** A run of bytes, also as little-endian 32-bit words (compared four bytes at a time). */
interface Run {
  length: number;
  bytes: Uint8Array;
  words: Uint32Array;
}

function copy(bytes: Buffer, from: number, to: number): Run {
  const run = new Uint8Array(bytes.subarray(from, to));
  const view = new DataView(run.buffer);
  const words = new Uint32Array(run.length >> 2).map((_, k) => view.getUint32(k * 4, true));
  return { length: run.length, bytes: run, words };
}

/** A DataView of the window being scanned, made once per window. */
let viewed: Buffer | undefined;
let view: DataView = new DataView(new ArrayBuffer(0));

function sameBytes(bytes: Buffer, at: number, run: Run): boolean {
  if (at + run.length > bytes.length) return false;
  if (bytes !== viewed) {
    viewed = bytes;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  const words = run.words;
  for (let k = 0; k < words.length; k++) if (view.getUint32(at + k * 4, true) !== words[k]) return false;
  for (let i = words.length * 4; i < run.length; i++) if (bytes[at + i] !== run.bytes[i]) return false;
  return true;
}

/** Marks a value that is a plain string (its bytes are not made into a string unless needed). */
const STRING = Symbol('plain string');

/** The number written as 1 to 15 ASCII digits from `from` to `to`; -1 when it is not so written. */
function digitsValue(bytes: Buffer, from: number, to: number): number {
  return to <= from || to - from > 15 ? -1 : digitsAt(bytes, from, to - from);
}

/** The closing quote of a plain string (printable ASCII, no escape, short) whose content starts at `at`; or -1. */
function plainStringEnd(bytes: Buffer, at: number): number {
  for (let i = at; i < at + MAX_PLAIN_STRING; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) return i;
    if (byte === undefined || byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return -1;
  }
  return -1;
}

/** The offset after the closing brace at `at` (after whitespace); -1 when there is none. */
function closeBrace(bytes: Buffer, at: number): number {
  at = skipWhitespace(bytes, at);
  return bytes[at] === CLOSE_BRACE ? at + 1 : -1;
}

/** The shape reader for a file of `kind` feeding `b`; undefined for kinds read by JSON.parse only (small files). */
export function classicShape(kind: DataKind, b: FileReadBuilder): ShapeReader | undefined {
  if (kind === 'heart') return new ClassicShapes(b).heart;
  if (kind === 'steps') return new ClassicShapes(b).steps;
  return undefined;
}
