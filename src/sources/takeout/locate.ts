/**
 * Finds the Fitbit root of an export, whatever the user pointed at, and reads its files the same way whether
 * they sit in a folder or in a zip. Accepted: a Google Takeout `.zip`; the folder holding `Takeout/`; the
 * `Takeout` folder; the `Fitbit` folder itself; a folder holding `Fitbit/` without `Takeout/`; and the older
 * fitbit.com account export (`MyFitbitData/[<Name>/]user-site-export/`, as a zip or a folder, or pointed at
 * `MyFitbitData` or its `<Name>` folder).
 *
 * A Fitbit root is recognised by its data folders (MARKER_FOLDERS), not by its name, so a renamed copy works
 * and an unrelated folder fails with a message saying what was expected. Zip members are read with their
 * CRC-32 verified; a member name that appears twice is read once (the first entry).
 */
import { closeSync, createReadStream, openSync, promises as fs, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { InputError } from '../../errors';
import { bufferSource, lazySource, streamSource, type ByteSource } from './byte-windows';
import { failedStream, openZipMember, readSmallMember } from './zip-member';

/** Files of one export, by path relative to the Fitbit root with `/` separators. */
export interface ExportReader {
  /** Where the Fitbit root is (a folder, or `archive.zip!Takeout/Fitbit/`), for log lines. */
  readonly root: string;
  /** Every file (not folder) under the root, sorted. */
  list(): string[];
  /** A stream of one member's bytes; open errors arrive as the stream's 'error'. */
  open(member: string): Readable;
  /** One member's bytes read into the caller's buffer (the fast path); open errors reject the first read. */
  source(member: string): ByteSource;
  /** The member's size in bytes (uncompressed), undefined when it cannot be told. */
  size(member: string): number | undefined;
  /** Releases the zip file descriptor; a folder has nothing to release. */
  close(): Promise<void>;
  /**
   * Zip entries whose name appeared before: the later one is not read. When its bytes differ (another CRC or
   * size), the member cannot be trusted and opening it fails.
   */
  readonly duplicateEntries: ReadonlyArray<{ member: string; identical: boolean }>;
}

/** Folders that only a Fitbit root holds: the classic JSON layouts and the Google-era CSV layout. */
export const MARKER_FOLDERS = [
  'Global Export Data',
  'Physical Activity_GoogleData',
  'Health Fitness Data_GoogleData',
  'user-site-export',
] as const;

/**
 * Where, below what the user pointed at, the Fitbit root may be; tried in order. `*` is one folder of any name
 * (the account export may put the user's name between `MyFitbitData` and `user-site-export`).
 */
const ROOT_CANDIDATES = ['', 'Fitbit/', 'Takeout/Fitbit/', 'MyFitbitData/', '*/', 'MyFitbitData/*/'] as const;

function rootPattern(candidate: string): RegExp {
  const escaped = candidate.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

function notAnExport(input: string, detail: string): InputError {
  return InputError.single(
    `not a Fitbit export (${detail}): expected a Google Takeout .zip, a folder holding Takeout/Fitbit/, the ` +
      `Takeout folder, or the Fitbit folder itself, with ${MARKER_FOLDERS.map((m) => `"${m}/"`).join(' or ')} in it`,
    { file: input },
  );
}

/** Opens the export at `input` (folder or .zip). Throws InputError when no Fitbit root is found there. */
export async function openExport(input: string): Promise<ExportReader> {
  const stat = await fs.stat(input).catch((err: NodeJS.ErrnoException) => {
    throw InputError.single(`cannot read the export: ${err.code ?? err.message}`, { file: input });
  });
  if (stat.isDirectory()) return openDirectory(input);
  if (stat.isFile()) return openZip(input);
  throw notAnExport(input, 'neither a folder nor a file');
}

async function isDirectory(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The folders a candidate names below `input` (a `*` is every subfolder there). */
async function candidateRoots(input: string, candidate: string): Promise<string[]> {
  const star = candidate.indexOf('*');
  if (star < 0) return [path.join(input, candidate)];
  const parent = path.join(input, candidate.slice(0, star));
  const entries = await fs.readdir(parent, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(parent, name));
}

async function openDirectory(input: string): Promise<ExportReader> {
  for (const candidate of ROOT_CANDIDATES) {
    for (const root of await candidateRoots(input, candidate)) {
      for (const marker of MARKER_FOLDERS) {
        if (await isDirectory(path.join(root, marker))) {
          const members = await listFiles(root);
          return {
            root,
            list: () => members,
            open: (member) => createReadStream(path.join(root, ...member.split('/'))),
            source: (member) => fileSource(path.join(root, ...member.split('/'))),
            size: (member) => fileSize(path.join(root, ...member.split('/'))),
            close: async () => {},
            duplicateEntries: [],
          };
        }
      }
    }
  }
  throw notAnExport(input, 'no Fitbit data folder found');
}

/**
 * A file read straight into the caller's buffer, synchronously: the import is bound by the CPU, the bytes are
 * usually in the page cache, and a read handed to libuv's thread pool waits for that thread to be scheduled,
 * which on a busy machine took longer than parsing the bytes.
 */
function fileSource(file: string): ByteSource {
  let fd: number | undefined;
  return {
    async read(into, offset, length) {
      fd ??= openSync(file, 'r');
      return readSync(fd, into, offset, length, null);
    },
    async close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/** Files under `root`, recursively, as `/`-separated relative paths. Symlinked folders are not followed. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) out.push(`${prefix}${entry.name}`);
    }
  };
  await walk(root, '');
  return out.sort();
}

function openZipFile(input: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // lazyEntries: read the central directory one entry at a time; autoClose off: members are opened later.
    yauzl.open(input, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) reject(notAnExport(input, `not a readable zip: ${err?.message ?? 'unknown error'}`));
      else resolve(zip);
    });
  });
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      // Folder entries end with '/'; only files are members.
      if (!entry.fileName.endsWith('/')) entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

async function openZip(input: string): Promise<ExportReader> {
  const zip = await openZipFile(input);
  let entries: yauzl.Entry[];
  try {
    entries = await readEntries(zip);
  } catch (err) {
    zip.close();
    throw notAnExport(input, `broken zip: ${(err as Error).message}`);
  }
  // Every folder prefix a marker folder sits under, then the first in ROOT_CANDIDATES order that matches.
  const prefixes = new Set<string>();
  for (const e of entries) {
    for (const marker of MARKER_FOLDERS) {
      const at = e.fileName.indexOf(`${marker}/`);
      if (at >= 0 && (at === 0 || e.fileName[at - 1] === '/')) prefixes.add(e.fileName.slice(0, at));
    }
  }
  const prefix = ROOT_CANDIDATES.map(rootPattern)
    .map((pattern) => [...prefixes].sort().find((p) => pattern.test(p)))
    .find((p) => p !== undefined);
  if (prefix === undefined) {
    zip.close();
    throw notAnExport(input, 'no Fitbit data folder in the zip');
  }
  const byMember = new Map<string, yauzl.Entry>();
  const duplicateEntries: Array<{ member: string; identical: boolean }> = [];
  const conflicting = new Set<string>();
  for (const entry of entries) {
    if (!entry.fileName.startsWith(prefix)) continue;
    const member = entry.fileName.slice(prefix.length);
    const first = byMember.get(member);
    if (!first) {
      byMember.set(member, entry);
      continue;
    }
    const identical = first.crc32 === entry.crc32 && first.uncompressedSize === entry.uncompressedSize;
    duplicateEntries.push({ member, identical });
    if (!identical) conflicting.add(member);
  }
  const members = [...byMember.keys()].sort();
  const open = (member: string): Readable =>
    conflicting.has(member)
      ? failedStream('the zip holds two different entries of this name; neither can be trusted')
      : openZipMember(zip, byMember.get(member), member);
  // The fast path reads small members itself, synchronously, through a descriptor of its own.
  let fd: number | undefined;
  const source = (member: string): ByteSource =>
    lazySource(() => {
      const entry = byMember.get(member);
      if (!entry || conflicting.has(member)) throw new Error('not a member that can be read');
      fd ??= openSync(input, 'r');
      const bytes = readSmallMember(fd, entry);
      return bytes ? bufferSource(bytes) : streamSource(open(member));
    });
  return {
    root: `${input}!${prefix}`,
    list: () => members,
    open,
    source,
    size: (member) => byMember.get(member)?.uncompressedSize,
    close: async () => {
      zip.close();
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
    duplicateEntries,
  };
}
