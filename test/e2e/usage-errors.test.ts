import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli';

/**
 * Every bad input a user reported (issue "the front door") through the built CLI: exit 3, exactly one line on
 * stderr that names the option (or file:line) and says what is allowed, no "unexpected error", no stack trace,
 * and nothing on stdout.
 */

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-usage-'));
  // Nothing may be reached: a closed Graphite, no Seyren, an empty data directory.
  env = { HEALTHLAKE_DATA_DIR: path.join(dir, 'data'), GRAPHITE_URL: 'http://127.0.0.1:9' };
  fs.writeFileSync(
    path.join(dir, 'rollover.yaml'),
    [
      'start: 2026-02-30',
      'tests:',
      '  - name: t',
      '    input_series: [{ series: m, values: "1x10" }]',
      '    check: { target: m, warn: 1, error: 2 }',
      '    eval: [{ at: 1d, state: OK }]',
      '',
    ].join('\n'),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CHECK = ['--check', 'healthlake:cv:health.steps'];

const CASES: Array<[string, string[], string | RegExp, Record<string, string>?]> = [
  [
    'collect --from after --to',
    ['collect', '--source', 'sample', '--from', '2026-11-20', '--to', '2026-11-10'],
    '--from: 2026-11-20 is after --to 2026-11-10',
  ],
  [
    'collect --from an impossible date',
    ['collect', '--source', 'sample', '--from', '2026-02-30'],
    '--from: "2026-02-30" is not a calendar date (no such day)',
  ],
  [
    'collect --from a US date',
    ['collect', '--source', 'sample', '--from', '11/20/2026'],
    '--from: "11/20/2026" is not a date: write it as YYYY-MM-DD',
  ],
  [
    'replay --from 2026-11-31',
    ['replay', '--from', '2026-11-31', '--to', '2026-12-01'],
    '--from: "2026-11-31" is not a calendar date (no such day)',
  ],
  [
    'replay --time-zone an unknown zone',
    ['replay', '--from', '2026-11-14', '--to', '2026-11-15', '--time-zone', 'Mars/Olympus'],
    '--time-zone: "Mars/Olympus" is not a time zone (an IANA name: Europe/Berlin, UTC)',
  ],
  [
    'collect --json with --sink stdout (both print on stdout)',
    ['collect', '--source', 'sample', '--sink', 'stdout', '--json'],
    '--json: prints the result on stdout, where --sink stdout prints the carbon lines: use one of them',
  ],
  [
    'replay --json with --sink stdout',
    ['replay', '--from', '2026-11-14', '--to', '2026-11-15', '--sink', 'stdout', '--json'],
    '--json: prints the result on stdout, where --sink stdout prints the carbon lines: use one of them',
  ],
  [
    'alerts --all with --prune-before',
    ['alerts', '--all', '--prune-before=-90d', '--dry-run'],
    '--all: cannot be used with --prune-before (it prunes managed checks only)',
    { SEYREN_URL: 'http://127.0.0.1:9' },
  ],
  [
    'status --nagios with --json',
    ['status', '--nagios', '--json'],
    '--nagios: prints one Nagios line instead of --json: use one of them',
    { SEYREN_URL: 'http://127.0.0.1:9' },
  ],
  [
    'provision-checks --concurrency 0',
    ['provision-checks', '--concurrency', '0'],
    '--concurrency: must be a whole number from 1 to 64',
  ],
  [
    'provision-checks --concurrency abc',
    ['provision-checks', '--concurrency', 'abc'],
    '--concurrency: must be a whole number from 1 to 64',
  ],
  ['backtest --warn abc', ['backtest', ...CHECK, '--warn', 'abc'], '--warn: must be a number'],
  [
    'backtest --every 0s',
    ['backtest', ...CHECK, '--source', 'replay', '--every', '0s'],
    '--every: "0s" is zero; expected a duration longer than 0',
  ],
  [
    'backtest --every 2hello',
    ['backtest', ...CHECK, '--source', 'replay', '--every', '2hello'],
    '--every: unknown time unit "hello" in "2hello"',
  ],
  [
    'backtest --from 2026-02-30',
    ['backtest', ...CHECK, '--from', '2026-02-30'],
    '--from: "2026-02-30" is not a calendar date (no such day)',
  ],
  [
    'backtest --until before --from',
    ['backtest', ...CHECK, '--from', '-1d', '--until', '-90d'],
    '--until: must be after --from',
  ],
  [
    'backtest --png into a missing folder',
    ['backtest', ...CHECK, '--png', '/nonexistent/x.png'],
    '--png: the folder /nonexistent does not exist',
  ],
  [
    'backtest --check with a typo',
    ['backtest', '--check', 'healthlake:cv:health.stpes'],
    /--check: no declared check is named "healthlake:cv:health.stpes"; did you mean "healthlake:cv:health.steps"\?/,
  ],
  [
    'dashboard --width abc',
    ['dashboard', '--width', 'abc'],
    '--width: must be a whole number from 50 to 4000',
  ],
  ['dashboard --from in the future', ['dashboard', '--from', '+1d'], '--from: "+1d" is in the future'],
  [
    'render-checks --env prd',
    ['render-checks', '--env', 'prd'],
    '--env: unknown environment "prd"; did you mean "prod"? (declared: prod, staging)',
  ],
  [
    'backtest --param with a misspelled template parameter',
    ['backtest', '--metric', 'health.steps', '--heuristic', 'cv', '--param', 'windwo=7', '--suggest'],
    'params.windwo: template "cv" has no parameter "windwo"; did you mean "window"? (its parameters: window)',
  ],
  ['a flag typo', ['provision-checks', '--dry-rn'], 'unknown option --dry-rn; did you mean --dry-run?'],
  [
    'an unknown stack action',
    ['stack', 'start'],
    'unexpected argument "start" (expected one of up, down, status)',
  ],
  [
    'a bad value in the environment',
    ['config'],
    'environment: CARBON_PORT: must be a port number from 1 to 65535, got "abc"',
    { CARBON_PORT: 'abc' },
  ],
];

describe('every bad input is a usage error: exit 3, one line', () => {
  // One object per case: jest takes a test function with more parameters than its row has for one that
  // expects a `done` callback, and would wait for it.
  const cases = CASES.map(([name, args, expected, extraEnv]) => ({ name, args, expected, extraEnv }));
  it.each(cases)('$name', async ({ args, expected, extraEnv }) => {
    const run = await runCli(args, { ...env, ...extraEnv });
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect({ code: run.code, lines: lines.length, stdout: run.stdout }).toEqual({
      code: 3,
      lines: 1,
      stdout: '',
    });
    expect(lines[0]).toMatch(/^healthlake: /);
    if (typeof expected === 'string') expect(lines[0]).toContain(expected);
    else expect(lines[0]).toMatch(expected);
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('a check test whose date rolls over names file:line', async () => {
    const file = path.join(dir, 'rollover.yaml');
    const run = await runCli(['test-checks', file], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `healthlake: ${file}:1: start: "2026-02-30" is not a calendar date (no such day)\n`,
    );
  });
});
