import { InputError } from '../errors';
import { loadTemplates } from '../templates/registry';
import { ansiStyle, stripStyle } from '../util/style';
import { lazySpecs, parseCheckTestFile, type CheckSources } from './check-tests';
import { formatCheckTestReport } from './check-tests-report';
import { runCheckTestFile } from './check-tests-run';
import path from 'node:path';

const templates = loadTemplates();
const sources: CheckSources = {
  templates,
  specs: lazySpecs(path.resolve(__dirname, '../../checks'), templates, 'health'),
};
const DAY = 86400;

const run = async (yaml: string) => runCheckTestFile(parseCheckTestFile(yaml, 't.yaml', sources));

describe('check tests', () => {
  it('resolves a declared check by name with its real target and thresholds', () => {
    const file = parseCheckTestFile(
      `
tests:
  - name: x
    input_series: [{ series: health.steps, values: "1x3" }]
    check: healthlake:timeshift:health.steps
    eval: [{ at: 7d..9d, state: OK }]
`,
      't.yaml',
      sources,
    );
    const [t] = file.tests;
    expect(t!.check).toMatchObject({
      target: "absolute(offset(divideSeries(health.steps,timeShift(health.steps,'7d')),-1))",
      from: '-30d',
      until: 'now',
      warn: 0.6,
      error: 0.85,
    });
    expect(t!.series).toEqual([
      { name: 'health.steps', start: Date.UTC(2024, 0, 1) / 1000, step: DAY, values: [1, 1, 1, 1] },
    ]);
    expect(t!.expectations[0]!.times).toHaveLength(3);
  });

  it('passes and fails with a -expected/+got diff', async () => {
    const result = await run(`
start: 2024-03-04
tests:
  - name: doubling
    input_series: [{ series: m, values: "10x6 20" }]
    check: { heuristic: timeshift, metric: m, warn: 0.5, error: 0.8 }
    eval:
      - { at: 7d, state: ERROR, value: 1 }
  - name: wrong
    input_series: [{ series: m, values: "10x6 20" }]
    check: { heuristic: timeshift, metric: m, warn: 0.5, error: 0.8 }
    eval:
      - { at: 7d, state: OK }
`);
    expect(result.tests.map((t) => t.failures.length)).toEqual([0, 1]);
    const { text, failed } = formatCheckTestReport([result]);
    expect(failed).toBe(1);
    expect(text).toContain('PASS  doubling');
    expect(text).toContain('FAIL  wrong');
    expect(text).toMatch(
      /at 7d = 2024-03-11 \(line \d+\):\n\s+- state: OK\n\s+\+ state: ERROR\n\s+ value: 1/,
    );
  });

  it('reports a target graphite-web could not render as a failure, not a crash', async () => {
    const result = await run(`
tests:
  - name: season of one point
    input_series: [{ series: m, values: "1x20" }]
    check: { target: "holtWintersAberration(m)", warn: 1, error: 2 }
    eval: [{ at: 20d, state: OK }]
`);
    expect(result.tests[0]!.failures[0]!.actual).toMatchObject({
      state: 'EXCEPTION',
      error: expect.stringMatching(/HTTP 500/),
    });
  });

  it('names file, line and field for every problem in a bad file', () => {
    let err: unknown;
    try {
      parseCheckTestFile(
        `
tests:
  - name: bad
    input_series: [{ series: m, values: "1 2x" }]
    check: healthlake:nope:m
    eval: [{ at: 3q, state: OK }]
  - name: unknown key
    input_series: [{ series: m, values: "1" }]
    check: { target: "m", warn: 1, error: 2 }
    eval: [{ at: 1d, state: MAYBE }]
`,
        'bad.yaml',
        sources,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const message = (err as InputError).message;
    expect(message).toMatch(/bad\.yaml:\d+: tests\[1\]\.eval\[0\]\.state/);
  });

  it('semantic problems are reported with their field', () => {
    expect(() =>
      parseCheckTestFile(
        `
tests:
  - name: bad
    input_series: [{ series: m, values: "1 2x" }]
    check: healthlake:nope:m
    eval: [{ at: 3q, state: OK }]
`,
        'bad.yaml',
        sources,
      ),
    ).toThrow(
      /tests\[0\]\.input_series\[0\]\.values: "2x" is not series notation[\s\S]*tests\[0\]\.check: no declared check is named "healthlake:nope:m"[\s\S]*tests\[0\]\.eval\[0\]\.at: unknown time unit "q" in "3q"/,
    );
  });

  it('times and durations are strict: no rolled-over date, no zero step, no made-up unit', () => {
    let err: unknown;
    try {
      parseCheckTestFile(
        `
start: 2026-02-30
step: 0s
tests:
  - name: t
    input_series: [{ series: m, values: "1x10", step: 2hello }]
    check: { target: "m", warn: 1, error: 2 }
    eval: [{ at: 1d..2d, every: 0s, state: OK }, { at: 11/20/2026, state: OK }]
`,
        'times.yaml',
        sources,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message.split('\n')).toEqual([
      'times.yaml:2: start: "2026-02-30" is not a calendar date (no such day)',
      'times.yaml:3: step: "0s" is zero; expected a duration longer than 0',
      'times.yaml:6: tests[0].input_series[0].step: unknown time unit "hello" in "2hello" (use s, min, h, d, w, mon or y, e.g. 30s, 10min, 7d)',
      'times.yaml:8: tests[0].eval[0].at: "0s" is zero; expected a duration longer than 0',
      'times.yaml:8: tests[0].eval[1].at: "11/20/2026" is not a date: write it as YYYY-MM-DD',
    ]);
  });
});

describe('the report on a terminal', () => {
  it('colours PASS, FAIL and the diff, and reads the same without colour', async () => {
    const file = parseCheckTestFile(
      `tests:
  - name: passes
    input_series: [{ series: m, values: "1x3" }]
    check: { target: m, warn: 5, error: 9 }
    eval: [{ at: 2d, state: OK }]
  - name: fails
    input_series: [{ series: m, values: "1x3" }]
    check: { target: m, warn: 5, error: 9 }
    eval: [{ at: 2d, state: ERROR }]
`,
      't.yaml',
      sources,
    );
    const result = await runCheckTestFile(file);
    const plain = formatCheckTestReport([result]).text;
    const coloured = formatCheckTestReport([result], ansiStyle).text;
    expect(stripStyle(coloured)).toBe(plain);
    expect(coloured).toContain('\u001b[32mPASS\u001b[39m  passes');
    expect(coloured).toContain('\u001b[31mFAIL\u001b[39m  fails');
    expect(coloured).toMatch(
      // eslint-disable-next-line no-control-regex -- matching the terminal's escape codes is the point
      /\u001b\[31m\s+- state: ERROR\u001b\[39m\n\u001b\[32m\s+\+ state: OK\u001b\[39m/,
    );
  });
});
