import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliResult } from '../support/run-cli';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';

// The --env hole: a check file was validated only for its first environment, so with `--env staging` a broken
// placeholder or override made its checks vanish without a word, and `--prune` then deleted them from Seyren.
// Every environment is validated now, whatever --env says.

const FILE = (metric: string, stagingOverride = '') => `environments: [prod, staging]
checks:
  - metric: "${metric}"
    heuristics:
      cv: { warn: 0.3, error: 0.5 }
${stagingOverride}`;

let double: SeyrenDouble;
let dir: string;
let checks: string;

beforeEach(async () => {
  double = await startSeyrenDouble();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-env-'));
  checks = path.join(dir, 'checks');
  fs.mkdirSync(checks);
});
afterEach(async () => {
  await double.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]): Promise<CliResult> =>
  runCli(['provision-checks', '--checks', checks, ...args], {
    SEYREN_URL: double.url,
    GRAPHITE_URL: 'http://127.0.0.1:9',
    HOME: dir,
  });

const writesSince = (n: number) => double.requests.slice(n).filter((r) => r.method !== 'GET');

describe('provision-checks --env validates every environment', () => {
  beforeEach(async () => {
    fs.writeFileSync(path.join(checks, 'app.yaml'), FILE('{{env}}.host1.rate'));
    const first = await run();
    expect(first.code).toBe(0);
    expect(
      double.checks
        .all()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['healthlake:cv:prod.host1.rate', 'healthlake:cv:staging.host1.rate']);
  });

  it('a placeholder typo stops a staging-only --prune run before any request: nothing is deleted', async () => {
    fs.writeFileSync(path.join(checks, 'app.yaml'), FILE('{{env}}.{{hots}}.rate'));
    const before = double.requests.length;
    const result = await run('--env', 'staging', '--prune');
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `healthlake: ${path.join(checks, 'app.yaml')}:3: checks[0].metric: unknown placeholder {{hots}} (known: {{env}}, {{prefix}})\n`,
    );
    expect(double.requests.slice(before)).toEqual([]);
    expect(double.checks.size).toBe(2);
  });

  it('a broken override of another environment is reported with --env prod, and nothing is written', async () => {
    fs.writeFileSync(
      path.join(checks, 'app.yaml'),
      FILE('{{env}}.host1.rate', '    overrides:\n      staging: { cv: { error: high } }\n'),
    );
    const before = double.requests.length;
    const result = await run('--env', 'prod', '--prune');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'checks[0].heuristics.cv.error: must be a number, got string "high" (environment staging)',
    );
    expect(writesSince(before)).toEqual([]);
    expect(double.checks.size).toBe(2);
  });

  it('an unknown --env lists the declared environments', async () => {
    const result = await run('--env', 'prd', '--prune');
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 3,
      stderr:
        'healthlake: --env: unknown environment "prd"; did you mean "prod"? (declared: prod, staging)\n',
    });
    expect(double.checks.size).toBe(2);
  });
});
