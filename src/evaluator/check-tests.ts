import fs from 'node:fs';
import { z } from 'zod';
import { formatPath, loadCheckSpecs, type CheckSpec } from '../checks/definitions';
import { checkName, toDesiredCheck } from '../checks/desired';
import { hasWildcards } from '../checks/metric-name';
import { InputError, type InputProblem } from '../errors';
import { getTemplate } from '../templates/registry';
import { didYouMean } from '../util/did-you-mean';
import { RESOLUTIONS, checkRange, renderTarget, type Template } from '../templates/template';
import { parseAbsoluteTime, parseDuration, parseRelativeTime } from '../time';
import { loadYamlWithPositions, type LocatedYaml, type YamlPath } from '../util/yaml-positions';
import type { CheckUnderTest } from './check-eval';
import { parseTarget } from './parser';
import { expandSeriesNotation } from './series-notation';
import type { StoredSeries } from './memory-provider';

/**
 * Check tests (`healthlake test-checks`), promtool-style: each test gives input series, a check (a declared
 * one by name, or heuristic + metric + thresholds, or a raw target), and the state Seyren must reach at given
 * evaluation times. This module reads and resolves a test file; check-tests-run.ts runs it.
 */

const STATES = ['OK', 'WARN', 'ERROR', 'UNKNOWN'] as const;
const time = z.union([z.string(), z.number()]);
const values = z.union([z.string(), z.array(z.number().nullable())]);

const inputSchema = z
  .object({ series: z.string().min(1), values, start: time.optional(), step: z.string().optional() })
  .strict();
const checkSchema = z
  .object({
    name: z.string().optional(),
    metric: z.string().optional(),
    heuristic: z.string().optional(),
    target: z.string().optional(),
    params: z.record(z.union([z.string(), z.number()])).optional(),
    resolution: z.enum(RESOLUTIONS as [string, ...string[]]).optional(),
    env: z.string().optional(),
    warn: z.number().optional(),
    error: z.number().optional(),
    from: z.string().optional(),
    until: z.string().optional(),
    allowNoData: z.boolean().optional(),
  })
  .strict();
const evalSchema = z
  .object({
    at: time,
    every: z.string().optional(),
    state: z.enum(STATES),
    value: z.number().nullable().optional(),
    tolerance: z.number().nonnegative().optional(),
  })
  .strict();
const testSchema = z
  .object({
    name: z.string().min(1),
    start: time.optional(),
    step: z.string().optional(),
    input_series: z.array(inputSchema).min(1),
    check: z.union([z.string(), checkSchema]),
    eval: z.array(evalSchema).min(1),
  })
  .strict();
const fileSchema = z
  .object({ start: time.optional(), step: z.string().optional(), tests: z.array(testSchema).min(1) })
  .strict();

export type ExpectedState = (typeof STATES)[number];

export interface Expectation {
  line?: number;
  /** The text of `at` as written, for messages. */
  atText: string;
  times: number[];
  state: ExpectedState;
  value?: number | null;
  tolerance: number;
}

export interface CheckTest {
  name: string;
  line?: number;
  series: StoredSeries[];
  check: CheckUnderTest & { label: string };
  expectations: Expectation[];
}

export interface CheckTestFile {
  file: string;
  tests: CheckTest[];
}

/** Default start of the input series: Monday 2024-01-01 00:00 UTC. */
export const DEFAULT_START = Date.UTC(2024, 0, 1) / 1000;
const DEFAULT_TOLERANCE = 1e-6;
const MAX_EVALUATIONS = 100_000;

export interface CheckSources {
  /** Declared checks (loadCheckSpecs of the checks folder), for tests that name a check. */
  specs: () => CheckSpec[];
  templates: ReadonlyMap<string, Template>;
}

export function loadCheckTestFile(file: string, sources: CheckSources): CheckTestFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw InputError.single(`cannot read the test file: ${(err as Error).message}`, { file });
  }
  return parseCheckTestFile(text, file, sources);
}

