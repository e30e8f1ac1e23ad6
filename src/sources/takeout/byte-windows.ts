/**
 * Feeds a file's bytes to a fast scanner in windows of about a megabyte, so that no file is ever held whole
 * (memory stays bounded whatever a file's size) while the scanner still sees big runs of bytes at once.
 *
 * A scanner consumes the complete records of a window and says where the first incomplete one begins; those
 * bytes are carried into the next window. A record longer than MAX_RECORD_BYTES is never completed: the scan is
 * given up (the caller then reads the file with its streaming parser, which refuses the record with the message
 * users know). So at most a window plus one record is held.
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

export type WindowOutcome = 'done' | 'stopped' | 'declined';

/**
 * Runs `scanner` over `input`. Never rejects for bad input: a read error (an unreadable file, a zip member that
 * fails its CRC) is a decline, as is a record longer than the bound. An exception of the scanner (a bug) rejects.
 */
export async function scanInWindows(
  input: Readable,
  scanner: WindowScanner,
  windowBytes = WINDOW_BYTES,
): Promise<WindowOutcome> {
  let carry: Buffer | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const feed = (end: boolean): WindowOutcome | undefined => {
    const parts = carry ? [carry, ...pending] : pending;
    const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    pending = [];
    pendingBytes = 0;
    const used = scanner.feed(bytes, end);
    if (used === STOP) return 'stopped';
    if (used === DECLINE || (end && used !== bytes.length)) return 'declined';
    carry = used < bytes.length ? bytes.subarray(used) : undefined;
    // An incomplete record this long cannot be accepted: the streaming parser will refuse it.
    if (carry && carry.length > MAX_RECORD_BYTES) return 'declined';
    return end ? 'done' : undefined;
  };
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch {
        // Unreadable, or a zip member that fails its CRC: the full parser reads it again and says why.
        return 'declined';
      }
      if (next.done) break;
      pending.push(next.value);
      pendingBytes += next.value.length;
      if (pendingBytes < windowBytes) continue;
      const outcome = feed(false);
      if (outcome) return outcome;
    }
  } finally {
    input.destroy();
  }
  return feed(true) ?? 'done';
}
