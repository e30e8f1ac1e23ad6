import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Archive } from '../src/archive/archive';
import { updateSummary } from '../src/archive/summary-csv';
import { deriveDays } from '../src/metrics/derive';
import { readTakeout } from '../src/sources/takeout';
import { filesUnder } from './export-variants';
import { peakRssBytes } from './figures';

/**
 * The import half of bench/collect.ts, forked as its own process so that its peak RSS is the import's alone,
 * not the parent's (which generated the export and ran the carbon measurement).
 *
 *   collect-import-child <export> <from> <to> <mode> [<json folder for the baseline>]
 *
 * mode: `fast` (the default import: fast path, worker threads as readTakeout decides), `fast-1` (fast path in
 * this thread), `streaming` (the streaming parser for every file, in this thread: the import before issue 13).
 * The import is end to end as `collect` does it: readTakeout, deriveDays over the export's window, and the
 * archive (a day file per day, summary.csv) in a temporary data directory. Then, when a folder is given, the
 * baseline in this same process: plain JSON.parse of every .json file of the folder, read as UTF-8 text, one
 * after the other (after the import's peak RSS is taken, so it does not count in it).
 */
export type ImportMode = 'fast' | 'fast-1' | 'streaming';

export interface ImportReport {
  mode: ImportMode;
  /** Peak RSS of this process after the import, bytes (peakRssBytes: its own, not its parent's). */
  maxRssBytes: number;
  /** RSS before the import started: what an idle Node process with the modules loaded takes. */
  startRssBytes: number;
  /** readTakeout + deriveDays + archive, wall time. */
  importMs: number;
  /** readTakeout alone (its own figure, as collect's summary prints it), derive, archive. */
  readMs: number;
  deriveMs: number;
  archiveMs: number;
  threads: number;
  files: number;
  days: number;
  heartSamples: number;
  stepsTotal: number;
  derivedDays: number;
  warnings: string[];
  /** sha256 over summary.csv and every archive file (path and bytes): equal runs wrote equal bytes. */
  outputSha256: string;
  baseline?: { ms: number; bytes: number; files: number };
}

function threadsOf(mode: ImportMode): number | undefined {
  return mode === 'fast' ? undefined : 1;
}

function outputDigest(dataDir: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dataDir)) {
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(dataDir, file)));
  }
  return hash.digest('hex');
}

/** The baseline: JSON.parse of every .json file under `folder`, text read as UTF-8, one after the other. */
function jsonParseBaseline(folder: string): { ms: number; bytes: number; files: number } {
  const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(folder, f));
  let bytes = 0;
  let elements = 0;
  const started = performance.now();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    elements += (JSON.parse(text) as unknown[]).length;
  }
  const ms = performance.now() - started;
  if (elements === 0) throw new Error(`the baseline parsed no element in ${folder}`);
  return { ms, bytes, files: files.length };
}

async function main(): Promise<void> {
  const [exportPath, from, to, modeArg, baselineFolder] = process.argv.slice(2);
  if (!exportPath || !from || !to || !modeArg)
    throw new Error('usage: collect-import-child <export> <from> <to> <mode> [<json folder>]');
  const mode = modeArg as ImportMode;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-bench-import-data-'));
  try {
    const startRssBytes = process.memoryUsage.rss();
    const started = performance.now();
    const result = await readTakeout({
      path: exportPath,
      threads: threadsOf(mode),
      parser: mode === 'streaming' ? 'streaming' : 'fast',
    });
    const read = performance.now();
    const metrics = deriveDays(result.days, { from, to });
    const derived = performance.now();
    // As collect's pipeline: each day's record, then summary.csv.
    const archive = new Archive(dataDir);
    await archive.writeDays(result.source, [...result.days.values()]);
    await updateSummary(path.join(dataDir, 'summary.csv'), metrics);
    const done = performance.now();
    const maxRssBytes = peakRssBytes();

    let heartSamples = 0;
    let stepsTotal = 0;
    for (const day of result.days.values()) {
      heartSamples += day.heart?.count ?? 0;
      stepsTotal += day.steps ?? 0;
    }
    const report: ImportReport = {
      mode,
      maxRssBytes,
      startRssBytes,
      importMs: done - started,
      readMs: result.readMs ?? read - started,
      deriveMs: derived - read,
      archiveMs: done - derived,
      threads: result.threads,
      files: result.inputs,
      days: result.days.size,
      heartSamples,
      stepsTotal,
      derivedDays: metrics.length,
      warnings: result.warnings.map(
        (w) => `${w.file}${w.record !== undefined ? ` #${w.record}` : ''}: ${w.message}`,
      ),
      outputSha256: outputDigest(dataDir),
      ...(baselineFolder ? { baseline: jsonParseBaseline(baselineFolder) } : {}),
    };
    const send = process.send?.bind(process);
    if (!send) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    await new Promise<void>((resolve, reject) =>
      send(report, (err: Error | null) => (err ? reject(err) : resolve())),
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

let finished = false;
// If the parent goes away (Ctrl-C), do not go on reading on its behalf.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

main().then(
  () => {
    finished = true;
    if (process.connected) process.disconnect();
  },
  (err: unknown) => {
    finished = true;
    console.error(err);
    process.exitCode = 1;
    if (process.connected) process.disconnect();
  },
);
