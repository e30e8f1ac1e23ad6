import { performance } from 'node:perf_hooks';
import { describeDirection } from '../checks/lint';
import { evaluateCheckAt } from './check-eval';
import type { CheckTest, CheckTestFile, Expectation, ExpectedState } from './check-tests';
import { EvaluationError } from './errors';
import { MemoryProvider } from './memory-provider';
import type { SeriesVerdict } from './seyren-rule';

export interface CheckTestFailure {
  line?: number;
  atText: string;
  at: number;
  expected: { state: ExpectedState; value?: number | null };
  actual: { state: ExpectedState | 'EXCEPTION'; value?: number; series: SeriesVerdict[]; error?: string };
  /** Further failing times of the same expectation that are not listed one by one. */
  more: number;
}

export interface CheckTestResult {
  name: string;
  line?: number;
  check: string;
  target: string;
  thresholds: string;
  evaluations: number;
  failures: CheckTestFailure[];
}

export interface CheckTestFileResult {
  file: string;
  tests: CheckTestResult[];
  ms: number;
}

/** Failing times listed per expectation; the rest are counted. */
const LISTED_FAILURES = 3;

export async function runCheckTestFile(file: CheckTestFile): Promise<CheckTestFileResult> {
  const started = performance.now();
  const tests: CheckTestResult[] = [];
  for (const test of file.tests) tests.push(await runCheckTest(test));
  return { file: file.file, tests, ms: performance.now() - started };
}

export async function runCheckTest(test: CheckTest): Promise<CheckTestResult> {
  const provider = new MemoryProvider(test.series);
  const result: CheckTestResult = {
    name: test.name,
    line: test.line,
    check: test.check.label,
    target: typeof test.check.target === 'string' ? test.check.target : String(test.check.target),
    thresholds:
      describeDirection(test.check.warn, test.check.error) + (test.check.allowNoData ? ', allowNoData' : ''),
    evaluations: 0,
    failures: [],
  };
  for (const expectation of test.expectations) {
    let listed = 0;
    let more = 0;
    for (const at of expectation.times) {
      result.evaluations++;
      const failure = await judgeAt(test, expectation, at, provider);
      if (!failure) continue;
      if (listed < LISTED_FAILURES) {
        result.failures.push(failure);
        listed++;
      } else more++;
    }
    const last = result.failures[result.failures.length - 1];
    if (more > 0 && last) last.more = more;
  }
  return result;
}

async function judgeAt(
  test: CheckTest,
  expectation: Expectation,
  at: number,
  provider: MemoryProvider,
): Promise<CheckTestFailure | undefined> {
  const expected = { state: expectation.state, value: expectation.value };
  const base = { line: expectation.line, atText: expectation.atText, at, expected, more: 0 };
  let evaluation;
  try {
    evaluation = await evaluateCheckAt(test.check, at, provider);
  } catch (err) {
    if (!(err instanceof EvaluationError)) throw err;
    const status =
      err.graphiteStatus === 500
        ? 'graphite-web would answer HTTP 500'
        : 'graphite-web would answer HTTP 400';
    return { ...base, actual: { state: 'EXCEPTION', series: [], error: `${status}: ${err.message}` } };
  }
  const deciding =
    evaluation.series.find((s) => s.state === evaluation.state) ??
    evaluation.series.find((s) => s.value !== undefined);
  const value = deciding?.value;
  const actual = { state: evaluation.state, value, series: evaluation.series };
  if (evaluation.state !== expectation.state) return { ...base, actual };
  if (expectation.value !== undefined) {
    const want = expectation.value;
    const ok =
      want === null
        ? value === undefined
        : value !== undefined && Math.abs(value - want) <= expectation.tolerance;
    if (!ok) return { ...base, actual };
  }
  return undefined;
}
