import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CarbonWriter, formatCarbonLine } from '../src/clients/carbon';
import { CarbonSink } from '../src/sinks/carbon-sink';
import type { MetricPoint } from '../src/sinks/sink';
import { HEART_INTERVAL_SECONDS, IMPORT_DAYS, measureImport, summariseImport } from './collect-import';
import { int, mb, median, ms, peakRssBytes } from './figures';
import { startLineSinkInWorker, type ConnectionTally, type RemoteLineSink } from './line-sink-worker';

/**
 * Collect benchmark (see bench/README.md), two measurements with their baselines taken in the same run:
 *
 * 1. Carbon sink throughput. 1,000,000 points (1,000 metrics × 1,000 days at UTC midnights) go to a local TCP
 *    server that counts and discards lines (bench/line-sink-worker.ts, in its own thread). Baseline: a minimal
 *    raw net.Socket writer sending the same lines, formatted from the same points with a bare template literal
 *    (no validation, no reconnect), in 64 KiB chunks, honouring back-pressure. Ours: CarbonSink.write(points) +
 *    close(). Both start from the MetricPoints, so each pays for producing its lines: a sink takes points, not
 *    lines. 3 runs each, alternating; medians. Acceptance: ours/raw ≥ MIN_RATIO.
 * 2. A year's import (bench/collect-import.ts). A 365-day sample export with a heart-rate sample every 5 s
 *    (≈ 0.6 GB of JSON) is generated into a temporary folder and imported end to end (readTakeout, deriveDays,
 *    archive) in forked children (bench/collect-import-child.ts), each reporting its own peak RSS. Baselines:
 *    plain JSON.parse of the same files, single-threaded, in the same child after its import; and the streaming
 *    path the import used before (every file through the streaming parser). Acceptance: import throughput
 *    ≥ MIN_THROUGHPUT_RATIO × JSON.parse's, the year in under MAX_TIME_RATIO of the streaming path's time, peak
 *    RSS below MAX_IMPORT_RSS, every sample read and every run writing the same bytes. Diagnostics: the fast path
 *    in one thread, and a 90-day export as a zip and in the Google-era CSV layout.
 *
 * Diagnostics printed along (not in the acceptance), timed in the same alternation: the raw writer with lines
 * pre-formatted outside the clock (pure socket cost), CarbonWriter alone on those lines, and formatCarbonLine
 * alone. Every writer must deliver the same bytes (sha256).
 *
 * Exits 1 when an acceptance fails. Temporary folders are removed in every case, Ctrl-C included.
 */

const METRICS = 1000;
const DAYS = 1000;
const POINTS = METRICS * DAYS;
const FIRST_DAY = Date.UTC(2024, 0, 1) / 1000;
const DAY_SECONDS = 86_400;
const RUNS = 3;
/** Points per writer sent before measuring, so that JIT warm-up does not count against either side. */
const WARMUP_POINTS = 100_000;
/** The raw writer's chunk size: CarbonWriter's own, so the comparison is about everything else. */
const RAW_CHUNK_CHARS = 64 * 1024;
const MIN_RATIO = 0.8;

// ---------------------------------------------------------------------------------------------------------
// Clean-up that also runs on Ctrl-C: the export is ≈ 0.6 GB.

const tempDirs = new Set<string>();
const children = new Set<ChildProcess>();

function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-bench-collect-'));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

