import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSampleExport, type SampleExport } from '../src/sources/sample/generate-export';
import type { ImportMode, ImportReport } from './collect-import-child';
import { writeCsvLayout, zipTakeout } from './export-variants';
import { int, MB, mb, median, ms as secs } from './figures';

/**
 * The import half of bench/collect.ts (see bench/README.md): a year's import end to end against plain
 * JSON.parse of the same files in the same process, and against the streaming path it replaced, each run in
 * a forked child (bench/collect-import-child.ts) so that its peak RSS is its own.
 */

export const IMPORT_DAYS = 365;
export const HEART_INTERVAL_SECONDS = 5;
export const MAX_IMPORT_RSS = 200 * MB;
/** End-to-end import throughput / single-threaded JSON.parse throughput (the goal is above 1). */
export const MIN_THROUGHPUT_RATIO = 0.7;
/** The year's import time / the streaming path's time. */
export const MAX_TIME_RATIO = 0.2;
/**
 * The year's runs, alternating so that a change of the machine's load falls on every side: five of the import
 * as collect runs it (each with its JSON.parse baseline), one of the streaming path (the "before", ~45 s), one
 * of the fast path in one thread.
 */
const RUN_ORDER: ImportMode[] = ['fast', 'streaming', 'fast', 'fast-1', 'fast', 'fast', 'fast'];
/** Days of the export the diagnostics (zip, CSV layout) read. */
const DIAGNOSTIC_DAYS = 90;

export interface Run {
  mode: ImportMode;
  report: ImportReport;
  /** Fork to exit, as the parent saw it (Node start-up and module loading included). */
  childWallMs: number;
}

export interface ImportMeasurement {
  generateMs: number;
  files: number;
  heartBytes: number;
  jsonBytes: number;
  expectedHeartSamples: number;
  expectedSteps: number;
  /** In the order run (RUN_ORDER). */
  runs: Run[];
  diagnostics: Diagnostics;
}

export interface Diagnostics {
  days: number;
  jsonBytes: number;
  zipBytes: number;
  csvBytes: number;
  folder: Run;
  zip: Run[];
  csv: Run[];
}

export interface Workspace {
  makeTempDir(): string;
  removeTempDir(dir: string): void;
  children: Set<ChildProcess>;
}

function jsonSizes(dir: string): { heartBytes: number; jsonBytes: number } {
  let heartBytes = 0;
  let jsonBytes = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const size = fs.statSync(path.join(dir, name)).size;
    jsonBytes += size;
    if (name.startsWith('heart_rate-')) heartBytes += size;
  }
  return { heartBytes, jsonBytes };
}

