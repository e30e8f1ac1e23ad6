import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDailySeries } from '../support/graphite-fixtures';
import { integrationStack } from '../support/integration-stack';
import { runCli } from '../support/run-cli';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';

// A typo'd metric and a glob that matches nothing, against the real graphite-web: before, the typo rendered,
// validated and planned like a quiet check ("alerts/week 0.00") and the glob's checks vanished without a word.

const WRITTEN = 'health.it.noseries.steps';
const TYPO = 'health.it.noseries.setps';
const GLOB = 'nothing.it.noseries.*.rate';
const YAML = `defaults:
  resolution: daily
checks:
  - metric: "{{prefix}}.it.noseries.setps"
    heuristics:
      cv: { warn: 0.5, error: 0.8 }
  - metric: "{{prefix}}.it.noseries.steps"
    heuristics:
      cv: { warn: 0.5, error: 0.8 }
  - metric: "${GLOB}"
    heuristics:
      timeshift: { warn: 0.5, error: 0.8 }
`;

let dir: string;
let checks: string;
let double: SeyrenDouble;

beforeAll(async () => {
  await writeDailySeries(
    WRITTEN,
    Array.from({ length: 40 }, (_, i) => 8000 + ((i * 37) % 900)),
  );
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-noseries-'));
  checks = path.join(dir, 'checks');
  fs.mkdirSync(checks);
  fs.writeFileSync(path.join(checks, 'typo.yaml'), YAML);
  double = await startSeyrenDouble();
}, 60000);
afterAll(async () => {
  await double.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ GRAPHITE_URL: integrationStack().graphiteUrl, SEYREN_URL: double.url, HOME: dir });
/** The warnings of JSON log lines on stderr. */
const warnings = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((r) => r.level === 40)
    .map((r) => r.msg);

const globWarning = () =>
  `"${GLOB}" matches no series in Graphite: its timeshift check (${path.join(checks, 'typo.yaml')}:12) is left out`;

describe('metrics without series, against graphite-web', () => {
  it('render-checks --expand says so per check, and warns about the empty glob', async () => {
    const run = await runCli(['render-checks', '--expand', '--checks', checks], env());
    expect(run.code).toBe(0);
    const blocks = run.stdout.split('\n\n');
    const typo = blocks.find((b) => b.startsWith(`healthlake:cv:${TYPO}`));
    const written = blocks.find((b) => b.startsWith(`healthlake:cv:${WRITTEN}`));
    expect(typo).toContain(
      `  data    no series in Graphite for ${TYPO} (a typo in the metric, or nothing written yet?)`,
    );
    expect(written).toBeDefined();
    expect(written).not.toContain('no series');
    expect(run.stdout).not.toContain(GLOB);
    expect(warnings(run.stderr)).toEqual([
      globWarning(),
      `no series in Graphite for ${TYPO} (a typo in the metric, or nothing written yet?)`,
    ]);
  });

  it('provision-checks --validate fails on it before writing anything', async () => {
    const before = double.requests.length;
    const run = await runCli(['provision-checks', '--validate', '--checks', checks], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'healthlake: --validate: 1 target(s) fail in Graphite; nothing was written:',
    );
    expect(run.stderr).toContain(
      `  healthlake:cv:${TYPO}: no series in Graphite for ${TYPO} (a typo in the metric, or nothing written yet?)`,
    );
    expect(double.requests.slice(before)).toEqual([]);
  });

  it('the plan shows "no data" for it instead of alerts/week 0.00, and names it at the end', async () => {
    const run = await runCli(['provision-checks', '--dry-run', '--checks', checks], env());
    expect(run.code).toBe(0);
    const typo = run.stdout.split('\n\n').find((b) => b.includes(`+ healthlake:cv:${TYPO}`))!;
    expect(typo).toContain(`      data           no series in Graphite for ${TYPO}`);
    expect(typo).toContain('      alerts/week    no data (the target had no value in the last 4 weeks)');
    expect(typo).not.toContain('0.00');
    const written = run.stdout.split('\n\n').find((b) => b.includes(`+ healthlake:cv:${WRITTEN}`))!;
    expect(written).toMatch(/alerts\/week {4}\d+\.\d\d \(over the last 4 weeks/);
    expect(run.stdout).toContain(
      `1 declared check(s) read a metric with no series in Graphite (a typo, or nothing written yet?); Seyren would show them as no data:\n    healthlake:cv:${TYPO}  (metric ${TYPO})`,
    );
    expect(warnings(run.stderr)).toEqual([globWarning()]);
  });
});
