import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/**
 * The CLI as a user installs it (README "Installing"): `npm pack`, then `npm install -g` of the tarball into a
 * temporary prefix, then `healthlake` run from another directory that has its own checks/: the installed
 * command uses those (and says so), not the examples bundled in the package.
 */

const CHECKS = `defaults:
  resolution: daily
checks:
  - metric: "{{prefix}}.mine.weight"
    heuristics:
      timeshift: { warn: 0.05, error: 0.1 }
`;

const TESTS = `tests:
  - name: a 20 % jump in weight is an ERROR
    input_series: [{ series: health.mine.weight, values: "70x13 84" }]
    check: healthlake:timeshift:health.mine.weight
    eval:
      - { at: 13d, state: OK }
      - { at: 14d, state: ERROR }
`;

let dir: string;
let bin: string;
let work: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-install-'));
  // dist/ is built by `npm test`'s pretest; packing must not rebuild it under the running tests.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], {
    cwd: ROOT,
  });
  const tarball = path.join(dir, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
  const prefix = path.join(dir, 'prefix');
  // Dependencies come from npm's cache (filled by `npm ci`); the registry only for what is missing there.
  await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
    { cwd: dir },
  );
  bin = path.join(prefix, 'bin', 'healthlake');
  work = path.join(dir, 'work');
  fs.mkdirSync(path.join(work, 'checks', 'tests'), { recursive: true });
  fs.writeFileSync(path.join(work, 'checks', 'mine.yaml'), CHECKS);
  fs.writeFileSync(path.join(work, 'checks', 'tests', 'mine.yaml'), TESTS);
}, 300000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const healthlake = (...args: string[]) =>
  run(bin, args, { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: dir } });

describe('the packed and installed CLI, run from a directory with its own checks/', () => {
  it('is a `healthlake` command on the PATH of the prefix', () => {
    expect(fs.existsSync(bin)).toBe(true);
    expect(fs.realpathSync(bin).startsWith(path.join(dir, 'prefix'))).toBe(true);
  });

  it('render-checks uses ./checks, not the bundled examples, and says so', async () => {
    const { stdout, stderr } = await healthlake('render-checks');
    expect(stdout).toContain('healthlake:timeshift:health.mine.weight');
    expect(stdout).not.toContain('health.steps');
    // stderr is not a terminal here: the notice is a JSON log line, as a cron log would have it
    const notices = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(notices).toContain(
      'using checks from ./checks, templates from the bundled example templates (no ./templates here); --checks/--templates choose others',
    );
  });

  it('test-checks without arguments runs ./checks/tests', async () => {
    const { stdout } = await healthlake('test-checks');
    expect(stdout).toContain(path.join(work, 'checks', 'tests', 'mine.yaml'));
    expect(stdout).toContain('PASS  a 20 % jump in weight is an ERROR');
    expect(stdout).toContain('1 test(s): 1 passed, 0 failed');
  });
});
