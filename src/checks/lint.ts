import { InputLocation, InputProblem } from '../errors';
import {
  RESOLUTION_STEP_SECONDS,
  renderProblems,
  resolveVars,
  Resolution,
  Template,
  TemplateVars,
} from '../templates/template';
import { formatDuration, parseDurationParameter, parseRelativeTime } from '../time';
import { hasWildcards, validateMetricName } from './metric-name';

/**
 * Checks a check definition before anything is sent: each rule here stands for a Graphite or Seyren behaviour
 * that would otherwise show up as an HTTP error, or worse as a check that silently never fires. Pure: it
 * collects problems and never throws.
 */

/** Seyren's rule: warn ≤ error means high values are bad; warn > error flips it (DefaultValueChecker). */
export type Direction = 'high-is-bad' | 'low-is-bad';

export interface LintInput {
  metric: string;
  heuristic: string;
  template: Template;
  /** The check's explicit params; the template's defaults for `resolution` fill the rest. */
  vars: TemplateVars;
  resolution: Resolution;
  from: string;
  until: string;
  warn: unknown;
  error: unknown;
  allowWildcards: boolean;
  /**
   * True when the caller expands a glob into one check per series before rendering (provision-checks does):
   * the divisor is then a single series, so a glob in a dividing template is fine.
   */
  expandsWildcards?: boolean;
  /** Where the check is; each problem's field is appended to `location.field`. */
  location: InputLocation;
}

export interface LintResult {
  problems: InputProblem[];
  direction: Direction;
}

interface FieldProblem {
  field: string;
  message: string;
}

/** The range a check reads, in seconds relative to now. */
interface CheckRange {
  from: string;
  until: string;
  fromSeconds: number;
  lengthSeconds: number;
}

/** Fine metrics live in 10s:1d,1m:30d files; a fetch reaching further back than 1 d is served at 60 s. */
const FINE_FINEST_ARCHIVE_SECONDS = 86400;

export function directionOf(warn: number, error: number): Direction {
  return warn > error ? 'low-is-bad' : 'high-is-bad';
}

