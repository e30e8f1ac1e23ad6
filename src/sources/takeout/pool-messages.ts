/** What the import's main thread and its worker threads send each other (file-read-pool.ts, read-worker.ts). */
import type { PlannedFile } from './data-file';
import type { FileRead, ParserMode } from './file-read';

/** Given to each worker at its start. */
export interface PoolWorkerData {
  /** The export as the user named it; the worker opens it itself (a zip is read by each thread). */
  exportPath: string;
  timeZone: string;
  parser: ParserMode;
}

/** Main → worker: read a file (its index in the plan is the id), or close the export and end. */
export type PoolRequest = { type: 'read'; id: number; file: PlannedFile } | { type: 'close' };

/** Worker → main. */
export type WorkerReply =
  | { type: 'read'; id: number; read: FileRead }
  | { type: 'failed'; id: number; message: string; stack?: string };

/** The buffers of a FileRead's typed arrays: moved to the receiving thread instead of copied. */
export function transferables(read: FileRead): ArrayBuffer[] {
  const arrays = [
    read.heart?.minutes,
    read.heart?.sums,
    read.heart?.counts,
    read.steps?.minutes,
    read.steps?.steps,
  ];
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) if (array) buffers.add(array.buffer as ArrayBuffer);
  return [...buffers];
}
