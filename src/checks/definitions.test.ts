import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors';
import { loadTemplates } from '../templates/registry';
import { loadCheckSpecs, parseCheckFile } from './definitions';
import { desiredChecks, toDesiredCheck } from './desired';

const templates = loadTemplates();
const FILE = 'checks/test.yaml';

function problemsOf(text: string) {
  return parseCheckFile(text, FILE, templates).problems;
}

const valid = `
defaults:
  resolution: daily
checks:
  - metric: "{{prefix}}.steps"
    heuristics:
      cv: { warn: 0.5, error: 0.8, params: { window: 14 } }
      timeshift: { warn: 0.5, error: 1 }
`;

describe('parseCheckFile', () => {
  it('fills in defaults from the file, the template and Seyren-safe subscription values', () => {
    const { specs, problems } = parseCheckFile(
      valid.replace(
        '  resolution: daily',
        '  resolution: daily\n  subscriptions:\n    - { type: EMAIL, target: a@b.c }',
      ),
      FILE,
      templates,
      { prefix: 'me.health' },
    );
    expect(problems).toEqual([]);
    expect(specs.map((s) => [s.heuristic, s.metric, s.from, s.until, s.warn, s.error, s.direction])).toEqual([
      ['cv', 'me.health.steps', '-30d', 'now', 0.5, 0.8, 'high-is-bad'],
      ['timeshift', 'me.health.steps', '-30d', 'now', 0.5, 1, 'high-is-bad'],
    ]);
    expect(specs[0]!.line).toBe(9); // two subscription lines were inserted above
    expect(specs[0]!.subscriptions).toEqual([
      {
        type: 'EMAIL',
        target: 'a@b.c',
        days: ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'],
        fromTime: '0000',
        toTime: '2359',
        ignoreWarn: false,
        ignoreError: false,
        ignoreOk: false,
        enabled: true,
      },
    ]);
  });

  it('names file, line and field of a metric with ")" or a space', () => {
    expect(problemsOf(valid.replace('"{{prefix}}.steps"', '"health.steps)"'))[0]).toMatchObject({
      file: FILE,
      line: 5,
      field: 'checks[0].metric',
    });
    const spaced = problemsOf(valid.replace('"{{prefix}}.steps"', '"health.my steps"'));
    expect(spaced[0]).toMatchObject({ line: 5, field: 'checks[0].metric' });
  });

  it('names a non-numeric threshold', () => {
    const p = problemsOf(valid.replace('error: 0.8', 'error: "high"'));
    expect(p).toEqual([
      expect.objectContaining({
        file: FILE,
        line: 7,
        field: 'checks[0].heuristics.cv.error',
        message: expect.stringContaining('must be a number'),
      }),
    ]);
  });

  it('names a CV window longer than the check range', () => {
    const p = problemsOf(valid.replace('window: 14', 'window: 40'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ line: 7, field: 'checks[0].heuristics.cv.params.window' });
    expect(p[0]!.message).toMatch(/longer than the check range/);
  });

  it('names a Holt-Winters seasonality below two steps', () => {
    const p = problemsOf(
      valid.replace(
        'timeshift: { warn: 0.5, error: 1 }',
        'holtwinters: { warn: 0.2, error: 0.4, params: { seasonality: 1d } }',
      ),
    );
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ line: 8, field: 'checks[0].heuristics.holtwinters.params.seasonality' });
    expect(p[0]!.message).toMatch(/at least 2/);
  });

  it('names an unknown heuristic and lists the templates', () => {
    const p = problemsOf(valid.replace('timeshift:', 'zscore:'));
    expect(p).toEqual([
      expect.objectContaining({
        line: 8,
        field: 'checks[0].heuristics.zscore',
        message: 'unknown heuristic "zscore" (templates: cv, holtwinters, staleness, timeshift)',
      }),
    ]);
  });

  it('names unknown keys and malformed YAML', () => {
    expect(
      problemsOf(valid.replace('resolution: daily', 'resolution: daily\n  colour: red'))[0],
    ).toMatchObject({
      line: 4,
      field: 'defaults.colour',
      message: 'unknown key(s): colour',
    });
    expect(problemsOf('checks:\n  - metric: a\n   heuristics: {}\n')[0]).toMatchObject({
      file: FILE,
      line: 3,
    });
  });

  it('renders one check per environment, with per-environment overrides', () => {
    const { specs, problems } = parseCheckFile(
      `defaults: { resolution: fine }
environments: [prod, staging]
checks:
  - metric: "{{env}}.server1.tx_rate"
    heuristics:
      cv: { warn: 0.3, error: 0.5 }
    overrides:
      staging: { cv: { warn: 0.6 } }
`,
      FILE,
      templates,
    );
    expect(problems).toEqual([]);
    expect(specs.map((s) => [s.env, s.metric, s.warn, s.error])).toEqual([
      ['prod', 'prod.server1.tx_rate', 0.3, 0.5],
      ['staging', 'staging.server1.tx_rate', 0.6, 0.5],
    ]);
    const only = parseCheckFile(
      `environments: [prod, staging]\nchecks:\n  - metric: "{{env}}.x"\n    heuristics: { cv: { warn: 1, error: 2 } }\n`,
      FILE,
      templates,
      { env: 'staging' },
    );
    expect(only.specs.map((s) => s.metric)).toEqual(['staging.x']);
  });

  // The --env hole: validating only the environment asked for dropped broken checks silently, and with
  // --prune provision-checks would then have deleted them from Seyren.
  describe('validates every environment whatever env selects', () => {
    const broken = `environments: [prod, staging]
checks:
  - metric: "{{env}}.a"
    heuristics: { cv: { warn: 1, error: 2 } }
    overrides:
      stagng: { cv: { warn: 3 } }
  - metric: "{{env}}.{{host}}.b"
    heuristics: { cv: { warn: 1, error: 2 } }
  - metric: "{{env}}.c"
    heuristics: { cv: { warn: 1, error: 2 } }
    overrides:
      staging: { cv: { error: "high" } }
`;
    it.each([undefined, 'prod', 'staging'])('env %s', (env) => {
      const { problems } = parseCheckFile(broken, FILE, templates, { env });
      expect(problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
        '6: checks[0].overrides.stagng: overrides an environment the file does not declare: stagng (declared: prod, staging)',
        '7: checks[1].metric: unknown placeholder {{host}} (known: {{env}}, {{prefix}})',
        '10: checks[2].heuristics.cv.error: must be a number, got string "high" (environment staging)',
      ]);
    });
  });

  it('names a template parameter the template does not have', () => {
    const p = problemsOf(valid.replace('params: { window: 14 }', 'params: { windwo: 14 }'));
    expect(p.map((x) => `${x.line}: ${x.field}: ${x.message}`)).toEqual([
      '7: checks[0].heuristics.cv.params.windwo: template "cv" has no parameter "windwo"; did you mean "window"? (its parameters: window)',
    ]);
  });
});

