import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyPlan, type ApplyOptions, type ApplyResult } from '../src/checks/apply';
import { loadCheckSpecs } from '../src/checks/definitions';
import { desiredChecks, MANAGED_NAME_PREFIX, type DesiredCheck } from '../src/checks/desired';
import { planChanges, type Plan } from '../src/checks/plan';
import { escapeJavaRegex, SeyrenClient, type SeyrenRequestStats } from '../src/clients/seyren/client';
import { loadTemplates } from '../src/templates/registry';
import { startSeyrenDoubleInWorker, type RemoteSeyrenDouble } from './seyren-double-worker';
import { peakRssBytes } from './figures';

/**
 * Provisioning benchmark (see bench/README.md). 3,000 checks (1,000 concrete series × cv, timeshift,
 * holtwinters) go through the real path: a generated YAML file → loadCheckSpecs → desiredChecks →
 * listChecks → planChanges → applyPlan, against the in-process Seyren double answering after LATENCY_MS.
 *
 * The baseline is measured in the same run: one request at a time, as the shell script did (one POST after
 * the other). The bench prints ratios against it and exits non-zero when its own acceptance fails: speed-up
 * below MIN_SPEEDUP, or a re-apply with nothing to change that writes anything or lists more than once.
 */

const SERIES = 1000;
const HEURISTICS = {
  cv: { warn: 0.3, error: 0.5 },
  timeshift: { warn: 0.5, error: 0.8 },
  holtwinters: { warn: 0.3, error: 0.6 },
} as const;
const LATENCY_MS = 5;
const MIN_SPEEDUP = 5;
/** Series synced (both ways) before measuring, so that JIT warm-up does not count against the baseline. */
const WARMUP_SERIES = 50;
const LIST_REGEX = `^${escapeJavaRegex(MANAGED_NAME_PREFIX)}`;

interface SyncRun {
  plan: Plan;
  result: ApplyResult;
  /** GET list + planChanges. */
  planMs: number;
  applyMs: number;
  /** Share of applyPlan's wall time the client's event loop was busy: near 1 = CPU-bound. */
  applyLoopBusy: number;
  /** Requests sent by the client during listChecks + planChanges. */
  planRequests: SeyrenRequestStats;
  /** Requests sent by the client during applyPlan. */
  applyRequests: SeyrenRequestStats;
  /** Requests the double received during the whole sync (cross-check of the client's own count). */
  serverRequests: number;
}

/** One `provision-checks` run without the CLI around it: a fresh client, list, plan, apply. */
async function sync(
  double: RemoteSeyrenDouble,
  desired: DesiredCheck[],
  options: ApplyOptions,
): Promise<SyncRun> {
  const client = new SeyrenClient({ baseUrl: double.url });
  const firstRequest = await double.requestCount();
  const started = performance.now();
  const existing = await client.listChecks(LIST_REGEX);
  const plan = planChanges(desired, existing, { prune: false });
  const planned = performance.now();
  const planRequests = { ...client.stats };
  const loopBefore = performance.eventLoopUtilization();
  const result = await applyPlan(plan, client, options);
  const applied = performance.now();
  const applyLoopBusy = performance.eventLoopUtilization(loopBefore).utilization;
  return {
    plan,
    result,
    planMs: planned - started,
    applyMs: applied - planned,
    applyLoopBusy,
    planRequests,
    applyRequests: diffStats(client.stats, planRequests),
    serverRequests: (await double.requestCount()) - firstRequest,
  };
}

function diffStats(after: SeyrenRequestStats, before: SeyrenRequestStats): SeyrenRequestStats {
  return {
    gets: after.gets - before.gets,
    posts: after.posts - before.posts,
    puts: after.puts - before.puts,
    deletes: after.deletes - before.deletes,
  };
}

const total = (s: SeyrenRequestStats) => s.gets + s.posts + s.puts + s.deletes;
const writes = (s: SeyrenRequestStats) => s.posts + s.puts + s.deletes;

/** The check file a user would write: one entry per series, no wildcards, so no Graphite is needed. */
function checkFileYaml(series: number): string {
  const heuristics = Object.entries(HEURISTICS)
    .map(([name, t]) => `      ${name}: { warn: ${t.warn}, error: ${t.error} }`)
    .join('\n');
  const entries = Array.from(
    { length: series },
    (_, i) =>
      `  - metric: bench.app.server${String(i).padStart(4, '0')}.tx_rate\n    heuristics:\n${heuristics}`,
  );
  return [
    'defaults:',
    '  resolution: fine',
    '  subscriptions:',
    '    - type: SLACK',
    '      target: "#ops"',
    'checks:',
    ...entries,
    '',
  ].join('\n');
}

/** The folder holding package.json and templates/, from src/ or from the compiled dist-bench/bench/. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'templates')))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${__dirname}`);
  }
}

async function loadDesired(series: number): Promise<DesiredCheck[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-bench-'));
  try {
    fs.writeFileSync(path.join(dir, 'bench.yaml'), checkFileYaml(series));
    const templates = loadTemplates(path.join(repoRoot(), 'templates'));
    const specs = loadCheckSpecs(dir, templates);
    return await desiredChecks(specs, (glob) => {
      throw new Error(`the benchmark declares no wildcards, yet "${glob}" needs Graphite`);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `body` against a fresh double, always closing it. */
