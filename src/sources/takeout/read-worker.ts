/**
 * A worker thread of a parallel import (file-read-pool.ts). It opens the export once, then reads the files it
 * is sent one at a time with readExportFile (so it holds one file's working memory at a time), and posts each
 * FileRead back with its typed arrays transferred, not copied. A failure to read (a bug: bad input is part of
 * the FileRead) is posted back for the pool to raise.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openExport, type ExportReader } from './locate';
import { readExportFile } from './read-export-file';
import { transferables, type PoolRequest, type PoolWorkerData, type WorkerReply } from './pool-messages';

const port = parentPort;
if (!port) throw new Error('read-worker.js runs as a worker thread of the takeout import');
const { exportPath, timeZone, parser } = workerData as PoolWorkerData;

let reader: Promise<ExportReader> | undefined;
const jobs: PoolRequest[] = [];
let busy = false;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function work(): Promise<void> {
  if (busy) return;
  busy = true;
  for (let job = jobs.shift(); job; job = jobs.shift()) {
    if (job.type === 'close') {
      if (reader) await (await reader).close().catch(() => undefined);
      port!.close();
      return;
    }
    try {
      reader ??= openExport(exportPath);
      const read = await readExportFile(await reader, job.file, timeZone, parser);
      reply({ type: 'read', id: job.id, read }, transferables(read));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      reply({ type: 'failed', id: job.id, message: error.message, stack: error.stack });
    }
  }
  busy = false;
}

port.on('message', (message: PoolRequest) => {
  jobs.push(message);
  void work();
});