export function parseCheckTestFile(text: string, file: string, sources: CheckSources): CheckTestFile {
  const located = loadYamlWithPositions(text, file);
  const parsed = fileSchema.safeParse(located.doc ?? {});
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => {
        const p = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] as string] : issue.path;
        const message =
          issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message;
        return { file, line: located.lineOf(p), field: formatPath(p), message };
      }),
    );
  }
  const problems: InputProblem[] = [];
  const at = (p: YamlPath, message: string) =>
    problems.push({ file, line: located.lineOf(p), field: formatPath(p), message });
  const tests: CheckTest[] = [];
  parsed.data.tests.forEach((t, i) => {
    const base: YamlPath = ['tests', i];
    try {
      tests.push(resolveTest(t, parsed.data, base, located, sources, at));
    } catch (err) {
      if (err instanceof InputError) problems.push(...err.problems.map((p) => ({ ...p, file })));
      else if (err instanceof Error) at(base, err.message);
      else throw err;
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  return { file, tests };
}

type RawTest = z.infer<typeof testSchema>;
type RawFile = z.infer<typeof fileSchema>;

function resolveTest(
  t: RawTest,
  f: RawFile,
  base: YamlPath,
  located: LocatedYaml,
  sources: CheckSources,
  at: (p: YamlPath, message: string) => void,
): CheckTest {
  const guard = <T>(p: YamlPath, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof InputError) throw err;
      at(p, (err as Error).message);
      return undefined;
    }
  };
  // A problem with a file-wide start or step is reported where it is written, once per test that uses it.
  const startPath: YamlPath = t.start !== undefined ? [...base, 'start'] : ['start'];
  const stepPath: YamlPath = t.step !== undefined ? [...base, 'step'] : ['step'];
  const start = guard(startPath, () => parseTime(t.start ?? f.start, DEFAULT_START)) ?? DEFAULT_START;
  const step = guard(stepPath, () => parseStep(t.step ?? f.step ?? '1d')) ?? 86400;
  const series: StoredSeries[] = [];
  t.input_series.forEach((s, j) => {
    const p: YamlPath = [...base, 'input_series', j];
    const sStep = s.step !== undefined ? guard([...p, 'step'], () => parseStep(s.step as string)) : step;
    const sStart = s.start !== undefined ? guard([...p, 'start'], () => parseTime(s.start, start)) : start;
    const vals = guard([...p, 'values'], () => expandSeriesNotation(s.values));
    if (sStep === undefined || sStart === undefined || vals === undefined) return;
    if (sStart % sStep !== 0) {
      at(
        [...p, 'start'],
        `the start must be a multiple of the step (${sStep} s) since the epoch, as whisper stores points`,
      );
      return;
    }
    series.push({ name: s.series, start: sStart, step: sStep, values: vals });
  });
  const check = guard([...base, 'check'], () => resolveCheck(t.check, step, sources)) as
    CheckTest['check'] | undefined;
  const expectations: Expectation[] = [];
  t.eval.forEach((e, j) => {
    const p: YamlPath = [...base, 'eval', j];
    const times = guard([...p, 'at'], () => evaluationTimes(e.at, e.every, start, step));
    if (!times) return;
    expectations.push({
      line: located.lineOf(p),
      atText: String(e.at),
      times,
      state: e.state,
      value: e.value,
      tolerance: e.tolerance ?? DEFAULT_TOLERANCE,
    });
  });
  return {
    name: t.name,
    line: located.lineOf(base),
    series,
    check: check as CheckTest['check'],
    expectations,
  };
}

/** A date (`2024-01-01`), a date-time (`2024-01-01T06:00:00Z`) or epoch seconds; undefined gives `fallback`. */
function parseTime(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : parseAbsoluteTime(value);
}

/** A step or an interval: a duration longer than 0 (`1d`, `10s`). */
function parseStep(text: string): number {
  return parseDuration(text);
}

/**
 * `34d` (after the start), a date, or a range `7d..34d` evaluated every `every` (default: the step). Offsets
 * are durations (s, min, h, d, w), `0d` being the start itself.
 */