describe('loadCheckSpecs with --env', () => {
  it('refuses an environment no file declares, listing the declared ones', () => {
    expect(() => loadCheckSpecs(path.resolve(__dirname, '../../checks'), templates, { env: 'prd' })).toThrow(
      '--env: unknown environment "prd"; did you mean "prod"? (declared: prod, staging)',
    );
    expect(
      loadCheckSpecs(path.resolve(__dirname, '../../checks'), templates, { env: 'prod' }).map((s) => s.env),
    ).not.toContain('staging');
  });
});

describe('desired checks', () => {
  const { specs } = parseCheckFile(valid, FILE, templates);

  it('have a deterministic name, a marker in the description, and the rendered target', () => {
    const c = toDesiredCheck(specs[0]!);
    expect(c.name).toBe('healthlake:cv:health.steps');
    expect(c.description).toBe(
      '[managed by healthlake] Coefficient of variation (stdev / moving average) over the last `window` points. ' +
        'High = unusually noisy. Defined in test.yaml of the checks folder: edit it there, not here (changes here ' +
        'are overwritten). Replay its history: healthlake backtest --check healthlake:cv:health.steps',
    );
    expect(c.target).toBe('divideSeries(stdev(health.steps,14),movingAverage(health.steps,14))');
  });

  it('describe what a person receiving the alert needs, and no thresholds', () => {
    const glob = parseCheckFile(
      'environments: [prod]\nchecks:\n  - metric: "{{env}}.web*.rate"\n    heuristics: { timeshift: { warn: 0.5, error: 0.8 } }\n',
      '/home/me/monitoring/checks/app.yaml',
      templates,
    ).specs[0]!;
    const c = toDesiredCheck(glob, 'prod.web1.rate');
    expect(c.description).toMatch(/^\[managed by healthlake\] \(env prod\) Relative change against /);
    // the file relative to the checks folder: moving the folder changes no description
    expect(c.description).toContain('Defined in app.yaml of the checks folder');
    expect(c.description).not.toContain('/home/me');
    expect(c.description).toContain(
      "Replay its history: healthlake backtest --check 'healthlake:timeshift:prod.web*.rate' --metric prod.web1.rate --env prod",
    );
    const moreSensitive = toDesiredCheck({ ...glob, warn: 0.3, error: 0.4 }, 'prod.web1.rate');
    expect(moreSensitive.description).toBe(c.description);
  });

  it('expand a glob into one check per series, asking Graphite once per glob', async () => {
    const { specs: globSpecs } = parseCheckFile(
      valid.replace('{{prefix}}.steps', 'apps.*.tx'),
      FILE,
      templates,
    );
    const asked: string[] = [];
    const checks = await desiredChecks(globSpecs, async (glob) => {
      asked.push(glob);
      return ['apps.a.tx', 'apps.b.tx'];
    });
    expect(asked).toEqual(['apps.*.tx']);
    expect(checks.map((c) => c.name)).toEqual([
      'healthlake:cv:apps.a.tx',
      'healthlake:cv:apps.b.tx',
      'healthlake:timeshift:apps.a.tx',
      'healthlake:timeshift:apps.b.tx',
    ]);
  });

  it('refuse two declarations of the same check', async () => {
    await expect(desiredChecks([specs[0]!, specs[0]!], async () => [])).rejects.toThrow(
      /check "healthlake:cv:health.steps" is also declared at checks\/test.yaml:7/,
    );
  });
});

