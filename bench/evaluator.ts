import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GraphiteClient, type GraphiteSeries } from '../src/clients/graphite';
import { evaluate } from '../src/evaluator/evaluate';
import { GraphiteProvider } from '../src/evaluator/graphite-provider';
import { MemoryProvider } from '../src/evaluator/memory-provider';
import { datapoints, type Series } from '../src/evaluator/series';
import { stackDown, stackUp } from '../src/stack/stack';
import { stackPaths } from '../src/stack/stack-files';
import { loadTemplates } from '../src/templates/registry';
import { renderTarget } from '../src/templates/template';
import { createLogger } from '../src/util/log';
import { freeStackPorts } from '../test/support/ports';
import { peakRssBytes } from './figures';

/**
 * Evaluator benchmark (see bench/README.md): one year of 1-minute data (525,600 points in the range, plus a
 * day before it for the bootstraps) in a real whisper file served by a real graphite-web 1.1.8, started for this
 * run on free loopback ports. For each heuristic (cv, timeshift, holtwinters with their `fine` defaults) it
 * times, RUNS times each and alternating:
 * - baseline: graphite-web rendering the target over the year (render + JSON, as Seyren or a backtest asks);
 * - ours: healthlake's evaluator computing the same target from the same raw points held in memory.
 * Printed along: the evaluator fed by graphite-web (raw JSON render of the metric + evaluation).
 * Acceptance (exit 1 otherwise): both agree within 1e-9 at every point, and the evaluator is faster than
 * graphite-web (ratio ≥ MIN_SPEEDUP). The goal, the year in under a second, is printed, not enforced:
 * an absolute time depends on the machine (README, "Principle").
 */

const STEP = 60;
const YEAR_POINTS = 525_600;
/** Data before the range: HW bootstraps 23h, timeshift looks 1h back, movingAverage 30 points. */
const HISTORY_BEFORE = 2 * 86_400;
const RUNS = 3;
const MIN_SPEEDUP = 1;
const TOLERANCE = 1e-9;
const METRIC = 'bench.evaluator.rate';
const HEURISTICS = ['cv', 'timeshift', 'holtwinters'] as const;

/**
 * A day and an hour cycle, noise, a missing point now and then, and 20-minute drops to 0 (zero divisors for
 * timeshift and holtwinters). Deterministic. The drops are shorter than the cv window (30 points) on purpose:
 * a window of 30 equal values after a year of running sums makes stdev's radicand pure rounding noise, and
 * there graphite-web (Python's x**2 is glibc's pow(), which differs from x*x in the last bit for ~0.1 % of
 * non-integer inputs) and the evaluator can land on different sides of 0: null against ~1e-7. See README.
 */
function generate(count: number): Array<number | null> {
  let x = 2024;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: count }, (_, k) => {
    if (k % 997 === 0) return null;
    if (k % 100_000 < 20) return 0;
    const day = Math.sin((2 * Math.PI * k) / 1440);
    const hour = Math.sin((2 * Math.PI * k) / 60);
    return Math.round((500 + 300 * day + 40 * hour + 25 * r()) * 1000) / 1000;
  });
}

