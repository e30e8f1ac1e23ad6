/**
 * Reading an export's files: in this thread, or spread over worker threads (read-worker.ts) so that an import
 * uses every core. Each file is read on its own into a FileRead (read-export-file.ts), so a file gives the
 * same result on any thread; the results come back in plan order, and everything after (the merge onto days,
 * the completeness decision, warnings, archive, output) is the same single-threaded code as before. So a run
 * with workers is byte-identical to one without.
 *
 * Memory stays bounded: a worker reads one file at a time (in windows, byte-windows.ts), and at most
 * JOBS_PER_WORKER files are given to a worker before it answers, so no queue of work or of results builds up
 * anywhere; the FileReads themselves are compact (totals per minute) and the merge needs all of them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PlannedFile } from './data-file';
import type { FileRead, ParserMode } from './file-read';
import type { ExportReader } from './locate';
import type { PoolRequest, PoolWorkerData, WorkerReply } from './pool-messages';
import { readExportFile } from './read-export-file';

/** Threads used when none are asked for: one per core, at most this many (each holds ~20 MB). */
export const MAX_AUTO_THREADS = 4;
/**
 * Below this many bytes of files, workers are not started (when not asked for): starting one costs tens of
 * milliseconds, in which this thread reads several megabytes (e.g. the daily run over the last week).
 */
export const MIN_BYTES_FOR_WORKERS = 16 * 1024 * 1024;
/** Files given to a worker before it answers: one to read, one waiting, so it never idles. */
const JOBS_PER_WORKER = 2;

export interface ReadFilesOptions {
  /** The export as the user named it (each worker opens it). */
  exportPath: string;
  timeZone: string;
  parser: ParserMode;
  /** Worker threads; 1 reads in this thread. Undefined: one per core (at most MAX_AUTO_THREADS), for enough bytes. */
  threads?: number;
  /** Called once per file read, in the order they finish (for a progress bar). */
  onFileRead?: () => void;
}

export interface FilesRead {
  /** In the order of the files given. */
  reads: FileRead[];
  /** Threads that read them (1: this one). */
  threads: number;
}

/**
 * The compiled worker script. Beside this module in dist/; when this module runs from its TypeScript source
 * (ts-jest), the worker of the same sources compiled into dist/ (the build runs before the tests).
 */
export function workerScript(): string | undefined {
  const candidates = [
    path.join(__dirname, 'read-worker.js'),
    path.resolve(__dirname, '..', '..', '..', 'dist', 'sources', 'takeout', 'read-worker.js'),
  ];
  return candidates.find((file) => fs.existsSync(file));
}

function threadsFor(reader: ExportReader, files: readonly PlannedFile[], asked: number | undefined): number {
  if (asked !== undefined) return Math.max(1, Math.min(asked, files.length));
  const bytes = files.reduce((sum, f) => sum + (reader.size(f.member) ?? 0), 0);
  if (bytes < MIN_BYTES_FOR_WORKERS || workerScript() === undefined) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), MAX_AUTO_THREADS, files.length));
}

export async function readFiles(
  reader: ExportReader,
  files: readonly PlannedFile[],
  o: ReadFilesOptions,
): Promise<FilesRead> {
  const threads = threadsFor(reader, files, o.threads);
  if (threads <= 1) {
    const reads: FileRead[] = [];
    for (const file of files) {
      reads.push(await readExportFile(reader, file, o.timeZone, o.parser));
      o.onFileRead?.();
    }
    return { reads, threads: 1 };
  }
  const script = workerScript();
  if (!script) throw new Error('the import worker (read-worker.js) is not built: run "npm run build"');
  const data: PoolWorkerData = { exportPath: o.exportPath, timeZone: o.timeZone, parser: o.parser };
  const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: data }));
  try {
    const reads = await dispatch(workers, files, o.onFileRead);
    await Promise.all(workers.map((w) => closeWorker(w)));
    return { reads, threads };
  } finally {
    // After a failure: stop the others at once (a worker that already ended resolves immediately).
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function closeWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.postMessage({ type: 'close' } satisfies PoolRequest);
  });
}

/** Hands the files out, at most JOBS_PER_WORKER per worker at a time, and collects the results by index. */
function dispatch(
  workers: Worker[],
  files: readonly PlannedFile[],
  onFileRead: (() => void) | undefined,
): Promise<FileRead[]> {
  const reads: FileRead[] = new Array<FileRead>(files.length);
  const pending = new Map<Worker, number>(workers.map((w) => [w, 0]));
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const handOut = () => {
      while (next < files.length) {
        let idlest: Worker | undefined;
        for (const [w, n] of pending)
          if (n < JOBS_PER_WORKER && (!idlest || n < pending.get(idlest)!)) idlest = w;
        if (!idlest) return;
        idlest.postMessage({ type: 'read', id: next, file: files[next]! } satisfies PoolRequest);
        pending.set(idlest, pending.get(idlest)! + 1);
        next++;
      }
    };
    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === 'failed') {
          const error = new Error(`reading ${files[reply.id]?.member}: ${reply.message}`);
          if (reply.stack) error.stack = `${error.message}\n  in the import worker: ${reply.stack}`;
          fail(error);
          return;
        }
        reads[reply.id] = reply.read;
        pending.set(worker, pending.get(worker)! - 1);
        done++;
        onFileRead?.();
        if (done === files.length) {
          settled = true;
          resolve(reads);
        } else handOut();
      });
      worker.once('error', (err) => fail(err));
      worker.once('exit', (code) =>
        fail(new Error(`an import worker thread ended early (exit code ${code})`)),
      );
    }
    if (files.length === 0) {
      settled = true;
      resolve(reads);
    }
    handOut();
  });
}
