import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli';

// `healthlake test-checks` through the built CLI: offline (Graphite and Seyren point at nothing), the shipped
// example tests pass, and a wrong expectation fails with a readable diff.
const ROOT = path.resolve(__dirname, '../..');
const SHIPPED = path.join(ROOT, 'checks/tests');
const OFFLINE = { GRAPHITE_URL: 'http://127.0.0.1:9', SEYREN_URL: 'http://127.0.0.1:9' };

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-test-checks-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('healthlake test-checks', () => {
  it('passes on the shipped example tests, offline', async () => {
    const res = await runCli(['test-checks', SHIPPED], OFFLINE);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/checks\/tests\/health\.yaml/);
    expect(res.stdout).toMatch(/checks\/tests\/example-app\.yaml/);
    expect(res.stdout).not.toMatch(/FAIL/);
    expect(res.stdout).toMatch(/\d+ test\(s\): (\d+) passed, 0 failed \(\d+ evaluations in \d+ ms\)/);
  });

  it('fails on a deliberately wrong test, with a -expected/+got diff, exit 1', async () => {
    const file = path.join(dir, 'wrong.yaml');
    fs.writeFileSync(
      file,
      `tests:
  - name: "wrong on purpose: a day at 0 steps is not OK"
    input_series:
      - series: health.steps
        values: "(9100 8800 9400 9000 9600 4300 3900)*3 0"
    check: healthlake:timeshift:health.steps
    eval:
      - { at: 20d, state: OK }
      - { at: 21d, state: OK }
`,
    );
    const res = await runCli(['test-checks', file, SHIPPED], OFFLINE);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('FAIL  wrong on purpose: a day at 0 steps is not OK');
    expect(res.stdout).toContain(
      "target  absolute(offset(divideSeries(health.steps,timeShift(health.steps,'7d')),-1))",
    );
    expect(res.stdout).toMatch(
      /at 21d = 2024-01-22 \(line 9\):\n\s+- state: OK\n\s+\+ state: ERROR\n\s+value: 1\n/,
    );
    expect(res.stdout).toMatch(/: 1\d* passed, 1 failed/);
  });

  it('prints JSON with --json', async () => {
    const res = await runCli(['test-checks', path.join(SHIPPED, 'health.yaml'), '--json'], OFFLINE);
    expect(res.code).toBe(0);
    const body = JSON.parse(res.stdout) as { failed: number; results: Array<{ tests: unknown[] }> };
    expect(body.failed).toBe(0);
    expect(body.results[0]!.tests.length).toBeGreaterThan(5);
  });

  it('an invalid test file is exit 3, naming file, line and field', async () => {
    const file = path.join(dir, 'invalid.yaml');
    fs.writeFileSync(
      file,
      `tests:
  - name: bad
    input_series: [{ series: m, values: "1 2x" }]
    check: { target: "m", warn: 1, error: 2 }
    eval: [{ at: 1d, state: MAYBE }]
`,
    );
    const res = await runCli(['test-checks', file], OFFLINE);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`${file}:5: tests[0].eval[0].state`);
  });
});
