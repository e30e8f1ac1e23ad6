/**
 * Reading an export's files on several threads: this one, and worker threads (read-worker.ts) so that an import
 * uses every core. Each file is read on its own into a FileRead (read-export-file.ts), so a file gives the same
 * result on any thread; the results are put back in plan order, and everything after (the merge onto days, the
 * completeness decision, warnings, archive, output) is the same single-threaded code as before. So a run with
 * workers is byte-identical to one without.
 *
 * The calling thread reads files too (it would only wait otherwise): N threads are this one and N−1 workers,
 * each worker costing its start-up, its own compilation of the scanner and some 20 MB. Files are taken in plan
 * order by whichever thread is free.
 *
 * Memory stays bounded: a thread reads one file at a time (in windows, byte-windows.ts), and a worker is given
 * at most JOBS_PER_WORKER files before it answers, so no queue of work or of results builds up anywhere; the
 * FileReads themselves are compact (totals per minute) and the merge needs all of them.
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

/** Threads used when none are asked for: one per core, at most this many. */
export const MAX_AUTO_THREADS = 4;
/**
 * Below this many bytes of files, no worker is started (when threads are not asked for): a worker's start-up
 * and its own compilation of the scanner cost a few tenths of a second of CPU, in which this thread reads
 * 50–100 MB; and on a machine whose other work leaves this process one core, a second thread only adds that
 * cost. So the bundled sample (76 MB) and a daily run read in one thread, a year's export on two or more.
 */
export const MIN_BYTES_FOR_WORKERS = 128 * 1024 * 1024;
/** A worker's young generation, MB (see startWorkers). */
const WORKER_YOUNG_MB = 8;
/** Files given to a worker before it answers: one to read, one waiting, so it never idles. */
const JOBS_PER_WORKER = 2;

export interface ReadFilesOptions {
  /** The export as the user named it (each worker opens it). */
  exportPath: string;
  timeZone: string;
  parser: ParserMode;
  /** Threads reading (this one included); 1: this one only. Undefined: one per core, for enough bytes. */
  threads?: number;
  /** Called once per file read, in the order they finish (for a progress bar). */
  onFileRead?: () => void;
}

export interface FilesRead {
  /** In the order of the files given. */
  reads: FileRead[];
  /** Threads that read them (1: this one only). */
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

/** Lets the event loop run (worker messages arrive as tasks; this thread's reads finish without one). */
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function readFiles(
  reader: ExportReader,
  files: readonly PlannedFile[],
  o: ReadFilesOptions,
): Promise<FilesRead> {
  const threads = threadsFor(reader, files, o.threads);
  const reads: FileRead[] = new Array<FileRead>(files.length);
  const done = (i: number, read: FileRead) => {
    reads[i] = read;
    o.onFileRead?.();
  };
  let next = 0;
  const take = (): number | undefined => (next < files.length ? next++ : undefined);

  const workers = threads > 1 ? startWorkers(threads - 1, o) : [];
  try {
    const fromWorkers = workers.length > 0 ? serveWorkers(workers, files, take, done) : Promise.resolve();
    // A worker's failure must not wait for this thread to finish its share.
    let failed: unknown;
    fromWorkers.catch((err: unknown) => (failed ??= err));
    for (let i = take(); i !== undefined && failed === undefined; i = take()) {
      done(i, await readExportFile(reader, files[i]!, o.timeZone, o.parser));
      if (workers.length > 0) await yieldToEvents();
    }
    await fromWorkers;
    await Promise.all(workers.map((w) => closeWorker(w)));
    return { reads, threads };
  } finally {
    // After a failure: stop the workers at once (one that already ended resolves immediately).
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function startWorkers(count: number, o: ReadFilesOptions): Worker[] {
  const script = workerScript();
  if (!script) throw new Error('the import worker (read-worker.js) is not built: run "npm run build"');
  const data: PoolWorkerData = { exportPath: o.exportPath, timeZone: o.timeZone, parser: o.parser };
  // A small young generation: a worker's garbage is short-lived (one file at a time), and the default one grows
  // to tens of megabytes per thread.
  return Array.from(
    { length: count },
    () =>
      new Worker(script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } }),
  );
}

function closeWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.postMessage({ type: 'close' } satisfies PoolRequest);
  });
}

/**
 * Keeps each worker given up to JOBS_PER_WORKER files (taken with `take`) until there are none left, and
 * resolves once every file given out is answered. Rejects on a worker's failure.
 */
function serveWorkers(
  workers: Worker[],
  files: readonly PlannedFile[],
  take: () => number | undefined,
  done: (i: number, read: FileRead) => void,
): Promise<void> {
  const pending = new Map<Worker, number>(workers.map((w) => [w, 0]));
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const handOut = (worker: Worker) => {
      while (pending.get(worker)! < JOBS_PER_WORKER) {
        const i = take();
        if (i === undefined) break;
        worker.postMessage({ type: 'read', id: i, file: files[i]! } satisfies PoolRequest);
        pending.set(worker, pending.get(worker)! + 1);
      }
      if ([...pending.values()].every((n) => n === 0)) {
        settled = true;
        resolve();
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
        pending.set(worker, pending.get(worker)! - 1);
        done(reply.id, reply.read);
        handOut(worker);
      });
      worker.once('error', (err) => fail(err));
      worker.once('exit', (code) =>
        fail(new Error(`an import worker thread ended early (exit code ${code})`)),
      );
    }
    for (const worker of workers) if (!settled) handOut(worker);
  });
}