function evaluationTimes(
  at: string | number,
  every: string | undefined,
  start: number,
  step: number,
): number[] {
  // A date (or something written like one) is a fixed time; anything else an offset from the start.
  const point = (x: string): number =>
    /^\d{1,4}[-/.]\d{1,2}[-/.]/.test(x.trim())
      ? parseAbsoluteTime(x)
      : start + parseDuration(x, { allowZero: true });
  if (typeof at === 'number') return [start + at];
  const range = /^(.+?)\.\.(.+)$/.exec(at);
  if (!range) return [point(at)];
  const from = point(range[1] as string);
  const to = point(range[2] as string);
  const interval = every !== undefined ? parseStep(every) : step;
  if (to < from) throw new Error(`the range ${at} ends before it starts`);
  if ((to - from) / interval > MAX_EVALUATIONS)
    throw new Error(`the range ${at} has more than ${MAX_EVALUATIONS} evaluations`);
  const times: number[] = [];
  for (let t = from; t <= to; t += interval) times.push(t);
  return times;
}

type RawCheck = RawTest['check'];

function resolveCheck(
  raw: RawCheck,
  step: number,
  sources: CheckSources,
): CheckUnderTest & { label: string } {
  const c = typeof raw === 'string' ? { name: raw } : raw;
  const withRange = (from: string, until: string) => {
    parseRelativeTime(from);
    parseRelativeTime(until);
    return { from, until };
  };
  if (c.name !== undefined) {
    const specs = sources
      .specs()
      .filter((s) => checkName(s.heuristic, s.metric) === c.name && (c.env === undefined || s.env === c.env));
    if (specs.length === 0) {
      const known = [...new Set(sources.specs().map((s) => checkName(s.heuristic, s.metric)))].sort();
      throw new Error(
        `no declared check is named "${c.name}"${didYouMean(c.name, known)} (declared: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})`,
      );
    }
    if (specs.length > 1 && c.env === undefined) {
      throw new Error(
        `"${c.name}" is declared for several environments (${specs.map((s) => s.env).join(', ')}): add env`,
      );
    }
    const spec = specs[0] as CheckSpec;
    if (hasWildcards(spec.metric) && c.metric === undefined) {
      throw new Error(`"${c.name}" has a glob metric: name the concrete series under test with metric`);
    }
    const desired = toDesiredCheck(
      { ...spec, vars: { ...spec.vars, ...(c.params ?? {}) } },
      c.metric ?? spec.metric,
    );
    return {
      label: desired.name,
      target: desired.target,
      ...withRange(c.from ?? desired.from, c.until ?? desired.until),
      warn: c.warn ?? desired.warn,
      error: c.error ?? desired.error,
      allowNoData: c.allowNoData ?? desired.allowNoData,
    };
  }
  if (c.warn === undefined || c.error === undefined) throw new Error('an inline check needs warn and error');
  if (c.target !== undefined) {
    parseTarget(c.target);
    return {
      label: c.target,
      target: c.target,
      ...withRange(c.from ?? '-30d', c.until ?? 'now'),
      warn: c.warn,
      error: c.error,
      allowNoData: c.allowNoData ?? false,
    };
  }
  if (c.heuristic === undefined || c.metric === undefined) {
    throw new Error('a check is a declared check name, or heuristic + metric (+ params), or a target');
  }
  const template = getTemplate(sources.templates, c.heuristic);
  const resolution = (c.resolution ?? (step >= 86400 ? 'daily' : 'fine')) as (typeof RESOLUTIONS)[number];
  const target = renderTarget(template, { ...(c.params ?? {}), metric: c.metric }, resolution);
  const range = checkRange(template, c.params ?? {}, resolution);
  return {
    label: checkName(c.heuristic, c.metric),
    target,
    ...withRange(c.from ?? range.from, c.until ?? range.until),
    warn: c.warn,
    error: c.error,
    allowNoData: c.allowNoData ?? false,
  };
}

/** Loads the declared checks once, on first use (files that only use inline checks never read them). */
export function lazySpecs(
  checksDir: string,
  templates: ReadonlyMap<string, Template>,
  prefix: string,
): () => CheckSpec[] {
  let specs: CheckSpec[] | undefined;
  // Subscription targets are irrelevant here: a ${SECRET} that is not set must not fail a check test.
  const variables = new Proxy({}, { get: () => 'unset-in-check-tests' }) as NodeJS.ProcessEnv;
  return () => (specs ??= loadCheckSpecs(checksDir, templates, { prefix, variables }));
}
