/**
 * Finds the Fitbit root of an export, whatever the user pointed at, and reads its files the same way whether
 * they sit in a folder or in a zip. Accepted: a Google Takeout `.zip`; the folder holding `Takeout/`; the
 * `Takeout` folder; the `Fitbit` folder itself; a folder holding `Fitbit/` without `Takeout/`.
 *
 * A Fitbit root is recognised by its data folders (MARKER_FOLDERS), not by its name, so a renamed copy works
 * and an unrelated folder fails with a message saying what was expected.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { InputError } from '../../errors';

/** Files of one export, by path relative to the Fitbit root with `/` separators. */
export interface ExportReader {
  /** Where the Fitbit root is (a folder, or `archive.zip!Takeout/Fitbit/`), for log lines. */
  readonly root: string;
  /** Every file (not folder) under the root, sorted. */
  list(): string[];
  /** A stream of one member's bytes; open errors arrive as the stream's 'error'. */
  open(member: string): Readable;
  /** Releases the zip file descriptor; a folder has nothing to release. */
  close(): Promise<void>;
}

/** Folders that only a Fitbit root holds: the classic JSON layout and the Google-era CSV layout. */
export const MARKER_FOLDERS = [
  'Global Export Data',
  'Physical Activity_GoogleData',
  'Health Fitness Data_GoogleData',
] as const;

/** Where, below what the user pointed at, the Fitbit root may be; tried in order. */
const ROOT_CANDIDATES = ['', 'Fitbit/', 'Takeout/Fitbit/'] as const;

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

async function openDirectory(input: string): Promise<ExportReader> {
  for (const candidate of ROOT_CANDIDATES) {
    const root = path.join(input, candidate);
    for (const marker of MARKER_FOLDERS) {
      if (await isDirectory(path.join(root, marker))) {
        const members = await listFiles(root);
        return {
          root,
          list: () => members,
          open: (member) => createReadStream(path.join(root, ...member.split('/'))),
          close: async () => {},
        };
      }
    }
  }
  throw notAnExport(input, 'no Fitbit data folder found');
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
  const prefix = ROOT_CANDIDATES.find((candidate) =>
    entries.some((e) => MARKER_FOLDERS.some((marker) => e.fileName.startsWith(`${candidate}${marker}/`))),
  );
  if (prefix === undefined) {
    zip.close();
    throw notAnExport(input, 'no Fitbit data folder in the zip');
  }
  const byMember = new Map<string, yauzl.Entry>();
  for (const entry of entries) {
    if (entry.fileName.startsWith(prefix)) byMember.set(entry.fileName.slice(prefix.length), entry);
  }
  const members = [...byMember.keys()].sort();
  return {
    root: `${input}!${prefix}`,
    list: () => members,
    open: (member) => openZipMember(zip, byMember.get(member), member),
    close: async () => zip.close(),
  };
}

/**
 * yauzl opens a member asynchronously; the reader's contract is a stream now, so a PassThrough stands in and
 * is fed once the member's stream exists. Destroying the PassThrough (e.g. a parser gave up) destroys the
 * member stream too, so an abandoned member does not keep inflating.
 */
function openZipMember(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined, member: string): Readable {
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
    stream.on('error', (e) => out.destroy(e));
    out.on('close', () => stream.destroy());
    stream.pipe(out);
  });
  return out;
}
