import { loadTemplates } from '../templates/registry';
import { parseTemplate, Resolution, Template, TemplateVars } from '../templates/template';
import { describeDirection, directionOf, lintCheck, LintInput } from './lint';

const templates = loadTemplates();
const template = (name: string): Template => {
  const found = templates.get(name);
  if (!found) throw new Error(`no shipped template ${name}`);
  return found;
};

const RANGES: Record<Resolution, { from: string; until: string }> = {
  daily: { from: '-30d', until: 'now' },
  fine: { from: '-15min', until: 'now' },
};

/** A valid check with the template's defaults; each test changes one thing. */
function input(heuristic: string, overrides: Partial<LintInput> & { vars?: TemplateVars } = {}): LintInput {
  const resolution = overrides.resolution ?? 'daily';
  return {
    metric: 'health.sleep.minutes',
    heuristic,
    template: template(heuristic),
    vars: {},
    resolution,
    ...RANGES[resolution],
    warn: 0.5,
    error: 1,
    allowWildcards: false,
    location: {},
    ...overrides,
  };
}

describe('lintCheck', () => {
  it.each(['cv', 'timeshift', 'holtwinters'])('finds nothing wrong with %s and its defaults', (heuristic) => {
    for (const resolution of ['daily', 'fine'] as const) {
      expect(lintCheck(input(heuristic, { resolution })).problems).toEqual([]);
    }
  });

  it('refuses a metric with ")" or a space, naming the metric field', () => {
    expect(lintCheck(input('cv', { metric: 'health.a)' })).problems).toEqual([
      {
        field: 'metric',
        message:
          'metric name "health.a)" contains ")", which Graphite would read as a function call; use letters, digits, _, - and dots',
      },
    ]);
    expect(lintCheck(input('cv', { metric: 'health.a b' })).problems).toEqual([
      {
        field: 'metric',
        message: 'metric name "health.a b" contains whitespace; use letters, digits, _, - and dots',
      },
    ]);
  });

  it('refuses wildcards unless allowed, and then only where no divideSeries divides by the metric', () => {
    expect(lintCheck(input('cv', { metric: 'health.*' })).problems[0]?.message).toBe(
      'metric name "health.*" contains "*"; wildcards are not allowed here, name one metric',
    );
    expect(lintCheck(input('timeshift', { metric: 'health.*', allowWildcards: true })).problems).toEqual([
      {
        field: 'metric',
        message:
          'metric "health.*" has wildcards, but template "timeshift" divides by it; divideSeries needs exactly one ' +
          'divisor series (graphite-web answers HTTP 400 when it matches several)',
      },
    ]);
  });

  it('accepts an allowed wildcard where the template does not divide by the metric', () => {
    const sum = parseTemplate(
      '---\ndescription: d\ndefaults:\n  daily: { from: "-30d", until: "now" }\n  fine: { from: "-1h", until: "now" }\n---\n' +
        'divideSeries({{metric}},health.total)',
      'share.mustache',
    );
    expect(
      lintCheck({ ...input('cv', { metric: 'health.{a,b}', allowWildcards: true }), template: sum }).problems,
    ).toEqual([]);
  });

  it('refuses non-numeric thresholds, including numeric strings', () => {
    expect(lintCheck(input('cv', { warn: 'abc', error: '0.5' })).problems).toEqual([
      { field: 'warn', message: 'must be a number, got string "abc"' },
      { field: 'error', message: 'must be a number, got string "0.5"' },
    ]);
    expect(lintCheck(input('cv', { warn: undefined, error: Infinity })).problems).toEqual([
      { field: 'warn', message: 'is required (a number)' },
      { field: 'error', message: 'must be a finite number, got Infinity' },
    ]);
    expect(lintCheck(input('cv', { warn: null, error: true })).problems).toEqual([
      { field: 'warn', message: 'must be a number, got null' },
      { field: 'error', message: 'must be a number, got boolean true' },
    ]);
  });

  it('refuses a CV window longer than the range, since stdev does not bootstrap', () => {
    expect(lintCheck(input('cv', { vars: { window: 40 } })).problems).toEqual([
      {
        field: 'params.window',
        message:
          'window of 40 points at 1d step (40d) is longer than the check range -30d..now (30d); stdev does not bootstrap',
      },
    ]);
    expect(lintCheck(input('cv', { resolution: 'fine', vars: { window: 91 } })).problems[0]?.message).toBe(
      'window of 91 points at 10s step (15min10s) is longer than the check range -15min..now (15min); stdev does not bootstrap',
    );
    expect(lintCheck(input('cv', { vars: { window: 30 } })).problems).toEqual([]);
  });

  it('refuses windows that are not a point count stdev accepts', () => {
    const windowProblem = (window: string | number) =>
      lintCheck(input('cv', { vars: { window } })).problems.map((p) => p.message);
    expect(windowProblem(1)).toEqual(['window must be a whole number of points, at least 2; got 1']);
    expect(windowProblem(2.5)).toEqual(['window must be a whole number of points, at least 2; got 2.5']);
    expect(windowProblem('14d')).toEqual(['window must be a point count for stdev (an integer), got "14d"']);
    expect(windowProblem('14')).toEqual([]);
  });

  it('refuses a seasonality below two steps', () => {
    expect(lintCheck(input('holtwinters', { vars: { seasonality: '1d' } })).problems).toEqual([
      {
        field: 'params.seasonality',
        message:
          'seasonality 1d is 1 step at 1d resolution; Holt-Winters needs at least 2 (graphite-web answers HTTP 500)',
      },
    ]);
    expect(
      lintCheck(input('holtwinters', { resolution: 'fine', vars: { seasonality: '15s' } })).problems,
    ).toEqual([
      {
        field: 'params.seasonality',
        message:
          'seasonality 15s is 1 step at 10s resolution; Holt-Winters needs at least 2 (graphite-web answers HTTP 500)',
      },
    ]);
    expect(lintCheck(input('holtwinters', { vars: { seasonality: '12h' } })).problems[0]?.message).toMatch(
      /^seasonality 12h is 0 steps at 1d resolution/,
    );
    expect(lintCheck(input('holtwinters', { vars: { seasonality: 7 } })).problems).toEqual([
      { field: 'params.seasonality', message: 'must be a duration such as "7d", got number 7' },
    ]);
    expect(lintCheck(input('holtwinters', { vars: { seasonality: '2d' } })).problems).toEqual([]);
  });

  it('refuses a fine bootstrap that leaves the 10s:1d archive', () => {
    expect(
      lintCheck(input('holtwinters', { resolution: 'fine', vars: { bootstrap: '7d' } })).problems,
    ).toEqual([
      {
        field: 'params.bootstrap',
        message:
          'bootstrap 7d plus the range start -15min reaches 7d15min back, past the 1d finest archive of fine metrics ' +
          '(10s:1d); Holt-Winters then gets 60 s bands for a 10 s series (graphite-web answers HTTP 500)',
      },
    ]);
    expect(
      lintCheck(input('holtwinters', { resolution: 'fine', vars: { bootstrap: '1d' } })).problems,
    ).toHaveLength(1);
    expect(lintCheck(input('holtwinters', { vars: { bootstrap: '365d' } })).problems).toEqual([]);
  });

  it('checks from/until', () => {
    expect(lintCheck(input('timeshift', { from: '30d' })).problems).toEqual([
      {
        field: 'from',
        message:
          'relative time "30d" needs a sign: write -30d for the past (graphite-web rejects "30d" as an unknown day reference)',
      },
    ]);
    expect(lintCheck(input('timeshift', { until: '12:00_20240101' })).problems).toEqual([
      {
        field: 'until',
        message:
          'absolute times are not supported here: "12:00_20240101" (use now or a relative time like -30d)',
      },
    ]);
    expect(lintCheck(input('timeshift', { from: 'now', until: '-1d' })).problems).toEqual([
      { field: 'from', message: 'from now is not earlier than until -1d' },
    ]);
  });

  it('reports missing and unsafe params from the template', () => {
    expect(lintCheck(input('timeshift', { vars: { shift: "7d'" } })).problems).toEqual([
      {
        field: 'params.shift',
        message:
          'template "timeshift": value of "shift" may only contain letters, digits and _ . : + - (got "7d\'"); ' +
          'quotes, parentheses, commas and spaces would change the Graphite target',
      },
    ]);
  });

  it('prefixes fields with the location and keeps file and line', () => {
    const location = { file: 'checks.yaml', line: 12, field: 'checks.sleep' };
    expect(lintCheck(input('cv', { warn: 'x', location })).problems).toEqual([
      {
        file: 'checks.yaml',
        line: 12,
        field: 'checks.sleep.warn',
        message: 'must be a number, got string "x"',
      },
    ]);
  });

  it("derives Seyren's direction from warn and error", () => {
    expect(lintCheck(input('cv', { warn: 0.5, error: 1 })).direction).toBe('high-is-bad');
    expect(lintCheck(input('cv', { warn: 1, error: 1 })).direction).toBe('high-is-bad');
    expect(lintCheck(input('cv', { warn: 0.5, error: 0.2 })).direction).toBe('low-is-bad');
    expect(lintCheck(input('cv', { warn: 'x', error: 0.2 })).direction).toBe('high-is-bad');
  });
});

describe('describeDirection', () => {
  it('says which side is bad and at which values', () => {
    expect(describeDirection(0.5, 1)).toBe('high is bad: WARN at >= 0.5, ERROR at >= 1');
    expect(describeDirection(1, 1)).toBe('high is bad: WARN at >= 1, ERROR at >= 1');
    expect(describeDirection(0.5, 0.2)).toBe('low is bad: WARN at <= 0.5, ERROR at <= 0.2');
    expect(directionOf(3, 2)).toBe('low-is-bad');
  });
});
