import { CarbonError } from './carbon-error';

/**
 * carbon's plaintext protocol: one `path value epoch_seconds\n` line per point. Carbon never answers, so a bad
 * line is only visible in carbon's own log ("invalid line … ignoring") and a wrong timestamp is not visible at
 * all. Lines are therefore validated here, before anything is sent.
 */

// Epoch seconds pass 1e11 only in the year 5138; epoch milliseconds passed it in 1973. So anything larger is a
// millisecond timestamp, which carbon would store ~57,000 years in the future, where no render ever shows it.
const MAX_EPOCH_SECONDS = 1e11;

// Lines are joined into chunks of about this size: one socket.write per line would cost ~200k calls for a
// large backfill, one write for everything would buffer it all in memory at once.
export const CHUNK_BYTES = 64 * 1024;

/** One plaintext line, without the trailing newline. Throws CarbonError for input carbon would drop or misfile. */
export function formatCarbonLine(path: string, value: number, epochSeconds: number): string {
  checkPath(path);
  checkPoint(path, value, epochSeconds);
  // String(-0) is "0"; large values become "1e+21", which carbon's float() reads fine.
  return `${path} ${String(value)} ${epochSeconds}`;
}

/**
 * A path must be non-empty, without whitespace, and without an empty node (`a..b` or a leading/trailing dot
 * would create an empty directory level in the whisper tree). A char scan: no allocation, which matters at a
 * million points per backfill.
 */
// Each distinct path is checked once: a backfill sends every metric once per day.
const validPaths = new Set<string>();
const MAX_CACHED_PATHS = 100_000;

function checkPath(path: string): void {
  if (validPaths.has(path)) return;
  let problem: string | undefined = path === '' ? 'it must be non-empty, without whitespace' : undefined;
  let previous = 46; // '.', so a leading dot reads as an empty node
  for (let i = 0; i < path.length && !problem; i++) {
    const c = path.charCodeAt(i);
    if (c <= 32 || (c >= 127 && /\s/.test(path[i] as string)))
      problem = 'it must be non-empty, without whitespace';
    else if (c === 46 && previous === 46) problem = 'it has an empty node';
    previous = c;
  }
  if (!problem && previous === 46) problem = 'it has an empty node';
  if (problem) throw new CarbonError(`Invalid metric path ${JSON.stringify(path)}: ${problem}`);
  if (validPaths.size >= MAX_CACHED_PATHS) validPaths.clear();
  validPaths.add(path);
}

function checkPoint(path: string, value: number, epochSeconds: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CarbonError(`Invalid value for ${path}: ${String(value)} (carbon needs a finite number)`);
  }
  if (!Number.isInteger(epochSeconds) || epochSeconds < 0) {
    throw new CarbonError(`Invalid timestamp for ${path}: ${epochSeconds} (expected whole epoch seconds)`);
  }
  if (epochSeconds > MAX_EPOCH_SECONDS) {
    throw new CarbonError(
      `Invalid timestamp for ${path}: ${epochSeconds} looks like milliseconds; carbon needs epoch seconds ` +
        `(${Math.floor(epochSeconds / 1000)}?)`,
    );
  }
}

/** Newline-terminated lines, about CHUNK_BYTES of text, and how many lines that is. */
export interface CarbonChunk {
  text: string;
  lines: number;
}

/** Points already validated, encoded chunk by chunk only when the socket takes them. */
export interface CarbonBatch {
  readonly lines: number;
  /** A fresh iteration each call, so a batch can be sent again after a reconnect. */
  chunks(): Iterable<CarbonChunk>;
}

export interface CarbonPoint {
  path: string;
  value: number;
  timestamp: number;
}

/**
 * Validates every point (throwing before anything is sent, so a bad point never leaves half a batch in
 * Graphite) and returns a batch that encodes lazily. Holding a whole backfill as concatenated strings
 * costs more in garbage collection than the formatting itself.
 */
export function encodeCarbonBatch(points: readonly CarbonPoint[]): CarbonBatch {
  for (const p of points) {
    checkPath(p.path);
    checkPoint(p.path, p.value, p.timestamp);
  }
  return {
    lines: points.length,
    *chunks() {
      let text = '';
      let lines = 0;
      for (const p of points) {
        text += p.path + ' ' + String(p.value) + ' ' + p.timestamp + '\n';
        lines++;
        if (text.length >= CHUNK_BYTES) {
          yield { text, lines };
          text = '';
          lines = 0;
        }
      }
      if (text) yield { text, lines };
    },
  };
}

/** Caller-formatted lines (with or without their newline) as a batch; a line break inside a line is refused. */
export function linesBatch(lines: readonly string[]): CarbonBatch {
  const chunks: CarbonChunk[] = [];
  let text = '';
  let count = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (/[\r\n]/.test(line)) {
      throw new CarbonError(
        `A carbon line must not contain a line break: ${JSON.stringify(raw.slice(0, 100))}`,
      );
    }
    text += `${line}\n`;
    count++;
    if (text.length >= CHUNK_BYTES) {
      chunks.push({ text, lines: count });
      text = '';
      count = 0;
    }
  }
  if (text) chunks.push({ text, lines: count });
  return { lines: lines.length, chunks: () => chunks };
}
