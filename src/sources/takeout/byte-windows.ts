/**
 * Feeds a file's bytes to a fast scanner in windows of about a megabyte, so that no file is ever held whole
 * (memory stays bounded whatever a file's size) while the scanner still sees big runs of bytes at once.
 *
 * A scanner consumes the complete records of a window and says where the first incomplete one begins; those
 * bytes move to the front of the window and the rest is filled from the file. A record longer than
 * MAX_RECORD_BYTES is never completed: the scan is given up (the caller then reads the file with its streaming
 * parser, which refuses the record with the message users know). So at most a window plus one record is held,
 * in one buffer that is reused from file to file: reading a year of files makes almost no garbage.
 */
import type { Readable } from 'node:stream';
import { MAX_RECORD_BYTES } from './json-size-guard';

/** Bytes gathered before a window is scanned. */
export const WINDOW_BYTES = 1024 * 1024;

/** A scanner's answer to a window that is not a count of consumed bytes. */
export const DECLINE = -1;
export const STOP = -2;

export interface WindowScanner {
  /**
   * Scans `bytes` (the unconsumed rest of the last window, then new bytes); `end` when no more bytes follow.
   * Returns the offset of the first byte not consumed (where an incomplete record starts), DECLINE when the
   * bytes are not of the shape this scanner reads (the caller falls back to a full parser), or STOP when the
   * scanner wants no more of the file. At `end`, anything but STOP or all bytes consumed is a decline.
   */
  feed(bytes: Buffer, end: boolean): number;
}

/** A file's bytes, read into the caller's buffer (see ExportReader.source). */
export interface ByteSource {
  /** Reads up to `length` bytes into `into` at `offset`; 0 at the end. Rejects when the file is unreadable. */
  read(into: Buffer, offset: number, length: number): Promise<number>;
  /** Releases the file (also before its end). */
  close(): Promise<void>;
}

/** A stream as a ByteSource (a zip member as it inflates); its errors (e.g. a CRC mismatch) reject a read. */
export function streamSource(input: Readable): ByteSource {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let chunk: Buffer | undefined;
  let at = 0;
  return {
    async read(into, offset, length) {
      while (!chunk || at === chunk.length) {
        const next = await chunks.next();
        if (next.done) return 0;
        chunk = next.value;
        at = 0;
      }
      const n = chunk.copy(into, offset, at, Math.min(chunk.length, at + length));
      at += n;
      return n;
    },
    async close() {
      input.destroy();
    },
  };
}

/** Bytes already in memory as a ByteSource (a small zip member, inflated). */
export function bufferSource(bytes: Buffer): ByteSource {
  let at = 0;
  return {
    async read(into, offset, length) {
      const n = bytes.copy(into, offset, at, Math.min(bytes.length, at + length));
      at += n;
      return n;
    },
    async close() {},
  };
}

/** A ByteSource made on its first read (so that making it can fail as an unreadable file does). */
export function lazySource(make: () => ByteSource): ByteSource {
  let source: ByteSource | undefined;
  return {
    async read(into, offset, length) {
      source ??= make();
      return source.read(into, offset, length);
    },
    async close() {
      await source?.close();
    },
  };
}

export type WindowOutcome = 'done' | 'stopped' | 'declined';

/** Window buffers not in use, for the next file (a thread reads one file at a time; more are allocated). */
const spareWindows: Buffer[] = [];
const MAX_SPARE_WINDOWS = 2;

/**
 * Runs `scanner` over the bytes of `source`, and closes it. Never rejects for bad input: a read error (an
 * unreadable file, a zip member that fails its CRC) is a decline, as is a record longer than the bound. An
 * exception of the scanner (a bug) rejects.
 */
export async function scanInWindows(
  source: ByteSource,
  scanner: WindowScanner,
  windowBytes = WINDOW_BYTES,
): Promise<WindowOutcome> {
  let window = (windowBytes === WINDOW_BYTES && spareWindows.pop()) || Buffer.allocUnsafe(windowBytes);
  let filled = 0;
  try {
    for (;;) {
      if (filled === window.length) {
        // A record longer than the window: a bigger one, up to a window past the record bound.
        if (filled > MAX_RECORD_BYTES) return 'declined';
        const bigger = Buffer.allocUnsafe(Math.min(window.length * 2, MAX_RECORD_BYTES + windowBytes + 1));
        window.copy(bigger, 0, 0, filled);
        window = bigger;
      }
      let n: number;
      try {
        n = await source.read(window, filled, window.length - filled);
      } catch {
        // Unreadable, or a zip member that fails its CRC: the full parser reads it again and says why.
        return 'declined';
      }
      if (n === 0) {
        const used = scanner.feed(window.subarray(0, filled), true);
        return used === STOP ? 'stopped' : used === filled ? 'done' : 'declined';
      }
      filled += n;
      if (filled < window.length) continue;
      const used = scanner.feed(window.subarray(0, filled), false);
      if (used === STOP) return 'stopped';
      if (used === DECLINE) return 'declined';
      // The incomplete record moves to the front; one this long cannot be accepted.
      window.copyWithin(0, used, filled);
      filled -= used;
      if (filled > MAX_RECORD_BYTES) return 'declined';
    }
  } finally {
    await source.close().catch(() => undefined);
    if (window.length === WINDOW_BYTES && spareWindows.length < MAX_SPARE_WINDOWS) spareWindows.push(window);
  }
}
