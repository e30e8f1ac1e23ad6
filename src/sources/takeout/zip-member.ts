/**
 * Reading one member of a zip with its CRC-32 verified. yauzl hands over the inflated bytes but does not check
 * them against the CRC the zip records for each member, so a flipped byte in a stored member would silently
 * change a value. CrcCheck passes the bytes through, and fails the stream at its end when the checksum differs:
 * the reader then treats the member as unreadable (nothing of it is used).
 */
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { readSync } from 'node:fs';
import zlib from 'node:zlib';
import type yauzl from 'yauzl';

type Crc32 = (data: Buffer, value?: number) => number;

/** zlib.crc32 exists from Node 20.15 and 22.2; before that, the same polynomial in JavaScript. */
const crc32: Crc32 =
  (zlib as unknown as { crc32?: Crc32 }).crc32 ??
  (() => {
    const table = new Int32Array(256).map((_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c;
    });
    return (data: Buffer, value = 0): number => {
      let crc = ~value;
      for (const byte of data) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
      return ~crc >>> 0;
    };
  })();

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

export class CrcCheck extends Transform {
  private value = 0;

  constructor(private readonly expected: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.value = crc32(chunk, this.value);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.value === this.expected) callback();
    else
      callback(
        new Error(
          `CRC-32 mismatch: the zip records ${hex(this.expected)}, the bytes give ${hex(this.value)} (a corrupt member)`,
        ),
      );
  }
}

/**
 * A member's verified bytes. yauzl opens a member asynchronously; the reader's contract is a stream now, so a
 * PassThrough stands in and is fed once the member's stream exists. Destroying the PassThrough (e.g. a parser
 * gave up) destroys the member stream too, so an abandoned member does not keep inflating. Open errors (an
 * unsupported compression method, a broken header) and inflate errors arrive as the stream's 'error'.
 */
export function openZipMember(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined, member: string): Readable {
  const out = new PassThrough();
  if (!entry) {
    process.nextTick(() => out.destroy(new Error(`${member}: no such member in the zip`)));
    return out;
  }
  zip.openReadStream(entry, (err, stream) => {
    if (err || !stream) {
      out.destroy(err ?? new Error(`${member}: cannot open`));
      return;
    }
    if (out.destroyed) {
      stream.destroy();
      return;
    }
    const check = new CrcCheck(entry.crc32);
    stream.on('error', (e) => out.destroy(e));
    check.on('error', (e) => out.destroy(e));
    out.on('close', () => stream.destroy());
    stream.pipe(check).pipe(out);
  });
  return out;
}

/** Members up to this size are read whole by readSmallMember (a day's or a month's file is a few MB). */
export const SMALL_MEMBER_BYTES = 16 * 1024 * 1024;

const LOCAL_HEADER_SIGNATURE = 0x04034b50;

/**
 * A small member's bytes, read from the zip file (open as `fd`) and inflated synchronously: no stream, no
 * round trips through libuv's thread pool, which on a busy machine cost more than the inflating. Undefined for
 * a member this does not read (big, encrypted, another compression method); throws when the member is broken
 * in any way (a bad header, data that does not inflate, another size or CRC than the zip records), and the
 * caller then reads it as a stream, which says what is wrong.
 */
export function readSmallMember(fd: number, entry: yauzl.Entry): Buffer | undefined {
  const method = entry.compressionMethod;
  if ((method !== 0 && method !== 8) || entry.isEncrypted()) return undefined;
  if (entry.uncompressedSize > SMALL_MEMBER_BYTES || entry.compressedSize > SMALL_MEMBER_BYTES)
    return undefined;
  const header = Buffer.alloc(30);
  if (readSync(fd, header, 0, 30, entry.relativeOffsetOfLocalHeader) !== 30)
    throw new Error('truncated local header');
  if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) throw new Error('invalid local header signature');
  const dataStart =
    entry.relativeOffsetOfLocalHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = Buffer.allocUnsafe(entry.compressedSize);
  if (readSync(fd, raw, 0, raw.length, dataStart) !== raw.length) throw new Error('truncated member data');
  const bytes =
    method === 0 ? raw : zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  if (bytes.length !== entry.uncompressedSize) throw new Error('size differs from the zip directory');
  if (crc32(bytes) !== entry.crc32) throw new Error('CRC-32 mismatch');
  return bytes;
}

/** A stream that fails at once: for a member that must not be read. */
export function failedStream(message: string): Readable {
  const out = new PassThrough();
  process.nextTick(() => out.destroy(new Error(message)));
  return out;
}
