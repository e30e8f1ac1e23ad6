import { performance } from 'node:perf_hooks';
import { deriveDays } from '../src/metrics/derive';
import { readTakeout } from '../src/sources/takeout';

/**
 * The import half of bench/collect.ts, forked as its own process so that its peak RSS is the import's alone,
 * not the parent's (which generated the export and ran the carbon measurement). Reads the export at argv[2]
 * with readTakeout, derives the daily metrics of argv[3]..argv[4], and sends an ImportReport to the parent.
 */
export interface ImportReport {
  /** Peak RSS of this process, bytes (process.resourceUsage().maxRSS at the end). */
  maxRssBytes: number;
  /** RSS before the import started: what an idle Node process with the modules loaded takes. */
  startRssBytes: number;
  /** readTakeout + deriveDays, wall time. */
  durationMs: number;
  readMs: number;
  deriveMs: number;
  files: number;
  days: number;
  heartSamples: number;
  stepsTotal: number;
  derivedDays: number;
  warnings: string[];
}

async function main(): Promise<void> {
  const [exportPath, from, to] = process.argv.slice(2);
  if (!exportPath || !from || !to) throw new Error('usage: collect-import-child <export> <from> <to>');
  const startRssBytes = process.memoryUsage.rss();
  const started = performance.now();
  const result = await readTakeout({ path: exportPath });
  const read = performance.now();
  const metrics = deriveDays(result.days, { from, to });
  const done = performance.now();
  let heartSamples = 0;
  let stepsTotal = 0;
  for (const day of result.days.values()) {
    heartSamples += day.heart?.count ?? 0;
    stepsTotal += day.steps ?? 0;
  }
  const report: ImportReport = {
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    startRssBytes,
    durationMs: done - started,
    readMs: read - started,
    deriveMs: done - read,
    files: result.inputs,
    days: result.days.size,
    heartSamples,
    stepsTotal,
    derivedDays: metrics.length,
    warnings: result.warnings.map(
      (w) => `${w.file}${w.record !== undefined ? ` #${w.record}` : ''}: ${w.message}`,
    ),
  };
  const send = process.send?.bind(process);
  if (!send) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  await new Promise<void>((resolve, reject) =>
    send(report, (err: Error | null) => (err ? reject(err) : resolve())),
  );
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