function runChild(ws: Workspace, mode: ImportMode, args: string[]): Promise<Run> {
  const started = performance.now();
  const child = fork(
    path.join(__dirname, 'collect-import-child.js'),
    [...args.slice(0, 3), mode, ...args.slice(3)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  ws.children.add(child);
  return new Promise((resolve, reject) => {
    let report: ImportReport | undefined;
    child.on('message', (m: ImportReport) => {
      report = m;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      ws.children.delete(child);
      const childWallMs = performance.now() - started;
      if (report && code === 0) resolve({ mode, report, childWallMs });
      else
        reject(new Error(`the import child (${mode}) exited with ${signal ?? `code ${code}`} and no report`));
    });
  });
}

function expectedTotals(sample: SampleExport): { heart: number; steps: number } {
  let heart = 0;
  let steps = 0;
  for (const day of sample.days) {
    heart += day.heart?.count ?? 0;
    steps += day.steps ?? 0;
  }
  return { heart, steps };
}

async function measureDiagnostics(ws: Workspace): Promise<Diagnostics> {
  const dir = ws.makeTempDir();
  try {
    const sample = generateSampleExport({ outDir: path.join(dir, 'folder'), days: DIAGNOSTIC_DAYS });
    const range = [sample.startDate, sample.endDate];
    const zipFile = path.join(dir, 'takeout.zip');
    const zipBytes = await zipTakeout(sample.root, zipFile);
    const csvBytes = writeCsvLayout(sample.fitbitDir, path.join(dir, 'csv'));
    const folder = await runChild(ws, 'fast', [sample.root, ...range]);
    const zip = [
      await runChild(ws, 'fast', [zipFile, ...range]),
      await runChild(ws, 'fast-1', [zipFile, ...range]),
      await runChild(ws, 'streaming', [zipFile, ...range]),
    ];
    const csvRoot = path.join(dir, 'csv');
    const csv = [
      await runChild(ws, 'fast', [csvRoot, ...range]),
      await runChild(ws, 'fast-1', [csvRoot, ...range]),
      await runChild(ws, 'streaming', [csvRoot, ...range]),
    ];
    const { jsonBytes } = jsonSizes(path.join(sample.fitbitDir, 'Global Export Data'));
    return { days: DIAGNOSTIC_DAYS, jsonBytes, zipBytes, csvBytes, folder, zip, csv };
  } finally {
    ws.removeTempDir(dir);
  }
}

export async function measureImport(ws: Workspace): Promise<ImportMeasurement> {
  const dir = ws.makeTempDir();
  try {
    const started = performance.now();
    const sample = generateSampleExport({
      outDir: dir,
      days: IMPORT_DAYS,
      heartIntervalSeconds: HEART_INTERVAL_SECONDS,
    });
    const generateMs = performance.now() - started;
    const jsonFolder = path.join(sample.fitbitDir, 'Global Export Data');
    const sizes = jsonSizes(jsonFolder);
    const expected = expectedTotals(sample);
    const args = [sample.root, sample.startDate, sample.endDate];
    // Alternating, so that a change in the machine's load falls on both sides.
    const runs: Run[] = [];
    for (const mode of RUN_ORDER) {
      runs.push(await runChild(ws, mode, mode === 'streaming' ? args : [...args, jsonFolder]));
    }
    removeQuietly(ws, dir);
    return {
      generateMs,
      files: sample.files,
      ...sizes,
      expectedHeartSamples: expected.heart,
      expectedSteps: expected.steps,
      runs,
      diagnostics: await measureDiagnostics(ws),
    };
  } finally {
    removeQuietly(ws, dir);
  }
}

function removeQuietly(ws: Workspace, dir: string): void {
  if (fs.existsSync(dir)) ws.removeTempDir(dir);
}

// ---------------------------------------------------------------------------------------------------------
// Figures and acceptance

const rate = (bytes: number, ms: number) => bytes / MB / (ms / 1000);

export interface ImportSummary {
  rows: Array<[string, string]>;
  problems: string[];
}

export function summariseImport(m: ImportMeasurement): ImportSummary {
  const fast = m.runs.filter((r) => r.mode === 'fast');
  const single = m.runs.filter((r) => r.mode === 'fast-1');
  const streaming = m.runs.filter((r) => r.mode === 'streaming');
  const withBaseline = m.runs.filter((r) => r.report.baseline);
  const oursRate = (r: Run) => rate(m.jsonBytes, r.report.importMs);
  const baseRate = (r: Run) => rate(r.report.baseline!.bytes, r.report.baseline!.ms);
  const pairRatios = fast.map((r) => oursRate(r) / baseRate(r));
  const ratio = median(pairRatios);
  const fastMs = median(fast.map((r) => r.report.importMs));
  const streamingMs = median(streaming.map((r) => r.report.importMs));
  const timeRatio = fastMs / streamingMs;
  const peakRss = Math.max(
    ...fast.map((r) => r.report.maxRssBytes),
    ...single.map((r) => r.report.maxRssBytes),
  );
  const runsOf = (list: Run[], f: (r: Run) => string) => list.map(f).join(', ');
  const d = m.diagnostics;
  const dRate = (bytes: number, r: Run) => `${rate(bytes, r.report.importMs).toFixed(0)} MB/s`;

  const rows: Array<[string, string]> = [
    [
      'import: generated export',
      `${IMPORT_DAYS} days, ${int(m.files)} files, JSON ${mb(m.jsonBytes)} (heart rate ${mb(m.heartBytes)}), ` +
        `generated in ${secs(m.generateMs)}`,
    ],
    [
      'baseline: JSON.parse, 1 thread',
      `${median(withBaseline.map(baseRate)).toFixed(0)} MB/s   median; runs ` +
        runsOf(withBaseline, (r) => `${secs(r.report.baseline!.ms)}`) +
        ` (readFileSync + JSON.parse of the ${withBaseline[0]?.report.baseline?.files ?? 0} files, in each child after its import)`,
    ],
    [
      'import end to end (ours)',
      `${(m.jsonBytes / MB / (fastMs / 1000)).toFixed(0)} MB/s   median ${secs(fastMs)}; runs ` +
        runsOf(fast, (r) => secs(r.report.importMs)) +
        `; ${fast[0]?.report.threads ?? '?'} worker threads; read ${runsOf(fast, (r) => secs(r.report.readMs))}, ` +
        `derive ${secs(median(fast.map((r) => r.report.deriveMs)))}, archive ${secs(median(fast.map((r) => r.report.archiveMs)))}`,
    ],
    [
      'ratio import / JSON.parse (MB/s)',
      `${ratio.toFixed(2)}   (acceptance ≥ ${MIN_THROUGHPUT_RATIO}, goal > 1; per pair ${pairRatios.map((r) => r.toFixed(2)).join(', ')})`,
    ],
    [
      'fast path, 1 thread (diagnostic)',
      `${runsOf(single, (r) => `${(m.jsonBytes / MB / (r.report.importMs / 1000)).toFixed(0)} MB/s, ${secs(r.report.importMs)} (read ${secs(r.report.readMs)})`)}; ` +
        `${runsOf(single, (r) => (oursRate(r) / baseRate(r)).toFixed(2))}× its JSON.parse baseline`,
    ],
    [
      'before: streaming parser, 1 thread',
      `${runsOf(streaming, (r) => `${secs(r.report.importMs)} (${(m.jsonBytes / MB / (r.report.importMs / 1000)).toFixed(1)} MB/s)`)}`,
    ],
    [
      'year import: ours / before (time)',
      `${timeRatio.toFixed(3)}   (${secs(fastMs)} / ${secs(streamingMs)}; acceptance < ${MAX_TIME_RATIO}; ` +
        `${(streamingMs / fastMs).toFixed(1)}× faster)`,
    ],
    [
      'import: read',
      `${int(fast[0]?.report.heartSamples ?? 0)} heart samples (generated ${int(m.expectedHeartSamples)}), ` +
        `${int(fast[0]?.report.files ?? 0)} files, ${fast[0]?.report.days ?? 0} days → ` +
        `${fast[0]?.report.derivedDays ?? 0} days of metrics`,
    ],
    [
      'import: peak RSS (child)',
      `${mb(peakRss)}   (acceptance < ${mb(MAX_IMPORT_RSS)}; runs ${runsOf([...fast, ...single], (r) => mb(r.report.maxRssBytes))}; ` +
        `streaming ${runsOf(streaming, (r) => mb(r.report.maxRssBytes))}; ${mb(fast[0]?.report.startRssBytes ?? 0)} before reading)`,
    ],
    [
      'output of every run',
      `${new Set(m.runs.map((r) => r.report.outputSha256)).size === 1 ? 'identical' : 'NOT identical'}: ` +
        `summary.csv and archive (sha256 ${m.runs[0]?.report.outputSha256.slice(0, 12) ?? '?'}…)`,
    ],
    [
      `diagnostic: ${d.days} days, folder`,
      `${secs(d.folder.report.importMs)} (${dRate(d.jsonBytes, d.folder)} of JSON, read ${secs(d.folder.report.readMs)}, ` +
        `${d.folder.report.threads} thread(s))`,
    ],
    [
      `diagnostic: same, zip (${mb(d.zipBytes)})`,
      runsOf(d.zip, (r) => `${r.mode} ${secs(r.report.importMs)} (${dRate(d.jsonBytes, r)} of JSON)`),
    ],
    [
      `diagnostic: CSV layout (${mb(d.csvBytes)})`,
      runsOf(d.csv, (r) => `${r.mode} ${secs(r.report.importMs)} (${dRate(d.csvBytes, r)} of CSV)`),
    ],
  ];

  const problems: string[] = [];
  if (ratio < MIN_THROUGHPUT_RATIO)
    problems.push(`import at ${ratio.toFixed(2)}× JSON.parse's throughput, below ${MIN_THROUGHPUT_RATIO}×`);
  if (timeRatio >= MAX_TIME_RATIO)
    problems.push(
      `the year imports in ${timeRatio.toFixed(3)} of the streaming path's time, not under ${MAX_TIME_RATIO}`,
    );
  if (peakRss >= MAX_IMPORT_RSS)
    problems.push(`import peak RSS ${mb(peakRss)} is not below ${mb(MAX_IMPORT_RSS)}`);
  for (const run of m.runs) {
    const r = run.report;
    if (r.heartSamples !== m.expectedHeartSamples)
      problems.push(
        `${run.mode}: read ${r.heartSamples} heart samples, the generator wrote ${m.expectedHeartSamples}`,
      );
    if (r.stepsTotal !== m.expectedSteps)
      problems.push(`${run.mode}: read ${r.stepsTotal} steps, the generator wrote ${m.expectedSteps}`);
    for (const warning of r.warnings) problems.push(`${run.mode}: import warning: ${warning}`);
  }
  if (new Set(m.runs.map((r) => r.report.outputSha256)).size !== 1)
    problems.push('the year runs wrote different summary.csv or archive bytes');
  if (new Set([d.folder, ...d.zip].map((r) => r.report.outputSha256)).size !== 1)
    problems.push('the zip runs wrote other bytes than the folder run');
  if (new Set(d.csv.map((r) => r.report.outputSha256)).size !== 1)
    problems.push('the CSV runs wrote different bytes');
  for (const run of [d.folder, ...d.zip, ...d.csv])
    for (const warning of run.report.warnings)
      problems.push(`diagnostic ${run.mode}: import warning: ${warning}`);
  return { rows, problems };
}