/** Writes the points straight into a whisper file (1m step, one archive) with Debian's python3-whisper. */
function writeWhisper(file: string, start: number, values: Array<number | null>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = values.flatMap((v, k) => (v === null ? [] : [`${start + k * STEP} ${v}`])).join('\n');
  const script = [
    'import sys, whisper',
    `whisper.create(${JSON.stringify(file)}, [(${STEP}, ${values.length + 5000})], xFilesFactor=0, aggregationMethod="average")`,
    'points = [(int(t), float(v)) for t, v in (l.split() for l in sys.stdin.read().splitlines())]',
    `whisper.update_many(${JSON.stringify(file)}, points)`,
  ].join('\n');
  const res = spawnSync('/usr/bin/python3', ['-c', script], {
    input: lines,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (res.status !== 0) throw new Error(`writing the whisper file failed: ${res.stderr}`);
}

function compare(target: string, theirs: GraphiteSeries[], ours: Series[]): string | undefined {
  if (theirs.length !== ours.length)
    return `${target}: ${theirs.length} series from graphite-web, ${ours.length} from the evaluator`;
  for (let k = 0; k < theirs.length; k++) {
    const a = theirs[k] as GraphiteSeries;
    const b = datapoints(ours[k] as Series);
    if (a.datapoints.length !== b.length) return `${target}: ${a.datapoints.length} points vs ${b.length}`;
    for (let i = 0; i < b.length; i++) {
      const [v, t] = a.datapoints[i] as [number | null, number];
      const [w, u] = b[i] as [number | null, number];
      const same = t === u && (v === null ? w === null : w !== null && Math.abs(v - w) <= TOLERANCE);
      if (!same) return `${target}: point ${i} graphite-web [${v}, ${t}], evaluator [${w}, ${u}]`;
    }
  }
  return undefined;
}

/** The repository root (compiled, this file runs from dist-bench/bench/). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'templates')))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${__dirname}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function main(): Promise<number> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-bench-evaluator-'));
  const settings = { root, prefix: 'health', statsdFlushMs: 1000, ...(await freeStackPorts()) };
  const log = createLogger('warn');
  try {
    const upStarted = performance.now();
    await stackUp(settings, log);
    const until = Math.floor(Date.now() / 1000 / STEP) * STEP - STEP;
    const from = until - YEAR_POINTS * STEP;
    const dataStart = from - HISTORY_BEFORE;
    const values = generate((until - dataStart) / STEP + 1);
    const file = path.join(stackPaths(root).whisper, ...METRIC.split('.')) + '.wsp';
    const writeStarted = performance.now();
    writeWhisper(file, dataStart, values);
    const setupMs = performance.now() - upStarted;
    const writeMs = performance.now() - writeStarted;

    const graphite = new GraphiteClient({
      baseUrl: `http://127.0.0.1:${settings.webPort}`,
      timeoutMs: 300_000,
      retries: 0,
    });
    const memory = new MemoryProvider([{ name: METRIC, start: dataStart, step: STEP, values }]);
    const templates = loadTemplates(path.join(repoRoot(), 'templates'));
    const targets = HEURISTICS.map(
      (h) => [h, renderTarget(templates.get(h)!, { metric: METRIC }, 'fine')] as const,
    );

    // JIT warm-up of the evaluator on a day, and graphite-web's first file open.
    for (const [, target] of targets) await evaluate(target, until - 86_400, until, memory);
    await graphite.render(METRIC, { from: String(until - 3600), until: String(until) });

    const cpus = os.cpus();
    console.log(
      `evaluator benchmark: ${METRIC}, ${YEAR_POINTS.toLocaleString('en')} points at ${STEP} s in the range ` +
        `(${values.length.toLocaleString('en')} stored with the bootstrap day), ${RUNS} runs each, medians`,
    );
    console.log(
      `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform} ${process.arch}; ${new Date().toISOString()}`,
    );
    console.log(`setup: stack up + whisper file ${fmt(setupMs)} (whisper write ${fmt(writeMs)})\n`);

    const problems: string[] = [];
    const rows: string[][] = [
      [
        'heuristic',
        'graphite-web render',
        'evaluator (memory)',
        'speed-up',
        'evaluator fed by graphite-web',
        'agreement',
      ],
    ];
    for (const [heuristic, target] of targets) {
      const graphiteMs: number[] = [];
      const oursMs: number[] = [];
      let theirs: GraphiteSeries[] = [];
      let ours: Series[] = [];
      for (let run = 0; run < RUNS; run++) {
        let t = performance.now();
        theirs = await graphite.render(target, { from: String(from), until: String(until) });
        graphiteMs.push(performance.now() - t);
        t = performance.now();
        ours = await evaluate(target, from, until, memory);
        oursMs.push(performance.now() - t);
      }
      const fedStarted = performance.now();
      await evaluate(target, from, until, new GraphiteProvider(graphite));
      const fedMs = performance.now() - fedStarted;
      const mismatch = compare(target, theirs, ours);
      if (mismatch) problems.push(mismatch);
      const points = ours.reduce((n, s) => n + datapoints(s).length, 0);
      const speedup = median(graphiteMs) / median(oursMs);
      if (speedup < MIN_SPEEDUP)
        problems.push(`${heuristic}: speed-up ${speedup.toFixed(2)}× below ${MIN_SPEEDUP}×`);
      rows.push([
        heuristic,
        fmt(median(graphiteMs)),
        `${fmt(median(oursMs))}${median(oursMs) < 1000 ? ' (< 1 s)' : ' (over 1 s)'}`,
        `${speedup.toFixed(1)}×`,
        fmt(fedMs),
        mismatch ? 'MISMATCH' : `${points.toLocaleString('en')} points within ${TOLERANCE}`,
      ]);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)) + 2);
    for (const r of rows)
      console.log(
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('')
          .trimEnd(),
      );
    console.log(`\npeak RSS ${(peakRssBytes() / 1024 / 1024).toFixed(0)} MB`);
    for (const p of problems) console.error(`FAIL: ${p}`);
    console.log(problems.length === 0 ? '\nPASS' : `\n${problems.length} acceptance failure(s)`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await stackDown(root);
    fs.rmSync(root, { recursive: true, force: true });
  }
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
