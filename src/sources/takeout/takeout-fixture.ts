/**
 * Test fixtures: writes a hand-made Fitbit export into os.tmpdir(), both as a folder and as a zip (made with
 * yazl, the way Takeout ships it), so every test can run against both. Used by the tests beside it only.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ZipFile } from 'yazl';
import { readTakeout, type ReadTakeoutOptions, type TakeoutResult } from './read-takeout';

/** File contents by path relative to the Fitbit root, e.g. `Global Export Data/steps-2026-06-01.json`. */
export type FitbitFiles = Record<string, string>;

export interface ExportFixture {
  /** The folder holding `Takeout/` (or `Fitbit/` when made with prefix 'Fitbit/'). */
  dir: string;
  /** The same files in a zip, under the same prefix. */
  zip: string;
  /** Where the Fitbit root is inside `dir`. */
  fitbitDir: string;
  cleanup(): void;
}

export async function makeExportFixture(
  files: FitbitFiles,
  prefix = 'Takeout/Fitbit/',
): Promise<ExportFixture> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'healthlake-takeout-'));
  const dir = path.join(base, 'export');
  const zipPath = path.join(base, 'takeout-20261129T000000Z-001.zip');
  const zip = new ZipFile();
  for (const [member, content] of Object.entries(files)) {
    const target = path.join(dir, prefix, ...member.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    zip.addBuffer(Buffer.from(content), `${prefix}${member}`);
  }
  const out = createWriteStream(zipPath);
  zip.outputStream.pipe(out);
  zip.end();
  await once(out, 'close');
  return {
    dir,
    zip: zipPath,
    fitbitDir: path.join(dir, prefix),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

export interface ZipEntrySpec {
  name: string;
  content: string | Buffer;
  /** Deflate (default) or store the bytes as they are. */
  compress?: boolean;
}

/** A zip of the entries in order, duplicates included, made with yazl. */
export async function zipBuffer(entries: readonly ZipEntrySpec[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const e of entries) {
    zip.addBuffer(Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content), e.name, {
      compress: e.compress ?? true,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface ZipEntryLocation {
  name: string;
  centralHeader: number;
  localHeader: number;
  dataStart: number;
  compressedSize: number;
}

/** Where each entry's headers and data are, from the central directory (for damaging a zip on purpose). */
export function zipEntryLocations(zip: Buffer): ZipEntryLocation[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntryLocation[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const localHeader = zip.readUInt32LE(at + 42);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      centralHeader: at,
      localHeader,
      dataStart: localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28),
      compressedSize: zip.readUInt32LE(at + 20),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** Sets an entry's compression method (in both headers), e.g. 12 (bzip2), which no reader here supports. */
export function setCompressionMethod(zip: Buffer, entry: ZipEntryLocation, method: number): void {
  zip.writeUInt16LE(method, entry.localHeader + 8);
  zip.writeUInt16LE(method, entry.centralHeader + 10);
}

/** A temporary file holding `bytes`; removed by the returned cleanup. */
export function tempFile(name: string, bytes: Buffer): { file: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'healthlake-zip-'));
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Reads a fixture export of `files` (as a folder, or its zip) with readTakeout, then removes it. */
export async function readFixtureExport(
  files: FitbitFiles,
  options: Partial<ReadTakeoutOptions> & { kind?: 'dir' | 'zip' } = {},
): Promise<TakeoutResult> {
  const { kind = 'dir', ...readOptions } = options;
  const fixture = await makeExportFixture(files);
  try {
    return await readTakeout({ path: kind === 'dir' ? fixture.dir : fixture.zip, ...readOptions });
  } finally {
    fixture.cleanup();
  }
}

/** An ISO UTC time as the classic export writes it: `MM/DD/YY HH:MM:SS`. */
export function fitbitTime(iso: string): string {
  const [date = '', time = ''] = iso.replace(/Z$/, '').split('T');
  const [y = '', m = '', d = ''] = date.split('-');
  return `${m}/${d}/${y.slice(2)} ${time.slice(0, 8)}`;
}

export function stepsJson(samples: Array<[string, number | string]>): string {
  return JSON.stringify(samples.map(([iso, value]) => ({ dateTime: fitbitTime(iso), value: String(value) })));
}

export function heartJson(samples: Array<[string, unknown]>): string {
  return JSON.stringify(
    samples.map(([iso, bpm]) => ({ dateTime: fitbitTime(iso), value: { bpm, confidence: 2 } })),
    null,
    1,
  );
}

/**
 * Heart-rate samples of a whole day at UTC+0 as a real daily file has them: the first at 00:00:05, the last at
 * 23:59:55 (so the file shows the day's span), `extra` in between, all at 60 bpm unless given.
 */
export function wholeDayHeart(date: string, extra: Array<[string, unknown]> = []): Array<[string, unknown]> {
  return [[`${date}T00:00:05`, 60], ...extra, [`${date}T23:59:55`, 60]];
}

export function restingJson(days: Array<[string, number]>): string {
  return JSON.stringify(
    days.map(([date, value]) => ({
      dateTime: fitbitTime(`${date}T00:00:00`),
      value: { date: fitbitTime(`${date}T00:00:00`).slice(0, 8), value, error: value === 0 ? 0 : 6.1 },
    })),
  );
}

export function profileCsv(timezone: string): string {
  return `id,full_name,date_of_birth,gender,timezone,locale\nABC123,Test User,1980-01-01,FEMALE,${timezone},de_DE\n`;
}
