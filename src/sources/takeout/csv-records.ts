/**
 * Streaming CSV records and header-driven column lookup.
 *
 * Fitbit/Google CSV headers vary between export generations in spelling (`beats per minute`,
 * `beats_per_minute`, `Beats Per Minute`), so headers are compared in a normal form: lower case, any run of
 * non-alphanumerics as one space, trimmed.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { MAX_RECORD_BYTES } from './json-size-guard';

export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Index of the first header equal (in normal form) to one of `names`, tried in order; -1 when none is. */
export function findColumn(headers: readonly string[], names: readonly string[]): number {
  const normal = headers.map(normaliseHeader);
  for (const name of names) {
    const index = normal.indexOf(normaliseHeader(name));
    if (index >= 0) return index;
  }
  return -1;
}

export interface CsvOutcome {
  /** Records handed over, the header included. */
  count: number;
  /** Why reading stopped early (malformed CSV, unreadable file); the records before it count. */
  error?: Error;
  /** 1-based line where reading stopped, when known. */
  line?: number;
}

interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

/**
 * Calls `onRecord` with each record (the header first) and the 1-based line it ends on. `onRecord` returns
 * false to stop reading (e.g. headers not recognised): the rest of the file is not read. Records are taken
 * from the parser's 'data' events synchronously, so a parse error never loses records before it.
 */
export function forEachCsvRecord(
  input: Readable,
  onRecord: (fields: string[], line: number) => boolean,
): Promise<CsvOutcome> {
  return new Promise((resolve, reject) => {
    const parser = parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      // One absurdly long field or row (a damaged or hostile file) fails the file instead of filling memory.
      max_record_size: MAX_RECORD_BYTES,
    });
    let count = 0;
    let settled = false;
    const finish = (outcome?: Omit<CsvOutcome, 'count'>, bug?: unknown): void => {
      if (settled) return;
      settled = true;
      input.unpipe(parser);
      input.destroy();
      parser.destroy();
      if (bug !== undefined) reject(bug);
      else resolve({ count, ...outcome });
    };
    parser.on('data', ({ record, info }: RecordWithInfo) => {
      if (settled) return;
      let goOn: boolean;
      try {
        goOn = onRecord(record, info.lines);
      } catch (err) {
        finish(undefined, err);
        return;
      }
      count++;
      if (!goOn) finish();
    });
    parser.on('error', (err: Error & { lines?: unknown }) => {
      finish(typeof err.lines === 'number' ? { error: err, line: err.lines } : { error: err });
    });
    parser.on('end', () => finish());
    input.on('error', (err: Error) => finish({ error: new Error(`cannot read the file: ${err.message}`) }));
    input.pipe(parser);
  });
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface ParsedInstant {
  epochMs: number;
  /** The offset written in the text (`+02:00`), in ms; undefined for `Z` or none. */
  writtenOffsetMs?: number;
  /** Whether the text had a time of day (a bare date has none). */
  hasTime: boolean;
  /** The date as written (YYYY-MM-DD), before any offset is applied. */
  writtenDate: string;
  /** Whether the written time of day is 00:00:00.000 (or there is none). */
  atMidnight: boolean;
}

/**
 * An ISO-8601 timestamp as an instant. Without a zone designator it is read as UTC (never as the host's zone,
 * which is what Date.parse would do), as the Google-era exports write UTC.
 */
export function parseIsoInstant(text: string): ParsedInstant | undefined {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const fields = [y, mo, d, h ?? '0', mi ?? '0', s ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const wall = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms);
  const check = new Date(wall);
  if (check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59)
    return undefined;
  const written = zone ? parseUtcOffset(zone) : undefined;
  const isUtcDesignator = zone !== undefined && /^(Z|UTC|GMT)$/i.test(zone);
  return {
    epochMs: wall - (written ?? 0),
    ...(written !== undefined && !isUtcDesignator ? { writtenOffsetMs: written } : {}),
    hasTime: h !== undefined,
    writtenDate: `${y}-${mo}-${d}`,
    atMidnight: fields[3] === 0 && fields[4] === 0 && fields[5] === 0 && ms === 0,
  };
}

const HOURS_MINUTES = /^(?:UTC|GMT)?\s*([+-])(?:(\d{2}):?(\d{2})|(\d{1,2}))$/i;
const SECONDS_SUFFIX = /^([+-]?\d+(?:\.\d+)?)s$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * A UTC offset in ms, from the forms exports and APIs write: `+02:00`, `+0200`, `+02`, `UTC+2`, `Z`,
 * `7200s` (Google APIs' Duration), or a bare integer. A bare integer is seconds when it is a non-zero
 * multiple of 900 (every real offset is whole quarter hours), otherwise minutes. Undefined when unreadable.
 */
export function parseUtcOffset(text: string): number | undefined {
  const t = text.trim();
  if (/^(Z|UTC|GMT)$/i.test(t)) return 0;
  let m = HOURS_MINUTES.exec(t);
  if (m) {
    const minutes = m[4] !== undefined ? Number(m[4]) * 60 : Number(m[2]) * 60 + Number(m[3]);
    return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
  }
  m = SECONDS_SUFFIX.exec(t);
  if (m) return Number(m[1]) * 1000;
  if (INTEGER.test(t)) {
    const n = Number(t);
    return n !== 0 && n % 900 === 0 ? n * 1000 : n * 60_000;
  }
  return undefined;
}
