/**
 * Reading one member of a zip with its CRC-32 verified. yauzl hands over the inflated bytes but does not check
 * them against the CRC the zip records for each member, so a flipped byte in a stored member would silently
 * change a value. CrcCheck passes the bytes through, and fails the stream at its end when the checksum differs:
 * the reader then treats the member as unreadable (nothing of it is used).
 */
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
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

/** A stream that fails at once: for a member that must not be read. */
export function failedStream(message: string): Readable {
  const out = new PassThrough();
  process.nextTick(() => out.destroy(new Error(message)));
  return out;
}