describe('the shipped check definitions', () => {
  it('load without problems and make the expected checks', () => {
    const specs = loadCheckSpecs(path.resolve(__dirname, '../../checks'), templates);
    const health = specs.filter((s) => s.file.endsWith('health.yaml'));
    expect(health.map((s) => `${s.heuristic}:${s.metric}`)).toEqual([
      'cv:health.steps',
      'timeshift:health.steps',
      'holtwinters:health.steps',
      'timeshift:health.heart.resting',
      'holtwinters:health.heart.resting',
      'cv:health.heart.average',
      'timeshift:health.sleep.minutes_before',
      'holtwinters:health.sleep.minutes_before',
      'cv:health.sleep.longest_episode',
    ]);
    expect(health.every((s) => s.resolution === 'daily' && s.from === '-30d')).toBe(true);
    const app = specs.filter((s) => s.file.endsWith('example-app.yaml'));
    expect(app).toHaveLength(6);
    expect(new Set(app.map((s) => s.env))).toEqual(new Set(['prod', 'staging']));
    // The collector's own staleness check: seconds since the last run that worked, 26 h / 50 h.
    const collector = specs.filter((s) => s.file.endsWith('collector.yaml'));
    expect(
      collector.map((s) => [s.heuristic, s.metric, s.from, s.until, s.warn, s.error, s.direction]),
    ).toEqual([
      [
        'staleness',
        'stats.gauges.healthlake.collector.last_success',
        '-3d',
        'now',
        93600,
        180000,
        'high-is-bad',
      ],
    ]);
    expect(specs).toHaveLength(health.length + app.length + collector.length);
  });

  it('report every broken file at once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-checks-'));
    fs.writeFileSync(
      path.join(dir, 'a.yaml'),
      'checks:\n  - metric: "x(y)"\n    heuristics: { cv: { warn: 1, error: 2 } }\n',
    );
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'checks: [\n');
    try {
      loadCheckSpecs(dir, templates);
      throw new Error('expected an InputError');
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems.map((p) => `${path.basename(p.file!)}:${p.line}`)).toEqual([
        'a.yaml:2',
        'b.yaml:2',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('subscription targets from the environment', () => {
  const text = `defaults:
  subscriptions:
    - { type: PAGERDUTY, target: "\${PD_KEY}" }
checks:
  - metric: health.steps
    heuristics: { cv: { warn: 1, error: 2 } }
`;

  it('replaces ${NAME} so that keys need not be committed', () => {
    const { specs, problems } = parseCheckFile(text, FILE, templates, { variables: { PD_KEY: 'abc123' } });
    expect(problems).toEqual([]);
    expect(specs[0]!.subscriptions[0]!.target).toBe('abc123');
  });

  it('names the file, line and field when the variable is not set', () => {
    expect(parseCheckFile(text, FILE, templates, { variables: {} }).problems).toEqual([
      {
        file: FILE,
        line: 3,
        field: 'defaults.subscriptions[0].target',
        message: 'environment variable PD_KEY is not set',
      },
    ]);
  });
});
