import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { runCli } from '../support/run-cli';

// One JSON token of 1 GiB (a string) in a 1 MB zip member: collect refuses it with a warning, naming the file,
// and the process stays small. The zip is assembled here from deflate blocks (a 1 MiB run of "a", compressed
// once and repeated 1024 times), so no 1 GiB file is ever written and no 1 GiB is ever compressed.

const GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 'a');
const MEMBER = 'Takeout/Fitbit/Global Export Data/heart_rate-2026-06-01.json';
const PROFILE = 'Takeout/Fitbit/Your Profile/Profile.csv';
const HEAD = Buffer.from('[{"dateTime":"06/01/26 00:00:05","value":{"bpm":60,"confidence":2}},{"dateTime":"');
const TAIL = Buffer.from('","value":{"bpm":61,"confidence":2}}]');

interface ZipMember {
  name: string;
  method: 0 | 8;
  crc: number;
  size: number;
  /** The member's stored bytes, in pieces (so the repeated block is not copied 1024 times in memory). */
  pieces: Buffer[];
}

/** Independent raw-deflate segments: each ends byte-aligned without the final bit, the last one with it. */
function deflated(data: Buffer, last: boolean): Buffer {
  return zlib.deflateRawSync(data, last ? {} : { finishFlush: zlib.constants.Z_FULL_FLUSH });
}

const crc32 = (zlib as unknown as { crc32: (data: Buffer, value?: number) => number }).crc32;

function hugeMember(): ZipMember {
  let crc = crc32(HEAD);
  for (let i = 0; i < GIB / CHUNK.length; i++) crc = crc32(CHUNK, crc);
  crc = crc32(TAIL, crc);
  const block = deflated(CHUNK, false);
  return {
    name: MEMBER,
    method: 8,
    crc,
    size: HEAD.length + GIB + TAIL.length,
    pieces: [
      deflated(HEAD, false),
      ...Array.from({ length: GIB / CHUNK.length }, () => block),
      deflated(TAIL, true),
    ],
  };
}

function storedMember(name: string, text: string): ZipMember {
  const data = Buffer.from(text);
  return { name, method: 0, crc: crc32(data), size: data.length, pieces: [data] };
}

/** A plain zip (no data descriptors, no zip64: every size fits in 32 bits). */
function writeZip(file: string, members: ZipMember[]): number {
  const fd = fs.openSync(file, 'w');
  let offset = 0;
  const write = (b: Buffer) => {
    fs.writeSync(fd, b);
    offset += b.length;
  };
  const central: Buffer[] = [];
  for (const m of members) {
    const name = Buffer.from(m.name);
    const compressed = m.pieces.reduce((n, p) => n + p.length, 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(m.method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(m.crc, 14);
    local.writeUInt32LE(compressed, 18);
    local.writeUInt32LE(m.size, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(m.method, 10);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(m.crc, 16);
    header.writeUInt32LE(compressed, 20);
    header.writeUInt32LE(m.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    write(local);
    write(name);
    for (const piece of m.pieces) write(piece);
  }
  const cdStart = offset;
  for (const b of central) write(b);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(offset - cdStart, 12);
  end.writeUInt32LE(cdStart, 16);
  write(end);
  fs.closeSync(fd);
  return offset;
}

describe('collect on a zip member holding one 1 GiB JSON string', () => {
  let root: string;
  let zipFile: string;
  let zipBytes: number;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-huge-'));
    zipFile = path.join(root, 'takeout-huge.zip');
    zipBytes = writeZip(zipFile, [storedMember(PROFILE, 'id,timezone\nX1,UTC\n'), hugeMember()]);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses the token with a warning naming the file, stays under 200 MB, and exits 5', async () => {
    expect(zipBytes).toBeLessThan(2 * 1024 * 1024);
    // The CLI's own peak RSS, written by a preload when its process exits: VmHWM of /proc/self/status, the
    // high-water mark of its own address space. Not resourceUsage().maxRSS: on Linux a child's ru_maxrss starts
    // at its parent's RSS at fork time, so in a full run it measured this jest process (up to 205 MB).
    const rssFile = path.join(root, 'max-rss-kb');
    const preload = path.join(root, 'report-max-rss.js');
    fs.writeFileSync(
      preload,
      "process.on('exit', () => require('fs').writeFileSync(process.env.HL_MAX_RSS_FILE, " +
        "/^VmHWM:\\s+(\\d+) kB$/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]));\n",
    );
    const run = await runCli(['collect', '--source', 'takeout', '--path', zipFile, '--dry-run'], {
      HEALTHLAKE_DATA_DIR: path.join(root, 'data'),
      NODE_OPTIONS: `--require ${preload}`,
      HL_MAX_RSS_FILE: rssFile,
    });
    const peakMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    console.log(
      `peak RSS of the collect run on the 1 GiB-string zip (${zipBytes} bytes): ${peakMb.toFixed(1)} MB`,
    );
    expect(peakMb).toBeLessThan(200);

    expect(run.code).toBe(5);
    const warnings = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; file?: string; msg: string })
      .filter((l) => l.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        file: 'Global Export Data/heart_rate-2026-06-01.json',
        msg: expect.stringMatching(
          /^skipped input: not read whole: unreadable from record 1 on \(a single value of record 1 is longer than 1 MiB \(at byte \d+\): refused\); none of the 1 record read from it is used; withheld: heart\.average, heart\.max_sustained on 2026-06-01$/,
        ) as string,
      }),
    ]);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);
});