/** For humans: `high is bad: WARN at >= 0.5, ERROR at >= 1`. */
export function describeDirection(warn: number, error: number): string {
  return directionOf(warn, error) === 'high-is-bad'
    ? `high is bad: WARN at >= ${warn}, ERROR at >= ${error}`
    : `low is bad: WARN at <= ${warn}, ERROR at <= ${error}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Seyren compares numbers; a YAML string such as "0.5" is refused rather than guessed at. */
function lintThreshold(field: 'warn' | 'error', value: unknown): FieldProblem[] {
  if (isFiniteNumber(value)) return [];
  if (value === undefined) return [{ field, message: 'is required (a number)' }];
  if (typeof value === 'number') return [{ field, message: `must be a finite number, got ${value}` }];
  return [{ field, message: `must be a number, got ${describeValue(value)}` }];
}

function lintRange(from: string, until: string): { problems: FieldProblem[]; range?: CheckRange } {
  const problems: FieldProblem[] = [];
  const parse = (field: 'from' | 'until', text: string): number | undefined => {
    try {
      return parseRelativeTime(text);
    } catch (err) {
      problems.push({ field, message: (err as Error).message });
      return undefined;
    }
  };
  const fromSeconds = parse('from', from);
  const untilSeconds = parse('until', until);
  if (fromSeconds === undefined || untilSeconds === undefined) return { problems };
  if (fromSeconds >= untilSeconds) {
    problems.push({ field: 'from', message: `from ${from} is not earlier than until ${until}` });
    return { problems };
  }
  return { problems, range: { from, until, fromSeconds, lengthSeconds: untilSeconds - fromSeconds } };
}

/** True when `{{variable}}` is an argument of a `fn(` call without nested calls in between, e.g. `stdev(M,{{window}})`. */
function isArgumentOf(body: string, fn: string, variable: string): boolean {
  return new RegExp(`\\b${fn}\\([^()]*\\{\\{[{&]?\\s*${variable}\\s*\\}`).test(body);
}

/** The second argument of every `divideSeries(…)` in the body: graphite-web requires it to be one series. */
function divisorsOf(body: string): string[] {
  const divisors: string[] = [];
  for (const match of body.matchAll(/\bdivideSeries\(/g)) {
    let depth = 0;
    let secondStart = -1;
    for (let i = (match.index ?? 0) + match[0].length; i < body.length; i++) {
      const char = body[i];
      if (char === '(') depth++;
      else if (char === ',' && depth === 0 && secondStart < 0) secondStart = i + 1;
      else if (char === ')' && depth-- === 0) {
        if (secondStart >= 0) divisors.push(body.slice(secondStart, i));
        break;
      }
    }
  }
  return divisors;
}

function lintMetric(input: LintInput): FieldProblem[] {
  const problem = validateMetricName(input.metric, { allowWildcards: input.allowWildcards });
  if (problem) return [{ field: 'metric', message: problem }];
  const dividesByMetric = divisorsOf(input.template.body).some((divisor) =>
    /\{\{[{&]?\s*metric\s*\}/.test(divisor),
  );
  if (hasWildcards(input.metric) && dividesByMetric && !input.expandsWildcards) {
    return [
      {
        field: 'metric',
        message:
          `metric ${JSON.stringify(input.metric)} has wildcards, but template "${input.template.name}" divides by it; ` +
          'divideSeries needs exactly one divisor series (graphite-web answers HTTP 400 when it matches several)',
      },
    ];
  }
  return [];
}

/** `window` is a point count (or, for functions that accept it, a duration) that must fit in the range. */
function lintWindow(
  value: string | number,
  template: Template,
  step: number,
  range?: CheckRange,
): FieldProblem[] {
  const field = 'params.window';
  const stdevReadsIt = isArgumentOf(template.body, 'stdev', 'window');
  const isCount = typeof value === 'number' || /^\d+$/.test(value);
  let windowSeconds: number;
  let described: string;
  if (isCount) {
    const points = Number(value);
    if (!Number.isInteger(points) || points < 2) {
      return [{ field, message: `window must be a whole number of points, at least 2; got ${value}` }];
    }
    windowSeconds = points * step;
    described = `window of ${points} points at ${formatDuration(step)} step (${formatDuration(windowSeconds)})`;
  } else {
    if (stdevReadsIt) {
      return [{ field, message: `window must be a point count for stdev (an integer), got "${value}"` }];
    }
    try {
      windowSeconds = parseDurationParameter(value);
    } catch (err) {
      return [{ field, message: (err as Error).message }];
    }
    if (windowSeconds < 2 * step) {
      return [{ field, message: `window ${value} is less than 2 points at ${formatDuration(step)} step` }];
    }
    described = `window of ${value}`;
  }
  if (range && windowSeconds > range.lengthSeconds) {
    const why = stdevReadsIt
      ? 'stdev does not bootstrap'
      : 'the function may only see points inside the range';
    const rangeText = `${range.from}..${range.until} (${formatDuration(range.lengthSeconds)})`;
    return [{ field, message: `${described} is longer than the check range ${rangeText}; ${why}` }];
  }
  return [];
}

/** Seconds of a duration parameter ("7d"), or the problem with it. */
function durationParam(field: string, value: string | number): number | FieldProblem[] {
  if (typeof value !== 'string')
    return [{ field, message: `must be a duration such as "7d", got number ${value}` }];
  try {
    return parseDurationParameter(value);
  } catch (err) {
    return [{ field, message: (err as Error).message }];
  }
}

/** Holt-Winters divides the seasonality by the step; under 2 points its season lookup fails (HTTP 500). */
function lintSeasonality(value: string | number, step: number): FieldProblem[] {
  const field = 'params.seasonality';
  const seconds = durationParam(field, value);
  if (typeof seconds !== 'number') return seconds;
  const steps = Math.floor(seconds / step);
  if (steps >= 2) return [];
  const stepText = formatDuration(step);
  return [
    {
      field,
      message:
        `seasonality ${value} is ${steps} step${steps === 1 ? '' : 's'} at ${stepText} resolution; ` +
        'Holt-Winters needs at least 2 (graphite-web answers HTTP 500)',
    },
  ];
}

/**
 * Holt-Winters fetches `bootstrap` before `from`. On fine metrics that fetch must stay in the 10s:1d archive,
 * or the bands come back at 60 s against a 10 s series (IndexError, HTTP 500; graphite-web issue #1865).
 */
function lintBootstrap(value: string | number, resolution: Resolution, range?: CheckRange): FieldProblem[] {
  const field = 'params.bootstrap';
  const seconds = durationParam(field, value);
  if (typeof seconds !== 'number') return seconds;
  if (resolution !== 'fine') return [];
  const reach = seconds + (range ? Math.max(0, -range.fromSeconds) : 0);
  if (reach <= FINE_FINEST_ARCHIVE_SECONDS) return [];
  const start = range ? ` plus the range start ${range.from}` : '';
  return [
    {
      field,
      message:
        `bootstrap ${value}${start} reaches ${formatDuration(reach)} back, past the 1d finest archive of fine ` +
        'metrics (10s:1d); Holt-Winters then gets 60 s bands for a 10 s series (graphite-web answers HTTP 500)',
    },
  ];
}

/** All problems of one check, and the alert direction Seyren will apply to its thresholds. */
export function lintCheck(input: LintInput): LintResult {
  const { template, resolution, location } = input;
  const step = RESOLUTION_STEP_SECONDS[resolution];
  const vars = resolveVars(template, input.vars, resolution);
  const { problems: rangeProblems, range } = lintRange(input.from, input.until);

  const found: FieldProblem[] = [
    ...lintMetric(input),
    ...lintThreshold('warn', input.warn),
    ...lintThreshold('error', input.error),
    ...rangeProblems,
    // Missing variables and unsafe values; the metric rule above already covers `metric`.
    ...renderProblems(template, { ...input.vars, metric: input.metric }, resolution).map((p) => ({
      field: p.field ?? '',
      message: p.message,
    })),
  ].filter((p) => !(p.field === 'metric' && p.message.includes('missing variable')));
  const { window, seasonality, bootstrap } = vars;
  if (window !== undefined && window !== '') found.push(...lintWindow(window, template, step, range));
  if (seasonality !== undefined && seasonality !== '') found.push(...lintSeasonality(seasonality, step));
  if (bootstrap !== undefined && bootstrap !== '') found.push(...lintBootstrap(bootstrap, resolution, range));

  const problems = found.map((p) => ({
    ...location,
    field: location.field ? `${location.field}.${p.field}` : p.field,
    message: p.message,
  }));
  const direction =
    isFiniteNumber(input.warn) && isFiniteNumber(input.error)
      ? directionOf(input.warn, input.error)
      : 'high-is-bad';
  return { problems, direction };
}