async function withDouble<T>(body: (double: RemoteSeyrenDouble) => Promise<T>): Promise<T> {
  const double = await startSeyrenDoubleInWorker(LATENCY_MS);
  try {
    return await body(double);
  } finally {
    await double.close();
  }
}

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`);
const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
const count = (s: SeyrenRequestStats) =>
  `${total(s)} (GET ${s.gets}, POST ${s.posts}, PUT ${s.puts}, DELETE ${s.deletes})`;

async function main(): Promise<number> {
  const loadStarted = performance.now();
  const desired = await loadDesired(SERIES);
  const loadMs = performance.now() - loadStarted;
  const expected = SERIES * Object.keys(HEURISTICS).length;

  const warmup = desired.slice(0, WARMUP_SERIES * Object.keys(HEURISTICS).length);
  await withDouble((double) => sync(double, warmup, { concurrency: 1 }));
  await withDouble((double) => sync(double, warmup, {}));

  // The shell script's way: one request at a time.
  const baseline = await withDouble((double) => sync(double, desired, { concurrency: 1 }));
  // Ours: applyPlan's default concurrency; then a second run against the same Seyren, with nothing to do.
  const { ours, noop, stored } = await withDouble(async (double) => {
    const first = await sync(double, desired, {});
    const again = await sync(double, desired, {});
    return { ours: first, noop: again, stored: await double.checkCount() };
  });

  const speedup = baseline.applyMs / ours.applyMs;
  const noopMs = noop.planMs + noop.applyMs;
  const noopRequests = sumStats(noop.planRequests, noop.applyRequests);
  const rss = peakRssBytes() / 1024 / 1024;

  const cpus = os.cpus();
  const rows: Array<[string, string]> = [
    ['load YAML → desired checks', `${ms(loadMs)}   ${desired.length} checks`],
    ['first sync: list + plan', `${ms(ours.planMs)}   ${count(ours.planRequests)}`],
    ['baseline apply (concurrency 1)', `${ms(baseline.applyMs)}   ${count(baseline.applyRequests)}`],
    ['ours apply (default concurrency)', `${ms(ours.applyMs)}   ${count(ours.applyRequests)}`],
    [
      'event loop busy during apply',
      `baseline ${pct(baseline.applyLoopBusy)}, ours ${pct(ours.applyLoopBusy)} (client only; the double has its own thread)`,
    ],
    ['speed-up (baseline / ours)', `${speedup.toFixed(2)}×   (acceptance ≥ ${MIN_SPEEDUP}×)`],
    ['no-op re-apply (list+plan+apply)', `${ms(noopMs)}   ${count(noopRequests)}`],
    ['no-op vs ours apply', `${(noopMs / ours.applyMs).toFixed(4)}× the time`],
    ['peak RSS', `${rss.toFixed(0)} MB`],
  ];
  console.log(
    `provision benchmark: ${desired.length} checks (${SERIES} series × ${Object.keys(HEURISTICS).join(', ')}), ` +
      `Seyren double latency ${LATENCY_MS} ms`,
  );
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ` +
      `${process.platform} ${process.arch}; ${new Date().toISOString()}\n`,
  );
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}${value}`);

  const problems: string[] = [];
  if (desired.length !== expected)
    problems.push(`expected ${expected} desired checks, built ${desired.length}`);
  for (const [label, run] of [
    ['baseline', baseline],
    ['ours', ours],
  ] as const) {
    const { created, failures } = run.result;
    if (created !== expected || failures.length > 0)
      problems.push(`${label}: created ${created}/${expected}, ${failures.length} failure(s)`);
    if (run.serverRequests !== total(run.planRequests) + total(run.applyRequests))
      problems.push(
        `${label}: the double received ${run.serverRequests} requests, the client counted ${total(run.planRequests) + total(run.applyRequests)}`,
      );
  }
  if (stored !== expected) problems.push(`the double holds ${stored} checks, expected ${expected}`);
  if (writes(noopRequests) > 0 || noopRequests.gets !== 1)
    problems.push(`no-op re-apply sent ${count(noopRequests)}; expected exactly 1 GET and no writes`);
  if (noop.plan.actions.length > 0 || noop.plan.unchanged.length !== expected)
    problems.push(
      `no-op re-apply planned ${noop.plan.actions.length} action(s), ${noop.plan.unchanged.length} unchanged`,
    );
  if (noop.serverRequests !== 1) problems.push(`no-op re-apply: the double received ${noop.serverRequests}`);
  if (speedup < MIN_SPEEDUP) problems.push(`speed-up ${speedup.toFixed(2)}× is below ${MIN_SPEEDUP}×`);

  for (const problem of problems) console.error(`FAIL: ${problem}`);
  console.log(problems.length === 0 ? '\nPASS' : `\n${problems.length} acceptance failure(s)`);
  return problems.length === 0 ? 0 : 1;
}

function sumStats(a: SeyrenRequestStats, b: SeyrenRequestStats): SeyrenRequestStats {
  return {
    gets: a.gets + b.gets,
    posts: a.posts + b.posts,
    puts: a.puts + b.puts,
    deletes: a.deletes + b.deletes,
  };
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