function cleanUpNow(): void {
  for (const child of children) child.kill();
  for (const dir of tempDirs) removeTempDir(dir);
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: removing temporary folders`);
    cleanUpNow();
    process.exit(code);
  });
}
process.once('exit', cleanUpNow);

// ---------------------------------------------------------------------------------------------------------
// 1. Carbon sink throughput

/** `health.bench.mNNN` × days, by date then metric (the order toPoints produces). */
function benchPoints(metrics: number, days: number): MetricPoint[] {
  const points: MetricPoint[] = [];
  // One string per metric, as toPoints builds them.
  const paths = Array.from({ length: metrics }, (_, m) => `health.bench.m${String(m).padStart(3, '0')}`);
  for (let d = 0; d < days; d++) {
    const timestamp = FIRST_DAY + d * DAY_SECONDS;
    for (let m = 0; m < metrics; m++) {
      // Daily values as the real metrics look: integers (steps) and decimals (averages, minutes).
      const value = m % 4 === 0 ? (d * 7919 + m * 104_729) % 20_000 : ((d * 31 + m * 17) % 9000) / 100;
      points.push({ path: paths[m] as string, value, timestamp });
    }
  }
  return points;
}

// A full collection before each timed run, so that a run pays for its own garbage only, not for the previous
// run's (the writers alternate; the sink's 1M line strings would otherwise be collected during the raw run).
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** The baseline: a minimal writer on a raw socket, 64 KiB chunks, waiting for 'drain' when told to. */
async function rawWrite(port: number, lines: readonly string[]): Promise<void> {
  const socket = net.createConnection({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const closed = once(socket, 'close');
  let chunk = '';
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= RAW_CHUNK_CHARS) {
      if (!socket.write(chunk)) await once(socket, 'drain');
      chunk = '';
    }
  }
  if (chunk) socket.write(chunk);
  socket.end();
  await closed;
}

async function rawWriteAll(port: number, lines: readonly string[]): Promise<number> {
  await rawWrite(port, lines);
  return lines.length;
}

/**
 * Diagnostic, not in the acceptance: the raw writer formatting the points itself with a bare template literal
 * (no validation), i.e. the least any sink that starts from MetricPoints can spend. Same bytes as the others.
 */
async function rawFormatWrite(port: number, points: readonly MetricPoint[]): Promise<number> {
  const socket = net.createConnection({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const closed = once(socket, 'close');
  let chunk = '';
  for (const p of points) {
    chunk += `${p.path} ${p.value} ${p.timestamp}\n`;
    if (chunk.length >= RAW_CHUNK_CHARS) {
      if (!socket.write(chunk)) await once(socket, 'drain');
      chunk = '';
    }
  }
  if (chunk) socket.write(chunk);
  socket.end();
  await closed;
  return points.length;
}

/** Ours: what `collect` does with carbon, one write of every point and a close. */
async function sinkWrite(port: number, points: MetricPoint[]): Promise<number> {
  const sink = new CarbonSink({ host: '127.0.0.1', port });
  try {
    await sink.write(points);
  } finally {
    await sink.close();
  }
  return sink.written;
}

/** Diagnostic, not in the acceptance: CarbonSink's writer alone, from the pre-formatted lines the raw writer gets. */
async function writerWrite(port: number, lines: string[]): Promise<number> {
  const writer = new CarbonWriter({ host: '127.0.0.1', port });
  try {
    await writer.write(lines);
  } finally {
    await writer.close();
  }
  return writer.linesSent;
}

/** Diagnostic, not in the acceptance: CarbonSink's formatting alone (what it does before writing). */
function formatOnly(points: MetricPoint[]): { ms: number; lines: number } {
  collectGarbage();
  const started = performance.now();
  const lines = points.map((p) => formatCarbonLine(p.path, p.value, p.timestamp));
  return { ms: performance.now() - started, lines: lines.length };
}

interface ThroughputRun {
  ms: number;
  tally: ConnectionTally;
  /** Points the writer says it sent (CarbonSink.written; the raw writer: lines given). */
  reported: number;
}

async function timed(sink: RemoteLineSink, body: () => Promise<number>): Promise<ThroughputRun> {
  collectGarbage();
  const started = performance.now();
  const reported = await body();
  const ms = performance.now() - started;
  // The connection is closed once body() resolves (both writers wait for 'close'); its tally follows.
  return { ms, tally: await sink.nextConnection(), reported };
}

interface ThroughputResult {
  raw: ThroughputRun[];
  ours: ThroughputRun[];
  /** Diagnostics, measured in the same alternation: the two halves of ours, and raw with its own formatting. */
  writerOnly: ThroughputRun[];
  rawFormatting: ThroughputRun[];
  formatOnly: Array<{ ms: number; lines: number }>;
  expected: { lines: number; bytes: number; sha256: string };
}

async function measureThroughput(): Promise<ThroughputResult> {
  const points = benchPoints(METRICS, DAYS);
  const lines = points.map((p) => formatCarbonLine(p.path, p.value, p.timestamp));
  const hash = createHash('sha256');
  let bytes = 0;
  for (const line of lines) {
    const text = `${line}\n`;
    bytes += Buffer.byteLength(text);
    hash.update(text);
  }
  const expected = { lines: lines.length, bytes, sha256: hash.digest('hex') };

  const sink = await startLineSinkInWorker();
  try {
    const warmPoints = points.slice(0, WARMUP_POINTS);
    const warmLines = lines.slice(0, WARMUP_POINTS);
    await timed(sink, () => rawWriteAll(sink.port, warmLines));
    await timed(sink, () => sinkWrite(sink.port, warmPoints));
    await timed(sink, () => writerWrite(sink.port, warmLines));
    await timed(sink, () => rawFormatWrite(sink.port, warmPoints));

    const raw: ThroughputRun[] = [];
    const ours: ThroughputRun[] = [];
    const writer: ThroughputRun[] = [];
    const format: Array<{ ms: number; lines: number }> = [];
    const rawFormatting: ThroughputRun[] = [];
    for (let run = 0; run < RUNS; run++) {
      raw.push(await timed(sink, () => rawWriteAll(sink.port, lines)));
      ours.push(await timed(sink, () => sinkWrite(sink.port, points)));
      writer.push(await timed(sink, () => writerWrite(sink.port, lines)));
      format.push(formatOnly(points));
      rawFormatting.push(await timed(sink, () => rawFormatWrite(sink.port, points)));
    }
    return { raw, ours, writerOnly: writer, formatOnly: format, rawFormatting, expected };
  } finally {
    await sink.close();
  }
}

// ---------------------------------------------------------------------------------------------------------

const rate = (points: number, millis: number) => points / (millis / 1000);
const kpps = (points: number, millis: number) => `${int(Math.round(rate(points, millis) / 1000))} k points/s`;

async function main(): Promise<number> {
  const cpus = os.cpus();
  console.log(
    `collect benchmark: carbon sink vs raw socket (${int(POINTS)} points = ${METRICS} metrics × ${DAYS} days, ` +
      `${RUNS} runs each, alternating), then a ${IMPORT_DAYS}-day import at ${HEART_INTERVAL_SECONDS} s heart rate`,
  );
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ` +
      `${process.platform} ${process.arch}; ${new Date().toISOString()}\n`,
  );

  const throughput = await measureThroughput();
  // The baseline formats the same points (a bare template literal) inside the clock, as the sink must.
  const rawMs = median(throughput.rawFormatting.map((r) => r.ms));
  const oursMs = median(throughput.ours.map((r) => r.ms));
  const ratio = rawMs / oursMs;
  const pairRatios = throughput.rawFormatting.map((r, i) => r.ms / (throughput.ours[i] as ThroughputRun).ms);
  const writerMs = median(throughput.writerOnly.map((r) => r.ms));
  const formatMs = median(throughput.formatOnly.map((r) => r.ms));
  const preformattedMs = median(throughput.raw.map((r) => r.ms));

  const imported = summariseImport(await measureImport({ makeTempDir, removeTempDir, children }));
  const parentRss = peakRssBytes();

  const sent = [...throughput.raw, ...throughput.ours, ...throughput.writerOnly, ...throughput.rawFormatting];
  const runs = (list: ThroughputRun[]) => list.map((r) => ms(r.ms)).join(', ');
  const rows: Array<[string, string]> = [
    [
      'carbon: payload per run',
      `${int(throughput.expected.lines)} lines, ${mb(throughput.expected.bytes)} (${(throughput.expected.bytes / POINTS).toFixed(1)} B/line)`,
    ],
    [
      'raw socket writer (baseline)',
      `${kpps(POINTS, rawMs)}   median ${ms(rawMs)}; runs ${runs(throughput.rawFormatting)} (formats the points)`,
    ],
    [
      'CarbonSink.write + close (ours)',
      `${kpps(POINTS, oursMs)}   median ${ms(oursMs)}; runs ${runs(throughput.ours)}`,
    ],
    [
      'ratio ours / raw (points/s)',
      `${ratio.toFixed(2)}   (acceptance ≥ ${MIN_RATIO}; per pair ${pairRatios.map((r) => r.toFixed(2)).join(', ')})`,
    ],
    [
      'diagnostic: raw, lines pre-formatted',
      `${kpps(POINTS, preformattedMs)}   median ${ms(preformattedMs)}; runs ${runs(throughput.raw)}; ` +
        `formatting outside the clock: the socket cost alone`,
    ],
    [
      'diagnostic: CarbonWriter alone',
      `${kpps(POINTS, writerMs)}   median ${ms(writerMs)}; runs ${runs(throughput.writerOnly)}; ` +
        `${(preformattedMs / writerMs).toFixed(2)}× the pre-formatted raw writer (same lines)`,
    ],
    [
      'diagnostic: formatCarbonLine alone',
      `median ${ms(formatMs)} for ${int(POINTS)} points; runs ${throughput.formatOnly.map((r) => ms(r.ms)).join(', ')}`,
    ],
    [
      'delivered (server count)',
      `${sent.every((r) => sameAsExpected(r.tally, throughput.expected)) ? 'all' : 'NOT all'} ` +
        `${sent.length} runs: ${int(POINTS)} lines, identical bytes (sha256)`,
    ],
    ...imported.rows,
    ['peak RSS (bench process)', `${mb(parentRss)} (not part of the acceptance)`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}${value}`);

  const problems: string[] = [];
  for (const [label, list] of [
    ['raw', throughput.raw],
    ['ours', throughput.ours],
    ['CarbonWriter', throughput.writerOnly],
    ['raw with formatting', throughput.rawFormatting],
  ] as const) {
    list.forEach((run, i) => {
      const t = run.tally;
      if (!sameAsExpected(t, throughput.expected))
        problems.push(
          `${label} run ${i + 1}: the server received ${int(t.lines)} lines / ${int(t.bytes)} bytes ` +
            `(expected ${int(throughput.expected.lines)} / ${int(throughput.expected.bytes)}), ` +
            `${t.sha256 === throughput.expected.sha256 ? 'same' : 'different'} bytes`,
        );
      if (run.reported !== POINTS)
        problems.push(`${label} run ${i + 1}: reported ${run.reported} points sent`);
    });
  }
  for (const [i, run] of throughput.formatOnly.entries())
    if (run.lines !== POINTS) problems.push(`format run ${i + 1}: ${run.lines} lines`);
  if (ratio < MIN_RATIO)
    problems.push(`carbon sink at ${ratio.toFixed(2)}× the raw writer's throughput, below ${MIN_RATIO}×`);
  problems.push(...imported.problems);

  for (const problem of problems) console.error(`FAIL: ${problem}`);
  console.log(problems.length === 0 ? '\nPASS' : `\n${problems.length} acceptance failure(s)`);
  return problems.length === 0 ? 0 : 1;
}

function sameAsExpected(t: ConnectionTally, expected: ThroughputResult['expected']): boolean {
  return (
    t.lines === expected.lines &&
    t.bytes === expected.bytes &&
    t.endsWithNewline &&
    t.sha256 === expected.sha256
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
